// What the views share: the API's mode and newest status, the event log, the kept samples, peer scores.

import type { SampleStore } from '../lib/series.js';
import type { AnyStatusJson } from '../lib/types.js';
import type { EventLog } from './event-log.js';
import type { ScoreTracker } from './score-tracker.js';

export interface AppContext {
  readonly mode: 'node' | 'hub' | 'observer';
  /** The newest GET /api/v1/status answer. */
  status(): AnyStatusJson;
  readonly events: EventLog;
  readonly samples: SampleStore;
  readonly scores: ScoreTracker;
  /** Where the API token lives, for the token dialog (from the status's dataDir). */
  tokenFile(): string | undefined;
  /** Opens a view (and an optional parameter such as a peer id). */
  go(view: string, param?: string): void;
}
