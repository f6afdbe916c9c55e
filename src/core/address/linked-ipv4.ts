// The IPv4 address inside an IPv6 one (mapped, NAT64, 6to4, Teredo): what Core groups and looks up such addresses by.

import { isIpv4Bytes } from './ip.js';

/**
 * The IPv4 address an address carries, as an unsigned 32-bit number, or -1: the address itself when
 * it is IPv4 (::ffff:0:0/96), else the IPv4 inside NAT64, IPv4-translated, 6to4 or Teredo
 * (Core's HasLinkedIPv4/GetLinkedIPv4, less the routability test, which callers make first).
 * `::a.b.c.d` (the deprecated IPv4-compatible form) is not among them: Core treats it as plain IPv6.
 */
export function linkedIpv4(x: Uint8Array): number {
  // No closures here: this runs for every address an AS map groups.
  const tail = ((x[12]! << 24) | (x[13]! << 16) | (x[14]! << 8) | x[15]!) >>> 0;
  if (isIpv4Bytes(x)) return tail;
  // RFC 6052 NAT64 well-known prefix 64:ff9b::/96.
  if (x[0] === 0x00 && x[1] === 0x64 && x[2] === 0xff && x[3] === 0x9b && zeroBytes(x, 4, 12)) return tail;
  // RFC 6145 IPv4-translated ::ffff:0:a.b.c.d.
  if (zeroBytes(x, 0, 8) && x[8] === 0xff && x[9] === 0xff && x[10] === 0 && x[11] === 0) return tail;
  // RFC 3964 6to4 2002:aabb:ccdd::/48: the IPv4 is bytes 2–5.
  if (x[0] === 0x20 && x[1] === 0x02) return ((x[2]! << 24) | (x[3]! << 16) | (x[4]! << 8) | x[5]!) >>> 0;
  // RFC 4380 Teredo 2001::/32: the client's IPv4 is stored bit-inverted in the last 4 bytes.
  if (x[0] === 0x20 && x[1] === 0x01 && x[2] === 0x00 && x[3] === 0x00) return ~tail >>> 0;
  return -1;
}

function zeroBytes(x: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (x[i] !== 0) return false;
  return true;
}
