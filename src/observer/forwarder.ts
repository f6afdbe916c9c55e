// Forwards peer events to a collector over HTTP (openblockperf-style JSON), with retries and a bounded queue.
import type { Scheduler } from '../core/clock.js';
import { systemScheduler } from '../platform/index.js';
import type { ObservedPeerEvent } from './types.js';

/** The JSON body posted for each peer event (field names as openblockperf's PeerEventRequest). */
export interface ForwardedPeerEvent {
  /** ISO 8601 time of the event. */
  at: string;
  direction: 'inbound' | 'outbound' | 'unknown';
  local_addr: string | null;
  local_port: number | null;
  remote_addr: string;
  remote_port: number;
  /** `<from>_to_<to>`, e.g. `cold_to_warm`; `closed` sessions end in `_to_cold`. */
  change_type: string;
  /** The peer's state after the event. */
  last_state: string;
  /** Our additions: what happened and why. */
  event: ObservedPeerEvent['kind'];
  reason: string;
}

export interface ForwarderOptions {
  url: string;
  /** Extra request headers (e.g. an API key). */
  headers?: Record<string, string>;
  /**
   * Events waiting to be sent; when full the oldest is dropped (and counted). 10,000 is hours of
   * events of a busy relay, about 3 MB, so a collector outage of that length loses nothing.
   */
  maxQueue?: number;
  /** Attempts per event after the first (default 5), with exponential backoff from `retryDelayMs`. */
  retries?: number;
  /** First retry delay (default 1 s, doubling up to 60 s). */
  retryDelayMs?: number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  scheduler?: Scheduler;
  /** Injected fetch (default globalThis.fetch). */
  fetch?: typeof fetch;
  /** Called on each give-up or drop, for logging. */
  onProblem?: (message: string) => void;
}

export interface ForwarderStats {
  sent: number;
  /** Events given up after all retries, or refused with a 4xx. */
  failed: number;
  /** Events dropped because the queue was full. */
  dropped: number;
  queued: number;
}

const MAX_RETRY_DELAY_MS = 60_000;

/** The payload for one event; `failed` events have no state change and are not forwarded. */
export function toForwardedEvent(e: ObservedPeerEvent): ForwardedPeerEvent {
  return {
    at: new Date(e.at).toISOString(),
    direction: e.direction ?? 'unknown',
    local_addr: e.local?.ip ?? null,
    local_port: e.local?.port ?? null,
    remote_addr: e.remote.ip,
    remote_port: e.remote.port,
    change_type: `${e.from ?? 'unknown'}_to_${e.to}`,
    last_state: e.to,
    event: e.kind,
    reason: e.reason,
  };
}

/** Whether an HTTP status is worth retrying: server errors, rate limiting and timeouts. */
function retryable(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

export class Forwarder {
  readonly #options: ForwarderOptions;
  readonly #scheduler: Scheduler;
  readonly #fetch: typeof fetch;
  readonly #queue: ForwardedPeerEvent[] = [];
  readonly #stats = { sent: 0, failed: 0, dropped: 0 };
  #busy = false;
  #stopped = false;
  #idle: (() => void)[] = [];

  constructor(options: ForwarderOptions) {
    this.#options = options;
    this.#scheduler = options.scheduler ?? systemScheduler;
    this.#fetch = options.fetch ?? globalThis.fetch;
    new URL(options.url); // throws TypeError on a bad URL, before any event is queued
  }

  /** Queues a peer event for posting (`failed` attempts are skipped: no state changed). */
  enqueue(event: ObservedPeerEvent): void {
    if (this.#stopped || event.kind === 'failed') return;
    this.#queue.push(toForwardedEvent(event));
    const max = this.#options.maxQueue ?? 10_000;
    while (this.#queue.length > Math.max(1, max)) {
      // Drop the oldest event not already being posted (the head is in flight while busy).
      this.#queue.splice(this.#busy ? 1 : 0, 1);
      this.#stats.dropped++;
      this.#options.onProblem?.('forward queue full: dropped the oldest event');
    }
    void this.#pump();
  }

  stats(): ForwarderStats {
    return { ...this.#stats, queued: this.#queue.length };
  }

  /** Resolves when the queue is empty and nothing is in flight. */
  flush(): Promise<void> {
    if (!this.#busy && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Stops sending; queued events are discarded (call flush() first to deliver them). */
  stop(): void {
    this.#stopped = true;
    this.#queue.length = 0;
    this.#wakeIdle();
  }

  async #pump(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      while (!this.#stopped && this.#queue.length > 0) {
        const body = this.#queue[0]!;
        await this.#deliver(body);
        // The queue may have been trimmed meanwhile; remove this event only if still at the head.
        if (this.#queue[0] === body) this.#queue.shift();
      }
    } finally {
      this.#busy = false;
      if (this.#queue.length === 0 || this.#stopped) this.#wakeIdle();
    }
  }

  #wakeIdle(): void {
    const waiting = this.#idle;
    this.#idle = [];
    for (const resolve of waiting) resolve();
  }

  async #deliver(body: ForwardedPeerEvent): Promise<void> {
    const retries = this.#options.retries ?? 5;
    let delay = this.#options.retryDelayMs ?? 1000;
    for (let attempt = 0; ; attempt++) {
      let problem: string;
      try {
        const res = await this.#fetch(this.#options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...this.#options.headers },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(this.#options.timeoutMs ?? 10_000),
        });
        await res.arrayBuffer().catch(() => undefined); // drain so the connection can be reused
        if (res.ok) {
          this.#stats.sent++;
          return;
        }
        problem = `collector answered ${res.status}`;
        if (!retryable(res.status)) {
          this.#stats.failed++;
          this.#options.onProblem?.(`${problem}; event not forwarded`);
          return;
        }
      } catch (err) {
        problem = `posting to collector failed: ${(err as Error).message}`;
      }
      if (attempt >= retries || this.#stopped) {
        this.#stats.failed++;
        this.#options.onProblem?.(`${problem}; gave up after ${attempt + 1} attempts`);
        return;
      }
      await new Promise<void>((resolve) => this.#scheduler.after(delay, resolve));
      delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
    }
  }
}
