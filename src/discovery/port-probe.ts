// The local port probe (devnets): dial each port of a host, and if a node answers the handshake, add it to the book.

import type { Endpoint } from '../core/address/index.js';
import type { Clock } from '../core/clock.js';
import { resolveHost, type HostResolver } from './resolver.js';
import type { AddressSink, Visitor } from './types.js';

/** Dials in flight at once: a range of 12 devnet ports is probed in three rounds, never a burst of hundreds. */
export const PROBE_CONCURRENCY = 4;
/** A probe is repeated at most every 5 minutes: a devnet's ports do not change faster than that. */
export const PROBE_MIN_INTERVAL_MS = 5 * 60_000;

export interface PortProbeOptions {
  host: string;
  fromPort: number;
  toPort: number;
  resolver: HostResolver;
  visitor: Visitor;
  sink: AddressSink;
  clock: Clock;
  /** Our own listening endpoints: never probed. */
  self(): Endpoint[];
  concurrency?: number;
  minIntervalMs?: number;
}

export interface ProbeResult {
  probed: number;
  /** Endpoints where a node completed the handshake. */
  found: Endpoint[];
  added: number;
  skipped: number;
  error?: string;
}

/**
 * Probes `host:fromPort..toPort`: dial, handshake, goodbye. A node that proves its identity is
 * first-hand knowledge: it goes into the book as its own source, origin 'probe', without penalty.
 * Ports we already use (our own, or a peer's) are skipped. Runs at most once per interval.
 */
export class PortProbe {
  #o: PortProbeOptions;
  #running: Promise<ProbeResult> | undefined;
  #lastRunAt = -Infinity;

  constructor(options: PortProbeOptions) {
    this.#o = options;
  }

  /** Runs the probe unless one runs already or one ran within the interval (`force` skips the interval). */
  run(force = false): Promise<ProbeResult> | undefined {
    if (this.#running) return this.#running;
    const now = this.#o.clock.now();
    if (!force && now - this.#lastRunAt < (this.#o.minIntervalMs ?? PROBE_MIN_INTERVAL_MS)) return undefined;
    this.#lastRunAt = now;
    this.#running = this.#probe().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #probe(): Promise<ProbeResult> {
    const o = this.#o;
    const result: ProbeResult = { probed: 0, found: [], added: 0, skipped: 0 };
    let ip: string;
    try {
      [ip] = (await resolveHost(o.resolver, o.host)) as [string];
    } catch (err) {
      result.error = (err as Error).message;
      return result;
    }
    const self = new Set(o.self().map((e) => `${e.ip}|${e.port}`));
    const selfPorts = new Set(o.self().filter((e) => e.ip === '0.0.0.0' || e.ip === '::').map((e) => e.port));
    const todo: Endpoint[] = [];
    for (let port = o.fromPort; port <= o.toPort; port++) {
      const ep = { ip, port };
      if (self.has(`${ip}|${port}`) || selfPorts.has(port) || o.visitor.isConnected(ep)) result.skipped++;
      else todo.push(ep);
    }
    const worker = async () => {
      for (let ep = todo.shift(); ep; ep = todo.shift()) {
        result.probed++;
        try {
          const session = await o.visitor.visit(ep, 'probe');
          session.close();
          result.found.push(ep);
          result.added += o.sink.add([{ endpoint: ep, time: o.clock.now() }], {
            origin: 'probe',
            source: ep.ip,
            penaltyMs: 0,
            from: `local port probe (node ${session.id.slice(0, 12)} answered)`,
            peerId: session.id,
          });
        } catch {
          // Nothing listens there, or not a node of our network: that is what a probe finds out.
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? PROBE_CONCURRENCY) }, worker));
    result.found.sort((a, b) => a.port - b.port);
    return result;
  }
}
