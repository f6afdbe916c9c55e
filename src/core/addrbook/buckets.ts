// The bucket functions as public free functions, with Core's default table sizes (256 tried, 1024 new buckets).
//
// They are what the reference vectors check: with key1 = SHA-256d(i32le(1)),
// triedBucket(key1, '250.1.1.1:8333') = 40, triedBucket(key1, '250.1.1.1:9999') = 113 and
// newBucket(key1, '250.1.2.1:8333', '250.1.2.1') = 786.

import type { EndpointLike } from '../address/endpoint.js';
import { netGroup, type NetGroupOptions } from '../address/netgroup.js';
import { NEW_BUCKET_COUNT, TRIED_BUCKET_COUNT } from './constants.js';
import { readEndpoint, readSourceIp, type EndpointBytes } from './endpoint-bytes.js';
import { hashKey, newBucketOf, positionOf, triedBucketOf } from './hashing.js';

export interface BucketOptions extends NetGroupOptions {
  /** The table's bucket count (default 256 for tried, 1024 for new). */
  bucketCount?: number;
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== 32) throw new TypeError('the address book key must be 32 bytes (a Uint8Array)');
}

function read(ep: EndpointLike): EndpointBytes {
  const q = { ip: new Uint8Array(16), port: 0 };
  readEndpoint(ep, q);
  return q;
}

/** The tried bucket (0–255) of an endpoint. Depends on the address, its port and its /16. */
export function triedBucket(key: Uint8Array, ep: EndpointLike, opts: BucketOptions = {}): number {
  checkKey(key);
  const q = read(ep);
  return triedBucketOf(hashKey(key), q.ip, 0, q.port, netGroup(q.ip, opts), opts.bucketCount ?? TRIED_BUCKET_COUNT);
}

/**
 * The new bucket (0–1023) of an endpoint heard from `source` (an IP or an endpoint; only its IP
 * counts). Depends on the address's group and the source's group, never on the port.
 */
export function newBucket(key: Uint8Array, ep: EndpointLike, source: EndpointLike, opts: BucketOptions = {}): number {
  checkKey(key);
  const q = read(ep);
  const src = new Uint8Array(16);
  readSourceIp(source, src);
  return newBucketOf(hashKey(key), netGroup(q.ip, opts), netGroup(src, opts), opts.bucketCount ?? NEW_BUCKET_COUNT);
}

/** The position (0–63) of an endpoint inside bucket `bucket` of the new (isNew) or tried table. */
export function bucketPosition(key: Uint8Array, isNew: boolean, bucket: number, ep: EndpointLike): number {
  checkKey(key);
  if (!Number.isInteger(bucket) || bucket < 0 || bucket > 0x7fffffff) throw new RangeError(`bucket must be an integer >= 0, got ${bucket}`);
  const q = read(ep);
  return positionOf(hashKey(key), isNew, bucket, q.ip, 0, q.port);
}
