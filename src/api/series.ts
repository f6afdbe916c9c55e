// The last hour of a node's numbers, sampled in the server so a freshly opened dashboard can draw its charts.

import type { Scheduler, Timer } from '../core/clock.js';
import type { Node } from '../node/index.js';
import type { SampleJson, SeriesJson } from './dto.js';
import { documented } from './openapi.js';
import type { FastifyInstance } from './server.js';

export const SAMPLE_INTERVAL_MS = 5000;
/** One hour of samples. */
export const SAMPLES_KEPT = 720;

const sum = (t: Record<string, number>) => Object.values(t).reduce((a, b) => a + b, 0);

/** Cumulative totals now; the page turns consecutive samples into rates. */
export function takeSample(node: Node, at: number): SampleJson {
  const s = node.stats();
  return {
    at,
    peers: { outbound: { ...s.peers.outbound }, inbound: { ...s.peers.inbound } },
    messages: { in: sum(s.counters.messages.in), out: sum(s.counters.messages.out) },
    bytes: { ...s.bytes },
    dials: { ...s.counters.dials },
    penalties: { ...s.counters.penalties },
  };
}

/** Samples the node every 5 s into a ring of one hour and serves it at GET /api/v1/series. */
export class SeriesRecorder {
  readonly #samples: SampleJson[] = [];
  #timer: Timer | undefined;

  constructor(
    readonly node: Node,
    readonly scheduler: Scheduler,
  ) {}

  start(): void {
    const tick = () => {
      this.record();
      this.#timer = this.scheduler.after(SAMPLE_INTERVAL_MS, tick);
    };
    tick();
  }

  stop(): void {
    this.#timer?.cancel();
  }

  record(): void {
    this.#samples.push(takeSample(this.node, this.scheduler.now()));
    if (this.#samples.length > SAMPLES_KEPT) this.#samples.shift();
  }

  samples(): SampleJson[] {
    return [...this.#samples];
  }

  register(app: FastifyInstance): void {
    app.get(
      '/api/v1/series',
      {
        schema: documented({
          summary: 'The last hour of peer counts and cumulative traffic, dial and penalty totals, one sample per 5 s',
          description: 'The last sample is taken at the request and is not kept. With `since`, only recorded samples newer than it (a page that already has the rest).',
          tags: ['status'],
          querystring: { type: 'object', additionalProperties: false, properties: { since: { type: 'integer', minimum: 0, description: 'ms since the epoch' } } },
        }),
      },
      async (req): Promise<SeriesJson> => {
        const since = (req.query as { since?: number }).since ?? -1;
        return { intervalMs: SAMPLE_INTERVAL_MS, samples: [...this.samples().filter((s) => s.at > since), takeSample(this.node, this.scheduler.now())] };
      },
    );
  }
}
