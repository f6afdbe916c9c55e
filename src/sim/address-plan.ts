// Where honest nodes sit on the simulated internet: ASes of Zipf-distributed sizes, each spanning as many /16s as it needs.
//
// On the real internet reachable peer-to-peer nodes crowd into a few hosting networks — for
// Bitcoin, the largest AS holds about a tenth of the nodes and the ten largest about a third — while
// the rest are spread thinly over thousands of access networks. Net groups (/16s, or ASes with an
// asmap) are what the address book's bucketing, the one-outbound-per-group rule and inbound
// eviction look at, so a plan that gave every node its own /16 would never exercise them. This plan:
//
// - `ases` ASes (the scenarios' default: 2,500, whatever the number of nodes: the internet does not
//   shrink with the network), ranked 1…A; each node picks its AS with probability ∝ rank^-zipf
//   (Zipf; zipf = 0 is uniform). With zipf = 1 the largest AS gets 12 % of the nodes and the ten
//   largest 35 %, as reachable Bitcoin nodes crowd into Hetzner, AWS and a few other hosts.
// - An AS fills one /16 after another with `perPrefix` nodes each (default 64): a big hosting AS
//   spans many /16s, a small one a single /16 shared by its few nodes.
// - `distinct` gives every node its own /16 and AS instead (the plan of earlier versions).
//
// The plan is drawn from the seed, node by node in index order (nodes added later, like churn's
// newcomers, continue the same draw), and it can write its AS table as an asmap (encodeAsmap), so a
// study can hand nodes AS-aware net groups.

import { encodeAsmap, type AsmapEntry } from '../core/address/index.js';
import type { Random } from '../core/random.js';
import { BACKGROUND_GROUP_BASE, honestIp, hostileIp } from './addresses.js';

export interface AddressPlanOptions {
  /** ASes honest nodes may sit in (0: one per 4 planned nodes, at least 8). */
  ases: number;
  /** Exponent of the AS size distribution (0: uniform). */
  zipf: number;
  /** Nodes per /16 before an AS opens its next /16. */
  perPrefix: number;
  /** Every node in its own /16 and AS. */
  distinct: boolean;
  /** Nodes the plan is made for (sets the default number of ASes). */
  nodes: number;
}

/** AS numbers of the simulated internet: honest ASes from here up, hostile ones from HOSTILE_ASN_BASE, the eclipse background's from BACKGROUND_ASN_BASE. */
export const HONEST_ASN_BASE = 200_000;
export const HOSTILE_ASN_BASE = 300_000;
export const BACKGROUND_ASN_BASE = 400_000;

interface PlannedAs {
  asn: number;
  /** Honest /16 group numbers (see honestIp), in the order opened. */
  groups: number[];
  /** Hosts placed in the last group. */
  filled: number;
  nodes: number;
}

export interface AddressPlanSummary {
  distribution: string;
  ases: number;
  asesUsed: number;
  groups: number;
  largestAsShare: number;
  top10AsShare: number;
  largestGroupNodes: number;
  /** Nodes per AS, largest first (the first 20). */
  largestAses: { asn: number; nodes: number; groups: number }[];
}

export class AddressPlan {
  readonly options: AddressPlanOptions;
  readonly #random: Random;
  readonly #ases: PlannedAs[];
  /** Cumulative Zipf weights (ranks 1…A). */
  readonly #cdf: Float64Array;
  readonly #ips: string[] = [];
  readonly #asOfIp = new Map<string, number>();
  #nextGroup = 0;
  /** Extra prefixes (hostile space) for the asmap. */
  readonly #extra: AsmapEntry[] = [];

  constructor(random: Random, options: AddressPlanOptions) {
    this.options = options;
    this.#random = random;
    const count = options.distinct ? 0 : options.ases > 0 ? options.ases : Math.max(8, Math.ceil(options.nodes / 4));
    this.#ases = Array.from({ length: count }, (_, r) => ({ asn: HONEST_ASN_BASE + r + 1, groups: [], filled: 0, nodes: 0 }));
    this.#cdf = new Float64Array(count);
    let sum = 0;
    for (let r = 0; r < count; r++) {
      sum += (r + 1) ** -options.zipf;
      this.#cdf[r] = sum;
    }
  }

  /** The IP of honest node `index` (nodes must be asked for in index order the first time). */
  ip(index: number): string {
    while (this.#ips.length <= index) this.#ips.push(this.#place());
    return this.#ips[index]!;
  }

  /** The AS number of a planned IP (0 when the plan did not place it). */
  asOf(ip: string): number {
    return this.#asOfIp.get(ip) ?? 0;
  }

  /** Adds prefixes of other hosts (attackers, background) to the AS table the asmap is built from. */
  addPrefixes(entries: readonly AsmapEntry[]): void {
    this.#extra.push(...entries);
  }

  /** The AS table of every /16 placed so far (and the prefixes added), as prefix → AS. */
  prefixes(): AsmapEntry[] {
    const out: AsmapEntry[] = [];
    for (const as of this.#ases) for (const g of as.groups) out.push({ prefix: groupPrefix(g), asn: as.asn });
    for (const [ip, asn] of this.#distinctAs) out.push({ prefix: `${ip.split('.').slice(0, 2).join('.')}.0.0/16`, asn });
    return [...out, ...this.#extra];
  }

  /** The AS table as an asmap file (Bitcoin Core's format), for AS-aware net groups. */
  asmap(): Uint8Array {
    return encodeAsmap(this.prefixes());
  }

  /** The distribution as placed so far, for results and docs. */
  summary(): AddressPlanSummary {
    const o = this.options;
    const placed = this.#ips.length;
    if (o.distinct) {
      return {
        distribution: 'distinct: every node in its own /16 and AS',
        ases: placed,
        asesUsed: placed,
        groups: placed,
        largestAsShare: placed ? 1 / placed : 0,
        top10AsShare: placed ? Math.min(10, placed) / placed : 0,
        largestGroupNodes: placed ? 1 : 0,
        largestAses: [],
      };
    }
    const sizes = this.#ases.filter((a) => a.nodes > 0).sort((a, b) => b.nodes - a.nodes || a.asn - b.asn);
    const groups = sizes.reduce((n, a) => n + a.groups.length, 0);
    const top = (k: number) => sizes.slice(0, k).reduce((n, a) => n + a.nodes, 0) / Math.max(1, placed);
    return {
      distribution: `Zipf(${o.zipf}) over ${this.#ases.length} ASes, ${o.perPrefix} nodes per /16`,
      ases: this.#ases.length,
      asesUsed: sizes.length,
      groups,
      largestAsShare: top(1),
      top10AsShare: top(10),
      largestGroupNodes: Math.min(o.perPrefix, sizes[0]?.nodes ?? 0),
      largestAses: sizes.slice(0, 20).map((a) => ({ asn: a.asn, nodes: a.nodes, groups: a.groups.length })),
    };
  }

  readonly #distinctAs = new Map<string, number>();

  #place(): string {
    if (this.options.distinct) {
      const g = this.#takeGroup();
      const ip = honestIp(g, 0);
      const asn = HONEST_ASN_BASE + g + 1;
      this.#distinctAs.set(ip, asn);
      this.#asOfIp.set(ip, asn);
      return ip;
    }
    const u = this.#random.float() * this.#cdf[this.#cdf.length - 1]!;
    let lo = 0;
    let hi = this.#cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#cdf[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    const as = this.#ases[lo]!;
    if (as.groups.length === 0 || as.filled >= this.options.perPrefix) {
      as.groups.push(this.#takeGroup());
      as.filled = 0;
    }
    const ip = honestIp(as.groups[as.groups.length - 1]!, as.filled++);
    as.nodes++;
    this.#asOfIp.set(ip, as.asn);
    return ip;
  }

  #takeGroup(): number {
    if (this.#nextGroup >= BACKGROUND_GROUP_BASE) throw new RangeError(`the address plan ran out of /16s (${BACKGROUND_GROUP_BASE}) for honest nodes`);
    return this.#nextGroup++;
  }
}

/** The /16 of an IPv4 address as a prefix ("a.b.0.0/16"). */
const prefix16 = (ip: string): string => `${ip.split('.').slice(0, 2).join('.')}.0.0/16`;

/**
 * The AS table of hostile /16s 0…groups-1 (attackers, sybils): spread over `ases` ASes in
 * contiguous runs (0: one AS per /16), numbered from HOSTILE_ASN_BASE + 1 + `firstAs`.
 */
export function hostilePrefixes(groups: number, ases: number, firstAs = 0): AsmapEntry[] {
  const n = ases > 0 ? Math.min(ases, groups) : groups;
  return Array.from({ length: groups }, (_, g) => ({ prefix: prefix16(hostileIp(g)), asn: HOSTILE_ASN_BASE + 1 + firstAs + Math.floor((g * n) / groups) }));
}

/** The AS table of the eclipse victim's background /16s: each its own AS, as thinly spread access networks are. */
export function backgroundPrefixes(groups: number): AsmapEntry[] {
  return Array.from({ length: groups }, (_, k) => ({ prefix: prefix16(honestIp(BACKGROUND_GROUP_BASE + k)), asn: BACKGROUND_ASN_BASE + k + 1 }));
}

/** "a.b.0.0/16" of honest group `g`. */
function groupPrefix(g: number): string {
  const ip = honestIp(g, 0);
  return `${ip.split('.').slice(0, 2).join('.')}.0.0/16`;
}
