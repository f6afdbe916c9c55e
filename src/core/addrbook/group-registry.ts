// Interned net groups: each distinct group's bytes and display name stored once, counted by its entries.
//
// Entries keep a small group id instead of their group bytes, so statistics, the occupancy map and
// re-bucketing an evicted entry never recompute net groups. A group is forgotten when its last
// entry leaves, so addresses that were heard of and dropped leave nothing behind.

import { formatNetGroup } from '../address/netgroup.js';

export class GroupRegistry {
  readonly #ids = new Map<string, number>();
  readonly #bytes: Uint8Array[] = [];
  readonly #names: string[] = [];
  readonly #keys: string[] = [];
  readonly #refs: number[] = [];
  readonly #free: number[] = [];

  /** The id of `group`, counting one more entry in it. */
  acquire(group: Uint8Array): number {
    const key = String.fromCharCode(...group);
    let id = this.#ids.get(key);
    if (id === undefined) {
      id = this.#free.pop() ?? this.#bytes.length;
      this.#ids.set(key, id);
      this.#bytes[id] = group.slice();
      this.#names[id] = formatNetGroup(group);
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
    this.#free.push(id);
  }

  bytes(id: number): Uint8Array {
    return this.#bytes[id]!;
  }

  name(id: number): string {
    return this.#names[id]!;
  }

  /** Upper bound of ids in use (for arrays indexed by group id). */
  get idBound(): number {
    return this.#bytes.length;
  }

  /** Entries counted in group `id` (0 for a free id). */
  refs(id: number): number {
    return this.#ids.get(this.#keys[id] ?? '') === id ? this.#refs[id]! : 0;
  }
}
