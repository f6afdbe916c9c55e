// The address book's invariant check: Bitcoin Core's CheckAddrman codes, plus codes for our own indexes.
//
// Core's codes (0 = sound):
//   -7 random order size ≠ new + tried      -1 tried entry that never succeeded   -2 tried entry with references
//   -3 reference count outside 0–8          -4 new entry without references       -5 index does not find the entry
//  -14 random position wrong                -6 negative last try                  -8 negative last success
//   -9 tried count wrong                   -10 new count wrong                   -11 tried slot holds a non-tried entry
//  -17 tried entry in the wrong bucket     -18 tried entry at the wrong position -12 new slot holds a non-new entry
//  -19 new entry at the wrong position     -13 tried entry not in its slot       -15 references not matching slots
//  -16 all-zero key                        -20/-21 per-network counts wrong
// Ours (the extra structure this implementation keeps):
//  -30 an entry's recorded slots disagree with the tables      -31 per-bucket counters or non-empty list wrong
//  -32 the address index holds the wrong number of rows        -33 a collision names a missing or tried-less entry
//  -34 group registry counts wrong (entries or tried)          -35 tried-per-source-group tally wrong (when the limit is on)
//  -36 per-IP bucket counts wrong

import { BUCKET_SIZE, NEW_BUCKETS_PER_ADDRESS, TRIED_COLLISION_LIMIT } from './constants.js';
import type { BookState } from './book-state.js';

/** Which buckets a sampled check recomputes slots for: `count` buckets of each table from `from` on (wrapping). */
export interface SlotSample {
  from: number;
  count: number;
}

/** Whether bucket `b` of a table of `buckets` buckets is in the sample (always, without one). */
function sampled(sample: SlotSample | undefined, b: number, buckets: number): boolean {
  if (sample === undefined || sample.count >= buckets) return true;
  const start = sample.from % buckets;
  const d = (b - start + buckets) % buckets;
  return d < sample.count;
}

/**
 * Runs every check; returns 0 when all invariants hold, else the first failing code. With a
 * sample, the slot of each entry is recomputed (hashed) only in the sampled buckets.
 */
export function checkConsistency(s: BookState, sample?: SlotSample): number {
  const e = s.entries;
  if (s.orderLength !== s.nNew + s.nTried) return -7;

  let tried = 0;
  let fresh = 0;
  let newIpv4 = 0;
  let triedIpv4 = 0;
  // Per entry id: references not yet seen in a new slot, and whether a tried slot is still expected.
  const refsLeft = new Int32Array(e.highWater);
  const triedLeft = new Uint8Array(e.highWater);
  let refsLeftTotal = 0;
  let triedLeftTotal = 0;
  const groupCounts = new Int32Array(s.groups.idBound);
  const groupTried = new Int32Array(s.groups.idBound);
  const ipBuckets = new Int32Array(s.ipBuckets.length);
  for (let id = 0; id < e.highWater; id++) {
    if (!e.isAlive(id)) continue;
    groupCounts[e.group[id]!]!++;
    if (s.isTried(id)) groupTried[e.group[id]!]!++;
    ipBuckets[e.ipKey(id) & (ipBuckets.length - 1)]!++;
    const refs = e.refCount[id]!;
    if (s.isTried(id)) {
      if (!e.lastSuccess[id]) return -1;
      if (refs !== 0) return -2;
      tried++;
      if (s.isIpv4(id)) triedIpv4++;
      triedLeft[id] = 1;
      triedLeftTotal++;
    } else {
      if (refs < 0 || refs > NEW_BUCKETS_PER_ADDRESS) return -3;
      if (refs === 0) return -4;
      fresh++;
      if (s.isIpv4(id)) newIpv4++;
      refsLeft[id] = refs;
      refsLeftTotal += refs;
    }
    if (e.find(e.ip, id * 16, e.port[id]!) !== id) return -5;
    const pos = e.randomPos[id]!;
    if (pos < 0 || pos >= s.orderLength || s.order[pos] !== id) return -14;
    if (e.lastTry[id]! < 0) return -6;
    if (e.lastSuccess[id]! < 0) return -8;
  }
  if (tried !== s.nTried) return -9;
  if (fresh !== s.nNew) return -10;

  const triedSlots = s.triedTable.slots;
  for (let slot = 0; slot < triedSlots.length; slot++) {
    const id = triedSlots[slot]!;
    if (id === -1) continue;
    if (id < 0 || id >= e.highWater || !triedLeft[id]) return -11;
    const bucket = (slot / BUCKET_SIZE) | 0;
    if (sampled(sample, bucket, triedSlots.length / BUCKET_SIZE)) {
      const expected = s.triedSlotOf(id);
      if (((expected / BUCKET_SIZE) | 0) !== bucket) return -17;
      if (expected !== slot) return -18;
    }
    if (e.slot[id] !== slot) return -30;
    triedLeft[id] = 0;
    triedLeftTotal--;
  }

  const newSlots = s.newTable.slots;
  for (let slot = 0; slot < newSlots.length; slot++) {
    const id = newSlots[slot]!;
    if (id === -1) continue;
    if (id < 0 || id >= e.highWater || refsLeft[id]! <= 0) return -12;
    const bucket = (slot / BUCKET_SIZE) | 0;
    if (sampled(sample, bucket, newSlots.length / BUCKET_SIZE) && bucket * BUCKET_SIZE + s.positionIn(id, true, bucket) !== slot) return -19;
    if (e.slot[id] !== slot && !(e.extraSlots.get(id) ?? []).includes(slot)) return -30;
    refsLeft[id]!--;
    refsLeftTotal--;
  }

  if (triedLeftTotal > 0) return -13;
  if (refsLeftTotal > 0) return -15;
  if (s.key.every((b) => b === 0)) return -16;
  if (s.newIpv4 > s.nNew || s.triedIpv4 > s.nTried) return -20;
  if (newIpv4 !== s.newIpv4 || triedIpv4 !== s.triedIpv4) return -21;

  // Our own structures.
  for (const [id, extra] of e.extraSlots) {
    if (!e.isAlive(id) || s.isTried(id) || extra.length + 1 !== e.refCount[id]) return -30;
  }
  for (let id = 0; id < e.highWater; id++) {
    if (e.isAlive(id) && !s.isTried(id) && !e.extraSlots.has(id) && e.refCount[id] !== 1) return -30;
  }
  const isIpv4 = (id: number) => s.isIpv4(id);
  if (s.newTable.checkIndexes(isIpv4) !== 0 || s.triedTable.checkIndexes(isIpv4) !== 0) return -31;
  if (e.indexedCount() !== e.live || e.live !== s.orderLength) return -32;
  if (s.collisions.size > TRIED_COLLISION_LIMIT) return -33;
  for (const id of s.collisions) if (!e.isAlive(id)) return -33;
  for (let g = 0; g < s.groups.idBound; g++) if (s.groups.refs(g) !== groupCounts[g] || s.groups.triedRefs(g) !== groupTried[g]) return -34;
  let groupsListed = 0;
  let groupsBad = false;
  s.groups.forEachGroup((g, n, t) => {
    groupsListed++;
    if (n !== groupCounts[g] || t !== groupTried[g]) groupsBad = true;
  });
  if (groupsBad || groupsListed !== groupCounts.filter((n) => n > 0).length) return -34;
  if (s.ipBuckets.length < e.capacity) return -36;
  for (let i = 0; i < ipBuckets.length; i++) if (ipBuckets[i] !== s.ipBuckets[i]) return -36;
  if (s.maxTriedPerSourceGroup !== undefined) {
    const tally = new Map<string, number>();
    for (let i = 0; i < s.orderLength; i++) {
      const id = s.order[i]!;
      if (s.isTried(id)) tally.set(s.sourceGroupKey(id), (tally.get(s.sourceGroupKey(id)) ?? 0) + 1);
    }
    if (tally.size !== s.triedBySourceGroup.size) return -35;
    for (const [k, n] of tally) if (s.triedBySourceGroup.get(k) !== n) return -35;
  }
  return 0;
}
