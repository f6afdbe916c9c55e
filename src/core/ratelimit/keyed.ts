// One token bucket per key (an IP, a node id…), bounded in memory: the least recently used key is forgotten first.

import { TokenBucket, type TokenBucketOptions } from './token-bucket.js';

export interface KeyedTokenBucketsOptions extends Omit<TokenBucketOptions, 'now'> {
  /**
   * Keys remembered at most. A forgotten key starts again with a full bucket, which is the safe
   * direction for an honest peer; an attacker gains nothing by cycling keys he has to own anyway.
   */
  maxKeys?: number;
}

/** Default key bound: enough for every connection the node can hold many times over, small in memory. */
export const DEFAULT_MAX_KEYS = 10_000;

export class KeyedTokenBuckets<K> {
  private readonly buckets = new Map<K, TokenBucket>();
  private readonly maxKeys: number;

  constructor(private readonly opts: KeyedTokenBucketsOptions) {
    this.maxKeys = opts.maxKeys ?? DEFAULT_MAX_KEYS;
    if (!Number.isInteger(this.maxKeys) || this.maxKeys < 1) throw new RangeError(`maxKeys must be a positive integer, got ${this.maxKeys}`);
  }

  /** The bucket of `key`, created (and made most recent) on use. */
  bucket(key: K, now: number): TokenBucket {
    let b = this.buckets.get(key);
    if (b) {
      // Re-insert to mark as most recently used (Map keeps insertion order).
      this.buckets.delete(key);
    } else {
      b = new TokenBucket({ ...this.opts, now });
      if (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next();
        if (!oldest.done) this.buckets.delete(oldest.value);
      }
    }
    this.buckets.set(key, b);
    return b;
  }

  take(key: K, now: number, n = 1): boolean {
    return this.bucket(key, now).take(now, n);
  }

  delete(key: K): boolean {
    return this.buckets.delete(key);
  }

  get size(): number {
    return this.buckets.size;
  }
}
