// A sybil swarm: many node ids behind few IPs in few /16s, dialling honest nodes and advertising each other.
//
// Identity is free: one machine can present any number of node ids. The swarm runs `idsPerIp`
// ids on each of `ipsPerGroup` IPs in each of `groups` /16s (one port per id). Every id dials
// `dialsPerId` random honest nodes (taking their inbound slots), advertises a few swarm addresses
// on each connection every `advertiseEveryMs` (small, fresh ADDRs are the kind honest nodes relay),
// answers GETADDR with 1000 swarm addresses, and replaces a lost connection with a dial to another
// honest node. What limits it is the policy's view of addresses, not ids: one automatic outbound
// peer per /16, at most 4 inbound connections per IP, eviction by net group.

import type { Endpoint } from '../core/address/index.js';
import type { Connection } from '../net/connection.js';
import { hostileIp, SIM_PORT } from './addresses.js';
import { HostFarm, sampleAddrs, type FarmHost } from './farm.js';
import type { Simulation } from './simulation.js';

export interface SybilOptions {
  groups: number;
  ipsPerGroup: number;
  idsPerIp: number;
  dialsPerId: number;
  advertiseEveryMs: number;
  /** Addresses per advertisement (≤ 10 are relayed by honest nodes). */
  advertiseCount: number;
  /** Ids start at random times within this window. */
  joinWindowMs: number;
  redialMs: number;
}

export interface SybilStats {
  dials: number;
  connected: number;
  failed: number;
  advertised: number;
}

export class SybilSwarm {
  readonly endpoints: Endpoint[] = [];
  readonly farm: HostFarm;
  readonly stats: SybilStats = { dials: 0, connected: 0, failed: 0, advertised: 0 };
  readonly #sim: Simulation;
  readonly #o: SybilOptions;
  readonly #random;

  constructor(sim: Simulation, options: SybilOptions) {
    this.#sim = sim;
    this.#o = options;
    this.#random = sim.random('sybil');
    for (let g = 0; g < options.groups; g++) {
      for (let i = 0; i < options.ipsPerGroup; i++) {
        for (let k = 0; k < options.idsPerIp; k++) this.endpoints.push({ ip: hostileIp(g, i), port: SIM_PORT + k });
      }
    }
    const answers = sim.random('sybil/answers');
    this.farm = new HostFarm(sim, {
      label: 'sybil',
      behaviour: {
        answerGetAddr: () => sampleAddrs(this.endpoints, 1000, sim.clock.now(), answers),
        established: (_host, conn) => this.#advertise(conn),
      },
    });
  }

  get ids(): number {
    return this.endpoints.length;
  }

  listen(): Promise<void> {
    return this.farm.listen(this.endpoints);
  }

  /** Starts every id within the join window from `atMs`; `targets()` lists the honest endpoints to dial. */
  start(atMs: number, targets: () => readonly string[]): void {
    for (const ep of this.endpoints) {
      const at = atMs + Math.floor(this.#random.float() * this.#o.joinWindowMs);
      this.#sim.at(at, 'sybil start', () => {
        const host = this.farm.host(ep);
        const chosen = new Set<string>();
        const list = targets();
        for (let d = 0; d < this.#o.dialsPerId && chosen.size < list.length; d++) {
          let t: string;
          do t = list[this.#random.int(list.length)]!;
          while (chosen.has(t));
          chosen.add(t);
          void this.#dial(host, t, targets);
        }
      });
    }
  }

  async #dial(host: FarmHost, target: string, targets: () => readonly string[]): Promise<void> {
    await host.ready;
    this.stats.dials++;
    let conn: Connection;
    try {
      conn = await host.manager.dial(target);
    } catch {
      this.stats.failed++;
      this.#redial(host, targets);
      return;
    }
    this.stats.connected++;
    void conn.closed.then(() => this.#redial(host, targets));
  }

  #redial(host: FarmHost, targets: () => readonly string[]): void {
    const wait = Math.round(this.#o.redialMs * (0.5 + this.#random.float()));
    this.#sim.after(wait, 'sybil redial', () => {
      const list = targets();
      if (list.length === 0) return;
      return this.#dial(host, list[this.#random.int(list.length)]!, targets);
    });
  }

  /** Advertises swarm addresses on a connection now and every interval while it lasts. */
  #advertise(conn: Connection): void {
    const tick = () => {
      if (!conn.isOpen) return;
      if (conn.sendAddr(sampleAddrs(this.endpoints, this.#o.advertiseCount, this.#sim.clock.now(), this.#random))) this.stats.advertised++;
      this.#sim.after(this.#o.advertiseEveryMs, 'sybil advertisement', tick);
    };
    tick();
  }
}
