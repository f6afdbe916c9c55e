// SHA-256 in plain TypeScript, tuned for the short inputs the address book hashes millions of times.
//
// node:crypto's createHash costs ~1 µs of per-call overhead before it hashes a byte; the address
// book's bucket hashes are SHA-256d of 40–56 bytes, up to three per added address. This version
// works on preallocated buffers, keeps the state in locals, and computes the second SHA-256 of a
// SHA-256d straight from the first digest's words without turning them into bytes. It is checked
// against node:crypto on random inputs (test/core/hash/sha256.test.ts).

const K = Int32Array.of(
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
);

const IV = Int32Array.of(0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19);

/** The message schedule; words 0–15 are filled before `compress` expands the rest. */
const W = new Int32Array(64);

/** Expands W[0..15] into the full 64-word message schedule. */
function expand(w: Int32Array): void {
  for (let i = 16; i < 64; i++) {
    const w15 = w[i - 15]!;
    const w2 = w[i - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
}

/** The 64 rounds of one compression over an expanded schedule `w`, added into `st`. */
function rounds(st: Int32Array, w: Int32Array): void {
  let a = st[0]!;
  let b = st[1]!;
  let c = st[2]!;
  let d = st[3]!;
  let e = st[4]!;
  let f = st[5]!;
  let g = st[6]!;
  let h = st[7]!;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + s1 + ch + K[i]! + w[i]!) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + s0 + maj) | 0;
  }
  st[0] = (st[0]! + a) | 0;
  st[1] = (st[1]! + b) | 0;
  st[2] = (st[2]! + c) | 0;
  st[3] = (st[3]! + d) | 0;
  st[4] = (st[4]! + e) | 0;
  st[5] = (st[5]! + f) | 0;
  st[6] = (st[6]! + g) | 0;
  st[7] = (st[7]! + h) | 0;
}

/** Runs one compression of the block already in W[0..15] into `st`. */
function compress(st: Int32Array): void {
  expand(W);
  rounds(st, W);
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

/** Loads 64 bytes of `src` at `offset` into W[0..15], big-endian. */
function loadBlock(src: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const o = offset + 4 * i;
    W[i] = (src[o]! << 24) | (src[o + 1]! << 16) | (src[o + 2]! << 8) | src[o + 3]!;
  }
}

const state = new Int32Array(8);
/** Holds the padded last data block of a message. */
const tail = new Uint8Array(64);

/** Hashes data[0..length) into `state` (SHA-256 of the bytes, as eight big-endian words). */
function hashInto(data: Uint8Array, length: number): void {
  state.set(IV);
  const full = length >>> 6;
  for (let i = 0; i < full; i++) {
    loadBlock(data, i * 64);
    compress(state);
  }
  const rest = length - full * 64;
  tail.fill(0, 0, 64);
  for (let i = 0; i < rest; i++) tail[i] = data[full * 64 + i]!;
  tail[rest] = 0x80;
  if (rest >= 56) {
    // The length does not fit after the 0x80 byte: this block is data, the next is padding only.
    loadBlock(tail, 0);
    compress(state);
    rounds(state, paddingSchedule(length));
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
  compress(state);
}

/** Hashes the 32-byte digest held in `state` once more, in place (the second half of SHA-256d). */
function rehashState(): void {
  for (let i = 0; i < 8; i++) W[i] = state[i]!;
  // Padding of a 32-byte message: 0x80, zeros, then the length 256 bits.
  W[8] = 0x80000000 | 0;
  for (let i = 9; i < 15; i++) W[i] = 0;
  W[15] = 256;
  state.set(IV);
  compress(state);
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
  // Every product stays below 2^53, so doubles compute this exactly.
  return ((hi % n) * (0x100000000 % n) + (lo % n)) % n;
}
