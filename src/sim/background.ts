// The background of an eclipse victim: the many honest addresses a long-running node knows besides the simulated ones.
//
// A victim that has run for months knows tens of thousands of addresses, most of them heard of
// second hand, and has connected to thousands. Simulating every one as a full node is out of reach,
// and unnecessary: what the policy sees is the book (which addresses, from which sources, with which
// history) and whether an address answers when dialled. So the background is (a) entries written
// into the victim's book before it starts, as the attack model of the reference simulation has it —
// gossiped from a few hundred source /16s with the 2-hour penalty, a share already in tried — and
// (b) a farm answering for the addresses that are online, each with its own identity, which answer
// a GETADDR as an honest node does (a random sample of the honest addresses it knows).

import type { Endpoint } from '../core/address/index.js';
import { AddressBook } from '../core/addrbook/index.js';
import type { Random } from '../core/random.js';
import { BACKGROUND_GROUP_BASE, HONEST_GROUPS, endpointOf, honestIp } from './addresses.js';
import { HostFarm, sampleAddrs } from './farm.js';
import type { BookSize } from './honest.js';
import type { Simulation } from './simulation.js';

/** The 2-hour penalty gossiped addresses get (peer exchange's GOSSIP_PENALTY_MS, Bitcoin Core's). */
const GOSSIP_PENALTY_MS = 2 * 3_600_000;
/** Background addresses share /16s four to a group: honest nodes cluster somewhat (hosting providers). */
const PER_GROUP = 4;

export interface BackgroundOptions {
  /** Honest addresses the victim knows of (default in the reference model: 20,000). */
  count: number;
  /** Distinct source /16s they were gossiped from (400). */
  sources: number;
  /** Share of them that answer when dialled (0.5). */
  online: number;
  /** Online ones already in the victim's tried table (3,000). */
  tried: number;
  /** How many addresses an online one sends back to a GETADDR (an honest node with a big book sends 1000). */
  answer: number;
  /** Their "last heard of" times are spread over this much of the past (48 h). */
  spreadMs: number;
}

export class Background {
  readonly addresses: Endpoint[] = [];
  readonly online: Endpoint[] = [];
  readonly sourceIps: string[] = [];
  readonly farm: HostFarm;
  readonly #ips = new Set<string>();
  readonly #o: BackgroundOptions;
  readonly #sim: Simulation;
  readonly #random: Random;

  constructor(sim: Simulation, options: BackgroundOptions) {
    this.#sim = sim;
    this.#o = options;
    this.#random = sim.random('background');
    const groups = Math.ceil(options.count / PER_GROUP);
    if (BACKGROUND_GROUP_BASE + groups > HONEST_GROUPS) throw new RangeError(`at most ${(HONEST_GROUPS - BACKGROUND_GROUP_BASE) * PER_GROUP} background addresses`);
    for (let k = 0; k < options.count; k++) {
      const ep = endpointOf(honestIp(BACKGROUND_GROUP_BASE + Math.floor(k / PER_GROUP), k % PER_GROUP));
      this.addresses.push(ep);
      this.#ips.add(ep.ip);
      if (this.#random.float() < options.online) this.online.push(ep);
    }
    // Sources: one address each from `sources` groups spread over the background.
    const n = Math.min(options.sources, groups);
    for (let s = 0; s < n; s++) this.sourceIps.push(honestIp(BACKGROUND_GROUP_BASE + Math.floor((s * groups) / n), 0));
    const answerRandom = sim.random('background/answers');
    this.farm = new HostFarm(sim, {
      label: 'background',
      behaviour: {
        answerGetAddr: () => sampleAddrs(this.addresses, options.answer, sim.clock.now() - Math.floor(answerRandom.float() * 3_600_000), answerRandom),
      },
    });
  }

  isBackground(ip: string): boolean {
    return this.#ips.has(ip);
  }

  /** Online addresses start answering. */
  listen(): Promise<void> {
    return this.farm.listen(this.online);
  }

  /**
   * A victim's book as it would look after a long run: every background address gossiped from
   * its source with the 2-hour penalty, then `tried` online ones promoted by a successful
   * connection. `extra` (e.g. the simulated honest nodes) is added the same way.
   */
  book(size: BookSize, extra: readonly Endpoint[] = []): AddressBook {
    const sim = this.#sim;
    const r = this.#random;
    const book = new AddressBook({ key: r.bytes(32), clock: sim.clock, random: sim.random('background/book'), ...size });
    const now = sim.clock.now();
    const all = [...this.addresses, ...extra];
    all.forEach((endpoint, k) => {
      const source = this.sourceIps[k % this.sourceIps.length]!;
      book.add({ endpoint, time: now - Math.floor(r.float() * this.#o.spreadMs), origin: 'exchange' }, source, GOSSIP_PENALTY_MS);
    });
    const candidates = [...this.online, ...extra];
    const want = Math.min(this.#o.tried, candidates.length);
    const chosen = new Set<number>();
    while (chosen.size < want) chosen.add(r.int(candidates.length));
    for (const i of [...chosen].sort((a, b) => a - b)) book.good(candidates[i]!);
    return book;
  }
}
