// How much of an address book an attacker holds: its share of the new and tried slots, and the chance a selection picks it.

import type { TableOccupancy } from '../core/addrbook/index.js';
import type { AddressBookView } from '../node/types.js';

export interface TableShare {
  /** Occupied slots. */
  occupied: number;
  /** Slots holding an address of a hostile group. */
  hostile: number;
  /** hostile / occupied (0 for an empty table). */
  share: number;
  /**
   * Probability that one pick from this table returns a hostile address, as the book picks: a
   * uniformly random non-empty bucket, a random start slot, the first occupied slot from there.
   * (The book then accepts the entry with a chance that falls with failed attempts and recent
   * tries; that factor is left out, so this is the attacker's share of the picks' first draw.)
   */
  pick: number;
}

export interface BookShare {
  new: TableShare;
  tried: TableShare;
  /** Probability that select() returns a hostile address: new and tried 50/50 (only one when the other is empty). */
  select: number;
}

function tableShare(occ: TableOccupancy, hostileGroup: (group: string) => boolean): TableShare {
  const hostileIndex = occ.groups.map(hostileGroup);
  const size = occ.slotsPerBucket;
  let occupied = 0;
  let hostile = 0;
  let pickSum = 0;
  let nonEmpty = 0;
  for (let b = 0; b < occ.buckets; b++) {
    const base = b * size;
    // In a bucket, the starts that land on an occupied slot j are those after the previous occupied slot, up to j.
    let last = -1;
    for (let i = size - 1; i >= 0; i--) {
      if (occ.cells[base + i] !== -1) {
        last = i;
        break;
      }
    }
    if (last === -1) continue;
    nonEmpty++;
    let prev = last - size;
    let hostileStarts = 0;
    for (let i = 0; i < size; i++) {
      const g = occ.cells[base + i]!;
      if (g === -1) continue;
      occupied++;
      if (hostileIndex[g]) {
        hostile++;
        hostileStarts += i - prev;
      }
      prev = i;
    }
    pickSum += hostileStarts / size;
  }
  return { occupied, hostile, share: occupied ? hostile / occupied : 0, pick: nonEmpty ? pickSum / nonEmpty : 0 };
}

/** The hostile share of both tables of a book; `hostileGroup` tells hostile net groups ("241.3.0.0/16") apart. */
export function bookShare(book: AddressBookView, hostileGroup: (group: string) => boolean): BookShare {
  const n = tableShare(book.occupancy('new'), hostileGroup);
  const t = tableShare(book.occupancy('tried'), hostileGroup);
  const select = n.occupied === 0 ? t.pick : t.occupied === 0 ? n.pick : (n.pick + t.pick) / 2;
  return { new: n, tried: t, select };
}
