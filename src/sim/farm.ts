// A farm of lightweight simulated hosts: many listening addresses, each a ConnectionManager with its own identity, created on first contact.
//
// Attackers and the victim's background of honest addresses need thousands of endpoints that
// answer: a handshake must succeed (the victim's feelers test them), and each must be its own
// node id (two connections to one id are one peer). A full node per address would cost far too
// much, and most addresses are never dialled. So the farm registers a listener per endpoint on the
// memory network and builds the endpoint's ConnectionManager — the real connection layer with
// handshake, pings and framing — only when the first connection arrives or the host must dial.

import { formatEndpoint, type Endpoint } from '../core/address/index.js';
import { identityFromSeed } from '../net/identity.js';
import { ConnectionManager } from '../net/manager.js';
import type { Connection } from '../net/connection.js';
import type { InboundAttempt, Transport } from '../net/transport.js';
import type { AddrEntry } from '../wire/control-codec.js';
import { SIM_NETWORK } from './honest.js';
import type { Simulation } from './simulation.js';

/** What a farm's hosts do beyond keeping connections alive. Every hook is optional. */
export interface HostBehaviour {
  /** The answer to a GETADDR (an empty answer or undefined sends nothing). Asked once per connection. */
  answerGetAddr?(host: FarmHost, conn: Connection): AddrEntry[] | undefined;
  established?(host: FarmHost, conn: Connection): void;
  closed?(host: FarmHost, conn: Connection): void;
}

export interface FarmHost {
  readonly endpoint: Endpoint;
  /** "ip:port" */
  readonly key: string;
  readonly manager: ConnectionManager;
  /** Resolves once the host listens (immediately after creation, a few continuations later). */
  readonly ready: Promise<void>;
}

export interface FarmOptions {
  /** Names the farm in identities and random streams ("attacker", "background"…). */
  label: string;
  behaviour?: HostBehaviour;
}

/** Counters of a farm. */
export interface FarmStats {
  listening: number;
  /** Hosts built so far (each got a ConnectionManager and an identity). */
  hosts: number;
  established: number;
  getaddrAnswered: number;
  addressesSent: number;
}

export class HostFarm {
  readonly stats: FarmStats = { listening: 0, hosts: 0, established: 0, getaddrAnswered: 0, addressesSent: 0 };
  readonly #sim: Simulation;
  readonly #o: FarmOptions;
  readonly #hosts = new Map<string, FarmHost>();
  /** Per host: the manager's inbound callback once it listens, or the attempts that came earlier. */
  readonly #inbound = new Map<string, ((a: InboundAttempt) => void) | InboundAttempt[]>();

  constructor(sim: Simulation, options: FarmOptions) {
    this.#sim = sim;
    this.#o = options;
  }

  /** Listens on every endpoint; a host is built when its first connection arrives. */
  async listen(endpoints: readonly Endpoint[]): Promise<void> {
    for (const ep of endpoints) {
      const key = formatEndpoint(ep);
      await this.#sim.net.transport(ep.ip).listen(ep, (attempt) => this.#deliver(ep, key, attempt));
      this.stats.listening++;
    }
  }

  /** The host at `endpoint`, built now if needed (to dial from it). */
  host(endpoint: Endpoint): FarmHost {
    const key = formatEndpoint(endpoint);
    return this.#hosts.get(key) ?? this.#build(endpoint, key);
  }

  /** Hosts built so far. */
  hosts(): IterableIterator<FarmHost> {
    return this.#hosts.values();
  }

  #deliver(endpoint: Endpoint, key: string, attempt: InboundAttempt): void {
    if (!this.#hosts.has(key)) this.#build(endpoint, key);
    const sink = this.#inbound.get(key);
    if (typeof sink === 'function') sink(attempt);
    else sink!.push(attempt);
  }

  #build(endpoint: Endpoint, key: string): FarmHost {
    const sim = this.#sim;
    const base = sim.net.transport(endpoint.ip);
    this.#inbound.set(key, []);
    // The farm owns the real listener; the manager gets attempts through this transport.
    const transport: Transport = {
      kind: 'memory',
      encrypted: false,
      listen: (ep, onInbound) => {
        const waiting = this.#inbound.get(key);
        this.#inbound.set(key, onInbound);
        if (Array.isArray(waiting)) for (const a of waiting) onInbound(a);
        return Promise.resolve({ endpoint: ep, close: () => Promise.resolve() });
      },
      dial: (ep, options) => base.dial(ep, options),
    };
    const label = `${this.#o.label}/${key}`;
    const manager = new ConnectionManager({
      identity: identityFromSeed(sim.random(`farm-identity/${label}`).bytes(32)),
      network: SIM_NETWORK,
      transport,
      listen: endpoint,
      scheduler: sim.clock,
      random: sim.random(`farm/${label}`),
      userAgent: `peerwarden-sim/${this.#o.label}`,
    });
    const ready = manager.start().then(() => undefined);
    const host: FarmHost = { endpoint, key, manager, ready };
    this.#hosts.set(key, host);
    this.stats.hosts++;
    const b = this.#o.behaviour ?? {};
    manager.on('established', ({ connection }) => {
      this.stats.established++;
      b.established?.(host, connection);
    });
    manager.on('closed', ({ connection }) => b.closed?.(host, connection));
    const answered = new WeakSet<Connection>();
    manager.on('getaddr', ({ connection }) => {
      if (answered.has(connection)) return;
      answered.add(connection);
      const entries = b.answerGetAddr?.(host, connection);
      if (entries && entries.length > 0 && connection.sendAddr(entries)) {
        this.stats.getaddrAnswered++;
        this.stats.addressesSent += entries.length;
      }
    });
    return host;
  }
}

/** `count` distinct entries drawn from `pool` (all of it when smaller), dated `time`. */
export function sampleAddrs(pool: readonly Endpoint[], count: number, time: number, random: { int(n: number): number }): AddrEntry[] {
  const n = Math.min(count, pool.length);
  const out: AddrEntry[] = [];
  if (n > pool.length / 2) {
    // Most of the pool: a partial Fisher–Yates shuffle of the indices.
    const idx = Array.from(pool, (_, i) => i);
    for (let k = 0; k < n; k++) {
      const j = k + random.int(idx.length - k);
      [idx[k], idx[j]] = [idx[j]!, idx[k]!];
      out.push({ endpoint: pool[idx[k]!]!, services: 0n, time });
    }
    return out;
  }
  // A small part of it: draw and skip repeats.
  const picked = new Set<number>();
  while (out.length < n) {
    const i = random.int(pool.length);
    if (picked.has(i)) continue;
    picked.add(i);
    out.push({ endpoint: pool[i]!, services: 0n, time });
  }
  return out;
}
