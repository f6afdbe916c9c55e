// Interned net groups: entries keep a small group id, counted per group, instead of group bytes.
//
// Statistics, the occupancy map and re-bucketing an evicted entry then never recompute net groups.
// IPv4 /16 groups need no table at all: their id is the /16 itself (a·256 + b), with a fixed array
// of counts. Other groups (IPv6 /32 and /36) are interned and forgotten when their last entry
// leaves, so addresses heard of and dropped leave nothing behind.

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

export class GroupRegistry {
  /** Entry counts of IPv4 groups and the unroutable group, by id. */
  readonly #fixedRefs = new Int32Array(IPV4_GROUPS + 1);
  readonly #ids = new Map<string, number>();
  readonly #bytes: Uint8Array[] = [];
  readonly #names: (string | undefined)[] = [];
  readonly #keys: (string | undefined)[] = [];
  readonly #refs: number[] = [];
  readonly #free: number[] = [];
  /** Scratch for the bytes of fixed groups (valid until the next call). */
  readonly #ipv4 = new Uint8Array([1, 0, 0]);
  readonly #unroutable = new Uint8Array([0]);

  /** The id of `group`, counting one more entry in it. */
  acquire(group: Uint8Array): number {
    const key = groupKey(group);
    if (typeof key === 'number') {
      this.#fixedRefs[key]!++;
      return key;
    }
    let slot = this.#ids.get(key);
    if (slot === undefined) {
      slot = this.#free.pop() ?? this.#bytes.length;
      this.#ids.set(key, slot);
      this.#bytes[slot] = group.slice();
      this.#names[slot] = undefined;
      this.#keys[slot] = key;
      this.#refs[slot] = 0;
    }
    this.#refs[slot]!++;
    return FIRST_INTERNED_ID + slot;
  }

  /** Counts one entry fewer in group `id`; forgets an interned group when none is left. */
  release(id: number): void {
    if (id < FIRST_INTERNED_ID) {
      this.#fixedRefs[id]!--;
      return;
    }
    const slot = id - FIRST_INTERNED_ID;
    if (--this.#refs[slot]! > 0) return;
    this.#ids.delete(this.#keys[slot]!);
    this.#keys[slot] = undefined;
    this.#free.push(slot);
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
    if (id < FIRST_INTERNED_ID) return formatNetGroup(this.bytes(id));
    const slot = id - FIRST_INTERNED_ID;
    return (this.#names[slot] ??= formatNetGroup(this.#bytes[slot]!));
  }

  /** Upper bound of ids in use (for arrays indexed by group id). */
  get idBound(): number {
    return FIRST_INTERNED_ID + this.#bytes.length;
  }

  /** Entries counted in group `id` (0 for an unused id). */
  refs(id: number): number {
    if (id < FIRST_INTERNED_ID) return this.#fixedRefs[id]!;
    const slot = id - FIRST_INTERNED_ID;
    const key = this.#keys[slot];
    return key !== undefined && this.#ids.get(key) === slot ? this.#refs[slot]! : 0;
  }
}
