// Bucket hashing, bit for bit as Bitcoin Core's addrman computes it (GetTriedBucket, GetNewBucket, GetBucketPosition).
//
// H(x) is SHA-256d; cheap(x) is the first 8 bytes of H(x) as a little-endian u64. Byte strings are
// built as Core's serializer writes them: a 32-byte key, vectors prefixed by a one-byte length
// (CompactSize below 253), u64 and i32 little-endian, the table tag as one byte. addrKey is the
// 16-byte IPv6 form of the address followed by the port, big-endian (CService::GetKey).
//
//   triedBucket = cheap(key ‖ ser(group) ‖ u64(cheap(key ‖ ser(addrKey)) mod 8)) mod tried
//   newBucket   = cheap(key ‖ ser(srcGroup) ‖ u64(cheap(key ‖ ser(group) ‖ ser(srcGroup)) mod 64)) mod new
//   position    = cheap(key ‖ 'N'|'K' ‖ i32(bucket) ‖ ser(addrKey)) mod 64
//
// The functions here take raw bytes and write into one shared scratch block: the book calls them
// for every address it hears of, so they allocate nothing. Every message is 38–56 bytes and
// starts with the key, so the key's midstate (its schedule words and the first 8 rounds) is
// computed once per key (HashKey) and each hash starts from there.

import { keyMidstate, sha256dCheapKeyed, u64Mod, type KeyMidstate } from '../hash/sha256.js';
import { BUCKET_SIZE, NEW_BUCKETS_PER_SOURCE_GROUP, TRIED_BUCKETS_PER_GROUP } from './constants.js';

/** A bucket-hashing key: its bytes and its SHA-256 midstate. */
export interface HashKey {
  readonly bytes: Uint8Array;
  readonly mid: KeyMidstate;
}

export function hashKey(key: Uint8Array): HashKey {
  return { bytes: key.slice(), mid: keyMidstate(key) };
}

/** The message block; bytes 0–31 stand for the key (the midstate covers them, they are never read). */
const buf = new Uint8Array(64);
const out = new Uint32Array(2);

/** Writes ser(addrKey) (19 bytes: length 18, 16 address bytes, port big-endian) at `at`. */
function putAddrKey(at: number, ip: Uint8Array, ipOffset: number, port: number): number {
  buf[at] = 18;
  for (let i = 0; i < 16; i++) buf[at + 1 + i] = ip[ipOffset + i]!;
  buf[at + 17] = port >>> 8;
  buf[at + 18] = port & 0xff;
  return at + 19;
}

function putVector(at: number, v: Uint8Array): number {
  buf[at] = v.length;
  buf.set(v, at + 1);
  return at + 1 + v.length;
}

/** Writes a u64 below 2^32 little-endian. */
function putSmallU64(at: number, n: number): number {
  buf[at] = n & 0xff;
  buf[at + 1] = (n >>> 8) & 0xff;
  buf[at + 2] = (n >>> 16) & 0xff;
  buf[at + 3] = n >>> 24;
  buf[at + 4] = 0;
  buf[at + 5] = 0;
  buf[at + 6] = 0;
  buf[at + 7] = 0;
  return at + 8;
}

/** cheap(key ‖ buf[32..length)) mod n. */
function cheapMod(key: HashKey, length: number, n: number): number {
  sha256dCheapKeyed(key.mid, buf, length, out);
  return u64Mod(out[0]!, out[1]!, n);
}

/** The tried bucket of an address (16 bytes at ipOffset, port) whose net group is `group`. */
export function triedBucketOf(key: HashKey, ip: Uint8Array, ipOffset: number, port: number, group: Uint8Array, bucketCount: number): number {
  const h1 = cheapMod(key, putAddrKey(32, ip, ipOffset, port), TRIED_BUCKETS_PER_GROUP);
  return cheapMod(key, putSmallU64(putVector(32, group), h1), bucketCount);
}

/**
 * The first half of the new-bucket hash: which of its 64 buckets a source group uses for addresses
 * of `group`. Returned separately so the book can cache the second half per (source group, result).
 */
export function newBucketSlotOf(key: HashKey, group: Uint8Array, sourceGroup: Uint8Array): number {
  return cheapMod(key, putVector(putVector(32, group), sourceGroup), NEW_BUCKETS_PER_SOURCE_GROUP);
}

/** The second half: the new bucket of the source group's `slot`-th (0–63) bucket. */
export function newBucketOfSlot(key: HashKey, sourceGroup: Uint8Array, slot: number, bucketCount: number): number {
  return cheapMod(key, putSmallU64(putVector(32, sourceGroup), slot), bucketCount);
}

/** The new bucket of an address of `group` heard from a source of `sourceGroup`. */
export function newBucketOf(key: HashKey, group: Uint8Array, sourceGroup: Uint8Array, bucketCount: number): number {
  return newBucketOfSlot(key, sourceGroup, newBucketSlotOf(key, group, sourceGroup), bucketCount);
}

/** The position (0–63) of an address inside `bucket` of the new (isNew) or tried table. */
export function positionOf(key: HashKey, isNew: boolean, bucket: number, ip: Uint8Array, ipOffset: number, port: number): number {
  buf[32] = isNew ? 0x4e /* 'N' */ : 0x4b /* 'K' */;
  buf[33] = bucket & 0xff;
  buf[34] = (bucket >>> 8) & 0xff;
  buf[35] = (bucket >>> 16) & 0xff;
  buf[36] = bucket >>> 24;
  return cheapMod(key, putAddrKey(37, ip, ipOffset, port), BUCKET_SIZE);
}
