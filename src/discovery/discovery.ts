// Discovery: runs every source (seeds, DNS seeds, hubs, local probe) at start and again when addresses run low.

import type { Endpoint } from '../core/address/index.js';
import type { Scheduler, Timer } from '../core/clock.js';
import type { Random } from '../core/random.js';
import { HubClient, type HubVisit } from './hubs.js';
import { PortProbe, type ProbeResult } from './port-probe.js';
import type { HostResolver } from './resolver.js';
import { SeedSource, type SeedResult, type SeedSpec } from './seeds.js';
import type { AddressSink, Visitor } from './types.js';

/** How often the book's size is checked against the low-water mark. */
export const LOW_BOOK_CHECK_MS = 60_000;

export interface DiscoveryTuning {
  seedRetryBaseMs?: number;
  seedRetryMaxMs?: number;
  /** Sources are asked again at most this often (seeds, DNS seeds, hubs). */
  minIntervalMs?: number;
  /** The local probe repeats at most this often. */
  probeIntervalMs?: number;
  hubFetchTimeoutMs?: number;
  /** Book sizes below this count as "running low" (default: twice the outbound target). */
  lowWater?: number;
  lowBookCheckMs?: number;
}

export interface DiscoveryOptions extends DiscoveryTuning {
  seeds: readonly SeedSpec[];
  dnsSeeds: readonly SeedSpec[];
  hubs: readonly SeedSpec[];
  localProbe: { host: string; fromPort: number; toPort: number } | null;
  resolver: HostResolver;
  scheduler: Scheduler;
  random: Random;
  sink: AddressSink;
  visitor: Visitor;
  /** Our listening endpoints: never probed; announced to hubs. */
  selfEndpoints(): Endpoint[];
  /** Told after each source's round, for events, logs and counters. */
  onEvent?(event: DiscoveryEvent): void;
}

export type DiscoveryEvent =
  | ({ source: 'seed' | 'dns'; reason: string } & SeedResult)
  | { source: 'hub'; reason: string; visits: HubVisit[] }
  | ({ source: 'probe'; reason: string } & ProbeResult);

/**
 * The discovery scheduler. `start()` asks every configured source once; `requestAddresses(reason)`
 * — from the governor when it has nothing to dial, and from a periodic check when the book holds
 * fewer addresses than the low-water mark — asks them again, each within its own rate limit.
 */
export class Discovery {
  #o: DiscoveryOptions;
  #seeds: SeedSource;
  #dns: SeedSource;
  #hubs: HubClient;
  #probe: PortProbe | undefined;
  #timer: Timer | undefined;
  #stopped = false;
  #lastRequest: { at: number; reason: string } | undefined;
  #reason = 'startup';

  constructor(options: DiscoveryOptions) {
    this.#o = options;
    const common = {
      resolver: options.resolver,
      scheduler: options.scheduler,
      random: options.random,
      sink: options.sink,
      ...(options.seedRetryBaseMs !== undefined ? { retryBaseMs: options.seedRetryBaseMs } : {}),
      ...(options.seedRetryMaxMs !== undefined ? { retryMaxMs: options.seedRetryMaxMs } : {}),
      ...(options.minIntervalMs !== undefined ? { minIntervalMs: options.minIntervalMs } : {}),
    };
    const onResult = (r: SeedResult) => this.#emit({ ...r, source: r.origin, reason: this.#reason });
    this.#seeds = new SeedSource({ ...common, origin: 'seed', seeds: options.seeds, onResult });
    this.#dns = new SeedSource({ ...common, origin: 'dns', seeds: options.dnsSeeds, onResult });
    this.#hubs = new HubClient({
      hubs: options.hubs,
      resolver: options.resolver,
      visitor: options.visitor,
      sink: options.sink,
      clock: options.scheduler,
      selfEndpoints: options.selfEndpoints,
      ...(options.hubFetchTimeoutMs !== undefined ? { fetchTimeoutMs: options.hubFetchTimeoutMs } : {}),
      ...(options.minIntervalMs !== undefined ? { minIntervalMs: options.minIntervalMs } : {}),
    });
    if (options.localProbe) {
      this.#probe = new PortProbe({
        ...options.localProbe,
        resolver: options.resolver,
        visitor: options.visitor,
        sink: options.sink,
        clock: options.scheduler,
        self: options.selfEndpoints,
        ...(options.probeIntervalMs !== undefined ? { minIntervalMs: options.probeIntervalMs } : {}),
      });
    }
  }

  /** When discovery was last asked for addresses, and why. */
  get lastRequest(): { at: number; reason: string } | undefined {
    return this.#lastRequest;
  }

  /** Asks every source once and starts the low-book check. Returns when the first round is done. */
  async start(): Promise<void> {
    this.#lastRequest = { at: this.#o.scheduler.now(), reason: 'startup' };
    this.#armCheck();
    await Promise.all([this.#seeds.start(), this.#dns.start(), this.#runHubs('startup', true), this.#runProbe('startup', true)]);
  }

  /** Addresses are needed (the governor starves, or the book runs low): ask every source that may be asked now. */
  requestAddresses(reason: string): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    this.#lastRequest = { at: this.#o.scheduler.now(), reason };
    this.#reason = reason;
    return Promise.all([this.#seeds.request(), this.#dns.request(), this.#runHubs(reason, false), this.#runProbe(reason, false)]).then(() => undefined);
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#seeds.stop();
    this.#dns.stop();
  }

  async #runHubs(reason: string, force: boolean): Promise<void> {
    const round = this.#hubs.visitAll(force);
    if (!round) return;
    const visits = await round;
    if (!this.#stopped) this.#emit({ source: 'hub', reason, visits });
  }

  async #runProbe(reason: string, force: boolean): Promise<void> {
    const round = this.#probe?.run(force);
    if (!round) return;
    const result = await round;
    if (!this.#stopped) this.#emit({ source: 'probe', reason, ...result });
  }

  #armCheck(): void {
    const every = this.#o.lowBookCheckMs ?? LOW_BOOK_CHECK_MS;
    this.#timer = this.#o.scheduler.after(every, () => {
      if (this.#stopped) return;
      const size = this.#o.sink.size();
      const low = this.#o.lowWater ?? 24;
      if (size < low) void this.requestAddresses(`address book low (${size} < ${low} addresses)`);
      this.#armCheck();
    });
  }

  #emit(e: DiscoveryEvent): void {
    if (this.#stopped) return;
    try {
      this.#o.onEvent?.(e);
    } catch {
      // a listener's bug must not stop discovery
    }
  }
}
