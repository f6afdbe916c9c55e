// Writes an asmap file from a table of prefixes, as Bitcoin Core's contrib/asmap/asmap.py does (for tests, benchmarks and devnets).
//
// Operators get real maps from Core's asmap-data project; this encoder exists so that tests and
// devnets can build small maps of their own instead of downloading anything. It follows asmap.py's
// construction step for step: the prefixes become a binary trie over the 128 address bits (IPv4 as
// ::ffff:0:0/96), longer prefixes overriding shorter ones; identical sibling leaves merge; then a
// bottom-up search picks, for every subtree and every default AS it may run under, the shortest
// program (JUMP, MATCH chains, DEFAULT, RETURN); the bits are packed least-significant bit first.
// The output passes Core's SanityCheckAsmap (Asmap.fromBytes checks it; the tests round-trip random
// tables through it).

import { ASMAP_MAX_ASN, type AsmapEntry } from './asmap.js';
import { AddressParseError, parseIpBytes } from './ip.js';

const RETURN = 0;
const JUMP = 1;
const MATCH = 2;
const DEFAULT = 3;
/** Not an instruction: the empty program, "fail". Inside a DEFAULT it means "return the default". */
const END = 4;

/** A variable-length code (asmap.py's _VarLenCoder): minimum value and size classes. */
interface Coder {
  min: number;
  sizes: readonly number[];
}
const CODER_TYPE: Coder = { min: 0, sizes: [0, 0, 1] };
const CODER_ASN: Coder = { min: 1, sizes: [15, 16, 17, 18, 19, 20, 21, 22, 23, 24] };
const CODER_MATCH: Coder = { min: 2, sizes: [1, 2, 3, 4, 5, 6, 7, 8] };
const CODER_JUMP: Coder = { min: 17, sizes: [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30] };

function encodedSize(c: Coder, value: number): number {
  let v = value - c.min;
  let bits = 0;
  for (let k = 0; k < c.sizes.length; k++) {
    const size = c.sizes[k]!;
    if (v >= 2 ** size) {
      v -= 2 ** size;
      bits++;
    } else {
      return bits + (k + 1 < c.sizes.length ? 1 : 0) + size;
    }
  }
  throw new RangeError(`${value} is too large for this field of the asmap format`);
}

function encode(c: Coder, value: number, out: number[]): void {
  let v = value - c.min;
  for (let k = 0; k < c.sizes.length; k++) {
    const size = c.sizes[k]!;
    if (v >= 2 ** size) {
      v -= 2 ** size;
      out.push(1);
      continue;
    }
    if (k + 1 < c.sizes.length) out.push(0);
    for (let b = size - 1; b >= 0; b--) out.push(Math.floor(v / 2 ** b) % 2);
    return;
  }
  throw new RangeError(`${value} is too large for this field of the asmap format`);
}

/** A program (asmap.py's _BinNode) with its size in bits. */
interface Program {
  ins: number;
  /** RETURN/DEFAULT: the AS; MATCH: the match value. */
  value: number;
  /** JUMP: the 0-side; MATCH/DEFAULT: what follows. */
  a?: Program;
  /** JUMP: the 1-side. */
  b?: Program;
  size: number;
}

const typeSize = [RETURN, JUMP, MATCH, DEFAULT].map((t) => encodedSize(CODER_TYPE, t));
const END_PROGRAM: Program = { ins: END, value: 0, size: 0 };

function returnProgram(asn: number): Program {
  return { ins: RETURN, value: asn, size: typeSize[RETURN]! + encodedSize(CODER_ASN, asn) };
}
function matchProgram(value: number, next: Program): Program {
  return { ins: MATCH, value, a: next, size: typeSize[MATCH]! + encodedSize(CODER_MATCH, value) + next.size };
}

/**
 * Run `zero` or `one` by the next input bit (asmap.py's make_branch): a JUMP, or when one side is
 * "fail" a MATCH of that one bit, merged into a following MATCH while the chain has room (at most 8
 * bits per MATCH; Core refuses two short MATCHes in a row).
 */
function branch(zero: Program, one: Program): Program {
  if (zero.ins === END && one.ins === END) return zero;
  const bitLength = (v: number) => 32 - Math.clz32(v);
  if (zero.ins === END) {
    if (one.ins === MATCH && one.value <= 0xff) return matchProgram(one.value + 2 ** bitLength(one.value), one.a!);
    return matchProgram(3, one);
  }
  if (one.ins === END) {
    if (zero.ins === MATCH && zero.value <= 0xff) return matchProgram(zero.value + 2 ** (bitLength(zero.value) - 1), zero.a!);
    return matchProgram(2, zero);
  }
  return { ins: JUMP, value: 0, a: zero, b: one, size: typeSize[JUMP]! + encodedSize(CODER_JUMP, zero.size) + zero.size + one.size };
}

/** `sub` with default AS `asn` (asmap.py's make_default): RETURN when sub is "fail", sub itself when it sets its own. */
function withDefault(asn: number, sub: Program): Program {
  if (sub.ins === END) return returnProgram(asn);
  if (sub.ins === RETURN || sub.ins === DEFAULT) return sub;
  return { ins: DEFAULT, value: asn, a: sub, size: typeSize[DEFAULT]! + encodedSize(CODER_ASN, asn) + sub.size };
}

/** A trie node: a leaf with its AS (0 = unmapped), or a branch on the next bit. */
interface TrieNode {
  asn: number;
  zero?: TrieNode;
  one?: TrieNode;
}

/** Maps `prefix` (bits) to `asn`, overriding what was there, merging equal sibling leaves (asmap.py's update). */
function update(node: TrieNode, prefix: Uint8Array, length: number, depth: number, asn: number): void {
  if (depth === length) {
    node.asn = asn;
    node.zero = node.one = undefined;
    return;
  }
  if (!node.zero) {
    node.zero = { asn: node.asn };
    node.one = { asn: node.asn };
  }
  const bit = (prefix[depth >>> 3]! >>> (7 - (depth & 7))) & 1;
  update(bit ? node.one! : node.zero, prefix, length, depth + 1, asn);
  const z = node.zero!;
  const o = node.one!;
  if (!z.zero && !o.zero && z.asn === o.asn) {
    node.asn = z.asn;
    node.zero = node.one = undefined;
  }
}

/** Ctx key: the default AS a program is valid under, or NONE for programs valid under any default. */
const NONE = -1;

/**
 * asmap.py's _to_binnode (fill = false): for a subtree, the shortest program per context. Context
 * `asn` means "correct when the default is asn"; NONE means correct whatever the default. A subtree
 * with unmapped parts (a "hole") must run where the default is 0, so only NONE and 0 survive there.
 */
function programs(node: TrieNode): { ret: Map<number, Program>; hole: boolean } {
  if (!node.zero) {
    if (node.asn === 0) return { ret: new Map([[0, END_PROGRAM]]), hole: true };
    return { ret: new Map([[NONE, returnProgram(node.asn)], [node.asn, END_PROGRAM]]), hole: false };
  }
  const left = programs(node.zero);
  const right = programs(node.one!);
  const hole = left.hole || right.hole;
  const ret = new Map<number, Program>();
  const candidate = (ctx: number, p: Program | undefined, q: Program | undefined, make: (p: Program, q: Program) => Program) => {
    if (p === undefined || q === undefined) return;
    const c = make(p, q);
    const best = ret.get(ctx);
    if (best === undefined || c.size < best.size) ret.set(ctx, c);
  };
  // Contexts in asmap.py's order: AS numbers ascending, NONE last.
  const union = [...new Set([...left.ret.keys(), ...right.ret.keys()])].sort((a, b) => (a === NONE ? 1 : b === NONE ? -1 : a - b));
  for (const ctx of union) {
    candidate(ctx, left.ret.get(ctx), right.ret.get(ctx), branch);
    candidate(ctx, left.ret.get(NONE), right.ret.get(ctx), branch);
    candidate(ctx, left.ret.get(ctx), right.ret.get(NONE), branch);
  }
  if (!hole) {
    const ctxs = [...ret.keys()].filter((c) => c !== NONE).sort((a, b) => a - b);
    for (const ctx of ctxs) {
      const sub = ret.get(ctx)!;
      const c = withDefault(ctx, sub);
      const best = ret.get(NONE);
      if (best === undefined || c.size < best.size) ret.set(NONE, c);
    }
  }
  const any = ret.get(NONE);
  if (any !== undefined) {
    // A context-specific program is only worth keeping if it beats the universal one.
    for (const [ctx, p] of ret) if (ctx !== NONE && p.size >= any.size) ret.delete(ctx);
  }
  if (hole) for (const ctx of [...ret.keys()]) if (ctx !== NONE && ctx !== 0) ret.delete(ctx);
  return { ret, hole };
}

function emit(p: Program, out: number[]): void {
  encode(CODER_TYPE, p.ins, out);
  if (p.ins === RETURN) {
    encode(CODER_ASN, p.value, out);
  } else if (p.ins === JUMP) {
    encode(CODER_JUMP, p.a!.size, out);
    emit(p.a!, out);
    emit(p.b!, out);
  } else if (p.ins === DEFAULT) {
    encode(CODER_ASN, p.value, out);
    emit(p.a!, out);
  } else {
    encode(CODER_MATCH, p.value, out);
    emit(p.a!, out);
  }
}

/** Parses "1.2.0.0/16" or "2001:db8::/32" into 16 bytes and a prefix length over 128 bits (IPv4 + 96). */
export function parseAsmapPrefix(text: string): { bytes: Uint8Array; length: number } {
  if (typeof text !== 'string') throw new AddressParseError(String(text), 'expected a prefix such as "1.2.0.0/16" or "2001:db8::/32"');
  const slash = text.indexOf('/');
  if (slash < 0) throw new AddressParseError(text, 'expected a prefix such as "1.2.0.0/16" or "2001:db8::/32"');
  const address = text.slice(0, slash);
  const lengthText = text.slice(slash + 1);
  const v6 = address.includes(':');
  const max = v6 ? 128 : 32;
  if (!/^[0-9]{1,3}$/.test(lengthText) || Number(lengthText) > max) throw new AddressParseError(text, `the prefix length must be 0-${max}`);
  const bytes = parseIpBytes(address);
  const length = Number(lengthText) + (v6 ? 0 : 96);
  for (let i = length; i < 128; i++) {
    if ((bytes[i >>> 3]! >>> (7 - (i & 7))) & 1) throw new AddressParseError(text, 'bits are set beyond the prefix length');
  }
  return { bytes, length };
}

/**
 * Encodes a table of prefixes into asmap file bytes that Bitcoin Core (and Asmap.fromBytes)
 * accepts. Each entry maps a CIDR prefix (IPv4 or IPv6) to an AS (1..33,521,664; 0 marks a range
 * unmapped, e.g. a hole in a larger mapped prefix); the longest matching prefix wins. The same
 * prefix twice with different AS numbers is an error. Throws RangeError for a table that maps
 * nothing (Core refuses an empty map) or an AS out of range, AddressParseError for a bad prefix.
 */
export function encodeAsmap(prefixes: readonly AsmapEntry[]): Uint8Array {
  if (!Array.isArray(prefixes)) throw new TypeError('encodeAsmap needs an array of { prefix, asn }');
  const parsed = prefixes.map((e) => {
    if (!e || typeof e !== 'object') throw new TypeError('encodeAsmap needs an array of { prefix, asn }');
    if (!Number.isInteger(e.asn) || e.asn < 0 || e.asn > ASMAP_MAX_ASN) {
      throw new RangeError(`AS ${String(e.asn)} of ${String(e.prefix)} is outside 0..${ASMAP_MAX_ASN}, the range the asmap format can hold`);
    }
    return { ...parseAsmapPrefix(e.prefix), asn: e.asn, text: e.prefix };
  });
  // Shorter prefixes first, so that longer ones override them.
  parsed.sort((a, b) => a.length - b.length);
  const seen = new Map<string, number>();
  const root: TrieNode = { asn: 0 };
  for (const p of parsed) {
    const key = `${p.bytes.join('.')}/${p.length}`;
    const before = seen.get(key);
    if (before !== undefined && before !== p.asn) throw new RangeError(`prefix ${p.text} is mapped twice, to AS${before} and AS${p.asn}`);
    seen.set(key, p.asn);
    update(root, p.bytes, p.length, 0, p.asn);
  }
  const { ret } = programs(root);
  const program = ret.get(0) ?? ret.get(NONE)!;
  if (program.ins === END) throw new RangeError('the table maps no address to an AS; Bitcoin Core refuses an empty asmap');
  const bits: number[] = [];
  emit(program, bits);
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  for (let i = 0; i < bits.length; i++) if (bits[i]) out[i >>> 3]! |= 1 << (i & 7);
  return out;
}
