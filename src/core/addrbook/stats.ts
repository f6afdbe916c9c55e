// Read-only views of the book for the dashboard and the API: counts by table, network, group and origin, and table occupancy.

import type { BookState } from './book-state.js';
import { ADDRESS_ORIGINS, type AddressBookStats, type AddressOrigin, type TableOccupancy } from './types.js';

/** New and tried entries of every group the book holds, in no particular order (from the registry's counts: no walk of the book). */
export function groupCountsOf(s: BookState): AddressBookStats['byGroup'] {
  const out: AddressBookStats['byGroup'] = [];
  s.groups.forEachGroup((id, entries, tried) => out.push({ group: s.groups.name(id), new: entries - tried, tried }));
  return out;
}

export function statsOf(s: BookState): AddressBookStats {
  const byOrigin = Object.fromEntries(ADDRESS_ORIGINS.map((o) => [o, 0])) as Record<AddressOrigin, number>;
  for (let i = 0; i < s.orderLength; i++) byOrigin[s.originOf(s.order[i]!)]++;
  const byGroup = groupCountsOf(s);
  byGroup.sort((a, b) => b.new + b.tried - (a.new + a.tried) || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
  return {
    new: s.nNew,
    tried: s.nTried,
    total: s.nNew + s.nTried,
    collisions: s.collisions.size,
    byNetwork: {
      ipv4: { new: s.newIpv4, tried: s.triedIpv4 },
      ipv6: { new: s.nNew - s.newIpv4, tried: s.nTried - s.triedIpv4 },
    },
    byGroup,
    byOrigin,
  };
}

/**
 * IPs with at least `min` entries (one per port), most entries first (ties by IP text). Honest
 * nodes rarely run more than a few nodes behind one IP; a sybil swarm runs dozens.
 */
export function crowdedIpsOf(s: BookState, min: number): Array<{ ip: string; entries: number }> {
  // Bucket counts are upper bounds on every IP's count (IPs may share a bucket): when no bucket
  // reaches `min`, no IP does, and the book need not be walked. That is the honest case, checked
  // every minute.
  if (min >= 2) {
    let candidate = false;
    const b = s.ipBuckets;
    for (let i = 0; i < b.length; i++) {
      if (b[i]! >= min) {
        candidate = true;
        break;
      }
    }
    if (!candidate) return [];
  }
  const e = s.entries;
  const counts = new Map<number, number>();
  const firstOf = new Map<number, number>();
  for (let i = 0; i < s.orderLength; i++) {
    const id = s.order[i]!;
    // The 16 address bytes folded into 53 bits: a key without a string per entry.
    let a = 0x811c9dc5;
    let b = 0x2545f491;
    for (let k = id * 16, end = k + 16; k < end; k += 4) {
      const w = ((e.ip[k]! << 24) | (e.ip[k + 1]! << 16) | (e.ip[k + 2]! << 8) | e.ip[k + 3]!) >>> 0;
      a = Math.imul(a ^ w, 0x01000193);
      b = Math.imul((b ^ w) + 0x7f4a7c15, 0x5bd1e995);
    }
    const key = (a >>> 0) * 2 ** 21 + ((b >>> 0) >>> 11);
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    if (n === 1) firstOf.set(key, id);
  }
  const out: Array<{ ip: string; entries: number }> = [];
  for (const [key, n] of counts) if (n >= min) out.push({ ip: s.endpointOf(firstOf.get(key)!).ip, entries: n });
  return out.sort((x, y) => y.entries - x.entries || (x.ip < y.ip ? -1 : x.ip > y.ip ? 1 : 0));
}

/** Which net group sits in each slot of a table, for the heat map. */
export function occupancyOf(s: BookState, table: 'new' | 'tried'): TableOccupancy {
  const t = table === 'tried' ? s.triedTable : s.newTable;
  const cells = new Int32Array(t.slots.length).fill(-1);
  const index = new Map<number, number>();
  const groups: string[] = [];
  for (let slot = 0; slot < t.slots.length; slot++) {
    const id = t.slots[slot]!;
    if (id === -1) continue;
    const g = s.entries.group[id]!;
    let at = index.get(g);
    if (at === undefined) {
      at = groups.length;
      index.set(g, at);
      groups.push(s.groups.name(g));
    }
    cells[slot] = at;
  }
  return { buckets: t.bucketCount, slotsPerBucket: 64, groups, cells };
}
