// Re-bucketing: rebuilds a book from a snapshot saved with other grouping options or table sizes.
//
// Where an entry sits depends on the key, the bucket counts and its net group, and allowPrivate and
// allowLoopback change net groups. A snapshot saved under other settings therefore cannot be put
// back slot for slot. Bitcoin Core meets the same problem when its bucketing changes (another bucket
// count or AS map) and re-buckets on load ("Bucketing method was updated, re-bucketing addrman
// entries from disk"): tried entries go to their tried slot if it is free, new entries get one
// reference at the bucket of their own source, and whatever finds no room is pruned. We do the
// same, with one kindness Core lacks: a tried entry whose slot is taken goes back to new instead of
// being lost. Entries the new options refuse (loopback addresses once allowLoopback is off) are
// dropped. Every loss is counted in the report: nothing disappears silently. An AS map changes net
// groups too (a book saved without one, with another one, or loaded without its own): the same.

import { TRIED_COLLISION_LIMIT } from './constants.js';
import type { BookState } from './book-state.js';
import { checkConsistency } from './consistency.js';
import { formatEndpointBytes, readEndpoint } from './endpoint-bytes.js';
import { createEntry, entryName, fail, finiteAtLeastZero, placeTried, readEntryInto } from './snapshot.js';
import type { AddressBookRestoreOptions, AddressBookSnapshot, RebucketReport } from './types.js';

/** The options that decide where entries sit (besides the key). */
export type LayoutOptions = Pick<AddressBookRestoreOptions, 'newBucketCount' | 'triedBucketCount' | 'allowPrivate' | 'allowLoopback' | 'asmap'>;

/**
 * The settings that decide placement and differ between `snapshot` and `options`, as sentences
 * ("allowLoopback was true, is now false"). Bucket counts left out of `options` mean "as saved".
 * The key is not among them: a different key is a different book, never re-bucketed.
 */
export function layoutChanges(snapshot: AddressBookSnapshot, options: LayoutOptions): string[] {
  const changes: string[] = [];
  const differs = (name: string, saved: unknown, given: unknown) => {
    if (saved !== given) changes.push(`${name} was ${String(saved)}, is now ${String(given)}`);
  };
  if (options.newBucketCount !== undefined) differs('newBucketCount', snapshot.newBucketCount, options.newBucketCount);
  if (options.triedBucketCount !== undefined) differs('triedBucketCount', snapshot.triedBucketCount, options.triedBucketCount);
  differs('allowPrivate', !!snapshot.allowPrivate, !!options.allowPrivate);
  differs('allowLoopback', !!snapshot.allowLoopback, !!options.allowLoopback);
  // The map is named by its checksum: a file replaced by another version is another map.
  const asmapName = (checksum: string | undefined) => (checksum ? `the map with SHA-256 ${checksum}` : 'none');
  differs('asmap', asmapName(snapshot.asmapChecksum), asmapName(options.asmap?.checksum));
  return changes;
}

/**
 * Fills an empty state (built with the new options) from the entries of `snap`, placing each where
 * the new layout puts it. A malformed entry is refused whole (AddressBookError naming it), exactly
 * as an exact restore would: re-bucketing forgives changed settings, not damaged data.
 */
export function rebucketInto(s: BookState, snap: AddressBookSnapshot): Omit<RebucketReport, 'changes'> {
  if (!Array.isArray(snap.entries)) fail('the snapshot has no entries array');
  if (!finiteAtLeastZero(snap.lastGood)) fail('lastGood must be a number >= 0');
  const collisions = snap.collisions ?? [];
  if (!Array.isArray(collisions)) fail('collisions must be a list of endpoints');
  const e = s.entries;
  const q = { ip: new Uint8Array(16), port: 0 };
  const source = new Uint8Array(16);

  // Check everything first, so that damage is refused before anything is counted as dropped.
  const seen = new Set<string>();
  snap.entries.forEach((x, i) => {
    readEntryInto(x, i, q, source);
    const key = formatEndpointBytes(q.ip, 0, q.port);
    if (seen.has(key)) fail(`${entryName(x, i)}: the address appears twice`);
    seen.add(key);
  });

  e.reserve(snap.entries.length);
  const tried: number[] = [];
  const fresh: number[] = [];
  let refused = 0;
  snap.entries.forEach((x, i) => {
    readEntryInto(x, i, q, source);
    const group = s.admit(q.ip);
    if (group === undefined) {
      refused++;
      return;
    }
    const id = createEntry(s, x, q, source, group);
    // A tried entry always has a success; one without is placed as the new entry it really is.
    (x.tried && x.lastSuccess > 0 ? tried : fresh).push(id);
  });

  // Tried entries first: they proved reachable, so they have the first claim on the tried table
  // and, when their tried slot is taken, on the new slots too.
  const toNew: number[] = [];
  for (const id of tried) {
    const slot = s.triedSlotOf(id);
    if (s.triedTable.slots[slot] === -1) placeTried(s, id, slot);
    else toNew.push(id);
  }
  // One reference each, at the bucket of the entry's own source (the others are re-earned through
  // gossip, as in Core); an entry whose slot an earlier one took finds no room.
  let noRoom = 0;
  let movedToNew = 0;
  const placeInNew = (id: number): boolean => {
    const slot = s.ownSourceNewSlotOf(id);
    if (s.newTable.slots[slot] === -1) {
      s.placeNew(id, slot);
      return true;
    }
    s.delete(id);
    noRoom++;
    return false;
  };
  for (const id of toNew) if (placeInNew(id)) movedToNew++;
  for (const id of fresh) placeInNew(id);

  s.lastGood = snap.lastGood;
  // Pending collisions are hints for test-before-evict: keep those whose entry is still in new.
  for (const c of collisions) {
    try {
      readEndpoint(c, q);
    } catch (err) {
      fail(`collision ${String(c)}: ${(err as Error).message}`);
    }
    const id = e.find(q.ip, 0, q.port);
    if (id >= 0 && !s.isTried(id) && s.collisions.size < TRIED_COLLISION_LIMIT) s.collisions.add(id);
  }

  const code = checkConsistency(s);
  if (code !== 0) fail(`the re-bucketed book fails its consistency check with code ${code}`, code);
  // s.full stays set: the stored rows describe the old layout, so the first save replaces them all.
  return { entries: snap.entries.length, kept: s.orderLength, movedToNew, refused, noRoom, dropped: refused + noRoom };
}
