// Bitcoin Core's AS map: validates the compressed bit-level trie of an asmap file and answers IP → AS number lookups.
//
// The file format (Core's src/util/asmap.cpp, written by contrib/asmap/asmap.py) is a program for a
// tiny machine that reads the 128 bits of an IPv6 address (IPv4 as ::ffff:a.b.c.d) from the most
// significant bit on. The program is a bit stream, read least-significant bit first within each
// byte, of four instructions:
//
//   RETURN  [0]      asn     the answer is `asn`
//   JUMP    [1,0]    offset  read one input bit; on 1 skip `offset` program bits, on 0 go on
//   MATCH   [1,1,0]  value   the next n-1 input bits must equal the low n-1 bits of `value`
//                            (n = its bit length, 2..9); otherwise the answer is the default
//   DEFAULT [1,1,1]  asn     the default (initially 0, "unmapped") becomes `asn`
//
// Numbers use a variable-length code: k one-bits choose the k-th size class, a zero-bit ends the
// class prefix (absent in the last class), then the offset in the class follows big-endian. A JUMP
// is a binary trie node whose 0-side follows it directly (so the offset is the 0-side's length),
// MATCH compresses a chain of nodes with one dead side, DEFAULT lets a subtree fall back to one AS.
//
// We decode the program once, at load, into a plain binary trie in one Int32Array (two child
// references per node; a negative reference is a leaf holding an AS number). Core interprets the
// bit stream for every lookup, which costs a variable-length decode per instruction; the trie costs
// one array read per address bit, and IPv4 lookups start at the node reached by the 96 bits of
// ::ffff:0:0/96, which the load computes once. A map of 25,000 prefixes answers millions of
// lookups a second this way.
//
// A malformed map must fail at load, never at lookup: Core's Interpret asserts (aborts the node)
// on a program that runs off its end, so Core refuses any file its SanityCheckAsmap(·, 128)
// rejects, and so do we, with the same rules (ported below, stricter than asmap.py's reader: an
// empty map, a RETURN right after a DEFAULT, two DEFAULTs in a row, jumps or matches that would
// need more than 128 input bits, unreachable code, more than 7 bits or non-zero bits of padding).

import { PeerwardenError } from '../errors.js';
import { createHash } from 'node:crypto';
import { classify, classifyIpv4, ipBytesOf, type IpLike } from './classify.js';
import { formatIpBytes, parseIpBytes, parseIpv4Into, parseIpv6Into } from './ip.js';
import { linkedIpv4 } from './linked-ipv4.js';

/** Thrown by Asmap.fromBytes for a map Bitcoin Core would refuse; the message names the problem. */
export class AsmapError extends PeerwardenError {
  readonly code = 'asmap-invalid';
  override readonly name = 'AsmapError';
  constructor(
    message: string,
    /** The program bit at which the problem was found (undefined when it concerns the whole map). */
    readonly bitOffset?: number,
  ) {
    super(bitOffset === undefined ? `invalid asmap: ${message}` : `invalid asmap: ${message} (at bit ${bitOffset})`);
  }
}

const RETURN = 0;
const JUMP = 1;
const MATCH = 2;
const DEFAULT = 3;
const INVALID = -1;

/** Size classes of the variable-length codes (Core's TYPE/ASN/MATCH/JUMP_BIT_SIZES) and their minimum values. */
const TYPE_BITS = [0, 0, 1];
const ASN_BITS = [15, 16, 17, 18, 19, 20, 21, 22, 23, 24];
const MATCH_BITS = [1, 2, 3, 4, 5, 6, 7, 8];
const JUMP_BITS = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30];

/** The largest AS number the format can hold: 1 + Σ 2^15..2^24 − 1 = 33,521,664 (AS0 means "unmapped"). */
export const ASMAP_MAX_ASN = 33_521_664;

/** The input bits Core checks maps against: an IPv6 address. */
const INPUT_BITS = 128;

/** Reads the program's bit stream: bit i is bit (i mod 8) of byte ⌊i/8⌋, least significant first. */
class BitReader {
  pos = 0;
  readonly end: number;
  constructor(readonly data: Uint8Array) {
    this.end = data.length * 8;
  }

  bit(): number {
    const p = this.pos++;
    return (this.data[p >>> 3]! >>> (p & 7)) & 1;
  }

  /** Core's DecodeBits: a number of the code with size classes `sizes` from `min`, or INVALID at the end of the data. */
  decode(min: number, sizes: readonly number[]): number {
    let val = min;
    for (let k = 0; k < sizes.length; k++) {
      const size = sizes[k]!;
      // Every class but the last is announced by one bit: 1 = "larger than this class".
      if (k + 1 < sizes.length) {
        if (this.pos >= this.end) return INVALID;
        if (this.bit() === 1) {
          val += 2 ** size;
          continue;
        }
      }
      for (let b = size - 1; b >= 0; b--) {
        if (this.pos >= this.end) return INVALID;
        val += this.bit() * 2 ** b;
      }
      return val;
    }
    return INVALID;
  }

  type(): number {
    return this.decode(0, TYPE_BITS);
  }
  asn(): number {
    return this.decode(1, ASN_BITS);
  }
  match(): number {
    return this.decode(2, MATCH_BITS);
  }
  jump(): number {
    return this.decode(17, JUMP_BITS);
  }
}

/** How many bits `v` (≥ 1) needs: C++'s std::bit_width. */
function bitWidth(v: number): number {
  return 32 - Math.clz32(v);
}

/**
 * Core's SanityCheckAsmap(map, bits): walks the program once in file order, keeping a stack of the
 * JUMP targets still to come and the input bits left on each path, and proves that every path ends
 * in a RETURN without reading past the program or past `bits` input bits. Throws AsmapError naming
 * the first problem, with Core's reasons.
 */
function sanityCheck(r: BitReader, bits: number): void {
  if (r.end === 0) throw new AsmapError('the map is empty (an AS map has at least one RETURN instruction)');
  // Future jump targets and the input bits left there, innermost last (their targets descend).
  const targets: number[] = [];
  const bitsAt: number[] = [];
  let prev = JUMP;
  let hadIncompleteMatch = false;
  while (r.pos !== r.end) {
    const at = r.pos;
    const top = targets.length > 0 ? targets[targets.length - 1]! : -1;
    if (top >= 0 && at >= top) throw new AsmapError('a JUMP lands inside the instruction before its target', at);
    const op = r.type();
    if (op === RETURN) {
      if (prev === DEFAULT) throw new AsmapError('a RETURN right after a DEFAULT (the two should be one RETURN)', at);
      if (r.asn() === INVALID) throw new AsmapError('a RETURN instruction runs past the end of the map', at);
      if (targets.length === 0) {
        // Nothing left to execute: what follows is padding to the byte boundary.
        const padding = r.end - r.pos;
        if (padding > 7) throw new AsmapError(`${padding} bits after the last instruction (at most 7 bits of padding are allowed)`, r.pos);
        while (r.pos !== r.end) {
          const p = r.pos;
          if (r.bit() !== 0) throw new AsmapError('a non-zero padding bit after the last instruction', p);
        }
        return;
      }
      // This path is done: continue as if we had taken the innermost pending jump.
      if (r.pos !== top) throw new AsmapError('unreachable code after a RETURN (no JUMP leads there)', r.pos);
      bits = bitsAt.pop()!;
      targets.pop();
      prev = JUMP;
    } else if (op === JUMP) {
      const jump = r.jump();
      if (jump === INVALID) throw new AsmapError('a JUMP offset runs past the end of the map', at);
      if (jump > r.end - r.pos) throw new AsmapError(`a JUMP of ${jump} bits goes past the end of the map`, at);
      if (bits === 0) throw new AsmapError(`a JUMP would read more than ${INPUT_BITS} address bits`, at);
      bits--;
      const target = r.pos + jump;
      if (top >= 0 && target >= top) throw new AsmapError('intersecting JUMPs (a JUMP lands beyond an outer JUMP target)', at);
      targets.push(target);
      bitsAt.push(bits);
      prev = JUMP;
    } else if (op === MATCH) {
      const match = r.match();
      if (match === INVALID) throw new AsmapError('a MATCH instruction runs past the end of the map', at);
      const matchLength = bitWidth(match) - 1;
      // A chain of MATCHes is one prefix cut into 8-bit pieces: only one piece may be shorter.
      if (prev !== MATCH) hadIncompleteMatch = false;
      if (matchLength < 8 && hadIncompleteMatch) throw new AsmapError('two MATCHes of fewer than 8 bits in one chain (they should be one)', at);
      hadIncompleteMatch = matchLength < 8;
      if (bits < matchLength) throw new AsmapError(`a MATCH would read more than ${INPUT_BITS} address bits`, at);
      bits -= matchLength;
      prev = MATCH;
    } else if (op === DEFAULT) {
      if (prev === DEFAULT) throw new AsmapError('two DEFAULTs in a row (they should be one)', at);
      if (r.asn() === INVALID) throw new AsmapError('a DEFAULT instruction runs past the end of the map', at);
      prev = DEFAULT;
    } else {
      throw new AsmapError('an instruction runs past the end of the map', at);
    }
  }
  throw new AsmapError('the map ends without a final RETURN instruction', r.end);
}

/** A leaf reference: the trie stores AS `asn` as the negative number −1 − asn (so AS0 is −1). */
const leaf = (asn: number) => -1 - asn;

/** Translates a checked program into the binary trie (see the header); every path is known to end in a RETURN. */
class TrieBuilder {
  kids = new Int32Array(1024);
  nodes = 0;
  constructor(readonly r: BitReader) {}

  alloc(n: number): number {
    const first = this.nodes;
    this.nodes += n;
    if (this.nodes * 2 > this.kids.length) {
      const grown = new Int32Array(Math.max(this.kids.length * 2, this.nodes * 2));
      grown.set(this.kids);
      this.kids = grown;
    }
    return first;
  }

  /** The trie of the program from bit `pos` when the default AS is `dflt`; returns a node or leaf reference. */
  build(pos: number, dflt: number): number {
    const r = this.r;
    r.pos = pos;
    const op = r.type();
    if (op === RETURN) return leaf(r.asn());
    if (op === DEFAULT) {
      const asn = r.asn();
      return this.build(r.pos, asn);
    }
    if (op === MATCH) {
      // One node per matched bit, parents before children (lookups then walk forward in memory).
      // The expected bit continues the chain; the other side is the default AS.
      const match = r.match();
      const length = bitWidth(match) - 1;
      const first = this.alloc(length);
      const next = this.build(r.pos, dflt);
      const k = this.kids;
      for (let i = 0; i < length; i++) {
        const expected = (match >>> (length - 1 - i)) & 1;
        const node = first + i;
        k[2 * node + expected] = i + 1 < length ? node + 1 : next;
        k[2 * node + (1 - expected)] = leaf(dflt);
      }
      return first;
    }
    // JUMP: the 0-side follows the instruction, the 1-side starts `jump` bits further on.
    const jump = r.jump();
    const after = r.pos;
    const node = this.alloc(1);
    const zero = this.build(after, dflt);
    const one = this.build(after + jump, dflt);
    this.kids[2 * node] = zero;
    this.kids[2 * node + 1] = one;
    return node;
  }
}

/** A prefix and its AS, as Asmap.entries() lists them and encodeAsmap takes them. */
export interface AsmapEntry {
  /** CIDR text: "1.2.0.0/16" (IPv4, i.e. inside ::ffff:0:0/96) or "2001:db8::/32". */
  prefix: string;
  /** The AS number, 1..33,521,664 (0 in encodeAsmap input marks a range unmapped). */
  asn: number;
}

/** The bytes 0–11 of an IPv4-mapped address: the 96 bits every IPv4 lookup starts with. */
const IPV4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/**
 * A loaded AS map. `Asmap.fromBytes(file bytes)` checks the map as Bitcoin Core does and decodes it
 * once; `lookup(ip)` is Core's NetGroupManager::GetMappedAS: the AS of a routable address, 0 when
 * unmapped or not routable. Immutable, so one map can serve every book and governor.
 */
export class Asmap {
  /** Two child references per node (see the header); node 0 is the root unless the root is a leaf. */
  readonly #kids: Int32Array;
  readonly #root: number;
  /** Where IPv4 lookups start: the reference reached by the 96 bits of ::ffff:0:0/96. */
  readonly #ipv4Root: number;
  readonly #checksum: string;
  readonly #byteLength: number;
  /** Scratch for parsing text without allocating. */
  readonly #octets = new Uint8Array(4);
  readonly #ipv6 = new Uint8Array(16);

  private constructor(kids: Int32Array, root: number, checksum: string, byteLength: number) {
    this.#kids = kids;
    this.#root = root;
    this.#checksum = checksum;
    this.#byteLength = byteLength;
    let n = root;
    for (let i = 0; i < 96 && n >= 0; i++) n = kids[2 * n + ((IPV4_MAPPED_PREFIX[i >>> 3]! >>> (7 - (i & 7))) & 1)]!;
    this.#ipv4Root = n;
  }

  /**
   * Checks and decodes an asmap file (the bytes Core's -asmap reads; a Buffer or any Uint8Array view,
   * from its byteOffset). Throws AsmapError naming the problem when Core's SanityCheckAsmap for
   * 128-bit inputs would refuse the map.
   */
  static fromBytes(bytes: Uint8Array): Asmap {
    if (!(bytes instanceof Uint8Array)) throw new TypeError('Asmap.fromBytes needs the file contents as a Uint8Array (or Buffer)');
    // Copy the view (honouring byteOffset/length): the caller may reuse its buffer.
    const data = new Uint8Array(bytes.length);
    data.set(bytes);
    sanityCheck(new BitReader(data), INPUT_BITS);
    const builder = new TrieBuilder(new BitReader(data));
    const root = builder.build(0, 0);
    const checksum = createHash('sha256').update(data).digest('hex');
    return new Asmap(builder.kids.slice(0, builder.nodes * 2), root, checksum, data.length);
  }

  /** SHA-256 of the file, as 64 hex characters: what `sha256sum FILE` prints, and what tells two maps apart. */
  get checksum(): string {
    return this.#checksum;
  }

  /** The size of the file the map was read from. */
  get byteLength(): number {
    return this.#byteLength;
  }

  /**
   * The AS of an address (text or 16 bytes), exactly as Core's GetMappedAS: 0 for an address that
   * is not routable (private, loopback, documentation… even where the map covers it); IPv4, and
   * IPv6 that embeds IPv4 (6to4, Teredo, NAT64, ::ffff:0:a.b.c.d), looked up as ::ffff:a.b.c.d;
   * other IPv6 by all 128 bits; 0 where the map has no AS. Throws AddressParseError for bad text.
   */
  lookup(ip: IpLike): number {
    let x: Uint8Array;
    if (typeof ip === 'string') {
      // Text is parsed into scratch arrays: a lookup allocates nothing.
      if (ip.indexOf(':') < 0) {
        const o = this.#octets;
        if (!parseIpv4Into(ip, o, 0)) parseIpBytes(ip); // throws the usual AddressParseError
        if (classifyIpv4(o[0]!, o[1]!, o[2]!, o[3]!) !== 'routable') return 0;
        return this.interpretIpv4(((o[0]! << 24) | (o[1]! << 16) | (o[2]! << 8) | o[3]!) >>> 0);
      }
      x = this.#ipv6;
      if (!parseIpv6Into(ip, x)) parseIpBytes(ip); // throws
    } else {
      x = bytesOf(ip);
    }
    // Routability is judged on the address as given: a 6to4 address of a private IPv4 is routable
    // IPv6 (Core's IsRFC1918 and friends look at IPv4 addresses only) and is looked up by that IPv4.
    if (classify(x) !== 'routable') return 0;
    const v4 = linkedIpv4(x);
    return v4 >= 0 ? this.interpretIpv4(v4) : this.#walk(x);
  }

  /**
   * Core's Interpret: what the map itself says for these 128 bits (text or 16 bytes; IPv4 text is
   * ::ffff:a.b.c.d), without GetMappedAS's rules (no routability test, no IPv4 extraction).
   */
  interpret(ip: IpLike): number {
    return this.#walk(bytesOf(ip));
  }

  /** interpret() of ::ffff:a.b.c.d for the IPv4 address `ipv4` given as an unsigned 32-bit number. */
  interpretIpv4(ipv4: number): number {
    const k = this.#kids;
    let n = this.#ipv4Root;
    for (let i = 31; n >= 0 && i >= 0; i--) n = k[2 * n + ((ipv4 >>> i) & 1)]!;
    // A checked map always ends in a leaf within 128 bits; the test only guards the loop.
    return n < 0 ? -1 - n : 0;
  }

  #walk(x: Uint8Array): number {
    const k = this.#kids;
    let n = this.#root;
    for (let i = 0; n >= 0 && i < 128; i++) n = k[2 * n + ((x[i >>> 3]! >>> (7 - (i & 7))) & 1)]!;
    return n < 0 ? -1 - n : 0;
  }

  /**
   * Every mapped range as a minimal list of non-overlapping prefixes with their AS, in address
   * order (IPv4 ranges as a.b.c.d/n). Unmapped ranges (AS0) are left out. encodeAsmap(entries())
   * gives a map that answers every lookup as this one does.
   */
  entries(): AsmapEntry[] {
    const k = this.#kids;
    // First merge: a node whose two sides end up as the same AS is that AS (the decoded program may
    // spell one range as several, e.g. a MATCH whose continuation returns the default).
    const merged = new Map<number, number>();
    const collapse = (n: number): number => {
      if (n < 0) return n;
      const a = collapse(k[2 * n]!);
      const b = collapse(k[2 * n + 1]!);
      if (a < 0 && a === b) {
        merged.set(n, a);
        return a;
      }
      return n;
    };
    collapse(this.#root);
    const out: AsmapEntry[] = [];
    const bits = new Uint8Array(16);
    const walk = (n: number, depth: number) => {
      const ref = n >= 0 ? (merged.get(n) ?? n) : n;
      if (ref < 0) {
        const asn = -1 - ref;
        if (asn !== 0) out.push({ prefix: prefixText(bits, depth), asn });
        return;
      }
      for (let side = 0; side < 2; side++) {
        const byte = depth >>> 3;
        const mask = 0x80 >>> (depth & 7);
        if (side) bits[byte]! |= mask;
        else bits[byte]! &= ~mask;
        walk(k[2 * ref + side]!, depth + 1);
      }
      bits[depth >>> 3]! &= ~(0x80 >>> (depth & 7));
    };
    walk(this.#root, 0);
    return out;
  }
}

function bytesOf(ip: IpLike): Uint8Array {
  const x = ipBytesOf(ip);
  if (!(x instanceof Uint8Array) || x.length !== 16) throw new RangeError(`an IP address is 16 bytes, got ${String(x?.length)}`);
  return x;
}

/** CIDR text of the first `length` bits of `bits`: IPv4 inside ::ffff:0:0/96, else IPv6. */
function prefixText(bits: Uint8Array, length: number): string {
  let mapped = length >= 96;
  for (let i = 0; i < 12 && mapped; i++) if (bits[i] !== IPV4_MAPPED_PREFIX[i]) mapped = false;
  if (mapped) return `${bits[12]}.${bits[13]}.${bits[14]}.${bits[15]}/${length - 96}`;
  return `${formatIpBytes(bits)}/${length}`;
}
