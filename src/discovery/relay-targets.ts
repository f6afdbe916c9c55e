// Which peers a fresh address is relayed to: 2 per address, chosen by a keyed SipHash that rotates every 24 h (Core's RelayAddress).

import type { Endpoint } from '../core/address/index.js';
import { SipHasher } from './siphash.js';

/** Peers each relayed address goes to (Core's RelayAddress: 2 for reachable addresses). */
export const RELAY_FANOUT = 2;
/**
 * The same address goes to the same peers for 24 hours (Core's ROTATE_ADDR_RELAY_DEST_INTERVAL):
 * re-announcing an address cannot spread it to more peers, and a spy cannot learn who relayed it
 * by watching many rounds. Each address rotates at its own offset, so not all switch at once.
 */
export const RELAY_ROTATE_MS = 24 * 60 * 60_000;

/** A 64-bit value as its two unsigned 32-bit halves. */
export interface Id64 {
  readonly hi: number;
  readonly lo: number;
}

/** A relay candidate: a peer and its 64-bit id (from its node id). */
export type RelayCandidate = Id64;

const SECONDS_PER_PERIOD = RELAY_ROTATE_MS / 1000;


/** MurmurHash3's 32-bit finaliser: every input bit affects every output bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The 64-bit id of a peer's node id: what relay-target choice hashes (under its secret key) for
 * each candidate, as Core hashes a peer's NodeId. Stable across reconnections of the same node.
 */
export function nodeId64(nodeId: string): Id64 {
  let a = 0x811c9dc5;
  let b = 0x2545f491;
  for (let i = 0; i < nodeId.length; i++) {
    const c = nodeId.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul((b ^ c) + 0x7f4a7c15, 0x5bd1e995);
  }
  const hi = fmix32(a ^ Math.imul(b, 0x27d4eb2d));
  return { hi, lo: fmix32(b ^ hi) };
}

/**
 * Keyed 64-bit ids of endpoints, computed from the endpoint's text without parsing it: how peer
 * exchange names addresses in its hot paths (relay choice, known-address filters) instead of
 * formatting and comparing strings. The seeds are secret, so nobody can craft colliding addresses.
 */
export class EndpointIds {
  /** The last id computed (two outputs without an object per call). */
  hi = 0;
  lo = 0;
  readonly #seedA: number;
  readonly #seedB: number;

  constructor(key: Uint8Array) {
    const u32 = (i: number) => (key[i]! | (key[i + 1]! << 8) | (key[i + 2]! << 16) | (key[i + 3]! << 24)) >>> 0;
    this.#seedA = u32(16);
    this.#seedB = u32(20) ^ 0x9e3779b9;
  }

  /** Sets `hi`/`lo` to the id of `ep` and returns `this`. Canonical endpoint text gives one id per endpoint. */
  of(ep: Endpoint): this {
    const ip = ep.ip;
    let a = this.#seedA;
    let b = this.#seedB;
    for (let i = 0; i < ip.length; i++) {
      const c = ip.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul((b ^ c) + 0x7f4a7c15, 0x5bd1e995);
    }
    a = Math.imul(a ^ ep.port, 0x01000193);
    b = Math.imul(b ^ (ep.port * 0x10001), 0x5bd1e995);
    this.hi = fmix32(a ^ Math.imul(b, 0x27d4eb2d));
    this.lo = fmix32(b ^ this.hi);
    return this;
  }
}

/**
 * Picks relay targets as Bitcoin Core does: hash (address, its 24-hour period) once under a secret
 * SipHash key, then rank each candidate's id by a hash keyed with that digest, and keep the `count`
 * highest. Core runs the whole SipHash per candidate; here the per-address digest (128 secret bits,
 * two SipHash words) keys a MurmurHash3-style mixer of the candidate's 64-bit id, a few
 * multiplications instead of six SipRounds: the digest is secret and changes with the address and
 * the period, so a peer can no more choose an id that ranks first than it can against SipHash.
 * Linear in the number of peers, no sort. The same key, address, period and candidates give the
 * same choice, so re-announcing an address within a day reaches no one new.
 */
export class RelayTargetPicker {
  readonly #base: SipHasher;
  readonly #addr: SipHasher;
  /** The prepared address's digest: the key of score(). */
  #d0 = 0;
  #d1 = 0;
  #d2 = 0;
  #d3 = 0;

  constructor(key: Uint8Array) {
    this.#base = SipHasher.keyed(key);
    this.#addr = SipHasher.keyed(key);
  }

  /** The 24-hour period the address is in at `now` (each address rotates at its own offset, as Core adds the address hash to the time). */
  static period(address: Id64, now: number): number {
    return Math.floor((Math.floor(now / 1000) + (address.lo % SECONDS_PER_PERIOD)) / SECONDS_PER_PERIOD);
  }

  /** Up to `count` candidates (never `exclude`) with the highest keyed hash for this address and period, best first. */
  pick<T extends RelayCandidate>(address: Id64, now: number, candidates: Iterable<T>, exclude?: T, count = RELAY_FANOUT): T[] {
    return this.pickScored(address, now, candidates, exclude, count).best;
  }

  /** Like pick, with each pick's hash (what an incremental update compares new candidates against). */
  pickScored<T extends RelayCandidate>(address: Id64, now: number, candidates: Iterable<T>, exclude?: T, count = RELAY_FANOUT): { best: T[]; values: number[] } {
    const best: T[] = [];
    const values: number[] = [];
    if (count <= 0) return { best, values };
    this.prepare(address, now);
    for (const c of candidates) if (c !== exclude) insertBest(best, values, c, this.score(c), count);
    return { best, values };
  }

  /** Keys score() for one address at `now`. */
  prepare(address: Id64, now: number): void {
    const period = RelayTargetPicker.period(address, now);
    const h = this.#addr.copyFrom(this.#base).write(address.hi, address.lo).write(Math.floor(period / 2 ** 32), period >>> 0);
    [this.#d0, this.#d1] = h.digest();
    [this.#d2, this.#d3] = h.hashWith(0x5bd1e995, 0x27d4eb2d);
  }

  /** The keyed hash of a candidate for the prepared address (53 bits). */
  score(c: RelayCandidate): number {
    let h1 = Math.imul(c.hi ^ this.#d0, 0xcc9e2d51);
    h1 = Math.imul((h1 << 15) | (h1 >>> 17), 0x1b873593) ^ this.#d1;
    let h2 = Math.imul(c.lo ^ this.#d2, 0x85ebca6b) ^ h1;
    h1 = fmix32(h1 ^ Math.imul(h2, 0x27d4eb2d) ^ this.#d3);
    h2 = fmix32(h2 ^ h1 ^ this.#d0);
    return h1 * 2 ** 21 + (h2 >>> 11);
  }
}

/**
 * Inserts `c` with hash `v` into `best` (at most `count`, highest first, `values` alongside) if it
 * ranks; on a tie the earlier candidate stays ahead.
 */
export function insertBest<T>(best: T[], values: number[], c: T, v: number, count: number): void {
  if (best.length === count && v <= values[count - 1]!) return;
  let i = best.length < count ? best.length : count - 1;
  while (i > 0 && values[i - 1]! < v) {
    best[i] = best[i - 1]!;
    values[i] = values[i - 1]!;
    i--;
  }
  best[i] = c;
  values[i] = v;
}
