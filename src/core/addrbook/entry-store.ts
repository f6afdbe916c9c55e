// The book's entries as columns of typed arrays, plus an open-addressing index from address to entry.
//
// One object per entry costs ~600 bytes of heap in V8 (object, endpoint strings, bigint, map entry).
// Here an entry is a row index into typed arrays (~110 bytes in all, none of it on the JS heap's
// object graph), endpoints are formatted only when someone asks for them, and the address → entry
// index is a linear-probing hash table of Int32s keyed with a secret seed (so that nobody who does
// not know the book's key can craft addresses that all land in one probe chain).

import { sha256 } from '../hash/sha256.js';

export const FLAG_ALIVE = 1;
export const FLAG_TRIED = 2;
export const FLAG_IPV6 = 4;
export const FLAG_DIRTY = 8;

const INITIAL_CAPACITY = 64;

function grown<T extends Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array>(old: T, size: number, fill?: number): T {
  const next = new (old.constructor as new (n: number) => T)(size);
  next.set(old);
  if (fill !== undefined) next.fill(fill, old.length);
  return next;
}

export class EntryStore {
  capacity = INITIAL_CAPACITY;
  /** 16 address bytes per entry. */
  ip = new Uint8Array(INITIAL_CAPACITY * 16);
  port = new Uint16Array(INITIAL_CAPACITY);
  /** 16 source address bytes per entry (who told us). */
  source = new Uint8Array(INITIAL_CAPACITY * 16);
  servicesLo = new Uint32Array(INITIAL_CAPACITY);
  servicesHi = new Uint32Array(INITIAL_CAPACITY);
  time = new Float64Array(INITIAL_CAPACITY);
  lastTry = new Float64Array(INITIAL_CAPACITY);
  lastSuccess = new Float64Array(INITIAL_CAPACITY);
  lastCountAttempt = new Float64Array(INITIAL_CAPACITY);
  attempts = new Int32Array(INITIAL_CAPACITY);
  refCount = new Uint8Array(INITIAL_CAPACITY);
  flags = new Uint8Array(INITIAL_CAPACITY);
  origin = new Uint8Array(INITIAL_CAPACITY);
  /** Position in the book's random order (Core's nRandomPos). */
  randomPos = new Int32Array(INITIAL_CAPACITY);
  /** The tried slot, or the first new slot; -1 when none. */
  slot = new Int32Array(INITIAL_CAPACITY).fill(-1);
  /** Interned net group id of the address. */
  group = new Int32Array(INITIAL_CAPACITY);
  /** New slots beyond the first, for entries with several references. */
  readonly extraSlots = new Map<number, number[]>();

  #free: number[] = [];
  #highWater = 0;
  #live = 0;

  #table = new Int32Array(2 * INITIAL_CAPACITY).fill(-1);
  #mask = 2 * INITIAL_CAPACITY - 1;
  readonly #seedA: number;
  readonly #seedB: number;

  constructor(key: Uint8Array) {
    const seed = sha256(Uint8Array.from([...key, ...new TextEncoder().encode('peerwarden lookup seed')]));
    this.#seedA = (seed[0]! | (seed[1]! << 8) | (seed[2]! << 16) | (seed[3]! << 24)) | 0;
    this.#seedB = (seed[4]! | (seed[5]! << 8) | (seed[6]! << 16) | (seed[7]! << 24)) | 0;
  }

  /** Number of live entries. */
  get live(): number {
    return this.#live;
  }

  /** One past the highest index ever used: iterate 0..highWater and skip dead rows. */
  get highWater(): number {
    return this.#highWater;
  }

  isAlive(i: number): boolean {
    return i >= 0 && i < this.#highWater && (this.flags[i]! & FLAG_ALIVE) !== 0;
  }

  /** Makes room for `n` more rows at once (restoring a snapshot), instead of growing step by step. */
  reserve(n: number): void {
    const needed = this.#live + n;
    if (needed > this.capacity) {
      let size = this.capacity;
      while (size < needed) size *= 2;
      this.#grow(size);
    }
    let tableSize = this.#table.length;
    while (2 * needed > tableSize) tableSize *= 2;
    if (tableSize !== this.#table.length) this.#rehash(tableSize);
  }

  /** Takes a free row, cleared, marked alive. The caller fills it and then calls index(). */
  alloc(): number {
    let i = this.#free.pop();
    if (i === undefined) {
      if (this.#highWater === this.capacity) this.#grow();
      i = this.#highWater++;
    }
    this.ip.fill(0, i * 16, i * 16 + 16);
    this.source.fill(0, i * 16, i * 16 + 16);
    this.port[i] = 0;
    this.servicesLo[i] = 0;
    this.servicesHi[i] = 0;
    this.time[i] = 0;
    this.lastTry[i] = 0;
    this.lastSuccess[i] = 0;
    this.lastCountAttempt[i] = 0;
    this.attempts[i] = 0;
    this.refCount[i] = 0;
    this.origin[i] = 0;
    this.randomPos[i] = -1;
    this.slot[i] = -1;
    this.group[i] = -1;
    this.flags[i] = FLAG_ALIVE;
    this.#live++;
    return i;
  }

  /** Returns a row to the free list; the caller has unindexed it. */
  release(i: number): void {
    this.flags[i] = 0;
    this.extraSlots.delete(i);
    this.#free.push(i);
    this.#live--;
  }

  #grow(size = this.capacity * 2): void {
    this.ip = grown(this.ip, size * 16);
    this.source = grown(this.source, size * 16);
    this.port = grown(this.port, size);
    this.servicesLo = grown(this.servicesLo, size);
    this.servicesHi = grown(this.servicesHi, size);
    this.time = grown(this.time, size);
    this.lastTry = grown(this.lastTry, size);
    this.lastSuccess = grown(this.lastSuccess, size);
    this.lastCountAttempt = grown(this.lastCountAttempt, size);
    this.attempts = grown(this.attempts, size);
    this.refCount = grown(this.refCount, size);
    this.flags = grown(this.flags, size);
    this.origin = grown(this.origin, size);
    this.randomPos = grown(this.randomPos, size);
    this.slot = grown(this.slot, size, -1);
    this.group = grown(this.group, size, -1);
    this.capacity = size;
  }

  // ---- the address → row index ----

  #hash(bytes: Uint8Array, off: number, port: number): number {
    // Murmur3-style mixing of the four address words and the port, keyed by two secret words.
    let h = this.#seedA ^ port;
    for (let k = 0; k < 16; k += 4) {
      let w = bytes[off + k]! | (bytes[off + k + 1]! << 8) | (bytes[off + k + 2]! << 16) | (bytes[off + k + 3]! << 24);
      w = Math.imul(w, 0xcc9e2d51);
      w = (w << 15) | (w >>> 17);
      w = Math.imul(w, 0x1b873593);
      h ^= w;
      h = (h << 13) | (h >>> 19);
      h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    }
    h ^= this.#seedB;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h;
  }

  /**
   * Row `i`'s IP (port left out) hashed to 30 bits. Keyed like the index, so nobody can craft IPs
   * that share a key; two IPs may still share one by chance, so a count by key is an upper bound
   * on the count by IP.
   */
  ipKey(i: number): number {
    return this.#hash(this.ip, i * 16, 0) & 0x3fffffff;
  }

  #sameAddress(i: number, bytes: Uint8Array, off: number, port: number): boolean {
    if (this.port[i] !== port) return false;
    const base = i * 16;
    // Compare the last bytes first: IPv4 entries share their first 12.
    for (let k = 15; k >= 0; k--) if (this.ip[base + k] !== bytes[off + k]) return false;
    return true;
  }

  /** The row of the address (16 bytes at `off`, port), or -1. */
  find(bytes: Uint8Array, off: number, port: number): number {
    const mask = this.#mask;
    const table = this.#table;
    for (let p = this.#hash(bytes, off, port) & mask; ; p = (p + 1) & mask) {
      const i = table[p]!;
      if (i === -1) return -1;
      if (this.#sameAddress(i, bytes, off, port)) return i;
    }
  }

  /** Adds row `i` (filled, not yet indexed) to the index. */
  index(i: number): void {
    if (2 * (this.#live + 1) > this.#table.length) this.#rehash(this.#table.length * 2);
    this.#insert(i);
  }

  #insert(i: number): void {
    const mask = this.#mask;
    let p = this.#hash(this.ip, i * 16, this.port[i]!) & mask;
    while (this.#table[p] !== -1) p = (p + 1) & mask;
    this.#table[p] = i;
  }

  #rehash(size: number): void {
    const old = this.#table;
    this.#table = new Int32Array(size).fill(-1);
    this.#mask = size - 1;
    for (let p = 0; p < old.length; p++) if (old[p] !== -1) this.#insert(old[p]!);
  }

  /** Removes row `i` from the index (backward-shift deletion keeps probe chains intact). */
  unindex(i: number): void {
    const mask = this.#mask;
    const table = this.#table;
    let p = this.#hash(this.ip, i * 16, this.port[i]!) & mask;
    while (table[p] !== i) {
      if (table[p] === -1) return;
      p = (p + 1) & mask;
    }
    let hole = p;
    for (let q = (p + 1) & mask; table[q] !== -1; q = (q + 1) & mask) {
      const j = table[q]!;
      const home = this.#hash(this.ip, j * 16, this.port[j]!) & mask;
      // Move j into the hole if its home is not in the cyclic range (hole, q].
      const inRange = hole <= q ? home > hole && home <= q : home > hole || home <= q;
      if (!inRange) {
        table[hole] = j;
        hole = q;
      }
    }
    table[hole] = -1;
  }

  /** Number of rows the index holds (for the consistency check). */
  indexedCount(): number {
    let n = 0;
    for (let p = 0; p < this.#table.length; p++) if (this.#table[p] !== -1) n++;
    return n;
  }
}
