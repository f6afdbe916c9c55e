// The eclipse attacker: many addresses in few /16s, all answering; it floods a victim with ADDR and takes its inbound slots.
//
// The attack of Heilman et al. (USENIX Security 2015) against a node that runs the defences of
// Bitcoin Core since 0.10–0.21 (and peerwarden's): the attacker owns `groups` /16s with `perGroup`
// addresses each, every one a host that completes the handshake (so the victim's feelers succeed
// and move attacker addresses into tried). From up to `inbound` of them it connects to the victim —
// taking inbound slots honest peers could have had — and sends an ADDR of `addrPerMessage` attacker
// addresses every `floodEveryMs`; the victim's 0.1 address/s per-peer rate limit drops most of it.
// When the victim dials one of its addresses (an outbound slot or a feeler) and sends GETADDR, the
// attacker answers with 1000 of its addresses, dated now. Closed connections are reopened.

import type { Endpoint } from '../core/address/index.js';
import type { Connection } from '../net/connection.js';
import { encodeAddr, type AddrEntry } from '../wire/control-codec.js';
import { endpointOf, hostileIp } from './addresses.js';
import { HostFarm, sampleAddrs, type FarmHost } from './farm.js';
import type { Simulation } from './simulation.js';

/** Distinct flood messages in use at a time. */
const FRAME_POOL = 32;
/** A flood message is re-drawn (with fresh times) after this long. */
const FRAME_FRESH_MS = 10 * 60_000;

export interface AttackerOptions {
  /** Hostile /16s. */
  groups: number;
  /** Addresses in each. */
  perGroup: number;
  /** Inbound connections the attacker keeps open to the victim (0: none). */
  inbound: number;
  floodEveryMs: number;
  /** Entries per ADDR (at most 1000, the protocol limit; more would be an offence). */
  addrPerMessage: number;
  /** Wait before reopening a connection the victim closed or refused. */
  reconnectMs: number;
}

export interface AttackerStats {
  connectionsOpened: number;
  connectionsLost: number;
  refused: number;
  addrMessages: number;
  addrEntries: number;
}

export class EclipseAttacker {
  readonly addresses: Endpoint[] = [];
  readonly farm: HostFarm;
  readonly stats: AttackerStats = { connectionsOpened: 0, connectionsLost: 0, refused: 0, addrMessages: 0, addrEntries: 0 };
  readonly #sim: Simulation;
  readonly #o: AttackerOptions;
  readonly #random;
  /**
   * Flood messages, reused: drawing and encoding 1000 entries per message would cost the
   * simulation more than the victim's handling of them. On the message-level network they go as
   * entries (the victim gets the same objects it would decode), on the byte level as encoded frames.
   */
  readonly #frames: { entries: AddrEntry[]; bytes: Uint8Array | undefined; builtAt: number }[] = [];

  constructor(sim: Simulation, options: AttackerOptions) {
    this.#sim = sim;
    this.#o = options;
    this.#random = sim.random('attacker');
    for (let g = 0; g < options.groups; g++) for (let h = 0; h < options.perGroup; h++) this.addresses.push(endpointOf(hostileIp(g, h)));
    const answers = sim.random('attacker/answers');
    this.farm = new HostFarm(sim, {
      label: 'attacker',
      behaviour: { answerGetAddr: () => sampleAddrs(this.addresses, 1000, sim.clock.now(), answers) },
    });
  }

  /** Every attacker address starts answering. */
  listen(): Promise<void> {
    return this.farm.listen(this.addresses);
  }

  /** Opens the inbound connections to `victim` ("ip:port"), one attacker /16 after the other, and starts flooding. */
  attack(victim: string): void {
    const { groups, perGroup, inbound } = this.#o;
    for (let k = 0; k < Math.min(inbound, this.addresses.length); k++) {
      // Connection k comes from group k mod groups: spread over the groups, as eviction favours diverse groups.
      const ep = this.addresses[(k % groups) * perGroup + Math.floor(k / groups)]!;
      // A few ms apart: a burst of simultaneous handshakes is not what makes the attack work.
      this.#sim.after(k * 50, `attacker connection ${k}`, () => this.#connect(this.farm.host(ep), victim));
    }
  }

  async #connect(host: FarmHost, victim: string): Promise<void> {
    await host.ready;
    let conn: Connection;
    try {
      conn = await host.manager.dial(victim);
    } catch {
      this.stats.refused++;
      this.#retry(host, victim);
      return;
    }
    this.stats.connectionsOpened++;
    const flood = () => {
      if (!conn.isOpen) return;
      const f = this.#floodFrame();
      if (this.#sim.transport === 'message' ? conn.sendAddr(f.entries) : conn.sendFrame((f.bytes ??= encodeAddr(f.entries)))) {
        this.stats.addrMessages++;
        this.stats.addrEntries += Math.min(1000, this.#o.addrPerMessage, this.addresses.length);
      }
      this.#sim.after(this.#o.floodEveryMs, 'attacker flood', flood);
    };
    flood();
    void conn.closed.then(() => {
      this.stats.connectionsLost++;
      this.#retry(host, victim);
    });
  }

  /**
   * One of FRAME_POOL ADDR messages of random attacker addresses (encoded on first use on the byte level), rebuilt when older
   * than FRAME_FRESH_MS so the entries stay fresh (dated within the last 10 minutes, as relayable
   * news must be).
   */
  #floodFrame(): { entries: AddrEntry[]; bytes: Uint8Array | undefined } {
    const now = this.#sim.clock.now();
    const k = this.#random.int(FRAME_POOL);
    let f = this.#frames[k];
    if (!f || now - f.builtAt >= FRAME_FRESH_MS) {
      // Whole seconds, as the wire carries them: the same entries either way.
      const t = Math.floor(now / 1000) * 1000;
      f = { entries: sampleAddrs(this.addresses, Math.min(1000, this.#o.addrPerMessage), t, this.#random), bytes: undefined, builtAt: now };
      this.#frames[k] = f;
    }
    return f;
  }

  #retry(host: FarmHost, victim: string): void {
    // ±50 % so the reconnects of many connections do not march in step.
    const wait = Math.round(this.#o.reconnectMs * (0.5 + this.#random.float()));
    this.#sim.after(wait, 'attacker reconnect', () => this.#connect(host, victim));
  }
}
