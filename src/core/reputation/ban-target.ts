// Ban targets: strict parsing of a node id, an IP or a CIDR subnet into one canonical form, and matching.
//
// Canonical forms make the ban list a set: "2001:DB8::/32" and "2001:db8:0::/32" are one ban, and
// unbanning either removes it. Prefixes are held in the 16-byte IPv6 space Core uses (an IPv4
// /n is the IPv4-mapped /96+n), so one matcher serves both families. A subnet whose host bits are
// set ("10.1.2.3/8") is refused rather than silently widened: the operator may have meant
// 10.1.2.3/32, and a ban should never be wider than what was asked.

import { PeerwardenError } from '../errors.js';
import { AddressParseError, formatIpBytes, isIpv4Bytes, parseIpBytes } from '../address/index.js';

export type BanKind = 'id' | 'ip' | 'subnet';

/** A parsed ban target. `target` is the canonical text (lowercase id, canonical IP, masked CIDR). */
export interface BanTarget {
  readonly kind: BanKind;
  readonly target: string;
}

/** A subnet in the 16-byte space: the masked network address and the prefix length in bits (0–128). */
export interface Subnet {
  readonly network: Uint8Array;
  readonly bits: number;
}

/** Thrown for ban target text that is not a node id, an IP or a CIDR subnet. */
export class BanTargetError extends PeerwardenError {
  readonly code = 'ban-target-invalid';
  override readonly name = 'BanTargetError';
  constructor(
    readonly input: string,
    reason: string,
  ) {
    super(
      `invalid ban target ${JSON.stringify(input)}: ${reason}. ` +
        'Use a node id (64 hex characters), an IP (1.2.3.4, 2001:db8::1) or a CIDR subnet (10.0.0.0/8, 2001:db8::/32).',
    );
  }
}

const NODE_ID = /^[0-9a-fA-F]{64}$/;

/** True when `s` has the shape of a node id in either case (64 hex characters): how bans and config accept it before lowercasing. */
export function looksLikeNodeId(s: string): boolean {
  return typeof s === 'string' && NODE_ID.test(s);
}

/** Zeroes every bit after the first `bits` (a new array). */
export function maskBytes(bytes: Uint8Array, bits: number): Uint8Array {
  const out = new Uint8Array(16);
  const full = bits >> 3;
  for (let i = 0; i < full; i++) out[i] = bytes[i]!;
  const rest = bits & 7;
  if (rest && full < 16) out[full] = bytes[full]! & (0xff << (8 - rest));
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}

function parseSubnet(input: string): Subnet & { v4: boolean } {
  const slash = input.indexOf('/');
  const addr = input.slice(0, slash);
  const len = input.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(len)) throw new BanTargetError(input, 'the prefix length after "/" must be a number');
  let bytes: Uint8Array;
  try {
    bytes = parseIpBytes(addr);
  } catch (e) {
    if (e instanceof AddressParseError) throw new BanTargetError(input, `${JSON.stringify(addr)} is not an IP address`);
    throw e;
  }
  const v4Text = !addr.includes(':');
  const prefix = Number(len);
  if (v4Text && prefix > 32) throw new BanTargetError(input, 'an IPv4 prefix is at most /32');
  if (!v4Text && prefix > 128) throw new BanTargetError(input, 'an IPv6 prefix is at most /128');
  if (!v4Text && isIpv4Bytes(bytes)) {
    throw new BanTargetError(input, 'write IPv4-mapped subnets in IPv4 form (e.g. 10.0.0.0/8)');
  }
  const bits = v4Text ? 96 + prefix : prefix;
  const network = maskBytes(bytes, bits);
  if (!sameBytes(network, bytes)) {
    throw new BanTargetError(input, `host bits are set; did you mean ${formatSubnet({ network, bits })}?`);
  }
  return { network, bits, v4: v4Text };
}

/** Canonical text of a subnet. */
export function formatSubnet(s: Subnet): string {
  return isIpv4Bytes(s.network) && s.bits >= 96 ? `${formatIpBytes(s.network)}/${s.bits - 96}` : `${formatIpBytes(s.network)}/${s.bits}`;
}

/**
 * Parses a ban target strictly. A full-length prefix (/32 for IPv4, /128 for IPv6) is an IP ban.
 * Throws BanTargetError for anything else (hostnames, endpoints with ports, short ids…).
 */
export function parseBanTarget(input: string): BanTarget {
  if (typeof input !== 'string') throw new BanTargetError(String(input), 'expected a string');
  const s = input.trim();
  if (s === '') throw new BanTargetError(input, 'it is empty');
  if (looksLikeNodeId(s)) return { kind: 'id', target: s.toLowerCase() };
  if (s.includes('/')) {
    const sub = parseSubnet(s);
    if (sub.bits === 128) return { kind: 'ip', target: formatIpBytes(sub.network) };
    return { kind: 'subnet', target: formatSubnet(sub) };
  }
  if (/^[0-9a-fA-F]+$/.test(s) && s.length > 8) throw new BanTargetError(input, `a node id has 64 hex characters, this has ${s.length}`);
  if (s.startsWith('[') || /^[0-9.]+:[0-9]+$/.test(s)) throw new BanTargetError(input, 'give the IP without a port');
  try {
    return { kind: 'ip', target: formatIpBytes(parseIpBytes(s)) };
  } catch (e) {
    if (e instanceof AddressParseError) throw new BanTargetError(input, 'it is not a node id, an IP address or a CIDR subnet');
    throw e;
  }
}

/** The subnet of a canonical subnet target (as returned by parseBanTarget). */
export function subnetOf(target: string): Subnet {
  const { network, bits } = parseSubnet(target);
  return { network, bits };
}

/** True when `ip` (16 bytes) lies in `subnet`. */
export function subnetContains(subnet: Subnet, ip: Uint8Array): boolean {
  const full = subnet.bits >> 3;
  for (let i = 0; i < full; i++) if (ip[i] !== subnet.network[i]) return false;
  const rest = subnet.bits & 7;
  if (rest === 0) return true;
  const mask = 0xff << (8 - rest);
  return ((ip[full]! ^ subnet.network[full]!) & mask) === 0;
}

/** What a ban can be checked against: a node id, an IP, or both (either matching bans). */
export interface BanQuery {
  id?: string;
  ip?: string;
}

/**
 * A matcher for one target, parsed once: use it to test many peers against a new ban. IPs given
 * in canonical form (as parseEndpoint returns them) are compared without re-parsing.
 */
export function banMatcher(t: BanTarget): (q: BanQuery) => boolean {
  if (t.kind === 'id') return (q) => q.id !== undefined && q.id.toLowerCase() === t.target;
  if (t.kind === 'ip') return (q) => q.ip !== undefined && (q.ip === t.target || formatIpBytes(parseIpBytes(q.ip)) === t.target);
  const sub = subnetOf(t.target);
  return (q) => q.ip !== undefined && subnetContains(sub, parseIpBytes(q.ip));
}

/** True when the target applies to the peer (id equal, IP equal, or IP inside the subnet). */
export function banTargetMatches(t: BanTarget, q: BanQuery): boolean {
  return banMatcher(t)(q);
}
