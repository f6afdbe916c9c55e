// The address book's state and its primitive moves (create, place, clear, delete, promote), shared by its modules.
//
// AddressBook (address-book.ts) holds one BookState and implements the public operations on top of
// these moves; consistency.ts, snapshot.ts and stats.ts read the same state. Nothing here is
// exported from the package.

import type { Asmap } from '../address/asmap.js';
import type { Endpoint } from '../address/endpoint.js';
import { classify, isAcceptable } from '../address/classify.js';
import { netGroup, type NetGroupOptions } from '../address/netgroup.js';
import type { Clock } from '../clock.js';
import type { Random } from '../random.js';
import { BucketTable } from './bucket-table.js';
import {
  BUCKET_SIZE,
  FUTURE_SLACK_MS,
  HORIZON_MS,
  MAX_FAILURES,
  MIN_FAIL_MS,
  RECENT_TRY_MS,
  RETRIES,
  SELECT_ATTEMPT_FACTOR,
  SELECT_MAX_ATTEMPT_PENALTIES,
  SELECT_RECENT_TRY_MS,
  TRIED_COLLISION_LIMIT,
} from './constants.js';
import { formatEndpointBytes, formatIpAt } from './endpoint-bytes.js';
import { EntryStore, FLAG_DIRTY, FLAG_IPV6, FLAG_TRIED } from './entry-store.js';
import { GroupRegistry } from './group-registry.js';
import { hashKey, newBucketOf, positionOf, triedBucketOf, type HashKey } from './hashing.js';
import { ADDRESS_ORIGINS, type AddressNetwork, type AddressOrigin } from './types.js';

/** Failed-attempt chance factors 0.66^n for n = 0..8, computed once. */
const ATTEMPT_CHANCE = Array.from({ length: SELECT_MAX_ATTEMPT_PENALTIES + 1 }, (_, n) => SELECT_ATTEMPT_FACTOR ** n);

export const ORIGIN_CODE: Record<AddressOrigin, number> = Object.fromEntries(ADDRESS_ORIGINS.map((o, i) => [o, i])) as Record<
  AddressOrigin,
  number
>;

export interface BookStateOptions {
  key: Uint8Array;
  clock: Clock;
  random: Random;
  allowPrivate: boolean;
  allowLoopback: boolean;
  newBucketCount: number;
  triedBucketCount: number;
  asmap?: Asmap;
  maxTriedPerSourceGroup?: number;
}

export class BookState {
  readonly key: Uint8Array;
  /** The key prepared for bucket hashing. */
  readonly hashKey: HashKey;
  readonly clock: Clock;
  readonly random: Random;
  readonly allowPrivate: boolean;
  readonly allowLoopback: boolean;
  /** The AS map groups are computed with, if any. */
  readonly asmap: Asmap | undefined;
  /** Options for every group the book computes (the AS map included). */
  readonly groupOptions: NetGroupOptions;
  /** The same without the AS map: for admit(), which has consulted the map already. */
  readonly #plainGroupOptions: NetGroupOptions;
  readonly newTable: BucketTable;
  readonly triedTable: BucketTable;
  readonly entries: EntryStore;
  readonly groups = new GroupRegistry();

  /** Every live entry once, in random order (Core's vRandom): getAddresses shuffles it in place. */
  order = new Int32Array(64);
  orderLength = 0;

  nNew = 0;
  nTried = 0;
  newIpv4 = 0;
  triedIpv4 = 0;
  /** Core's m_last_good: starts at 1 so that a never-counted attempt (0) is older. */
  lastGood = 1;
  /** Entries waiting for test-before-evict, in the order they collided. */
  readonly collisions = new Set<number>();
  /** The tried-per-source-group limit (undefined: none, as in Core) and the tried counts it checks, by source group. */
  readonly maxTriedPerSourceGroup: number | undefined;
  readonly triedBySourceGroup = new Map<string, number>();

  /**
   * Entries per IP hash bucket (EntryStore.ipKey modulo the array's length, a power of two at
   * least the entry capacity): an upper bound on the entries of every IP in the bucket. Honest
   * nodes rarely share an IP, so when no bucket reaches a crowded-IP threshold, no IP does, and
   * the check reads 4 bytes per entry of capacity instead of walking the book. (A map per IP cost
   * 52 bytes per entry; this costs 4 to 8.)
   */
  ipBuckets = new Int32Array(64);

  /** Change tracking: rows marked dirty since the last take, and endpoints deleted. */
  dirty: number[] = [];
  readonly deleted = new Set<string>();
  /** The next take must replace the stored book wholesale. */
  full = true;

  constructor(o: BookStateOptions) {
    this.key = o.key.slice();
    this.hashKey = hashKey(this.key);
    this.clock = o.clock;
    this.random = o.random;
    this.allowPrivate = o.allowPrivate;
    this.allowLoopback = o.allowLoopback;
    this.asmap = o.asmap;
    this.#plainGroupOptions = { allowPrivate: o.allowPrivate, allowLoopback: o.allowLoopback };
    this.groupOptions = o.asmap ? { ...this.#plainGroupOptions, asmap: o.asmap } : this.#plainGroupOptions;
    this.maxTriedPerSourceGroup = o.maxTriedPerSourceGroup;
    this.newTable = new BucketTable(o.newBucketCount);
    this.triedTable = new BucketTable(o.triedBucketCount);
    this.entries = new EntryStore(this.key);
  }

  /** The current time in ms, never below 1 (0 means "never" in the entries). */
  now(): number {
    const t = this.clock.now();
    return Number.isFinite(t) && t > 1 ? t : 1;
  }

  groupOf(ip: Uint8Array): Uint8Array {
    return netGroup(ip, this.groupOptions);
  }

  /** The source group of entry `id` as a map key (hex of its group bytes). */
  sourceGroupKey(id: number): string {
    return Buffer.from(this.groupOf(this.entries.source.subarray(id * 16, id * 16 + 16))).toString('hex');
  }

  /** Counts entry `id` in or out of its group's tried count and the tried-per-source-group tally (only kept when the limit is set). */
  countTried(id: number, delta: 1 | -1): void {
    this.groups.countTried(this.entries.group[id]!, delta);
    if (this.maxTriedPerSourceGroup === undefined) return;
    const key = this.sourceGroupKey(id);
    const n = (this.triedBySourceGroup.get(key) ?? 0) + delta;
    if (n <= 0) this.triedBySourceGroup.delete(key);
    else this.triedBySourceGroup.set(key, n);
  }

  acceptable(ip: Uint8Array): boolean {
    return isAcceptable(ip, this.groupOptions);
  }

  readonly #ipv4Group = new Uint8Array([1, 0, 0]);
  readonly #asGroup = new Uint8Array([2, 0, 0, 0, 0]);

  /**
   * The net group of an address the book accepts, or undefined when it refuses it: isAcceptable and
   * netGroup in one classification. An IPv4 or AS group comes back in a scratch array that the next
   * call overwrites (the book only hashes it, or copies it when it keeps it).
   */
  admit(ip: Uint8Array): Uint8Array | undefined {
    const cls = classify(ip);
    if (!(cls === 'routable' || (cls === 'private' && this.allowPrivate) || (cls === 'loopback' && this.allowLoopback))) return undefined;
    const ipv4 = ip[10] === 0xff && ip[11] === 0xff && isZeroPrefix(ip);
    // Only routable addresses are looked up (Core's GetMappedAS): private and loopback addresses a
    // devnet lets in keep their /16 groups with or without a map.
    if (this.asmap !== undefined && cls === 'routable') {
      const asn = ipv4 ? this.asmap.interpretIpv4(((ip[12]! << 24) | (ip[13]! << 16) | (ip[14]! << 8) | ip[15]!) >>> 0) : this.asmap.lookup(ip);
      if (asn !== 0) {
        const g = this.#asGroup;
        g[1] = asn & 0xff;
        g[2] = (asn >>> 8) & 0xff;
        g[3] = (asn >>> 16) & 0xff;
        g[4] = asn >>> 24;
        return g;
      }
    }
    if (ipv4) {
      this.#ipv4Group[1] = ip[12]!;
      this.#ipv4Group[2] = ip[13]!;
      return this.#ipv4Group;
    }
    return netGroup(ip, this.#plainGroupOptions);
  }

  isIpv4(id: number): boolean {
    return (this.entries.flags[id]! & FLAG_IPV6) === 0;
  }

  isTried(id: number): boolean {
    return (this.entries.flags[id]! & FLAG_TRIED) !== 0;
  }

  networkOf(id: number): AddressNetwork {
    return this.isIpv4(id) ? 'ipv4' : 'ipv6';
  }

  endpointOf(id: number): Endpoint {
    const e = this.entries;
    return { ip: formatIpAt(e.ip, id * 16), port: e.port[id]! };
  }

  endpointText(id: number): string {
    return formatEndpointBytes(this.entries.ip, id * 16, this.entries.port[id]!);
  }

  sourceText(id: number): string {
    return formatIpAt(this.entries.source, id * 16);
  }

  servicesOf(id: number): bigint {
    const hi = this.entries.servicesHi[id]!;
    const lo = this.entries.servicesLo[id]!;
    return hi === 0 ? BigInt(lo) : (BigInt(hi) << 32n) | BigInt(lo);
  }

  setServices(id: number, services: bigint): void {
    const s = BigInt.asUintN(64, services);
    this.entries.servicesLo[id] = Number(s & 0xffffffffn);
    this.entries.servicesHi[id] = Number(s >> 32n);
  }

  // ---- change tracking ----

  /** Marks an entry changed for the next takeChanges(). */
  touch(id: number): void {
    if (this.full) return;
    const flags = this.entries.flags;
    if ((flags[id]! & FLAG_DIRTY) !== 0) return;
    flags[id]! |= FLAG_DIRTY;
    this.dirty.push(id);
    // Nobody is taking changes (a book without a store): stop tracking, the next take is a full one.
    if (this.dirty.length > 4 * this.entries.capacity + 1024) this.goFull();
  }

  goFull(): void {
    for (const id of this.dirty) this.entries.flags[id]! &= ~FLAG_DIRTY;
    this.dirty = [];
    this.deleted.clear();
    this.full = true;
  }

  // ---- hashing per entry ----

  /** The tried slot (bucket * 64 + position) where entry `id` belongs. */
  triedSlotOf(id: number): number {
    const e = this.entries;
    const bucket = triedBucketOf(this.hashKey, e.ip, id * 16, e.port[id]!, this.groups.bytes(e.group[id]!), this.triedTable.bucketCount);
    return bucket * BUCKET_SIZE + positionOf(this.hashKey, false, bucket, e.ip, id * 16, e.port[id]!);
  }

  /** The new slot of entry `id` counted from its own (first) source, where an evicted entry returns. */
  ownSourceNewSlotOf(id: number): number {
    const e = this.entries;
    const sourceGroup = this.groupOf(e.source.subarray(id * 16, id * 16 + 16));
    const bucket = newBucketOf(this.hashKey, this.groups.bytes(e.group[id]!), sourceGroup, this.newTable.bucketCount);
    return bucket * BUCKET_SIZE + positionOf(this.hashKey, true, bucket, e.ip, id * 16, e.port[id]!);
  }

  /** The position entry `id` must have in `bucket` of the new (isNew) or tried table. */
  positionIn(id: number, isNew: boolean, bucket: number): number {
    const e = this.entries;
    return positionOf(this.hashKey, isNew, bucket, e.ip, id * 16, e.port[id]!);
  }

  // ---- quality ----

  /** Core's IsTerrible: whether entry `id` is not worth keeping or gossiping. */
  isTerrible(id: number, now: number): boolean {
    const e = this.entries;
    const lastTry = e.lastTry[id]!;
    if (lastTry > 0 && now - lastTry <= RECENT_TRY_MS) return false; // a connection may be under way
    const time = e.time[id]!;
    if (time > now + FUTURE_SLACK_MS) return true; // came in a flying DeLorean
    if (now - time > HORIZON_MS) return true; // not heard of in a month
    const lastSuccess = e.lastSuccess[id]!;
    const attempts = e.attempts[id]!;
    if (lastSuccess === 0 && attempts >= RETRIES) return true; // never worked
    if (now - lastSuccess > MIN_FAIL_MS && attempts >= MAX_FAILURES) return true; // stopped working
    return false;
  }

  /** Core's GetChance: how willing select() is to return entry `id` now. */
  chance(id: number, now: number): number {
    const e = this.entries;
    let c = 1;
    if (Math.max(now - e.lastTry[id]!, 0) < SELECT_RECENT_TRY_MS) c *= 0.01;
    return c * ATTEMPT_CHANCE[Math.min(e.attempts[id]!, SELECT_MAX_ATTEMPT_PENALTIES)]!;
  }

  // ---- the random order ----

  #pushOrder(id: number): void {
    if (this.orderLength === this.order.length) {
      const next = new Int32Array(this.order.length * 2);
      next.set(this.order);
      this.order = next;
    }
    this.entries.randomPos[id] = this.orderLength;
    this.order[this.orderLength++] = id;
  }

  /** Swaps two positions of the random order (Core's SwapRandom). */
  swapOrder(a: number, b: number): void {
    if (a === b) return;
    const ia = this.order[a]!;
    const ib = this.order[b]!;
    this.order[a] = ib;
    this.order[b] = ia;
    this.entries.randomPos[ia] = b;
    this.entries.randomPos[ib] = a;
  }

  // ---- moves ----

  /**
   * Creates an entry in new (not yet in any bucket: the caller places it). Returns its id. `ip`
   * and `source` are 16 bytes; `group` is the address's net group exactly as admit() returned it:
   * an AS group and an IPv6 /32 group look alike, and admit()'s AS scratch array is how the
   * registry learns that this one came from the AS map (to name it "AS<n>").
   */
  create(ip: Uint8Array, port: number, source: Uint8Array, group: Uint8Array, time: number, origin: number): number {
    const e = this.entries;
    const id = e.alloc();
    e.ip.set(ip, id * 16);
    e.port[id] = port;
    e.source.set(source, id * 16);
    e.time[id] = Math.max(0, time);
    e.origin[id] = origin;
    const ipv4 = ip[10] === 0xff && ip[11] === 0xff && isZeroPrefix(ip);
    if (!ipv4) e.flags[id]! |= FLAG_IPV6;
    e.group[id] = this.groups.acquire(group, group === this.#asGroup);
    e.index(id);
    this.#countIp(id, 1);
    this.#pushOrder(id);
    this.nNew++;
    if (ipv4) this.newIpv4++;
    if (this.deleted.size > 0) this.deleted.delete(this.endpointText(id));
    this.touch(id);
    return id;
  }

  #countIp(id: number, delta: 1 | -1): void {
    const e = this.entries;
    if (e.capacity > this.ipBuckets.length) {
      // The store grew: recount every live entry into buckets as many as its rows.
      this.ipBuckets = new Int32Array(e.capacity);
      for (let i = 0; i < this.orderLength; i++) {
        const other = this.order[i]!;
        if (other !== id) this.ipBuckets[e.ipKey(other) & (e.capacity - 1)]!++;
      }
      if (delta === 1) this.ipBuckets[e.ipKey(id) & (e.capacity - 1)]!++;
      return;
    }
    this.ipBuckets[e.ipKey(id) & (this.ipBuckets.length - 1)]! += delta;
  }

  /** Puts entry `id` into an empty new slot, adding a reference. */
  placeNew(id: number, slot: number): void {
    const e = this.entries;
    this.newTable.set(slot, id, this.isIpv4(id));
    if (e.refCount[id] === 0) {
      e.slot[id] = slot;
    } else {
      const extra = e.extraSlots.get(id);
      if (extra) extra.push(slot);
      else e.extraSlots.set(id, [slot]);
    }
    e.refCount[id]!++;
    this.touch(id);
  }

  /** Forgets that entry `id` sits in new `slot` (the table slot is cleared by the caller). */
  #dropNewRef(id: number, slot: number): void {
    const e = this.entries;
    const extra = e.extraSlots.get(id);
    if (e.slot[id] === slot) {
      const moved = extra?.pop();
      e.slot[id] = moved ?? -1;
    } else if (extra) {
      const at = extra.indexOf(slot);
      if (at >= 0) {
        extra[at] = extra[extra.length - 1]!;
        extra.pop();
      }
    }
    if (extra && extra.length === 0) e.extraSlots.delete(id);
  }

  /** Empties a new slot; its entry loses a reference and is deleted when none is left (Core's ClearNew). */
  clearNew(slot: number): void {
    const id = this.newTable.slots[slot]!;
    if (id === -1) return;
    const e = this.entries;
    this.newTable.clear(slot, this.isIpv4(id));
    this.#dropNewRef(id, slot);
    e.refCount[id]!--;
    this.touch(id);
    if (e.refCount[id] === 0) this.delete(id);
  }

  /** Removes an entry that is in new with no references left (Core's Delete). */
  delete(id: number): void {
    const e = this.entries;
    this.collisions.delete(id);
    if (!this.full) {
      this.deleted.add(this.endpointText(id));
      if (this.deleted.size > 4 * e.capacity + 1024) this.goFull();
    }
    e.unindex(id);
    this.#countIp(id, -1);
    this.swapOrder(e.randomPos[id]!, this.orderLength - 1);
    this.orderLength--;
    this.groups.release(e.group[id]!);
    this.nNew--;
    if (this.isIpv4(id)) this.newIpv4--;
    e.release(id);
  }

  /**
   * Moves a new entry into its tried slot (Core's MakeTried). Whatever sat there goes back to new, at
   * the slot its own source gives it, replacing whatever sits there.
   */
  makeTried(id: number, triedSlot: number): void {
    const e = this.entries;
    const ipv4 = this.isIpv4(id);
    // Leave every new bucket.
    if (e.slot[id]! >= 0) this.newTable.clear(e.slot[id]!, ipv4);
    for (const slot of e.extraSlots.get(id) ?? []) this.newTable.clear(slot, ipv4);
    e.extraSlots.delete(id);
    e.slot[id] = -1;
    e.refCount[id] = 0;
    this.nNew--;
    if (ipv4) this.newIpv4--;

    const old = this.triedTable.slots[triedSlot]!;
    if (old !== -1) {
      const oldIpv4 = this.isIpv4(old);
      this.triedTable.clear(triedSlot, oldIpv4);
      this.countTried(old, -1);
      e.flags[old]! &= ~FLAG_TRIED;
      e.slot[old] = -1;
      this.nTried--;
      if (oldIpv4) this.triedIpv4--;
      const newSlot = this.ownSourceNewSlotOf(old);
      this.clearNew(newSlot);
      this.newTable.set(newSlot, old, oldIpv4);
      e.slot[old] = newSlot;
      e.refCount[old] = 1;
      this.nNew++;
      if (oldIpv4) this.newIpv4++;
      this.touch(old);
    }

    this.triedTable.set(triedSlot, id, ipv4);
    this.countTried(id, 1);
    e.flags[id]! |= FLAG_TRIED;
    e.slot[id] = triedSlot;
    this.nTried++;
    if (ipv4) this.triedIpv4++;
    this.touch(id);
  }

  /**
   * Core's Good_: a successful connection to entry `id`. With testBeforeEvict, a taken tried slot
   * records a collision instead of evicting. Returns whether the entry moved to tried.
   */
  good(id: number, testBeforeEvict: boolean, now: number): boolean {
    const e = this.entries;
    this.lastGood = now;
    e.lastSuccess[id] = now;
    e.lastTry[id] = now;
    e.attempts[id] = 0;
    // `time` is deliberately left alone: gossiping it would tell the world who we are connected to.
    this.touch(id);
    if (this.isTried(id)) return false;
    if (e.refCount[id] === 0) return false;
    const limit = this.maxTriedPerSourceGroup;
    // peerwarden's defence (off in Core's configuration): the source group already has its share of tried.
    if (limit !== undefined && (this.triedBySourceGroup.get(this.sourceGroupKey(id)) ?? 0) >= limit) return false;
    const triedSlot = this.triedSlotOf(id);
    if (testBeforeEvict && this.triedTable.slots[triedSlot] !== -1) {
      if (this.collisions.size < TRIED_COLLISION_LIMIT) this.collisions.add(id);
      return false;
    }
    this.makeTried(id, triedSlot);
    return true;
  }

  originOf(id: number): AddressOrigin {
    return ADDRESS_ORIGINS[this.entries.origin[id]!] ?? 'exchange';
  }
}

function isZeroPrefix(ip: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (ip[i] !== 0) return false;
  return true;
}
