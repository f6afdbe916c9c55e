// SipHash-2-4 over 64-bit words, as Bitcoin Core's CSipHasher writes them: the keyed hash that picks relay targets.
//
// JavaScript has no 64-bit integers outside BigInt (far too slow here), so each 64-bit lane is a
// pair of 32-bit halves in a Uint32Array. A hasher absorbs words one by one; `hashWith(hi, lo)`
// hashes the state so far plus one more word without changing it. Relay-target choice hashes each
// address and its 24-hour period once and keys a cheaper per-candidate mixer with the digest.

/** State layout: v0..v3, each as [high, low]. */
const SCRATCH = new Uint32Array(8);

/** Two SipRounds... or one: `rounds` SipRounds on `s` in place. */
function sipRounds(s: Uint32Array, rounds: number): void {
  let a0 = s[0]!;
  let b0 = s[1]!;
  let a1 = s[2]!;
  let b1 = s[3]!;
  let a2 = s[4]!;
  let b2 = s[5]!;
  let a3 = s[6]!;
  let b3 = s[7]!;
  let t: number;
  for (let r = 0; r < rounds; r++) {
    // v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
    t = (b0 + b1) >>> 0;
    a0 = (a0 + a1 + (t < b0 ? 1 : 0)) >>> 0;
    b0 = t;
    t = ((a1 << 13) | (b1 >>> 19)) >>> 0;
    b1 = ((b1 << 13) | (a1 >>> 19)) >>> 0;
    a1 = (t ^ a0) >>> 0;
    b1 = (b1 ^ b0) >>> 0;
    t = a0;
    a0 = b0;
    b0 = t;
    // v2 += v3; v3 = rotl(v3, 16); v3 ^= v2
    t = (b2 + b3) >>> 0;
    a2 = (a2 + a3 + (t < b2 ? 1 : 0)) >>> 0;
    b2 = t;
    t = ((a3 << 16) | (b3 >>> 16)) >>> 0;
    b3 = ((b3 << 16) | (a3 >>> 16)) >>> 0;
    a3 = (t ^ a2) >>> 0;
    b3 = (b3 ^ b2) >>> 0;
    // v0 += v3; v3 = rotl(v3, 21); v3 ^= v0
    t = (b0 + b3) >>> 0;
    a0 = (a0 + a3 + (t < b0 ? 1 : 0)) >>> 0;
    b0 = t;
    t = ((a3 << 21) | (b3 >>> 11)) >>> 0;
    b3 = ((b3 << 21) | (a3 >>> 11)) >>> 0;
    a3 = (t ^ a0) >>> 0;
    b3 = (b3 ^ b0) >>> 0;
    // v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
    t = (b2 + b1) >>> 0;
    a2 = (a2 + a1 + (t < b2 ? 1 : 0)) >>> 0;
    b2 = t;
    t = ((a1 << 17) | (b1 >>> 15)) >>> 0;
    b1 = ((b1 << 17) | (a1 >>> 15)) >>> 0;
    a1 = (t ^ a2) >>> 0;
    b1 = (b1 ^ b2) >>> 0;
    t = a2;
    a2 = b2;
    b2 = t;
  }
  s[0] = a0;
  s[1] = b0;
  s[2] = a1;
  s[3] = b1;
  s[4] = a2;
  s[5] = b2;
  s[6] = a3;
  s[7] = b3;
}

function absorb(s: Uint32Array, hi: number, lo: number): void {
  s[6] = s[6]! ^ hi;
  s[7] = s[7]! ^ lo;
  sipRounds(s, 2);
  s[0] = s[0]! ^ hi;
  s[1] = s[1]! ^ lo;
}

/** Finalises `s` after `count` bytes; the 64-bit result is left in s[0] (high) and s[1] (low). */
function finalise(s: Uint32Array, count: number): void {
  const b = ((count & 0xff) << 24) >>> 0;
  s[6] = s[6]! ^ b;
  sipRounds(s, 2);
  s[0] = s[0]! ^ b;
  s[5] = s[5]! ^ 0xff;
  sipRounds(s, 4);
  s[0] = s[0]! ^ s[2]! ^ s[4]! ^ s[6]!;
  s[1] = s[1]! ^ s[3]! ^ s[5]! ^ s[7]!;
}

/** A SipHash-2-4 state. Words are given as (high, low) 32-bit halves of the little-endian u64. */
export class SipHasher {
  readonly #s = new Uint32Array(8);
  /** Bytes absorbed so far (only its low byte matters to the finalisation). */
  #count = 0;

  /** Keyed with k0 = (k0hi, k0lo), k1 = (k1hi, k1lo): the two little-endian halves of a 16-byte key. */
  constructor(k0hi: number, k0lo: number, k1hi: number, k1lo: number) {
    const s = this.#s;
    s[0] = k0hi ^ 0x736f6d65;
    s[1] = k0lo ^ 0x70736575;
    s[2] = k1hi ^ 0x646f7261;
    s[3] = k1lo ^ 0x6e646f6d;
    s[4] = k0hi ^ 0x6c796765;
    s[5] = k0lo ^ 0x6e657261;
    s[6] = k1hi ^ 0x74656462;
    s[7] = k1lo ^ 0x79746573;
  }

  /** A hasher keyed with the first 16 bytes of `key`. */
  static keyed(key: Uint8Array): SipHasher {
    const u32 = (i: number) => (key[i]! | (key[i + 1]! << 8) | (key[i + 2]! << 16) | (key[i + 3]! << 24)) >>> 0;
    return new SipHasher(u32(4), u32(0), u32(12), u32(8));
  }

  /** An independent copy of the state. */
  fork(): SipHasher {
    const h = new SipHasher(0, 0, 0, 0);
    h.#s.set(this.#s);
    h.#count = this.#count;
    return h;
  }

  /** Makes this state a copy of `other`'s (no allocation: for a hasher reused per address). */
  copyFrom(other: SipHasher): this {
    this.#s.set(other.#s);
    this.#count = other.#count;
    return this;
  }

  /** Absorbs one 64-bit word (Core's Write(uint64_t)). */
  write(hi: number, lo: number): this {
    absorb(this.#s, hi >>> 0, lo >>> 0);
    this.#count += 8;
    return this;
  }

  /** The hash of what was written plus one more word, as [high, low]; this state is unchanged. */
  hashWith(hi: number, lo: number): [number, number] {
    const s = SCRATCH;
    s.set(this.#s);
    absorb(s, hi >>> 0, lo >>> 0);
    finalise(s, this.#count + 8);
    return [s[0]!, s[1]!];
  }

  /** The hash of what was written, as [high, low]; this state is unchanged. */
  digest(): [number, number] {
    const s = SCRATCH;
    s.set(this.#s);
    finalise(s, this.#count);
    return [s[0]!, s[1]!];
  }
}
