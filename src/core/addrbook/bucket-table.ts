// One table (new or tried) of buckets × 64 slots, each holding an entry index or -1.
//
// Besides the slots it keeps, per bucket, how many slots are taken and how many hold IPv4 entries,
// and a list of the non-empty buckets. select() picks a uniformly random non-empty bucket from that
// list, which is exactly the distribution of Core's loop "pick any bucket, start over if empty",
// without spinning through empty buckets in a sparse table.

import { BUCKET_SIZE } from './constants.js';

export class BucketTable {
  readonly bucketCount: number;
  /** bucket * 64 + position → entry index, or -1. */
  readonly slots: Int32Array;
  /** Taken slots per bucket. */
  readonly fill: Uint8Array;
  /** Slots holding IPv4 entries, per bucket. */
  readonly ipv4Fill: Uint8Array;
  /** The non-empty buckets, in no order; the first `nonEmptyCount` are valid. */
  readonly nonEmpty: Int32Array;
  /** Where each bucket sits in `nonEmpty`, or -1. */
  readonly #nonEmptyAt: Int32Array;
  nonEmptyCount = 0;

  constructor(bucketCount: number) {
    this.bucketCount = bucketCount;
    this.slots = new Int32Array(bucketCount * BUCKET_SIZE).fill(-1);
    this.fill = new Uint8Array(bucketCount);
    this.ipv4Fill = new Uint8Array(bucketCount);
    this.nonEmpty = new Int32Array(bucketCount);
    this.#nonEmptyAt = new Int32Array(bucketCount).fill(-1);
  }

  /** Puts `id` into an empty slot. */
  set(slot: number, id: number, ipv4: boolean): void {
    this.slots[slot] = id;
    const b = (slot / BUCKET_SIZE) | 0;
    if (this.fill[b]++ === 0) {
      this.#nonEmptyAt[b] = this.nonEmptyCount;
      this.nonEmpty[this.nonEmptyCount++] = b;
    }
    if (ipv4) this.ipv4Fill[b]!++;
  }

  /** Empties a taken slot. */
  clear(slot: number, ipv4: boolean): void {
    this.slots[slot] = -1;
    const b = (slot / BUCKET_SIZE) | 0;
    if (ipv4) this.ipv4Fill[b]!--;
    if (--this.fill[b]! === 0) {
      // Swap-remove the bucket from the non-empty list.
      const at = this.#nonEmptyAt[b]!;
      const last = this.nonEmpty[--this.nonEmptyCount]!;
      this.nonEmpty[at] = last;
      this.#nonEmptyAt[last] = at;
      this.#nonEmptyAt[b] = -1;
    }
  }

  /** Checks the counters and the non-empty list against the slots; 0 when they agree. */
  checkIndexes(isIpv4: (id: number) => boolean): number {
    let nonEmpty = 0;
    for (let b = 0; b < this.bucketCount; b++) {
      let taken = 0;
      let v4 = 0;
      for (let p = 0; p < BUCKET_SIZE; p++) {
        const id = this.slots[b * BUCKET_SIZE + p]!;
        if (id !== -1) {
          taken++;
          if (isIpv4(id)) v4++;
        }
      }
      if (taken !== this.fill[b] || v4 !== this.ipv4Fill[b]) return 1;
      const at = this.#nonEmptyAt[b]!;
      if (taken > 0) {
        nonEmpty++;
        if (at < 0 || at >= this.nonEmptyCount || this.nonEmpty[at] !== b) return 2;
      } else if (at !== -1) {
        return 2;
      }
    }
    return nonEmpty === this.nonEmptyCount ? 0 : 2;
  }
}
