// Read-only views of the book for the dashboard and the API: counts by table, network, group and origin, and table occupancy.

import type { BookState } from './book-state.js';
import { ADDRESS_ORIGINS, type AddressBookStats, type AddressOrigin, type TableOccupancy } from './types.js';

export function statsOf(s: BookState): AddressBookStats {
  const e = s.entries;
  const byOrigin = Object.fromEntries(ADDRESS_ORIGINS.map((o) => [o, 0])) as Record<AddressOrigin, number>;
  const groupNew = new Int32Array(s.groups.idBound);
  const groupTried = new Int32Array(s.groups.idBound);
  for (let i = 0; i < s.orderLength; i++) {
    const id = s.order[i]!;
    byOrigin[s.originOf(id)]++;
    if (s.isTried(id)) groupTried[e.group[id]!]!++;
    else groupNew[e.group[id]!]!++;
  }
  const byGroup: AddressBookStats['byGroup'] = [];
  for (let g = 0; g < groupNew.length; g++) {
    if (groupNew[g]! + groupTried[g]! > 0) byGroup.push({ group: s.groups.name(g), new: groupNew[g]!, tried: groupTried[g]! });
  }
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
