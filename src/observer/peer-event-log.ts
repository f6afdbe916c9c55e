// The event log: writes each step of a session to its bounded history and emits it once as a typed peer event.
import { TypedEmitter } from '../net/events.js';
import type { Session } from './session.js';
import type { Direction, EventSource, HistoryEntry, ObservedPeerEvent, ObservedState } from './types.js';

/** Why, when and from where a session took a step: the log change behind it and our reason. */
export interface Cause {
  at: number;
  /** The log change ('ColdToWarm', 'PromotedToHotRemote', 'Started', 'socket'…). */
  change: string;
  reason: string;
  source: EventSource;
  /** Free text from the log (an error message, a result), when there is one. */
  detail?: string | undefined;
}

/** What a session's step did: which track went from which state to which. */
export interface Step {
  kind: HistoryEntry['kind'];
  direction: Direction | undefined;
  from: ObservedState | undefined;
  to: ObservedState;
}

export type PeerEventListener = (event: ObservedPeerEvent) => void;

export class PeerEventLog {
  /** History entries a snapshot shows per session (the live history is trimmed in batches above it). */
  readonly historyLimit: number;
  readonly #events = new TypedEmitter<{ event: ObservedPeerEvent }>();

  constructor(historyLimit: number) {
    this.historyLimit = historyLimit;
  }

  /** Subscribes to peer events; returns the unsubscribe function. */
  onEvent(listener: PeerEventListener): () => void {
    return this.#events.on('event', listener);
  }

  /** Adds a step to the session's history only: a note, not a change anyone is told about. */
  remember(s: Session, step: Step, cause: Cause): void {
    this.#remember(s, historyEntry(step, cause));
  }

  /** Adds a step to the session's history and emits it as the session's event. */
  record(s: Session, step: Step, cause: Cause): void {
    const entry = historyEntry(step, cause);
    this.#remember(s, entry);
    if (this.#events.listenerCount('event') === 0) return;
    // Built field by field: a spread (and `delete`) costs more than the rest of the event path.
    const event: ObservedPeerEvent = {
      kind: entry.kind,
      at: entry.at,
      id: s.id,
      local: s.local,
      remote: s.remote,
      direction: entry.direction,
      from: entry.from,
      to: entry.to,
      change: entry.change,
      reason: entry.reason,
      source: entry.source,
    };
    if (entry.detail !== undefined) event.detail = entry.detail;
    this.#events.emit('event', event);
  }

  /** Emits a `failed` event, kept in the history of the session it concerns when there is one. */
  recordFailure(s: Session | undefined, event: ObservedPeerEvent): void {
    if (s) this.#remember(s, historyEntry(event, event));
    this.#events.emit('event', event);
  }

  #remember(s: Session, entry: HistoryEntry): void {
    s.history.push(entry);
    // Trim in batches so a long-lived peer does not pay an O(n) shift on every event.
    if (s.history.length > this.historyLimit * 1.25 + 1) s.history.splice(0, s.history.length - this.historyLimit);
  }
}

/** The history entry of a step, its fields in the public order and `detail` only when there is one. */
function historyEntry(step: Step, cause: Cause): HistoryEntry {
  const e: HistoryEntry = {
    at: cause.at,
    kind: step.kind,
    direction: step.direction,
    from: step.from,
    to: step.to,
    change: cause.change,
    reason: cause.reason,
    source: cause.source,
  };
  if (cause.detail !== undefined) e.detail = cause.detail;
  return e;
}
