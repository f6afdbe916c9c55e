// Net groups: the /16 (IPv4) or /32 (IPv6) an address belongs to, or its AS with an AS map, as Bitcoin Core computes them.
//
// A net group is the unit of diversity. The address book limits how many buckets one group can
// reach and the governor keeps at most one outbound peer per group, so an attacker who owns many
// addresses in a few ranges gains few slots. The byte layout matches Core's NetGroupManager::GetGroup,
// because the bucket hashes are computed over these exact bytes: first a network class (0
// unroutable, 1 IPv4, 2 IPv6), then the prefix bytes.
//
// With an AS map (asmap.ts) a routable address whose AS number is non-zero gets {2, asn as u32
// little-endian} instead. Prefixes are a poor proxy for who controls an address: one hosting
// company announces hundreds of /16s, and a /16 may be split between rivals. The AS is the unit an
// attacker actually has to multiply. Core writes class byte 2 (NET_IPV6) for IPv4 and IPv6 alike so
// that both families of one AS share their buckets: an attacker gains nothing by mixing them.

import type { Asmap } from './asmap.js';
import { classify, ipBytesOf, type IpLike } from './classify.js';
import { linkedIpv4 } from './linked-ipv4.js';

export interface NetGroupOptions {
  /** Group loopback addresses like routable IPv4 (127.a.b.x → {1,127,a}) so a devnet has diversity. */
  allowLoopback?: boolean;
  /** Group private addresses like routable ones (10.a.b.x → {1,10,a}) so a LAN cluster has diversity. */
  allowPrivate?: boolean;
  /**
   * Bitcoin Core's AS map: a routable address that the map places in a non-zero AS is grouped by
   * that AS ({2, asn u32 LE}). Loopback and private addresses are never looked up.
   */
  asmap?: Asmap;
}

const NET_UNROUTABLE = 0;
const NET_IPV4 = 1;
const NET_IPV6 = 2;

const UNROUTABLE_GROUP = Uint8Array.of(NET_UNROUTABLE);

function isHurricaneElectric(x: ArrayLike<number>): boolean {
  return x[0] === 0x20 && x[1] === 0x01 && x[2] === 0x04 && x[3] === 0x70;
}

/** The group of AS `asn` (non-zero): {2, asn as u32 little-endian}, Core's GetGroup with an asmap. */
export function asGroup(asn: number): Uint8Array {
  return Uint8Array.of(NET_IPV6, asn & 0xff, (asn >>> 8) & 0xff, (asn >>> 16) & 0xff, asn >>> 24);
}

/**
 * The net group of an address (text or 16 bytes), as bytes: {0}, {1,a,b}, {2,b0,b1,b2,b3}
 * ({2,b0..b3,b4|0x0f} in Hurricane Electric's 2001:470::/32), or with `asmap` {2, asn LE} for an
 * address the map places in an AS.
 */
export function netGroup(ip: IpLike, opts: NetGroupOptions = {}): Uint8Array {
  const x = ipBytesOf(ip);
  const cls = classify(x);
  // Core asks the map first and only about IPv4/IPv6 net classes (GetMappedAS returns 0 for
  // unroutable addresses), so loopback and private addresses let in by the options keep the groups
  // below even when a map covers them: a devnet behaves the same with and without a map.
  const groupedAsRoutable =
    cls === 'routable' || (cls === 'loopback' && !!opts.allowLoopback) || (cls === 'private' && !!opts.allowPrivate);
  if (!groupedAsRoutable) return UNROUTABLE_GROUP.slice();
  const v4 = linkedIpv4(x);
  if (cls === 'routable' && opts.asmap !== undefined) {
    // Asmap.lookup's rule, with the classification and the embedded IPv4 already at hand.
    const asn = v4 >= 0 ? opts.asmap.interpretIpv4(v4) : opts.asmap.interpret(x);
    if (asn !== 0) return asGroup(asn);
  }
  if (v4 >= 0) return Uint8Array.of(NET_IPV4, v4 >>> 24, (v4 >>> 16) & 0xff);
  // Hurricane Electric (2001:470::/32) hands out free tunnels by the thousand: group its space by
  // /36, four bytes plus the high nibble of the fifth padded with 1-bits, as Core does.
  if (isHurricaneElectric(x)) return Uint8Array.of(NET_IPV6, x[0]!, x[1]!, x[2]!, x[3]!, x[4]! | 0x0f);
  return Uint8Array.of(NET_IPV6, x[0]!, x[1]!, x[2]!, x[3]!);
}

export interface FormatNetGroupOptions {
  /**
   * The group was formed by an AS map (netGroup found a non-zero AS). Needed because an AS group
   * {2, asn LE} and an IPv6 /32 group {2, first 4 bytes} have the same shape: the bytes alone
   * cannot say which one they are (Core cannot either; it never prints groups).
   */
  mapped?: boolean;
}

/**
 * A net group as text for display and maps: "unroutable", "1.2.0.0/16", "2001:db8::/32",
 * "2001:470:a000::/36", or "AS13335" for a group formed by an AS map (`mapped`).
 */
export function formatNetGroup(group: Uint8Array, opts: FormatNetGroupOptions = {}): string {
  if (opts.mapped && group[0] === NET_IPV6 && group.length === 5) {
    return `AS${(group[1]! | (group[2]! << 8) | (group[3]! << 16) | (group[4]! << 24)) >>> 0}`;
  }
  if (group[0] === NET_IPV4 && group.length === 3) return `${group[1]}.${group[2]}.0.0/16`;
  if (group[0] === NET_IPV6 && (group.length === 5 || group.length === 6)) {
    const w1 = ((group[1]! << 8) | group[2]!).toString(16);
    const w2 = ((group[3]! << 8) | group[4]!).toString(16);
    if (group.length === 5) return `${w1}:${w2}::/32`;
    return `${w1}:${w2}:${((group[5]! & 0xf0) << 8).toString(16)}::/36`;
  }
  return 'unroutable';
}

/**
 * The net group of an address as people read it: "AS13335" when `asmap` places it in an AS, else
 * formatNetGroup of its ordinary group ("1.2.0.0/16"…). The one-call form for callers that hold the
 * address rather than the group bytes.
 */
export function netGroupName(ip: IpLike, opts: NetGroupOptions = {}): string {
  const x = ipBytesOf(ip);
  if (opts.asmap !== undefined) {
    const asn = opts.asmap.lookup(x);
    if (asn !== 0) return `AS${asn}`;
  }
  return formatNetGroup(netGroup(x, { allowLoopback: opts.allowLoopback, allowPrivate: opts.allowPrivate }));
}
