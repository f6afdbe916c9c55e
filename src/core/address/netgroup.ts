// Net groups: the /16 (IPv4) or /32 (IPv6) an address belongs to, as Bitcoin Core computes it.
//
// A net group is the unit of diversity. The address book limits how many buckets one group can
// reach and the governor keeps at most one outbound peer per group, so an attacker who owns many
// addresses in a few ranges gains few slots. The byte layout matches Core's NetGroupManager::GetGroup
// without an AS map, because the bucket hashes are computed over these exact bytes: first a network
// class (0 unroutable, 1 IPv4, 2 IPv6), then the prefix bytes.

import { classify, ipBytesOf, type IpLike } from './classify.js';
import { isIpv4Bytes } from './ip.js';

export interface NetGroupOptions {
  /** Group loopback addresses like routable IPv4 (127.a.b.x → {1,127,a}) so a devnet has diversity. */
  allowLoopback?: boolean;
  /** Group private addresses like routable ones (10.a.b.x → {1,10,a}) so a LAN cluster has diversity. */
  allowPrivate?: boolean;
}

const NET_UNROUTABLE = 0;
const NET_IPV4 = 1;
const NET_IPV6 = 2;

const UNROUTABLE_GROUP = Uint8Array.of(NET_UNROUTABLE);

/** The IPv4 address an IPv6 address carries (NAT64, 6to4, Teredo, IPv4-translated), if any. */
function linkedIpv4(x: Uint8Array): [number, number] | undefined {
  if (isIpv4Bytes(x)) return [x[12]!, x[13]!];
  const zeros = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (x[i] !== 0) return false;
    return true;
  };
  // RFC 6052 NAT64 well-known prefix 64:ff9b::/96.
  if (x[0] === 0x00 && x[1] === 0x64 && x[2] === 0xff && x[3] === 0x9b && zeros(4, 12)) return [x[12]!, x[13]!];
  // RFC 6145 IPv4-translated ::ffff:0:a.b.c.d.
  if (zeros(0, 8) && x[8] === 0xff && x[9] === 0xff && x[10] === 0 && x[11] === 0) return [x[12]!, x[13]!];
  // RFC 3964 6to4 2002:aabb:ccdd::/48.
  if (x[0] === 0x20 && x[1] === 0x02) return [x[2]!, x[3]!];
  // RFC 4380 Teredo 2001::/32: the client's IPv4 is stored bit-inverted in the last 4 bytes.
  if (x[0] === 0x20 && x[1] === 0x01 && x[2] === 0x00 && x[3] === 0x00) return [~x[12]! & 0xff, ~x[13]! & 0xff];
  return undefined;
}

function isHurricaneElectric(x: ArrayLike<number>): boolean {
  return x[0] === 0x20 && x[1] === 0x01 && x[2] === 0x04 && x[3] === 0x70;
}

/** The net group of an address (text or 16 bytes), as bytes: {0}, {1,a,b} or {2,b0,b1,b2,b3}. */
export function netGroup(ip: IpLike, opts: NetGroupOptions = {}): Uint8Array {
  const x = ipBytesOf(ip);
  const cls = classify(x);
  const groupedAsRoutable =
    cls === 'routable' || (cls === 'loopback' && !!opts.allowLoopback) || (cls === 'private' && !!opts.allowPrivate);
  if (!groupedAsRoutable) return UNROUTABLE_GROUP.slice();
  const v4 = linkedIpv4(x);
  if (v4) return Uint8Array.of(NET_IPV4, v4[0], v4[1]);
  // Hurricane Electric (2001:470::/32) hands out free tunnels by the thousand: group its space by
  // /36, four bytes plus the high nibble of the fifth padded with 1-bits, as Core does.
  if (isHurricaneElectric(x)) return Uint8Array.of(NET_IPV6, x[0]!, x[1]!, x[2]!, x[3]!, x[4]! | 0x0f);
  return Uint8Array.of(NET_IPV6, x[0]!, x[1]!, x[2]!, x[3]!);
}

/** A net group as text for display and maps: "unroutable", "1.2.0.0/16", "2001:db8::/32", "2001:470:a000::/36". */
export function formatNetGroup(group: Uint8Array): string {
  if (group[0] === NET_IPV4 && group.length === 3) return `${group[1]}.${group[2]}.0.0/16`;
  if (group[0] === NET_IPV6 && (group.length === 5 || group.length === 6)) {
    const w1 = ((group[1]! << 8) | group[2]!).toString(16);
    const w2 = ((group[3]! << 8) | group[4]!).toString(16);
    if (group.length === 5) return `${w1}:${w2}::/32`;
    return `${w1}:${w2}:${((group[5]! & 0xf0) << 8).toString(16)}::/36`;
  }
  return 'unroutable';
}
