// Address classes (routable, private, loopback…) and which of them the address book accepts.
//
// The classes follow Bitcoin Core's CNetAddr (IsValid, IsRoutable and the RFC helpers in
// netaddress.cpp). As in Core, class checks for IPv4 ranges apply to IPv4 addresses only: an IPv6
// address that embeds a private IPv4 (6to4, Teredo, NAT64) is routable. 240.0.0.0/4 and multicast are
// routable too, because Core's own test vectors use 250.x–253.x.

import { isIpv4Bytes, parseIpBytes } from './ip.js';

export type AddressClass =
  | 'routable'
  | 'private' // RFC 1918 (10/8, 172.16/12, 192.168/16), RFC 4193 (fc00::/7)
  | 'loopback' // 127/8, ::1
  | 'local' // 0/8 ("this network")
  | 'link-local' // RFC 3927 (169.254/16), RFC 4862 (fe80::/64)
  | 'cgnat' // RFC 6598 (100.64/10)
  | 'benchmarking' // RFC 2544 (198.18/15)
  | 'documentation' // RFC 5737 (192.0.2/24, 198.51.100/24, 203.0.113/24), RFC 3849 (2001:db8::/32)
  | 'orchid' // RFC 4843 (2001:10::/28), RFC 7343 (2001:20::/28)
  | 'unspecified' // 0.0.0.0, ::
  | 'broadcast'; // 255.255.255.255

/** Which non-routable classes to let in (devnets and tests). */
export interface AcceptOptions {
  allowPrivate?: boolean;
  allowLoopback?: boolean;
}

/** An IP as text or in its 16-byte form. */
export type IpLike = string | Uint8Array;

export function ipBytesOf(ip: IpLike): Uint8Array {
  return typeof ip === 'string' ? parseIpBytes(ip) : ip;
}

/** The class of the IPv4 address a.b.c.d (exported for the AS map's text fast path). */
export function classifyIpv4(a: number, b: number, c: number, d: number): AddressClass {
  if (a === 0 && b === 0 && c === 0 && d === 0) return 'unspecified';
  if (a === 255 && b === 255 && c === 255 && d === 255) return 'broadcast';
  if (a === 0) return 'local';
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 100 && (b & 0xc0) === 64) return 'cgnat';
  if (a === 198 && (b === 18 || b === 19)) return 'benchmarking';
  if ((a === 192 && b === 0 && c === 2) || (a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113)) {
    return 'documentation';
  }
  return 'routable';
}

function classifyIpv6(x: Uint8Array): AddressClass {
  let zeroPrefix = true;
  for (let i = 0; i < 15; i++) if (x[i] !== 0) zeroPrefix = false;
  if (zeroPrefix && x[15] === 0) return 'unspecified';
  if (zeroPrefix && x[15] === 1) return 'loopback';
  if ((x[0]! & 0xfe) === 0xfc) return 'private';
  if (x[0] === 0xfe && x[1] === 0x80 && x[2] === 0 && x[3] === 0 && x[4] === 0 && x[5] === 0 && x[6] === 0 && x[7] === 0) {
    return 'link-local';
  }
  if (x[0] === 0x20 && x[1] === 0x01) {
    if (x[2] === 0x0d && x[3] === 0xb8) return 'documentation';
    if (x[2] === 0x00 && (x[3]! & 0xf0) === 0x10) return 'orchid';
    if (x[2] === 0x00 && (x[3]! & 0xf0) === 0x20) return 'orchid';
  }
  return 'routable';
}

/** Names the class of an IP address (text or 16 bytes). Throws AddressParseError for bad text. */
export function classify(ip: IpLike): AddressClass {
  const x = ipBytesOf(ip);
  return isIpv4Bytes(x) ? classifyIpv4(x[12]!, x[13]!, x[14]!, x[15]!) : classifyIpv6(x);
}

/**
 * Whether the address book takes this address: routable ones always (Core's IsValid && IsRoutable),
 * private and loopback ones only when allowed.
 */
export function isAcceptable(ip: IpLike, opts: AcceptOptions = {}): boolean {
  const c = classify(ip);
  return c === 'routable' || (c === 'private' && !!opts.allowPrivate) || (c === 'loopback' && !!opts.allowLoopback);
}
