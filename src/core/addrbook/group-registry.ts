// Interned net groups: each distinct group's bytes and display name stored once, counted by its entries.
//
// Entries keep a small group id instead of their group bytes, so statistics, the occupancy map and
// re-bucketing an evicted entry never recompute net groups. A group is forgotten when its last
// entry leaves, so addresses that were heard of and dropped leave nothing behind.

import { formatNetGroup } from '../address/netgroup.js';

/**
 * A group as a map key: IPv4 /16 groups {1,a,b} and the unroutable group {0} as small integers (no
 * allocation on the hot path), IPv6 groups as short strings.
 */
export function groupKey(group: Uint8Array): number | string {
  if (group.length === 3 && group[0] === 1) return (group[1]! << 8) | group[2]!;
  if (group.length === 1) return 0x10000 + group[0]!;
  return String.fromCharCode(...group);
}

export class GroupRegistry {
  readonly #ids = new Map<number | string, number>();
  readonly #bytes: Uint8Array[] = [];
  /** Display names, computed when first asked for. */
  readonly #names: (string | undefined)[] = [];
  readonly #keys: (number | string | undefined)[] = [];
  readonly #refs: number[] = [];
  readonly #free: number[] = [];

  /** The id of `group`, counting one more entry in it. */
  acquire(group: Uint8Array): number {
    const key = groupKey(group);
    let id = this.#ids.get(key);
    if (id === undefined) {
      id = this.#free.pop() ?? this.#bytes.length;
      this.#ids.set(key, id);
      this.#bytes[id] = group.slice();
      this.#names[id] = undefined;
      this.#keys[id] = key;
      this.#refs[id] = 0;
    }
    this.#refs[id]!++;
    return id;
  }

  /** Counts one entry fewer in group `id`; forgets the group when none is left. */
  release(id: number): void {
    if (--this.#refs[id]! > 0) return;
    this.#ids.delete(this.#keys[id]!);
    this.#keys[id] = undefined;
    this.#free.push(id);
  }

  bytes(id: number): Uint8Array {
    return this.#bytes[id]!;
  }

  name(id: number): string {
    return (this.#names[id] ??= formatNetGroup(this.#bytes[id]!));
  }

  /** Upper bound of ids in use (for arrays indexed by group id). */
  get idBound(): number {
    return this.#bytes.length;
  }

  /** Entries counted in group `id` (0 for a free id). */
  refs(id: number): number {
    const key = this.#keys[id];
    return key !== undefined && this.#ids.get(key) === id ? this.#refs[id]! : 0;
  }
}
