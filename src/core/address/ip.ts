// IP addresses as 16-byte arrays: strict parsing of IPv4/IPv6 text and canonical formatting.
//
// Every address is held in its 16-byte IPv6 form; IPv4 is the IPv4-mapped block ::ffff:a.b.c.d
// (the form Bitcoin Core hashes, see addrKey). Canonical text is dotted-quad for IPv4 (mapped
// addresses included) and RFC 5952 compressed lowercase for IPv6.

import { PeerwardenError } from '../errors.js';
/** Thrown for any IP, endpoint or CIDR text that does not parse; `input` is the offending text. */
export class AddressParseError extends PeerwardenError {
  readonly code = 'address-invalid';
  override readonly name = 'AddressParseError';
  constructor(
    readonly input: string,
    reason: string,
  ) {
    super(`invalid address ${JSON.stringify(input)}: ${reason}`);
  }
}

export type IpFamily = 'ipv4' | 'ipv6';

const MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/** True when the 16 bytes are an IPv4-mapped address (::ffff:0:0/96), i.e. an IPv4 address. */
export function isIpv4Bytes(b: Uint8Array): boolean {
  for (let i = 0; i < 12; i++) if (b[i] !== MAPPED_PREFIX[i]) return false;
  return true;
}

export function familyOf(b: Uint8Array): IpFamily {
  return isIpv4Bytes(b) ? 'ipv4' : 'ipv6';
}

/**
 * Parses dotted-quad IPv4 into `out` at `offset`; false on any deviation (exactly 4 parts of 1–3
 * digits, each ≤ 255, no leading zeros). Character by character: every address heard is parsed,
 * and split plus a regular expression per part cost several times more.
 */
export function parseIpv4Into(s: string, out: Uint8Array, offset: number): boolean {
  const n = s.length;
  if (n < 7 || n > 15) return false;
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      // A part ends: it must have 1–3 digits and fit a byte.
      if (digits === 0 || value > 255 || part > 3) return false;
      out[offset + part++] = value;
      value = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      // Leading zeros are refused: "010" is octal to some parsers and decimal to others.
      if (digits === 1 && value === 0) return false;
      if (++digits > 3) return false;
      value = value * 10 + (c - 0x30);
    } else {
      return false;
    }
  }
  return part === 4;
}

/** The value of hex digit `c` (a character code), or -1. */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** Scratch for the words of an IPv6 address and for an IPv4 tail. */
const words = new Int32Array(8);
const tail4 = new Uint8Array(4);

/**
 * Parses IPv6 text (RFC 4291: eight groups of 1–4 hex digits, at most one "::" standing for one or
 * more zero groups, optionally a dotted IPv4 address as the last 32 bits) into the 16 bytes of
 * `out`; false (with `out` unspecified) when the text is not one. Character by character,
 * like the IPv4 parser: every IPv6 address heard of or looked up in an AS map is parsed, and
 * splitting plus a regular expression per group cost several times more.
 */
export function parseIpv6Into(s: string, out: Uint8Array): boolean {
  const n = s.length;
  if (n < 2 || n > 45) return false;
  let count = 0;
  /** Where "::" stands among the words, or -1. */
  let gap = -1;
  let i = 0;
  if (s.charCodeAt(0) === 0x3a) {
    if (s.charCodeAt(1) !== 0x3a) return false; // a lone leading colon
    gap = 0;
    i = 2;
  }
  while (i < n) {
    // One group: up to the next colon or the end.
    let e = i;
    let dotted = false;
    while (e < n && s.charCodeAt(e) !== 0x3a) {
      if (s.charCodeAt(e) === 0x2e) dotted = true;
      e++;
    }
    if (e === i) return false; // an empty group (":::" or a colon after "::")
    if (dotted) {
      // An IPv4 tail is the last 32 bits, so only at the very end.
      if (e !== n || count > 6 || !parseIpv4Into(s.slice(i, e), tail4, 0)) return false;
      words[count++] = (tail4[0]! << 8) | tail4[1]!;
      words[count++] = (tail4[2]! << 8) | tail4[3]!;
      break;
    }
    if (e - i > 4 || count === 8) return false;
    let v = 0;
    for (let k = i; k < e; k++) {
      const d = hexValue(s.charCodeAt(k));
      if (d < 0) return false;
      v = (v << 4) | d;
    }
    words[count++] = v;
    if (e === n) break;
    // At a colon: "::" (once) or a separator that must be followed by another group.
    if (s.charCodeAt(e + 1) === 0x3a) {
      if (gap >= 0) return false;
      gap = count;
      i = e + 2;
    } else {
      i = e + 1;
      if (i === n) return false; // a trailing lone colon
    }
  }
  // Without "::" exactly 8 words; with it at most 7 ("::" stands for at least one zero group).
  if (gap < 0 ? count !== 8 : count > 7) return false;
  out.fill(0);
  const after = gap < 0 ? 0 : count - gap;
  for (let w = 0; w < count; w++) {
    // Words after the gap go to the end.
    const at = gap >= 0 && w >= gap ? 8 - after + (w - gap) : w;
    out[2 * at] = words[w]! >> 8;
    out[2 * at + 1] = words[w]! & 0xff;
  }
  return true;
}

/** Parses IPv4 or IPv6 text (no brackets, no zone) to 16 bytes; throws AddressParseError. */
export function parseIpBytes(text: string): Uint8Array {
  if (typeof text !== 'string') throw new AddressParseError(String(text), 'expected a string');
  if (text.includes(':')) {
    if (text.includes('%')) throw new AddressParseError(text, 'IPv6 zone ids are not supported');
    const b = new Uint8Array(16);
    if (!parseIpv6Into(text, b)) throw new AddressParseError(text, 'not a valid IPv6 address');
    return b;
  }
  const b = new Uint8Array(16);
  b.set(MAPPED_PREFIX, 0);
  if (!parseIpv4Into(text, b, 12)) throw new AddressParseError(text, 'not a valid IPv4 address (expected a.b.c.d)');
  return b;
}

/** Formats 16 bytes canonically: dotted IPv4 for mapped addresses, else RFC 5952 IPv6. */
export function formatIpBytes(b: Uint8Array): string {
  if (b.length !== 16) throw new RangeError(`an IP address is 16 bytes, got ${b.length}`);
  if (isIpv4Bytes(b)) return `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((b[2 * i]! << 8) | b[2 * i + 1]!);
  // RFC 5952: compress the longest run (first if tied) of two or more zero words.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(':');
  if (bestLen < 2) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLen))}`;
}

/** Canonical text of an IP given as text; throws AddressParseError. */
export function normalizeIp(text: string): string {
  let canonical = normalized.get(text);
  if (canonical === undefined) {
    canonical = formatIpBytes(parseIpBytes(text));
    if (normalized.size >= NORMALIZED_CACHE_LIMIT) normalized.clear();
    normalized.set(text, canonical);
  }
  return canonical;
}

/**
 * Canonical forms of recently seen texts: a node formats the same few thousand addresses over and
 * over (endpoint keys, self checks), and parsing and formatting each time was a fifth of what a
 * simulated node allocated. Bounded: emptied when full. Invalid texts are not kept (they throw).
 */
const NORMALIZED_CACHE_LIMIT = 1 << 16;
const normalized = new Map<string, string>();

/** The 4 bytes of an IPv4 address given as 16 bytes (mapped form). */
export function ipv4Octets(b: Uint8Array): Uint8Array {
  return b.subarray(12, 16);
}
