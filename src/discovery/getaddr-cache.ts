// The GETADDR answer cache: min(1000, 23 %) of the book, rebuilt every 21–27 h, so scraping returns the same set.

import type { Endpoint } from '../core/address/index.js';
import type { AddressRecord, GetAddressesOptions } from '../core/addrbook/index.js';
import type { Random } from '../core/random.js';

/** At most this many addresses per answer (Core's MAX_ADDR_TO_SEND; also the ADDR message limit). */
export const GETADDR_MAX_ADDRESSES = 1000;
/** At most this share of the book per answer (Core's MAX_PCT_ADDR_TO_SEND): nobody copies our whole book. */
export const GETADDR_MAX_PERCENT = 23;
/**
 * ...but never fewer than this many (or the whole book when it is smaller). 23 % of a small book is
 * a handful — 1 address of 7 — and a small network (a devnet, a new chain) could then never spread
 * its map by gossip. A book this small reveals nothing: every node of such a network knows every other.
 */
export const GETADDR_MIN_ADDRESSES = 23;
/** The cache lives 21 h plus up to 6 h (Core, PR #18991): asking again and again returns the same addresses. */
export const GETADDR_CACHE_LIFETIME_MS = 21 * 60 * 60_000;
export const GETADDR_CACHE_JITTER_MS = 6 * 60 * 60_000;

export interface CacheableBook {
  getAddresses(options?: GetAddressesOptions): AddressRecord[];
  size(): number;
}

export interface GetAddrCacheOptions {
  book: CacheableBook;
  random: Random;
  lifetimeMs?: number;
  jitterMs?: number;
}

/** How many addresses an answer holds for a book of `size`: 23 % up to 1000, at least 23 (or all). */
export function getAddrAnswerSize(size: number): number {
  const share = Math.floor((size * GETADDR_MAX_PERCENT) / 100);
  return Math.min(GETADDR_MAX_ADDRESSES, Math.max(share, Math.min(size, GETADDR_MIN_ADDRESSES)));
}

/**
 * One cache per node. Rebuilt when it expires — and, unlike Core, also while the book is young:
 * a book of at most 23 addresses is handed out whole and always current, and a larger one is
 * re-sampled when it has doubled since the last build (until the answer is full at 1000). A node's
 * first GETADDR often comes when its book holds a handful of addresses; freezing that handful for a
 * day would starve every peer that bootstraps from it. A stable, grown book gives the same answers
 * for 21–27 h, as Core's does, so repeated scraping learns nothing new.
 */
export class GetAddrCache {
  #o: GetAddrCacheOptions;
  #entries: AddressRecord[] = [];
  #builtAt = -Infinity;
  #expiresAt = -Infinity;
  #builtFromSize = 0;

  constructor(options: GetAddrCacheOptions) {
    this.#o = options;
  }

  /** The cached answer at `now`, filtered again by `keep` (bans and discouragement may be newer than the cache). */
  get(now: number, keep: (endpoint: Endpoint) => boolean): AddressRecord[] {
    const size = this.#o.book.size();
    const small = size <= GETADDR_MIN_ADDRESSES && size !== this.#builtFromSize;
    const grown = size >= 2 * Math.max(1, this.#builtFromSize) && this.#entries.length < GETADDR_MAX_ADDRESSES;
    if (now >= this.#expiresAt || small || grown) this.#rebuild(now, size, keep);
    return this.#entries.filter((e) => keep(e.endpoint));
  }

  get builtAt(): number {
    return this.#builtAt;
  }

  #rebuild(now: number, size: number, keep: (endpoint: Endpoint) => boolean): void {
    const lifetime = this.#o.lifetimeMs ?? GETADDR_CACHE_LIFETIME_MS;
    const jitter = this.#o.jitterMs ?? GETADDR_CACHE_JITTER_MS;
    this.#entries = this.#o.book.getAddresses({ max: getAddrAnswerSize(size) }).filter((e) => keep(e.endpoint));
    this.#builtAt = now;
    this.#builtFromSize = size;
    this.#expiresAt = now + lifetime + Math.floor(this.#o.random.float() * jitter);
  }
}
