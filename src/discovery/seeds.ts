// Static seeds and DNS seeds: resolve names to endpoints, add them to the book, retry failures with backoff.

import type { Endpoint } from '../core/address/index.js';
import type { Scheduler, Timer } from '../core/clock.js';
import type { Random } from '../core/random.js';
import { resolveHost, type HostResolver } from './resolver.js';
import type { AddressSink, LearnedAddress } from './types.js';

/** A seed as configured: a host name or IP, and the port nodes listen on there. */
export interface SeedSpec {
  host: string;
  port: number;
}

/** First retry after a failed resolution: Bitcoin Core waits 11 s before asking DNS seeds. */
export const SEED_RETRY_BASE_MS = 11_000;
/** Retries double up to half an hour: a dead seed is asked twice an hour, not hammered. */
export const SEED_RETRY_MAX_MS = 30 * 60_000;
/** Requests for more addresses closer together than this are merged into the last answer. */
export const SEED_MIN_INTERVAL_MS = 60_000;
const DAY_MS = 24 * 60 * 60_000;

export interface SeedSourceOptions {
  /** 'seed' for configured seeds (IPs or names), 'dns' for DNS seeds (names answering with many nodes). */
  origin: 'seed' | 'dns';
  seeds: readonly SeedSpec[];
  resolver: HostResolver;
  scheduler: Scheduler;
  random: Random;
  sink: AddressSink;
  retryBaseMs?: number;
  retryMaxMs?: number;
  minIntervalMs?: number;
  /** Told after every resolution, successful or not (for logs, events and counters). */
  onResult?(result: SeedResult): void;
}

export interface SeedResult {
  origin: 'seed' | 'dns';
  /** The seed as configured ("host:port"). */
  seed: string;
  endpoints: Endpoint[];
  /** How many of them were new to the book. */
  added: number;
  /** Why resolution failed (then a retry is scheduled in `retryInMs`). */
  error?: string;
  retryInMs?: number;
}

interface SeedState {
  spec: SeedSpec;
  label: string;
  failures: number;
  running: boolean;
  retry: Timer | undefined;
  lastDoneAt: number;
}

/**
 * One kind of seed list. Every seed is resolved at start; a failure is retried with doubling
 * backoff (11 s, 22 s, … up to 30 min); `request()` — the node calls it when the book runs low or
 * the governor starves — resolves the seeds again, at most once a minute.
 *
 * Placement in the book follows Bitcoin Core: a configured seed is its own source (it is first-hand
 * knowledge, no penalty, fresh time); the answers of one DNS seed share one source (its lowest
 * address), so one seed — honest or not — reaches at most 64 new-table buckets, and they are dated
 * 3 to 7 days back like Core's, so that addresses heard from live peers rank alongside them.
 */
export class SeedSource {
  readonly origin: 'seed' | 'dns';
  #o: SeedSourceOptions;
  #seeds: SeedState[];
  #stopped = false;
  #retryBaseMs: number;
  #retryMaxMs: number;
  #minIntervalMs: number;

  constructor(options: SeedSourceOptions) {
    this.#o = options;
    this.origin = options.origin;
    this.#retryBaseMs = options.retryBaseMs ?? SEED_RETRY_BASE_MS;
    this.#retryMaxMs = options.retryMaxMs ?? SEED_RETRY_MAX_MS;
    this.#minIntervalMs = options.minIntervalMs ?? SEED_MIN_INTERVAL_MS;
    this.#seeds = options.seeds.map((spec) => ({
      spec,
      label: `${spec.host.includes(':') ? `[${spec.host}]` : spec.host}:${spec.port}`,
      failures: 0,
      running: false,
      retry: undefined,
      lastDoneAt: -Infinity,
    }));
  }

  get size(): number {
    return this.#seeds.length;
  }

  /** Resolves every seed now. Resolves when all answers (or failures) are in. */
  start(): Promise<void> {
    return Promise.all(this.#seeds.map((s) => this.#query(s))).then(() => undefined);
  }

  /** Asks the seeds again (the book runs low); seeds asked in the last minute or waiting for a retry are skipped. */
  request(): Promise<void> {
    const now = this.#o.scheduler.now();
    const due = this.#seeds.filter((s) => !s.running && s.retry === undefined && now - s.lastDoneAt >= this.#minIntervalMs);
    return Promise.all(due.map((s) => this.#query(s))).then(() => undefined);
  }

  stop(): void {
    this.#stopped = true;
    for (const s of this.#seeds) {
      s.retry?.cancel();
      s.retry = undefined;
    }
  }

  async #query(s: SeedState): Promise<void> {
    if (this.#stopped || s.running) return;
    s.running = true;
    s.retry?.cancel();
    s.retry = undefined;
    let ips: string[] | undefined;
    let error: string | undefined;
    try {
      ips = await resolveHost(this.#o.resolver, s.spec.host);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    s.running = false;
    if (this.#stopped) return;
    const { scheduler, sink, onResult } = this.#o;
    const now = scheduler.now();
    if (!ips) {
      s.failures++;
      const delay = Math.min(this.#retryMaxMs, this.#retryBaseMs * 2 ** Math.min(s.failures - 1, 30));
      s.retry = scheduler.after(delay, () => {
        s.retry = undefined;
        void this.#query(s);
      });
      onResult?.({ origin: this.origin, seed: s.label, endpoints: [], added: 0, error: error ?? 'no address', retryInMs: delay });
      return;
    }
    s.failures = 0;
    s.lastDoneAt = now;
    // Port 0 is never dialled or gossiped: a seed configured with it contributes nothing.
    const endpoints: Endpoint[] = s.spec.port === 0 ? [] : ips.map((ip) => ({ ip, port: s.spec.port }));
    let added = 0;
    if (this.origin === 'seed') {
      for (const endpoint of endpoints) {
        added += sink.add([{ endpoint, time: now }], { origin: 'seed', source: endpoint.ip, penaltyMs: 0, from: `seed ${s.label}` });
      }
    } else if (endpoints.length > 0) {
      const learned: LearnedAddress[] = endpoints.map((endpoint) => ({ endpoint, time: now - 3 * DAY_MS - this.#o.random.int(4 * DAY_MS) }));
      added = sink.add(learned, { origin: 'dns', source: endpoints[0]!.ip, penaltyMs: 0, from: `dns seed ${s.label}` });
    }
    onResult?.({ origin: this.origin, seed: s.label, endpoints, added });
  }
}
