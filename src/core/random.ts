// Randomness as an argument: the Random interface and a fast seeded generator (sfc32).
//
// createRandom(seed) is deterministic across runs and platforms: it uses only 32-bit integer
// arithmetic (Math.imul, >>>), so the simulator and property tests replay exactly from a seed.

export interface Random {
  /** A float in [0, 1) with 53 random bits. */
  float(): number;
  /** An integer in [0, n), uniform, for 1 <= n <= 2^53. */
  int(n: number): number;
  /** n random bytes. */
  bytes(n: number): Uint8Array;
}

/** splitmix32: spreads a seed over the generator's state so that nearby seeds give unrelated streams. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function seedWords(seed: number | string): number {
  if (typeof seed === 'number') {
    if (!Number.isFinite(seed)) throw new RangeError(`random seed must be a finite number, got ${seed}`);
    // Fold both 32-bit halves of an integer seed (up to 2^53) into one word.
    const lo = seed >>> 0;
    const hi = Math.floor(Math.abs(seed) / 0x100000000) >>> 0;
    return (lo ^ Math.imul(hi, 0x9e3779b1) ^ (seed < 0 ? 0x5bd1e995 : 0)) >>> 0;
  }
  // FNV-1a over the UTF-16 code units of a string seed.
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A fast, seeded, reproducible Random (sfc32). Not for secrets: use cryptoRandom there. */
export function createRandom(seed: number | string = 0): Random {
  const st = { s: seedWords(seed) };
  let a = splitmix32(st);
  let b = splitmix32(st);
  let c = splitmix32(st);
  let d = splitmix32(st);
  const next32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Discard the first outputs: sfc32 mixes its state over its first few rounds.
  for (let i = 0; i < 12; i++) next32();
  return randomFromWords(next32);
}

/** Builds the Random methods on top of a source of uniform 32-bit words. */
export function randomFromWords(next32: () => number): Random {
  const float = (): number => ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;
  return {
    float,
    int(n: number): number {
      if (!(n >= 1) || !Number.isInteger(n) || n > 2 ** 53) throw new RangeError(`int(n) needs an integer 1 <= n <= 2^53, got ${n}`);
      if (n <= 0x100000000) {
        // Rejection sampling removes the modulo bias.
        const limit = 0x100000000 - (0x100000000 % n);
        for (;;) {
          const x = next32();
          if (x < limit) return x % n;
        }
      }
      for (;;) {
        const x = Math.floor(float() * 2 ** 53);
        const limit = 2 ** 53 - (2 ** 53 % n);
        if (x < limit) return x % n;
      }
    },
    bytes(n: number): Uint8Array {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i += 4) {
        let w = next32();
        for (let j = i; j < i + 4 && j < n; j++) {
          out[j] = w & 0xff;
          w >>>= 8;
        }
      }
      return out;
    },
  };
}
