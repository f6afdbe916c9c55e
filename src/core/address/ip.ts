// IP addresses as 16-byte arrays: strict parsing of IPv4/IPv6 text and canonical formatting.
//
// Every address is held in its 16-byte IPv6 form; IPv4 is the IPv4-mapped block ::ffff:a.b.c.d
// (the form Bitcoin Core hashes, see addrKey). Canonical text is dotted-quad for IPv4 (mapped
// addresses included) and RFC 5952 compressed lowercase for IPv6.

/** Thrown for any IP, endpoint or CIDR text that does not parse; `input` is the offending text. */
export class AddressParseError extends Error {
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
function parseIpv4Into(s: string, out: Uint8Array, offset: number): boolean {
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

function parseIpv6(s: string): Uint8Array | undefined {
  if (s.length < 2 || s.length > 45) return undefined;
  const out = new Uint8Array(16);
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (text: string, allowV4Tail: boolean): number[] | undefined => {
    if (text === '') return [];
    const groups = text.split(':');
    const words: number[] = [];
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      if (allowV4Tail && i === groups.length - 1 && g.includes('.')) {
        const v4 = new Uint8Array(4);
        if (!parseIpv4Into(g, v4, 0)) return undefined;
        words.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      words.push(parseInt(g, 16));
    }
    return words;
  };
  let words: number[];
  if (halves.length === 2) {
    const head = parseGroups(halves[0]!, false);
    const tail = parseGroups(halves[1]!, true);
    if (!head || !tail) return undefined;
    // "::" stands for at least one zero group.
    if (head.length + tail.length > 7) return undefined;
    words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = parseGroups(s, true);
    if (!all || all.length !== 8) return undefined;
    words = all;
  }
  for (let i = 0; i < 8; i++) {
    out[2 * i] = words[i]! >> 8;
    out[2 * i + 1] = words[i]! & 0xff;
  }
  return out;
}

/** Parses IPv4 or IPv6 text (no brackets, no zone) to 16 bytes; throws AddressParseError. */
export function parseIpBytes(text: string): Uint8Array {
  if (typeof text !== 'string') throw new AddressParseError(String(text), 'expected a string');
  if (text.includes(':')) {
    if (text.includes('%')) throw new AddressParseError(text, 'IPv6 zone ids are not supported');
    const b = parseIpv6(text);
    if (!b) throw new AddressParseError(text, 'not a valid IPv6 address');
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
  return formatIpBytes(parseIpBytes(text));
}

/** The 4 bytes of an IPv4 address given as 16 bytes (mapped form). */
export function ipv4Octets(b: Uint8Array): Uint8Array {
  return b.subarray(12, 16);
}
