// Prometheus plumbing: the standard process metrics, gauges and counters read at scrape time, and a render cache.

import { PeerwardenError } from '../core/errors.js';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export const METRIC_PREFIX = 'peerwarden_';

/**
 * prom-client's default collectors add these three gauges with a `_total` suffix, which the naming
 * rules reserve for counters (`promtool check metrics` reports them). Each only repeats the sum of
 * its per-type gauge (`nodejs_active_handles{type}` …), so they are dropped rather than renamed:
 * any new name would break existing dashboards just as surely, and `sum(nodejs_active_handles)` is
 * the same number under the standard name. prom-client's maintainers intend to delete them too
 * (prometheus/client_js#283).
 */
const NON_COUNTERS_NAMED_TOTAL = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/**
 * A registry with Node's process metrics (CPU, memory, file descriptors, event-loop lag, heap, GC)
 * under the standard names `process_*` and `nodejs_*`, as every stock Node.js dashboard expects them.
 */
export function createRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  for (const name of NON_COUNTERS_NAMED_TOTAL) registry.removeSingleMetric(name);
  return registry;
}

type Labels = Record<string, string>;

/**
 * `read` computed at most once per scrape and shared by every metric that needs it. A registry
 * calls all its collect functions synchronously, one after the other, when it renders; the value is
 * dropped at the next turn of the event loop, so the next scrape reads afresh. (A node's stats()
 * walks every peer and the whole address book: read once per metric, it made a scrape ~20× dearer.)
 */
export function perScrape<T>(read: () => T): () => T {
  let cached: { value: T } | undefined;
  return () => {
    if (!cached) {
      cached = { value: read() };
      setImmediate(() => (cached = undefined));
    }
    return cached.value;
  };
}

/**
 * A counter whose value is read at scrape time from a cumulative total kept elsewhere (so the
 * source of truth stays in one place). `read` returns [labels, total] pairs.
 */
export function mirroredCounter(registry: Registry, name: string, help: string, labelNames: string[], read: () => [Labels, number][]): void {
  new Counter({
    name: METRIC_PREFIX + name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, value] of read()) if (value > 0) this.inc(labels, value);
    },
  });
}

/** A gauge read at scrape time; `read` returns [labels, value] pairs. */
export function readGauge(registry: Registry, name: string, help: string, labelNames: string[], read: () => [Labels, number][]): void {
  new Gauge({
    name: METRIC_PREFIX + name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, value] of read()) this.set(labels, value);
    },
  });
}

/**
 * The shortest time between two renders. Prometheus scrapes every 15 s or more; anything faster
 * only costs CPU that handshakes and peers need.
 */
export const METRICS_MIN_INTERVAL_MS = 1000;
/** Scrapes waiting for a render at most; past this, more are answered 503 with Retry-After at once. */
export const MAX_WAITING_SCRAPES = 256;

/** Thrown by MetricsCache.get when too many scrapes are already waiting. */
export class MetricsBusyError extends PeerwardenError {
  readonly code = 'metrics-busy';
  override readonly name = 'MetricsBusyError';
  constructor(readonly waiting: number) {
    super(`${waiting} scrapes are already waiting for the metrics: retry in a second, and scrape less often (every 15 s is plenty)`);
  }
}

export interface MetricsCacheOptions {
  minIntervalMs?: number;
  maxWaiting?: number;
  /** Clock and timer, injectable for tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * /metrics rendered at most once per METRICS_MIN_INTERVAL_MS, whatever the number of scrapers.
 * Concurrent scrapes share one render. A scrape that comes sooner than a second after the last
 * render waits for the next one (and shares it) instead of being answered at once: serving even a
 * cached text costs the HTTP work of a request, and a client scraping in a loop would repeat that
 * a thousand times a second. Waiting, it repeats it once a second; fifty such clients cost the node
 * one render and fifty small writes per second, and handshakes keep their CPU. Waiting costs only a
 * timer and the open request, and at most MAX_WAITING_SCRAPES wait.
 */
export class MetricsCache {
  readonly #registry: Registry;
  readonly #minIntervalMs: number;
  readonly #maxWaiting: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  #renderedAt = -Infinity;
  /** The render in flight or scheduled, which every scrape arriving now shares. */
  #next: Promise<string> | undefined;
  #waiting = 0;

  constructor(registry: Registry, opts: MetricsCacheOptions = {}) {
    this.#registry = registry;
    this.#minIntervalMs = opts.minIntervalMs ?? METRICS_MIN_INTERVAL_MS;
    this.#maxWaiting = opts.maxWaiting ?? MAX_WAITING_SCRAPES;
    this.#now = opts.now ?? (() => performance.now());
    this.#sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()));
  }

  get contentType(): string {
    return this.#registry.contentType;
  }

  /** Scrapes waiting for a render now. */
  get waiting(): number {
    return this.#waiting;
  }

  /** The metrics text, from a render shared with every scrape that waits for it. Throws MetricsBusyError past maxWaiting. */
  async get(): Promise<string> {
    if (this.#waiting >= this.#maxWaiting) throw new MetricsBusyError(this.#waiting);
    this.#next ??= this.#render(this.#renderedAt + this.#minIntervalMs - this.#now());
    this.#waiting++;
    try {
      return await this.#next;
    } finally {
      this.#waiting--;
    }
  }

  async #render(delayMs: number): Promise<string> {
    try {
      if (delayMs > 0) await this.#sleep(delayMs);
      const text = await this.#registry.metrics();
      this.#renderedAt = this.#now();
      return text;
    } finally {
      this.#next = undefined;
    }
  }
}
