// A rolling Bloom filter of 64-bit keys: remembers at least the last N keys added, in memory that grows with what it holds.
//
// Peer exchange remembers, per peer, the addresses that peer already knows (Bitcoin Core's
// m_addr_known, a CRollingBloomFilter of 5000 entries at a 0.1 % false-positive rate), so it never
// echoes them back. Core's filter takes its full size (27 KB) on every connection; a simulation of
// thousands of nodes with dozens of peers each cannot afford that for peers that are told a
// handful of addresses. So this one is a chain of plain Bloom filters ("generations") that grow
// from 64 keys to `generation` keys each: a new one starts when the newest is full, and the oldest
// is dropped once the others hold at least `capacity` keys. Each generation is sized for
// fpRate / (the most generations there can be), so the whole filter's false-positive rate stays
// at about `fpRate`. A false positive only means an address is not relayed to one peer.
//
// Keys are two unsigned 32-bit halves of a keyed hash (EndpointIds), already secret and uniform:
// bit positions come from them by enhanced double hashing (Dillinger and Manolios: the step grows
// by one per probe, which keeps plain double hashing's correlated positions apart).

/** Keys remembered at least, and the false-positive rate: Core's m_addr_known. */
export const DEFAULT_KNOWN_CAPACITY = 5000;
export const DEFAULT_KNOWN_FP_RATE = 0.001;

const FIRST_GENERATION = 64;

interface Generation {
  bits: Uint32Array;
  /** Bit positions in `bits`. */
  m: number;
  /** Keys it may take, and keys in it. */
  cap: number;
  count: number;
}

export class RollingBloom {
  readonly capacity: number;
  readonly #maxGeneration: number;
  readonly #k: number;
  readonly #bitsPerKey: number;
  /** Oldest first. */
  #gens: Generation[] = [];

  constructor(capacity = DEFAULT_KNOWN_CAPACITY, fpRate = DEFAULT_KNOWN_FP_RATE) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    if (!(fpRate > 0 && fpRate < 1)) throw new RangeError(`fpRate must be in (0, 1), got ${fpRate}`);
    this.capacity = capacity;
    this.#maxGeneration = Math.max(FIRST_GENERATION, Math.ceil(capacity / 10));
    // At most: the small first ones, enough full generations to hold `capacity`, and the one filling up.
    let generations = 1;
    let held = 0;
    for (let cap = FIRST_GENERATION; held < capacity; cap = Math.min(this.#maxGeneration, cap * 2)) {
      held += Math.min(this.#maxGeneration, cap);
      generations++;
    }
    // Double hashing does about 1.5 times worse than independent hashes at these sizes (measured): budget for twice.
    const p = fpRate / (2 * generations);
    this.#bitsPerKey = -Math.log(p) / (Math.LN2 * Math.LN2);
    this.#k = Math.max(1, Math.round(this.#bitsPerKey * Math.LN2));
  }

  /** Keys in the filter (as added; repeated adds of one key count once only when `has` was asked first). */
  get size(): number {
    let n = 0;
    for (const g of this.#gens) n += g.count;
    return n;
  }

  /** Bytes of bit arrays held. */
  get bytes(): number {
    let n = 0;
    for (const g of this.#gens) n += g.bits.byteLength;
    return n;
  }

  has(hi: number, lo: number): boolean {
    const gens = this.#gens;
    for (let i = gens.length - 1; i >= 0; i--) if (this.#inGeneration(gens[i]!, hi, lo)) return true;
    return false;
  }

  add(hi: number, lo: number): void {
    let g = this.#gens[this.#gens.length - 1];
    if (!g || g.count >= g.cap) g = this.#newGeneration(g);
    const m = g.m;
    let pos = (hi >>> 0) % m;
    let step = (lo >>> 0) % m;
    const bits = g.bits;
    for (let i = 0; i < this.#k; i++) {
      bits[pos >>> 5] = bits[pos >>> 5]! | (1 << (pos & 31));
      pos += step;
      if (pos >= m) pos -= m;
      if (++step >= m) step = 0;
    }
    g.count++;
  }

  /** Forgets everything. */
  clear(): void {
    this.#gens = [];
  }

  #inGeneration(g: Generation, hi: number, lo: number): boolean {
    const m = g.m;
    let pos = (hi >>> 0) % m;
    let step = (lo >>> 0) % m;
    const bits = g.bits;
    for (let i = 0; i < this.#k; i++) {
      if ((bits[pos >>> 5]! & (1 << (pos & 31))) === 0) return false;
      pos += step;
      if (pos >= m) pos -= m;
      if (++step >= m) step = 0;
    }
    return true;
  }

  #newGeneration(last: Generation | undefined): Generation {
    const cap = last ? Math.min(this.#maxGeneration, last.cap * 2) : Math.min(this.#maxGeneration, FIRST_GENERATION);
    const m = Math.ceil((cap * this.#bitsPerKey) / 32) * 32;
    const g: Generation = { bits: new Uint32Array((m + 32) >>> 5), m, cap, count: 0 };
    this.#gens.push(g);
    // Drop the oldest while the others still hold at least `capacity` keys.
    for (;;) {
      const gens = this.#gens;
      let others = 0;
      for (let i = 1; i < gens.length - 1; i++) others += gens[i]!.count;
      if (gens.length > 2 && others >= this.capacity) gens.shift();
      else break;
    }
    return g;
  }
}
