// SHA-256 in plain TypeScript, tuned for the short inputs the address book hashes millions of times.
//
// node:crypto's createHash costs ~1 µs of per-call overhead before it hashes a byte; the address
// book's bucket hashes are SHA-256d of 38–56 bytes, up to three per added address. This version
// works on preallocated buffers, uses an unrolled compression (sha256-compress.ts), computes the
// second SHA-256 of a SHA-256d straight from the first digest's words, reuses the expanded
// schedule of padding-only final blocks, and starts keyed messages from the key's midstate. It is
// checked against node:crypto on random inputs (test/core/hash/sha256.test.ts).

import { K, compress, compressDigest, compressFromRound8, roundsOverSchedule } from './sha256-compress.js';

const IV = Int32Array.of(0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19);

/** One 16-word message block. */
const W = new Int32Array(16);
const state = new Int32Array(8);
const digest = new Int32Array(8);
/** Holds the padded last data block of a message. */
const tail = new Uint8Array(64);

/** Loads 64 bytes of `src` at `offset` into W, big-endian. */
function loadBlock(src: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const o = offset + 4 * i;
    W[i] = (src[o]! << 24) | (src[o + 1]! << 16) | (src[o + 2]! << 8) | src[o + 3]!;
  }
}

/** Expands 16 words into the full 64-word message schedule (used once per padding block, see below). */
function expand(w: Int32Array): void {
  for (let i = 16; i < 64; i++) {
    const w15 = w[i - 15]!;
    const w2 = w[i - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
}

/**
 * Expanded schedules of padding-only final blocks (zeros and the bit length), by message length.
 * A 56-byte message (the bucket-position hash) ends in such a block; its schedule never changes, so
 * it is expanded once instead of on every hash.
 */
const paddingSchedules = new Map<number, Int32Array>();

function paddingSchedule(length: number): Int32Array {
  let w = paddingSchedules.get(length);
  if (!w) {
    w = new Int32Array(64);
    w[14] = Math.floor(length / 0x20000000);
    w[15] = (length * 8) | 0;
    expand(w);
    // Only a handful of lengths ever occur; the bound is a guard, not a cache policy.
    if (paddingSchedules.size >= 64) paddingSchedules.clear();
    paddingSchedules.set(length, w);
  }
  return w;
}

/** Hashes data[0..length) into `state` (SHA-256 of the bytes, as eight big-endian words). */
function hashInto(data: Uint8Array, length: number): void {
  state.set(IV);
  const full = length >>> 6;
  for (let i = 0; i < full; i++) {
    loadBlock(data, i * 64);
    compress(state, W);
  }
  const rest = length - full * 64;
  tail.fill(0);
  for (let i = 0; i < rest; i++) tail[i] = data[full * 64 + i]!;
  tail[rest] = 0x80;
  if (rest >= 56) {
    // The length does not fit after the 0x80 byte: this block is data, the next is padding only.
    loadBlock(tail, 0);
    compress(state, W);
    roundsOverSchedule(state, paddingSchedule(length));
    return;
  }
  // The message length in bits, big-endian, in the last 8 bytes of the block.
  const bitsHigh = Math.floor(length / 0x20000000);
  const bitsLow = (length * 8) >>> 0;
  tail[56] = bitsHigh >>> 24;
  tail[57] = (bitsHigh >>> 16) & 0xff;
  tail[58] = (bitsHigh >>> 8) & 0xff;
  tail[59] = bitsHigh & 0xff;
  tail[60] = bitsLow >>> 24;
  tail[61] = (bitsLow >>> 16) & 0xff;
  tail[62] = (bitsLow >>> 8) & 0xff;
  tail[63] = bitsLow & 0xff;
  loadBlock(tail, 0);
  compress(state, W);
}

/** Hashes the 32-byte digest held in `state` once more, in place (the second half of SHA-256d). */
function rehashState(): void {
  // The padding of a 32-byte message (0x80, zeros, the length 256) is built into compressDigest.
  digest.set(state);
  compressDigest(state, digest, IV);
}

function stateBytes(): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const w = state[i]!;
    out[4 * i] = w >>> 24;
    out[4 * i + 1] = (w >>> 16) & 0xff;
    out[4 * i + 2] = (w >>> 8) & 0xff;
    out[4 * i + 3] = w & 0xff;
  }
  return out;
}

/** SHA-256 of `data` (or of its first `length` bytes). */
export function sha256(data: Uint8Array, length = data.length): Uint8Array {
  hashInto(data, length);
  return stateBytes();
}

/** SHA-256 applied twice, as Bitcoin hashes: SHA-256(SHA-256(data)). */
export function sha256d(data: Uint8Array, length = data.length): Uint8Array {
  hashInto(data, length);
  rehashState();
  return stateBytes();
}

/** Reverses the bytes of a 32-bit word: digest bytes are big-endian, the cheap hash reads them little-endian. */
function byteSwap(w: number): number {
  return ((w & 0xff) << 24) | ((w & 0xff00) << 8) | ((w >>> 8) & 0xff00) | (w >>> 24);
}

/**
 * Bitcoin Core's GetCheapHash of SHA-256d(data[0..length)): the first 8 digest bytes read as a
 * little-endian u64. Writes the low 32 bits to out[0] and the high 32 bits to out[1] (unsigned).
 */
export function sha256dCheap(data: Uint8Array, length: number, out: Uint32Array): void {
  hashInto(data, length);
  rehashState();
  out[0] = byteSwap(state[0]!) >>> 0;
  out[1] = byteSwap(state[1]!) >>> 0;
}

/** (hi · 2^32 + lo) mod n for a u64 given as two unsigned 32-bit halves and 1 <= n <= 2^21. */
export function u64Mod(lo: number, hi: number, n: number): number {
  // Powers of two (every table size Core uses) divide 2^32: only the low word matters.
  if ((n & (n - 1)) === 0) return lo & (n - 1);
  // Every product stays below 2^53, so doubles compute this exactly.
  return ((hi % n) * (0x100000000 % n) + (lo % n)) % n;
}

/**
 * What SHA-256 of any block starting with a given 32-byte key can reuse: the key's eight message
 * words, and the working variables after rounds 0–7 (which read only those words). The address
 * book hashes everything under one secret key, so each of its hashes skips an eighth of the rounds
 * of its first block.
 */
export interface KeyMidstate {
  readonly keyWords: Int32Array;
  readonly afterRound8: Int32Array;
}

export function keyMidstate(key: Uint8Array): KeyMidstate {
  if (key.length !== 32) throw new RangeError(`a key midstate needs 32 bytes, got ${key.length}`);
  const keyWords = new Int32Array(8);
  for (let i = 0; i < 8; i++) keyWords[i] = (key[4 * i]! << 24) | (key[4 * i + 1]! << 16) | (key[4 * i + 2]! << 8) | key[4 * i + 3]!;
  let a = IV[0]!;
  let b = IV[1]!;
  let c = IV[2]!;
  let d = IV[3]!;
  let e = IV[4]!;
  let f = IV[5]!;
  let g = IV[6]!;
  let h = IV[7]!;
  for (let i = 0; i < 8; i++) {
    const t1 = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + K[i]! + keyWords[i]!) | 0;
    const t2 = (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) | (c & (a | b)));
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  return { keyWords, afterRound8: Int32Array.of(a, b, c, d, e, f, g, h) };
}

/**
 * GetCheapHash of SHA-256d(block[0..length)) where block[0..32) is the key of `mid` and
 * 32 <= length <= 63. `block` must be 64 bytes; bytes 0–31 are not read (the midstate stands for
 * them) and bytes from `length` on are overwritten with the padding. Same result as sha256dCheap.
 */
export function sha256dCheapKeyed(mid: KeyMidstate, block: Uint8Array, length: number, out: Uint32Array): void {
  block[length] = 0x80;
  for (let i = length + 1; i < 64; i++) block[i] = 0;
  if (length < 56) {
    const bits = length * 8;
    block[62] = bits >>> 8;
    block[63] = bits & 0xff;
  }
  W.set(mid.keyWords);
  for (let i = 8; i < 16; i++) {
    const o = 4 * i;
    W[i] = (block[o]! << 24) | (block[o + 1]! << 16) | (block[o + 2]! << 8) | block[o + 3]!;
  }
  state.set(IV);
  compressFromRound8(state, mid.afterRound8, W);
  if (length >= 56) roundsOverSchedule(state, paddingSchedule(length));
  rehashState();
  out[0] = byteSwap(state[0]!) >>> 0;
  out[1] = byteSwap(state[1]!) >>> 0;
}
