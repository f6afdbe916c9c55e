// Interned net groups: entries keep a small group id, counted per group, instead of group bytes.
//
// Statistics, the occupancy map and re-bucketing an evicted entry then never recompute net groups.
// IPv4 /16 groups need no table at all: their id is the /16 itself (a·256 + b), counted in rows of
// 256 (one per first octet) made when a group of that octet first appears: a book hears of a few
// dozen first octets, and a simulator runs thousands of books, so 256 KB of counts per book up
// front would be most of a simulated node's memory. Other groups (IPv6 /32 and /36, AS groups of an AS map) are interned and forgotten when
// their last entry leaves, so addresses heard of and dropped leave nothing behind. An AS group
// {2, asn LE} and an IPv6 /32 group {2, 4 bytes} can have the same bytes; they hash alike (as in
// Core) but are interned apart, so that each is counted and named for what it is.

import { formatNetGroup } from '../address/netgroup.js';

/** Ids 0–65535 are IPv4 /16 groups, 65536 the unroutable group {0}, and the rest interned groups. */
const IPV4_GROUPS = 0x10000;
const UNROUTABLE_ID = IPV4_GROUPS;
const FIRST_INTERNED_ID = IPV4_GROUPS + 1;

/** A group as a number (IPv4 and the unroutable group) or a short string (others): a map key. */
export function groupKey(group: Uint8Array): number | string {
  if (group.length === 3 && group[0] === 1) return (group[1]! << 8) | group[2]!;
  if (group.length === 1 && group[0] === 0) return UNROUTABLE_ID;
  return String.fromCharCode(...group);
}

/**
 * Names of the fixed groups (every IPv4 /16 and the unroutable group), made once for all books:
 * stats name every group of a book each time they are read, and the alarm reads them every minute.
 */
const FIXED_NAMES: (string | undefined)[] = [];

export class GroupRegistry {
  /** Entry counts of IPv4 groups by first octet and second octet (rows made on first use), and of the unroutable group. */
  readonly #ipv4Refs: (Int32Array | undefined)[] = new Array<Int32Array | undefined>(256);
  /** Of those, the entries in tried (rows made with the entry-count rows). */
  readonly #ipv4Tried: (Int32Array | undefined)[] = new Array<Int32Array | undefined>(256);
  #unroutableRefs = 0;
  #unroutableTried = 0;
  readonly #ids = new Map<string, number>();
  /** Interned AS groups by AS number (a number key: no string to build per entry). */
  readonly #asIds = new Map<number, number>();
  readonly #bytes: Uint8Array[] = [];
  readonly #names: (string | undefined)[] = [];
  /** Whether each interned group is an AS group (named "AS<n>"). */
  readonly #mapped: boolean[] = [];
  /** Each interned group's key in #ids (a string) or #asIds (its AS number); undefined when free. */
  readonly #keys: (string | number | undefined)[] = [];
  readonly #refs: number[] = [];
  readonly #tried: number[] = [];
  readonly #free: number[] = [];
  /** Scratch for the bytes of fixed groups (valid until the next call). */
  readonly #ipv4 = new Uint8Array([1, 0, 0]);
  readonly #unroutable = new Uint8Array([0]);

  /** The id of `group`, counting one more entry in it. `mapped`: the group is an AS map's AS group. */
  acquire(group: Uint8Array, mapped = false): number {
    let key: number | string;
    let slot: number | undefined;
    if (mapped) {
      key = (group[1]! | (group[2]! << 8) | (group[3]! << 16) | (group[4]! << 24)) >>> 0;
      slot = this.#asIds.get(key);
    } else {
      key = groupKey(group);
      if (typeof key === 'number') {
        if (key === UNROUTABLE_ID) this.#unroutableRefs++;
        else {
          const row = key >>> 8;
          if (!this.#ipv4Refs[row]) {
            this.#ipv4Refs[row] = new Int32Array(256);
            this.#ipv4Tried[row] = new Int32Array(256);
          }
          this.#ipv4Refs[row]![key & 0xff]!++;
        }
        return key;
      }
      slot = this.#ids.get(key);
    }
    if (slot === undefined) {
      slot = this.#free.pop() ?? this.#bytes.length;
      if (mapped) this.#asIds.set(key as number, slot);
      else this.#ids.set(key as string, slot);
      this.#bytes[slot] = group.slice();
      this.#names[slot] = undefined;
      this.#mapped[slot] = mapped;
      this.#keys[slot] = key;
      this.#refs[slot] = 0;
      this.#tried[slot] = 0;
    }
    this.#refs[slot]!++;
    return FIRST_INTERNED_ID + slot;
  }

  /** Counts one entry fewer in group `id`; forgets an interned group when none is left. */
  release(id: number): void {
    if (id < FIRST_INTERNED_ID) {
      if (id === UNROUTABLE_ID) this.#unroutableRefs--;
      else this.#ipv4Refs[id >>> 8]![id & 0xff]!--;
      return;
    }
    const slot = id - FIRST_INTERNED_ID;
    if (--this.#refs[slot]! > 0) return;
    const key = this.#keys[slot]!;
    if (this.#mapped[slot]) this.#asIds.delete(key as number);
    else this.#ids.delete(key as string);
    this.#keys[slot] = undefined;
    this.#free.push(slot);
  }

  /**
   * Counts an entry of group `id` into (+1) or out of (-1) the tried table. With the entry counts,
   * this gives each group's new and tried entries without walking the book (the eclipse alarm reads
   * them every minute).
   */
  countTried(id: number, delta: 1 | -1): void {
    if (id < FIRST_INTERNED_ID) {
      if (id === UNROUTABLE_ID) this.#unroutableTried += delta;
      else this.#ipv4Tried[id >>> 8]![id & 0xff]! += delta;
    } else this.#tried[id - FIRST_INTERNED_ID]! += delta;
  }

  /** Entries of group `id` in tried (0 for an unused id). */
  triedRefs(id: number): number {
    if (id < FIRST_INTERNED_ID) return id === UNROUTABLE_ID ? this.#unroutableTried : (this.#ipv4Tried[id >>> 8]?.[id & 0xff] ?? 0);
    return this.refs(id) > 0 ? this.#tried[id - FIRST_INTERNED_ID]! : 0;
  }

  /** Calls `f` for every group with entries: its id, entry count and tried count (IPv4 groups first, by id). */
  forEachGroup(f: (id: number, entries: number, tried: number) => void): void {
    for (let row = 0; row < 256; row++) {
      const refs = this.#ipv4Refs[row];
      if (!refs) continue;
      const tried = this.#ipv4Tried[row]!;
      for (let k = 0; k < 256; k++) if (refs[k]! > 0) f((row << 8) | k, refs[k]!, tried[k]!);
    }
    if (this.#unroutableRefs > 0) f(UNROUTABLE_ID, this.#unroutableRefs, this.#unroutableTried);
    for (let slot = 0; slot < this.#bytes.length; slot++) {
      if (this.#keys[slot] !== undefined && this.#refs[slot]! > 0) f(FIRST_INTERNED_ID + slot, this.#refs[slot]!, this.#tried[slot]!);
    }
  }

  /** The group's bytes. For IPv4 groups this is a scratch array, valid until the next call. */
  bytes(id: number): Uint8Array {
    if (id < IPV4_GROUPS) {
      this.#ipv4[1] = id >>> 8;
      this.#ipv4[2] = id & 0xff;
      return this.#ipv4;
    }
    if (id === UNROUTABLE_ID) return this.#unroutable;
    return this.#bytes[id - FIRST_INTERNED_ID]!;
  }

  /** The group as formatNetGroup writes it. */
  name(id: number): string {
    if (id < FIRST_INTERNED_ID) return (FIXED_NAMES[id] ??= formatNetGroup(this.bytes(id)));
    const slot = id - FIRST_INTERNED_ID;
    return (this.#names[slot] ??= formatNetGroup(this.#bytes[slot]!, { mapped: this.#mapped[slot] }));
  }

  /** Upper bound of ids in use (for arrays indexed by group id). */
  get idBound(): number {
    return FIRST_INTERNED_ID + this.#bytes.length;
  }

  /** Entries counted in group `id` (0 for an unused id). */
  refs(id: number): number {
    if (id < FIRST_INTERNED_ID) return id === UNROUTABLE_ID ? this.#unroutableRefs : (this.#ipv4Refs[id >>> 8]?.[id & 0xff] ?? 0);
    const slot = id - FIRST_INTERNED_ID;
    const key = this.#keys[slot];
    if (key === undefined) return 0;
    const current = this.#mapped[slot] ? this.#asIds.get(key as number) : this.#ids.get(key as string);
    return current === slot ? this.#refs[slot]! : 0;
  }
}
