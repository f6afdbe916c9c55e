// The address book's public types: options, inputs, entries, snapshots, changes and statistics.

import type { Asmap } from '../address/asmap.js';
import type { Endpoint, EndpointLike } from '../address/endpoint.js';
import type { Clock } from '../clock.js';
import type { Random } from '../random.js';

/** Where an address came from, for the dashboard. The first origin an entry got is kept. */
export type AddressOrigin = 'seed' | 'dns' | 'exchange' | 'hub' | 'probe' | 'manual' | 'inbound';

export const ADDRESS_ORIGINS: readonly AddressOrigin[] = ['seed', 'dns', 'exchange', 'hub', 'probe', 'manual', 'inbound'];

export type AddressNetwork = 'ipv4' | 'ipv6';

export interface AddressBookOptions {
  /** 32 secret random bytes; they decide every bucket and position. Keep them in the store. */
  key: Uint8Array;
  clock: Clock;
  random: Random;
  /** Accept private addresses (RFC 1918, fc00::/7) and group them like routable ones. */
  allowPrivate?: boolean;
  /** Accept loopback addresses and group 127.a.b.x by /16, for devnets on one host. */
  allowLoopback?: boolean;
  /** New-table buckets (default 1024); smaller values scale the book down for tests and simulations. */
  newBucketCount?: number;
  /** Tried-table buckets (default 256). */
  triedBucketCount?: number;
  /**
   * Bitcoin Core's AS map (Asmap.fromBytes): routable addresses the map places in an AS are grouped
   * by that AS instead of by /16 or /32, for the address and for its source alike, so one AS reaches
   * at most 8 tried and 64 new buckets whatever address space it announces. Without it the book is
   * bit for bit Core's book without -asmap.
   */
  asmap?: Asmap;
  /**
   * peerwarden's defence beyond Core (off by default: without it the book is Core's): at most this
   * many tried entries learned from one source group. An attacker who pushes addresses from a few
   * networks then reaches the tried table through feelers only up to this many per network, while
   * honest addresses, told by many peers, are not held back. good() on an entry whose source group
   * is at the limit records the success but leaves the entry in new.
   */
  maxTriedPerSourceGroup?: number;
  /** Runs the consistency check every so many operations, as Bitcoin Core's -checkaddrman (see ConsistencyChecks). */
  consistencyChecks?: ConsistencyChecks;
}

/**
 * The consistency check on a sample of operations (Core's -checkaddrman=<n>): every `every`-th
 * call that changes the book (add, good, attempt, connected, setServices, resolveCollisions), or
 * every (entries / 8)-th when that is more (a check walks the whole book; so its cost per change
 * stays bounded in big books), first runs checkConsistency and tells `onCheck` its code (0: every invariant holds) and the
 * operation. Reads (select, getAddresses) change nothing and are not counted: the governor
 * selects up to 100 times per attempt to fill a slot, which would make the check's cost follow
 * the reads. With `sampleBuckets`, each check recomputes the slots of only that many buckets of
 * each table (the next ones at the next check): the rest of the check is linear in the book and
 * cheap, the slots cost one hash per entry.
 */
export interface ConsistencyChecks {
  every: number;
  sampleBuckets?: number;
  onCheck(code: number, operation: string): void;
}

/** Options for AddressBook.fromSnapshot: the key and bucket counts come from the snapshot. */
export type AddressBookRestoreOptions = Omit<AddressBookOptions, 'key'> & { key?: Uint8Array };

/** An address as heard of (gossip, seeds, hubs…). `time` is when it was last seen, in ms. */
export interface AddressInput {
  endpoint: EndpointLike;
  services?: bigint;
  time: number;
  origin?: AddressOrigin;
}

/** An address as getAddresses() hands it out for gossip. */
export interface AddressRecord {
  endpoint: Endpoint;
  services: bigint;
  time: number;
}

/** Everything the book knows about one address. Times are ms; 0 means never. */
export interface AddressBookEntry {
  endpoint: Endpoint;
  services: bigint;
  /** When the address was last heard of (not when we last connected: that would leak our peers). */
  time: number;
  /** The IP of whoever told us first. */
  source: string;
  lastTry: number;
  lastSuccess: number;
  /** Failed attempts since the last success (counted at most once per successful connection elsewhere). */
  attempts: number;
  /** New buckets holding the entry (1–8); 0 when it is in tried. */
  refCount: number;
  inTried: boolean;
  origin: AddressOrigin;
  network: AddressNetwork;
  /** Its net group, as formatNetGroup writes it ("1.2.0.0/16"), or "AS13335" when the book's asmap grouped it by AS. */
  group: string;
}

export interface SelectOptions {
  /** Pick from the new table only (feelers). */
  newOnly?: boolean;
  /** Only these networks; absent or empty means any. */
  networks?: readonly string[];
}

export interface SelectedAddress {
  endpoint: Endpoint;
  lastTry: number;
}

export interface GetAddressesOptions {
  /** At most this many (0 or absent: no limit). */
  max?: number;
  /** At most this percentage of the book (0 or absent: no limit). */
  maxPercent?: number;
  network?: AddressNetwork;
  /** Leave out terrible entries (default true). */
  filtered?: boolean;
}

export interface SizeOptions {
  table?: 'new' | 'tried';
  network?: AddressNetwork;
}

/**
 * One entry in a snapshot or a change set. `slots` are `bucket * 64 + position`: the tried slot for
 * a tried entry, else every new slot holding it (its reference count is their number).
 */
export interface SnapshotEntry {
  endpoint: string;
  /** Service flags as a decimal string (u64), so that snapshots survive JSON. */
  services: string;
  time: number;
  source: string;
  origin: AddressOrigin;
  lastTry: number;
  lastSuccess: number;
  lastCountAttempt: number;
  attempts: number;
  tried: boolean;
  slots: number[];
}

/** The whole book as a plain, JSON-safe object. Entries are in slot order, so equal books give equal snapshots. */
export interface AddressBookSnapshot {
  version: 1;
  /** The key as 64 hex characters. */
  key: string;
  newBucketCount: number;
  triedBucketCount: number;
  allowPrivate: boolean;
  allowLoopback: boolean;
  /**
   * The Asmap.checksum of the AS map the book was built with; absent without one. Placement depends
   * on the map, so a snapshot restores exactly only under the same map (as Core keeps its asmap
   * version in peers.dat and re-buckets when it changes).
   */
  asmapChecksum?: string;
  /** When good() was last called (Core's m_last_good); failures count once per good() epoch. */
  lastGood: number;
  entries: SnapshotEntry[];
  /** Endpoints with a pending tried-table collision, oldest first. */
  collisions: string[];
}

/**
 * What AddressBook.rebucket did to a snapshot saved under other settings. Every entry of the
 * snapshot is counted: `kept + dropped === entries`.
 */
export interface RebucketReport {
  /** The settings that changed, as sentences ("allowLoopback was true, is now false"); empty when none did. */
  changes: string[];
  /** Entries in the snapshot. */
  entries: number;
  /** Entries in the rebuilt book. */
  kept: number;
  /** Tried entries whose tried slot (in the new layout) another tried entry took first: now in new. */
  movedToNew: number;
  /** Entries the new options do not accept (e.g. loopback addresses once allowLoopback is off): dropped. */
  refused: number;
  /** Entries whose new slot an entry placed before them took: dropped (Core prunes them too). */
  noRoom: number;
  /** refused + noRoom. */
  dropped: number;
}

/** What changed since the last takeChanges(), for batched persistence. */
export interface AddressBookChanges {
  /** True when the stored book must be replaced wholesale by `upserts` (a new book, or too many changes to track). */
  full: boolean;
  /** Entries added or changed, in their current state (every entry when `full`). */
  upserts: SnapshotEntry[];
  /** Endpoints no longer in the book. */
  deletes: string[];
  /** The pending collisions now (always complete; at most 10). */
  collisions: string[];
  lastGood: number;
  key: string;
  newBucketCount: number;
  triedBucketCount: number;
  allowPrivate: boolean;
  allowLoopback: boolean;
  /** As in AddressBookSnapshot: present only for a book built with an AS map. */
  asmapChecksum?: string;
}

export interface AddressBookStats {
  new: number;
  tried: number;
  total: number;
  collisions: number;
  byNetwork: Record<AddressNetwork, { new: number; tried: number }>;
  /** Per net group, most populous first. */
  byGroup: Array<{ group: string; new: number; tried: number }>;
  byOrigin: Record<AddressOrigin, number>;
}

export interface TableOccupancy {
  buckets: number;
  slotsPerBucket: 64;
  /** Net groups (formatNetGroup) present in the table. */
  groups: string[];
  /** buckets × 64 cells: an index into `groups`, or -1 for an empty slot. */
  cells: Int32Array;
}
