// AddressBook: Bitcoin Core's addrman (new/tried tables, keyed buckets, test-before-evict) over injected time and randomness.
//
// The algorithm and every constant follow Core (see docs/addrbook.md and constants.ts); times are
// milliseconds from the injected clock. Differences that are not observable through the API: entry
// ids are reused row indexes (so a collision whose entry is deleted is dropped at once, where Core
// drops it lazily), pending collisions are kept in the order they occurred, and select() draws a
// bucket from the list of non-empty ones instead of retrying empty ones (the same distribution).

import { Asmap } from '../address/asmap.js';
import type { EndpointLike } from '../address/endpoint.js';
import { BookState, ORIGIN_CODE } from './book-state.js';
import {
  BUCKET_SIZE,
  CONNECTED_UPDATE_MS,
  NEW_BUCKET_COUNT,
  NEW_BUCKETS_PER_ADDRESS,
  ONLINE_WINDOW_MS,
  REPLACEMENT_MS,
  SELECT_CHANCE_GROWTH,
  TEST_GRACE_MS,
  TEST_WINDOW_MS,
  TRIED_BUCKET_COUNT,
  UPDATE_INTERVAL_OFFLINE_MS,
  UPDATE_INTERVAL_ONLINE_MS,
} from './constants.js';
import { checkConsistency, type SlotSample } from './consistency.js';
import { readEndpoint, readSourceIp, type EndpointBytes } from './endpoint-bytes.js';
import { FLAG_TRIED } from './entry-store.js';
import { groupKey } from './group-registry.js';
import { AddressBookError } from './errors.js';
import { newBucketOfSlot, newBucketSlotOf, positionOf } from './hashing.js';
import { readGetAddressesArgs } from './get-addresses-args.js';
import { layoutChanges, rebucketInto, type LayoutOptions } from './rebucket.js';
import { canonicalOrder, fromHex, requeueChanges, restoreInto, snapshotOf, takeChanges } from './snapshot.js';
import { occupancyOf, crowdedIpsOf, groupCountsOf, statsOf } from './stats.js';
import type {
  AddressBookChanges,
  AddressBookEntry,
  AddressBookOptions,
  AddressBookRestoreOptions,
  AddressBookSnapshot,
  AddressBookStats,
  AddressInput,
  AddressRecord,
  ConsistencyChecks,
  GetAddressesOptions,
  RebucketReport,
  SelectOptions,
  SelectedAddress,
  SizeOptions,
  TableOccupancy,
} from './types.js';

/**
 * Source groups whose 64 new buckets are remembered (256 KB); beyond this the cache starts over.
 * A node has a few hundred peers at most, and each sends many addresses: those repeat.
 */
const SOURCE_CACHE_LIMIT = 1024;
/**
 * Rows allocated at first (4 KB), doubled as source groups appear: a node in a simulation of
 * thousands hears from a few dozen groups and should not carry the full 256 KB.
 */
const INITIAL_SOURCE_ROWS = 16;

function bucketCount(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > 65536) {
    throw new AddressBookError(`${name} must be an integer from 1 to 65536, got ${String(value)}`);
  }
  return value;
}

function checkOptions(o: AddressBookOptions): void {
  if (!o || typeof o !== 'object') throw new AddressBookError('AddressBook needs options { key, clock, random }');
  if (!(o.key instanceof Uint8Array) || o.key.length !== 32) throw new AddressBookError('the address book key must be 32 bytes (a Uint8Array)');
  if (!o.clock || typeof o.clock.now !== 'function') throw new AddressBookError('AddressBook needs a clock with now()');
  if (!o.random || typeof o.random.int !== 'function' || typeof o.random.float !== 'function') {
    throw new AddressBookError('AddressBook needs a random source with int() and float()');
  }
  if (o.asmap !== undefined && !(o.asmap instanceof Asmap)) throw new AddressBookError('asmap must be an Asmap (Asmap.fromBytes(file contents))');
  const m = o.maxTriedPerSourceGroup;
  if (m !== undefined && !(Number.isInteger(m) && m >= 1)) throw new AddressBookError(`maxTriedPerSourceGroup must be a whole number of at least 1 (or left out for Core's behaviour), got ${String(m)}`);
}

/**
 * The options of fromSnapshot/rebucket, defaulted and checked: only a clock and a random source are
 * needed (the key and bucket counts come from the snapshot).
 */
function restoreOptions(method: string, options: AddressBookRestoreOptions | undefined): AddressBookRestoreOptions {
  const o = options ?? ({} as Partial<AddressBookRestoreOptions>);
  const needs = `AddressBook.${method}(snapshot, { clock, random }) needs a clock with now() and a random source with int() and float() (the key and bucket counts come from the snapshot)`;
  if (typeof o !== 'object' || o === null) throw new AddressBookError(needs);
  if (!o.clock || typeof o.clock.now !== 'function') throw new AddressBookError(needs);
  if (!o.random || typeof o.random.int !== 'function' || typeof o.random.float !== 'function') throw new AddressBookError(needs);
  return o as AddressBookRestoreOptions;
}

/** What AddressBook.rebucket returns: the rebuilt book and what rebuilding cost. */
export interface RebucketResult {
  book: AddressBook;
  report: RebucketReport;
}

/** The snapshot's key, after checking the snapshot's version and that `options` names no other key. */
function snapshotKey(snapshot: AddressBookSnapshot, options: AddressBookRestoreOptions): Uint8Array {
  if (!snapshot || typeof snapshot !== 'object' || snapshot.version !== 1) {
    throw new AddressBookError('cannot restore the address book: not a version 1 snapshot');
  }
  const key = fromHex(snapshot.key);
  if (!key || key.length !== 32) throw new AddressBookError('cannot restore the address book: the snapshot key is not 64 hex characters');
  if (options.key && (options.key.length !== 32 || options.key.some((b, i) => b !== key[i]))) {
    // The key decides every position: a book under another key is another book, not a re-bucketing.
    throw new AddressBookError('cannot restore the address book: it was built with its own key, but another key was given');
  }
  return key;
}

export class AddressBook {
  readonly #s: BookState;
  /** Scratch for parsed endpoints (reused: the book parses every address it hears of). */
  readonly #q: EndpointBytes = { ip: new Uint8Array(16), port: 0 };
  readonly #source = new Uint8Array(16);
  /**
   * Per source group, the new bucket of each of its 64 bucket choices (the second half of the
   * new-bucket hash): a row of 64 in #sourceBucketRows, found through this map.
   */
  readonly #sourceBuckets = new Map<number | string, number>();
  #sourceBucketRows = new Int32Array(INITIAL_SOURCE_ROWS * 64).fill(-1);
  /** When AddressBook.rebucket built this book: its report. */
  #rebucketed: RebucketReport | undefined;
  /** lastGood and collisions as of the last takeChanges() (see hasChanges). */
  #takenSignature = '';
  /** The sampled consistency check (Core's -checkaddrman): operations since the last check, and where the next slot sample starts. */
  readonly #checks: ConsistencyChecks | undefined;
  #sinceCheck = 0;
  #sampleFrom = 0;

  constructor(options: AddressBookOptions) {
    checkOptions(options);
    this.#checks = options.consistencyChecks;
    this.#s = new BookState({
      key: options.key,
      clock: options.clock,
      random: options.random,
      allowPrivate: !!options.allowPrivate,
      allowLoopback: !!options.allowLoopback,
      newBucketCount: bucketCount(options.newBucketCount, NEW_BUCKET_COUNT, 'newBucketCount'),
      triedBucketCount: bucketCount(options.triedBucketCount, TRIED_BUCKET_COUNT, 'triedBucketCount'),
      asmap: options.asmap,
      ...(options.maxTriedPerSourceGroup !== undefined ? { maxTriedPerSourceGroup: options.maxTriedPerSourceGroup } : {}),
    });
  }

  /**
   * Rebuilds a book from snapshot() output, every entry in exactly its table, bucket, position and
   * reference count. The key and bucket counts come from the snapshot; `options` needs only a clock
   * and a random source. Settings that contradict the snapshot are refused, never silently applied:
   * a different key always, and other bucket counts, allowPrivate, allowLoopback or AS map (by its
   * checksum) with a pointer to AddressBook.rebucket, which rebuilds the book under the new settings.
   * Throws AddressBookError naming the first problem.
   */
  static fromSnapshot(snapshot: AddressBookSnapshot, options?: AddressBookRestoreOptions): AddressBook {
    const o = restoreOptions('fromSnapshot', options);
    const key = snapshotKey(snapshot, o);
    const changes = layoutChanges(snapshot, o);
    if (changes.length > 0) {
      throw new AddressBookError(
        `cannot restore the address book exactly: ${changes.join('; ')}. AddressBook.rebucket(snapshot, options) rebuilds it under the new settings`,
      );
    }
    const book = new AddressBook({ ...o, key, newBucketCount: snapshot.newBucketCount, triedBucketCount: snapshot.triedBucketCount });
    restoreInto(book.#s, snapshot);
    book.#takenSignature = book.#metaSignature();
    return book;
  }

  /**
   * Rebuilds a book from snapshot() output under `options` (other bucket counts, allowPrivate,
   * allowLoopback or AS map than the snapshot was taken with), as Bitcoin Core re-buckets when its bucketing
   * changes: tried entries go to their tried slot when it is free, else back to new; every new
   * entry gets one reference at the bucket of its own source; entries the options refuse, or whose
   * slot an earlier one took, are dropped. The report counts each of these. The key stays the
   * snapshot's (a different key in `options` is refused); bucket counts left out stay the
   * snapshot's. The first takeChanges() afterwards is `full`. Throws AddressBookError for a
   * malformed snapshot.
   */
  static rebucket(snapshot: AddressBookSnapshot, options?: AddressBookRestoreOptions): RebucketResult {
    const o = restoreOptions('rebucket', options);
    const key = snapshotKey(snapshot, o);
    const changes = layoutChanges(snapshot, o);
    const book = new AddressBook({
      ...o,
      key,
      newBucketCount: o.newBucketCount ?? snapshot.newBucketCount,
      triedBucketCount: o.triedBucketCount ?? snapshot.triedBucketCount,
    });
    const report = { changes, ...rebucketInto(book.#s, snapshot) };
    book.#rebucketed = report;
    return { book, report: structuredClone(report) };
  }

  /**
   * The settings that decide placement and differ between a snapshot and `options` (empty: the
   * snapshot can be restored exactly with fromSnapshot; else rebucket it).
   */
  static layoutChanges(snapshot: AddressBookSnapshot, options?: LayoutOptions): string[] {
    if (!snapshot || typeof snapshot !== 'object') throw new AddressBookError('cannot restore the address book: not a version 1 snapshot');
    return layoutChanges(snapshot, options ?? {});
  }

  // ---- adding and updating ----

  /**
   * Adds addresses heard from `source` (an IP or endpoint; only its IP counts). `penaltyMs` is taken
   * off their time (2 h for gossip), except for the source announcing itself. Unacceptable addresses
   * are skipped. Returns true if any address got a new slot or an extra reference.
   */
  add(entries: readonly AddressInput[] | AddressInput, source: EndpointLike, penaltyMs = 0): boolean {
    if (this.#checks) this.#operation('add');
    const list = Array.isArray(entries) ? (entries as readonly AddressInput[]) : [entries as AddressInput];
    const s = this.#s;
    readSourceIp(source, this.#source);
    const sourceGroup = s.groupOf(this.#source);
    const cacheKey = groupKey(sourceGroup);
    let row = this.#sourceBuckets.get(cacheKey);
    if (row === undefined) {
      if (this.#sourceBuckets.size >= SOURCE_CACHE_LIMIT) {
        this.#sourceBuckets.clear();
        this.#sourceBucketRows.fill(-1);
      }
      row = this.#sourceBuckets.size;
      this.#sourceBuckets.set(cacheKey, row);
      if (row * 64 >= this.#sourceBucketRows.length) {
        const grown = new Int32Array(Math.min(SOURCE_CACHE_LIMIT, 2 * (row || 1)) * 64).fill(-1);
        grown.set(this.#sourceBucketRows);
        this.#sourceBucketRows = grown;
      }
    }
    const buckets = this.#sourceBucketRows.subarray(row * 64, row * 64 + 64);
    const penalty = Number.isFinite(penaltyMs) ? penaltyMs : 0;
    const now = s.now();
    let added = false;
    for (const input of list) {
      if (this.#addOne(input, sourceGroup, buckets, penalty, now)) added = true;
    }
    return added;
  }

  /** Core's AddSingle for one address. */
  #addOne(input: AddressInput, sourceGroup: Uint8Array, sourceBuckets: Int32Array, penaltyMs: number, now: number): boolean {
    const s = this.#s;
    const e = s.entries;
    const q = this.#q;
    readEndpoint(input.endpoint, q);
    const admittedGroup = s.admit(q.ip);
    if (admittedGroup === undefined) return false;
    const time = Number.isFinite(input.time) ? input.time : 0;
    // A node announcing its own address is not penalised: it is the best witness of itself.
    let penalty = penaltyMs;
    if (sameIp(q.ip, this.#source)) penalty = 0;

    let id = e.find(q.ip, 0, q.port);
    let group: Uint8Array;
    if (id >= 0) {
      const interval = now - time < ONLINE_WINDOW_MS ? UPDATE_INTERVAL_ONLINE_MS : UPDATE_INTERVAL_OFFLINE_MS;
      if (e.time[id]! < time - interval - penalty) {
        e.time[id] = Math.max(0, time - penalty);
        s.touch(id);
      }
      if (input.services) {
        const merged = s.servicesOf(id) | BigInt.asUintN(64, input.services);
        if (merged !== s.servicesOf(id)) {
          s.setServices(id, merged);
          s.touch(id);
        }
      }
      if (time <= e.time[id]!) return false; // nothing new
      if ((e.flags[id]! & FLAG_TRIED) !== 0) return false;
      const refs = e.refCount[id]!;
      if (refs === NEW_BUCKETS_PER_ADDRESS) return false;
      // Each extra reference is twice as hard to get as the previous one.
      if (refs > 0 && s.random.int(1 << refs) !== 0) return false;
      group = s.groups.bytes(e.group[id]!);
    } else {
      group = admittedGroup;
    }

    const choice = newBucketSlotOf(s.hashKey, group, sourceGroup);
    let bucket = sourceBuckets[choice]!;
    if (bucket < 0) {
      bucket = newBucketOfSlot(s.hashKey, sourceGroup, choice, s.newTable.bucketCount);
      sourceBuckets[choice] = bucket;
    }
    const slot = bucket * BUCKET_SIZE + positionOf(s.hashKey, true, bucket, q.ip, 0, q.port);
    const occupant = s.newTable.slots[slot]!;
    if (id >= 0 && occupant === id) return false;
    if (occupant !== -1) {
      // The slot is taken: only a terrible occupant, or one that is also elsewhere when the
      // newcomer is nowhere yet, gives way. A healthy entry with one reference never does.
      const newcomerRefs = id >= 0 ? e.refCount[id]! : 0;
      if (!(s.isTerrible(occupant, now) || (e.refCount[occupant]! > 1 && newcomerRefs === 0))) return false;
    }
    if (id < 0) {
      id = s.create(q.ip, q.port, this.#source, group, time - penalty, ORIGIN_CODE[input.origin ?? 'exchange'] ?? ORIGIN_CODE.exchange);
      if (input.services) s.setServices(id, input.services);
    }
    if (occupant !== -1) s.clearNew(slot);
    s.placeNew(id, slot);
    return true;
  }

  /** Finds an entry; -1 when unknown. Throws AddressParseError for a malformed endpoint. */
  #find(ep: EndpointLike): number {
    readEndpoint(ep, this.#q);
    return this.#s.entries.find(this.#q.ip, 0, this.#q.port);
  }

  /**
   * A successful outbound connection: records the success and moves the entry to tried. If its
   * tried slot is taken, records a collision for test-before-evict and returns false. `time` is
   * not refreshed (that would reveal our connections).
   */
  good(ep: EndpointLike): boolean {
    if (this.#checks) this.#operation('good');
    const s = this.#s;
    const now = s.now();
    const id = this.#find(ep);
    s.lastGood = now;
    if (id < 0) return false;
    return s.good(id, true, now);
  }

  /**
   * A connection attempt. With countFailure the attempt counts as a failure, at most once per
   * good() epoch (so a node that lost its own connectivity does not ruin its whole book).
   */
  attempt(ep: EndpointLike, countFailure = false): void {
    if (this.#checks) this.#operation('attempt');
    const s = this.#s;
    const id = this.#find(ep);
    if (id < 0) return;
    const now = s.now();
    const e = s.entries;
    e.lastTry[id] = now;
    if (countFailure && e.lastCountAttempt[id]! < s.lastGood) {
      e.lastCountAttempt[id] = now;
      e.attempts[id]!++;
    }
    s.touch(id);
  }

  /** An outbound peer disconnected: refresh `time` if it is older than 20 minutes. */
  connected(ep: EndpointLike): void {
    if (this.#checks) this.#operation('connected');
    const s = this.#s;
    const id = this.#find(ep);
    if (id < 0) return;
    const now = s.now();
    if (now - s.entries.time[id]! > CONNECTED_UPDATE_MS) {
      s.entries.time[id] = now;
      s.touch(id);
    }
  }

  /** Overwrites an entry's service flags (add() can only OR flags in). */
  setServices(ep: EndpointLike, services: bigint): void {
    if (this.#checks) this.#operation('setServices');
    const id = this.#find(ep);
    if (id < 0) return;
    this.#s.setServices(id, services);
    this.#s.touch(id);
  }

  // ---- choosing ----

  /**
   * Picks an address to connect to: new or tried 50/50 (per network when filtered), then a
   * uniformly random non-empty bucket and the first fitting slot from a random position, accepted
   * with probability chanceFactor × chance(entry). Undefined when nothing fits.
   */
  select(options: SelectOptions = {}): SelectedAddress | undefined {
    const s = this.#s;
    if (s.orderLength === 0) return undefined;
    let wantIpv4 = true;
    let wantIpv6 = true;
    if (options.networks && options.networks.length > 0) {
      wantIpv4 = options.networks.includes('ipv4');
      wantIpv6 = options.networks.includes('ipv6');
    }
    const newCount = (wantIpv4 ? s.newIpv4 : 0) + (wantIpv6 ? s.nNew - s.newIpv4 : 0);
    const triedCount = (wantIpv4 ? s.triedIpv4 : 0) + (wantIpv6 ? s.nTried - s.triedIpv4 : 0);
    if (options.newOnly && newCount === 0) return undefined;
    if (newCount + triedCount === 0) return undefined;
    const searchTried = options.newOnly || triedCount === 0 ? false : newCount === 0 ? true : s.random.int(2) === 1;
    const table = searchTried ? s.triedTable : s.newTable;
    const filtered = !(wantIpv4 && wantIpv6);
    const slots = table.slots;
    const now = s.now();
    let chanceFactor = 1;
    for (;;) {
      const bucket = table.nonEmpty[s.random.int(table.nonEmptyCount)]!;
      if (filtered) {
        const ipv4 = table.ipv4Fill[bucket]!;
        if (wantIpv4 ? ipv4 === 0 : table.fill[bucket]! - ipv4 === 0) continue;
      }
      const start = s.random.int(BUCKET_SIZE);
      const base = bucket * BUCKET_SIZE;
      let id = -1;
      for (let i = 0; i < BUCKET_SIZE; i++) {
        const candidate = slots[base + ((start + i) % BUCKET_SIZE)]!;
        if (candidate !== -1 && (!filtered || s.isIpv4(candidate) === wantIpv4)) {
          id = candidate;
          break;
        }
      }
      if (s.random.float() < chanceFactor * s.chance(id, now)) {
        return { endpoint: s.endpointOf(id), lastTry: s.entries.lastTry[id]! };
      }
      chanceFactor *= SELECT_CHANCE_GROWTH;
    }
  }

  /**
   * Random addresses to gossip: at most min(max, maxPercent % of the book), skipping terrible ones
   * unless `filtered` is false, and other networks when `network` is given. Takes an options object
   * or `(max, maxPercent)`; anything else throws a TypeError showing the right call.
   */
  getAddresses(options?: GetAddressesOptions): AddressRecord[];
  /** Core's GetAddr(max_addresses, max_pct): `getAddresses(1000, 23)`. */
  getAddresses(max: number, maxPercent: number): AddressRecord[];
  getAddresses(...args: unknown[]): AddressRecord[] {
    const options = readGetAddressesArgs(args);
    const s = this.#s;
    const total = s.orderLength;
    let n = total;
    const maxPercent = options.maxPercent ?? 0;
    const max = options.max ?? 0;
    if (maxPercent > 0) n = Math.floor((maxPercent * n) / 100);
    if (max > 0) n = Math.min(n, max);
    const filtered = options.filtered ?? true;
    const now = s.now();
    const out: AddressRecord[] = [];
    for (let k = 0; k < total && out.length < n; k++) {
      // A partial Fisher-Yates shuffle of the random order.
      s.swapOrder(k, k + s.random.int(total - k));
      const id = s.order[k]!;
      if (options.network !== undefined && s.networkOf(id) !== options.network) continue;
      if (filtered && s.isTerrible(id, now)) continue;
      out.push({ endpoint: s.endpointOf(id), services: s.servicesOf(id), time: s.entries.time[id]! });
    }
    return out;
  }

  // ---- test-before-evict ----

  /** The tried occupant of a random pending collision: the address a feeler should test. */
  selectTriedCollision(): SelectedAddress | undefined {
    const s = this.#s;
    if (s.collisions.size === 0) return undefined;
    let pick = s.random.int(s.collisions.size);
    let chosen = -1;
    for (const id of s.collisions) {
      if (pick-- === 0) {
        chosen = id;
        break;
      }
    }
    const occupant = s.triedTable.slots[s.triedSlotOf(chosen)]!;
    if (occupant === -1) return undefined;
    return { endpoint: s.endpointOf(occupant), lastTry: s.entries.lastTry[occupant]! };
  }

  /**
   * Settles pending collisions: keep the occupant if it succeeded in the last 4 h; replace it if it
   * was tried 60 s–4 h ago without success since; replace it anyway once the collision is older
   * than 40 minutes. A replaced occupant returns to new.
   */
  resolveCollisions(): void {
    if (this.#checks) this.#operation('resolveCollisions');
    const s = this.#s;
    const e = s.entries;
    for (const id of [...s.collisions]) {
      if (!s.collisions.has(id)) continue; // an earlier resolution deleted it
      const now = s.now();
      let erase = false;
      const triedSlot = s.triedSlotOf(id);
      const occupant = s.triedTable.slots[triedSlot]!;
      if (!s.acceptable(e.ip.subarray(id * 16, id * 16 + 16))) {
        erase = true;
      } else if (occupant !== -1) {
        if (now - e.lastSuccess[occupant]! < REPLACEMENT_MS) {
          erase = true; // the occupant works: keep it, the newcomer stays in new
        } else if (now - e.lastTry[occupant]! < REPLACEMENT_MS) {
          // Tried recently without success since: give it 60 s to answer, then replace it.
          if (now - e.lastTry[occupant]! > TEST_GRACE_MS) {
            s.good(id, false, now);
            erase = true;
          }
        } else if (now - e.lastSuccess[id]! > TEST_WINDOW_MS) {
          // Nobody managed to test the occupant in 40 minutes: presume it gone.
          s.good(id, false, now);
          erase = true;
        }
      } else {
        s.good(id, false, now); // the slot came free
        erase = true;
      }
      if (erase) s.collisions.delete(id);
    }
  }

  // ---- reading ----

  /** Number of entries, optionally of one table and/or one network. */
  size(options: SizeOptions = {}): number {
    const s = this.#s;
    const v4 = options.network === undefined || options.network === 'ipv4';
    const v6 = options.network === undefined || options.network === 'ipv6';
    let n = 0;
    if (options.table !== 'tried') n += (v4 ? s.newIpv4 : 0) + (v6 ? s.nNew - s.newIpv4 : 0);
    if (options.table !== 'new') n += (v4 ? s.triedIpv4 : 0) + (v6 ? s.nTried - s.triedIpv4 : 0);
    return n;
  }

  /** Everything known about an endpoint, or undefined. */
  get(ep: EndpointLike): AddressBookEntry | undefined {
    const id = this.#find(ep);
    return id < 0 ? undefined : this.#entry(id);
  }

  /** Whether the book holds `ep` (get() without building the entry). */
  has(ep: EndpointLike): boolean {
    return this.#find(ep) >= 0;
  }

  /**
   * Every entry, tried ones first, in slot order: the order depends only on where entries sit, so
   * equal books (a book and its restored snapshot) list their entries identically.
   */
  entries(): AddressBookEntry[] {
    return canonicalOrder(this.#s).map((id) => this.#entry(id));
  }

  #entry(id: number): AddressBookEntry {
    const s = this.#s;
    const e = s.entries;
    return {
      endpoint: s.endpointOf(id),
      services: s.servicesOf(id),
      time: e.time[id]!,
      source: s.sourceText(id),
      lastTry: e.lastTry[id]!,
      lastSuccess: e.lastSuccess[id]!,
      attempts: e.attempts[id]!,
      refCount: e.refCount[id]!,
      inTried: s.isTried(id),
      origin: s.originOf(id),
      network: s.networkOf(id),
      group: s.groups.name(e.group[id]!),
    };
  }

  /** Whether an entry is not worth keeping or gossiping (false for unknown endpoints). */
  isTerrible(ep: EndpointLike): boolean {
    const id = this.#find(ep);
    return id >= 0 && this.#s.isTerrible(id, this.#s.now());
  }

  /** 0 when every invariant holds, else Core's CheckAddrman code (or ours; see consistency.ts). */
  checkConsistency(): number {
    return checkConsistency(this.#s);
  }

  /** Counts an operation and runs the sampled check when its turn has come (see ConsistencyChecks). */
  #operation(name: string): void {
    const c = this.#checks!;
    // A check walks the whole book: in a big book, one in an eighth of its size keeps its cost per
    // change bounded (a 30,000-entry book checked every 1,000 changes spent more on the check than on the changes).
    const s = this.#s;
    if (++this.#sinceCheck < Math.max(c.every, (s.nNew + s.nTried) >>> 3)) return;
    this.#sinceCheck = 0;
    let sample: SlotSample | undefined;
    if (c.sampleBuckets !== undefined) {
      sample = { from: this.#sampleFrom, count: c.sampleBuckets };
      this.#sampleFrom += c.sampleBuckets;
    }
    c.onCheck(checkConsistency(this.#s, sample), name);
  }

  /** Counts for the dashboard and GET /api/v1/addrbook/stats. */
  stats(): AddressBookStats {
    return statsOf(this.#s);
  }

  /** New and tried entries per net group, unsorted: stats().byGroup without walking the book. */
  groupCounts(): AddressBookStats['byGroup'] {
    return groupCountsOf(this.#s);
  }

  /** IPs the book holds at least `minEntries` endpoints of (one per port), most first. */
  crowdedIps(minEntries: number): Array<{ ip: string; entries: number }> {
    return crowdedIpsOf(this.#s, minEntries);
  }

  /** Which net group sits in each slot of a table, for the heat map. */
  occupancy(table: 'new' | 'tried'): TableOccupancy {
    return occupancyOf(this.#s, table);
  }

  // ---- persistence ----

  /**
   * When this book was built by AddressBook.rebucket (as a node does at startup when the saved
   * book's settings changed): what changed and what it cost. Undefined for any other book.
   */
  rebucketReport(): RebucketReport | undefined {
    return this.#rebucketed && structuredClone(this.#rebucketed);
  }

  /** The whole book as a plain JSON-safe object; equal books give equal snapshots. */
  snapshot(): AddressBookSnapshot {
    return snapshotOf(this.#s);
  }

  /**
   * Entries changed and deleted since the last call (all entries, `full`, the first time for a new
   * book). The store writes these; if writing fails, hand them back with requeueChanges().
   */
  takeChanges(): AddressBookChanges {
    this.#takenSignature = this.#metaSignature();
    return takeChanges(this.#s);
  }

  /** Returns changes that could not be written to the tracking, so the next takeChanges() has them. */
  requeueChanges(changes: AddressBookChanges): void {
    requeueChanges(this.#s, changes);
  }

  /** Whether anything changed since the last takeChanges(). */
  hasChanges(): boolean {
    const s = this.#s;
    return s.full || s.dirty.length > 0 || s.deleted.size > 0 || this.#metaSignature() !== this.#takenSignature;
  }

  /** lastGood and the pending collisions, which live outside the entries. */
  #metaSignature(): string {
    return `${this.#s.lastGood}|${[...this.#s.collisions].join(',')}`;
  }
}

function sameIp(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 15; i >= 0; i--) if (a[i] !== b[i]) return false;
  return true;
}
