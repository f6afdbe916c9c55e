// The hub client: visit each configured hub — connect, announce ourselves, fetch addresses, disconnect.

import type { Endpoint } from '../core/address/index.js';
import type { Clock } from '../core/clock.js';
import { GOSSIP_PENALTY_MS } from './peer-exchange.js';
import { resolveHost, type HostResolver } from './resolver.js';
import type { AddressSink, Visitor } from './types.js';

/** How long a hub may take to answer GETADDR before we leave. */
export const HUB_FETCH_TIMEOUT_MS = 5_000;
/** Hubs are visited again at most every minute, however often addresses run low. */
export const HUB_MIN_INTERVAL_MS = 60_000;

export interface HubClientOptions {
  hubs: ReadonlyArray<{ host: string; port: number }>;
  resolver: HostResolver;
  visitor: Visitor;
  sink: AddressSink;
  clock: Clock;
  /** Our listening endpoints worth announcing (the hub also learns our HELLO port from the handshake). */
  selfEndpoints(): Endpoint[];
  fetchTimeoutMs?: number;
  minIntervalMs?: number;
}

export interface HubVisit {
  hub: string;
  id?: string;
  received: number;
  added: number;
  error?: string;
}

/**
 * A client of rendezvous hubs. A visit is a short connection: the handshake tells the
 * hub where we listen (observed IP + HELLO port), an ADDR announces our own endpoints, a GETADDR
 * fetches what the hub knows, then we say goodbye. The hub's addresses are hearsay: they enter the
 * book dated 2 h back with the hub's IP as source, like any gossip.
 */
export class HubClient {
  #o: HubClientOptions;
  #running: Promise<HubVisit[]> | undefined;
  #lastRunAt = -Infinity;

  constructor(options: HubClientOptions) {
    this.#o = options;
  }

  get size(): number {
    return this.#o.hubs.length;
  }

  /** Visits every hub (in parallel) unless a round runs or ran within the interval (`force` skips the interval). */
  visitAll(force = false): Promise<HubVisit[]> | undefined {
    if (this.#o.hubs.length === 0) return undefined;
    if (this.#running) return this.#running;
    const now = this.#o.clock.now();
    if (!force && now - this.#lastRunAt < (this.#o.minIntervalMs ?? HUB_MIN_INTERVAL_MS)) return undefined;
    this.#lastRunAt = now;
    this.#running = Promise.all(this.#o.hubs.map((h) => this.#visit(h))).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #visit(hub: { host: string; port: number }): Promise<HubVisit> {
    const o = this.#o;
    const label = `${hub.host.includes(':') ? `[${hub.host}]` : hub.host}:${hub.port}`;
    const out: HubVisit = { hub: label, received: 0, added: 0 };
    try {
      const ips = await resolveHost(o.resolver, hub.host);
      const endpoint = { ip: ips[0]!, port: hub.port };
      if (o.visitor.isConnected(endpoint)) {
        out.error = 'already connected to this hub as a peer';
        return out;
      }
      const session = await o.visitor.visit(endpoint, 'hub');
      out.id = session.id;
      try {
        const now = o.clock.now();
        const own = o.selfEndpoints();
        if (own.length > 0) session.announce(own.map((e) => ({ endpoint: e, services: 0n, time: now })));
        const entries = await session.fetchAddresses(o.fetchTimeoutMs ?? HUB_FETCH_TIMEOUT_MS);
        out.received = entries.length;
        if (entries.length > 0) {
          out.added = o.sink.add(
            entries.map((e) => ({ endpoint: e.endpoint, services: e.services, time: e.time })),
            { origin: 'hub', source: endpoint.ip, penaltyMs: GOSSIP_PENALTY_MS, from: `hub ${label}`, peerId: session.id },
          );
        }
      } finally {
        session.close();
      }
    } catch (err) {
      out.error = err instanceof Error ? err.message : String(err);
    }
    return out;
  }
}
