// Snapshots and change sets: the book as plain data, and back, slot for slot.

import { BUCKET_SIZE, NEW_BUCKETS_PER_ADDRESS, TRIED_COLLISION_LIMIT } from './constants.js';
import { ORIGIN_CODE, type BookState } from './book-state.js';
import { checkConsistency } from './consistency.js';
import { readEndpoint, readSourceIp, type EndpointBytes } from './endpoint-bytes.js';
import { FLAG_DIRTY, FLAG_TRIED } from './entry-store.js';
import { AddressBookError } from './errors.js';
import { ADDRESS_ORIGINS, type AddressBookChanges, type AddressBookSnapshot, type SnapshotEntry } from './types.js';

const MAX_U64 = (1n << 64n) - 1n;

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export function fromHex(hex: string): Uint8Array | undefined {
  if (typeof hex !== 'string' || !/^(?:[0-9a-fA-F]{2})*$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Entry `id` as a snapshot entry. */
export function snapshotEntry(s: BookState, id: number): SnapshotEntry {
  const e = s.entries;
  const slots: number[] = [];
  if (e.slot[id]! >= 0) slots.push(e.slot[id]!);
  const extra = e.extraSlots.get(id);
  if (extra) {
    slots.push(...extra);
    slots.sort((a, b) => a - b);
  }
  return {
    endpoint: s.endpointText(id),
    services: e.servicesHi[id] === 0 ? String(e.servicesLo[id]) : s.servicesOf(id).toString(),
    time: e.time[id]!,
    source: s.sourceText(id),
    origin: s.originOf(id),
    lastTry: e.lastTry[id]!,
    lastSuccess: e.lastSuccess[id]!,
    lastCountAttempt: e.lastCountAttempt[id]!,
    attempts: e.attempts[id]!,
    tried: s.isTried(id),
    slots,
  };
}

/** Entry ids in canonical order: tried slots ascending, then new slots, each entry at its first slot (a pure function of placement). */
export function canonicalOrder(s: BookState): number[] {
  const seen = new Uint8Array(s.entries.capacity);
  const ids: number[] = [];
  for (const table of [s.triedTable, s.newTable]) {
    const slots = table.slots;
    for (let slot = 0; slot < slots.length; slot++) {
      const id = slots[slot]!;
      if (id !== -1 && !seen[id]) {
        seen[id] = 1;
        ids.push(id);
      }
    }
  }
  return ids;
}

function header(s: BookState) {
  return {
    key: toHex(s.key),
    newBucketCount: s.newTable.bucketCount,
    triedBucketCount: s.triedTable.bucketCount,
    allowPrivate: s.allowPrivate,
    allowLoopback: s.allowLoopback,
    // Only with a map, so that books without one give exactly the snapshots they always gave.
    ...(s.asmap ? { asmapChecksum: s.asmap.checksum } : {}),
    lastGood: s.lastGood,
    collisions: [...s.collisions].map((id) => s.endpointText(id)),
  };
}

export function snapshotOf(s: BookState): AddressBookSnapshot {
  const h = header(s);
  return {
    version: 1,
    key: h.key,
    newBucketCount: h.newBucketCount,
    triedBucketCount: h.triedBucketCount,
    allowPrivate: h.allowPrivate,
    allowLoopback: h.allowLoopback,
    ...(h.asmapChecksum !== undefined ? { asmapChecksum: h.asmapChecksum } : {}),
    lastGood: h.lastGood,
    entries: canonicalOrder(s).map((id) => snapshotEntry(s, id)),
    collisions: h.collisions,
  };
}

/** What changed since the last take; resets the tracking. */
export function takeChanges(s: BookState): AddressBookChanges {
  const h = header(s);
  if (s.full) {
    s.goFull();
    s.full = false;
    return { full: true, upserts: canonicalOrder(s).map((id) => snapshotEntry(s, id)), deletes: [], ...h };
  }
  const upserts: SnapshotEntry[] = [];
  const flags = s.entries.flags;
  for (const id of s.dirty) {
    if (!s.entries.isAlive(id) || (flags[id]! & FLAG_DIRTY) === 0) continue;
    flags[id]! &= ~FLAG_DIRTY;
    upserts.push(snapshotEntry(s, id));
  }
  s.dirty = [];
  const deletes = [...s.deleted];
  s.deleted.clear();
  return { full: false, upserts, deletes, ...h };
}

/** Puts changes that could not be written back into the tracking, so the next take includes them. */
export function requeueChanges(s: BookState, changes: AddressBookChanges): void {
  if (changes.full) {
    s.goFull();
    return;
  }
  if (s.full) return;
  const q = { ip: new Uint8Array(16), port: 0 };
  for (const u of changes.upserts) {
    readEndpoint(u.endpoint, q);
    const id = s.entries.find(q.ip, 0, q.port);
    if (id >= 0) s.touch(id);
  }
  for (const d of changes.deletes) {
    readEndpoint(d, q);
    if (s.entries.find(q.ip, 0, q.port) < 0) s.deleted.add(d);
  }
}

export function fail(message: string, code?: number): never {
  throw new AddressBookError(`cannot restore the address book: ${message}`, code);
}

export function finiteAtLeastZero(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/** How an error names snapshot entry `i` (built only when something is wrong: books have tens of thousands of entries). */
export function entryName(x: SnapshotEntry, i: number): string {
  return `entry ${i} (${typeof x?.endpoint === 'string' ? x.endpoint : 'no endpoint'})`;
}

/**
 * Checks every field of snapshot entry `i` but its slots, reading its address into `q` and its source
 * into `source`. Throws AddressBookError naming the entry and the field.
 */
export function readEntryInto(x: SnapshotEntry, i: number, q: EndpointBytes, source: Uint8Array): void {
  try {
    readEndpoint(x.endpoint, q);
    readSourceIp(x.source, source);
  } catch (err) {
    fail(`${entryName(x, i)}: ${(err as Error).message}`);
  }
  if (typeof x.services !== 'string' || !/^[0-9]{1,20}$/.test(x.services)) fail(`${entryName(x, i)}: services must be a decimal u64`);
  if (x.services.length > 9 && BigInt(x.services) > MAX_U64) fail(`${entryName(x, i)}: services must be a decimal u64`);
  if (!finiteAtLeastZero(x.time)) fail(`${entryName(x, i)}: time must be a number >= 0`);
  if (!finiteAtLeastZero(x.lastTry)) fail(`${entryName(x, i)}: lastTry must be a number >= 0`);
  if (!finiteAtLeastZero(x.lastSuccess)) fail(`${entryName(x, i)}: lastSuccess must be a number >= 0`);
  if (!finiteAtLeastZero(x.lastCountAttempt)) fail(`${entryName(x, i)}: lastCountAttempt must be a number >= 0`);
  if (!Number.isInteger(x.attempts) || x.attempts < 0 || x.attempts > 0x7fffffff) fail(`${entryName(x, i)}: attempts must be an integer >= 0`);
  if (ORIGIN_CODE[x.origin] === undefined) fail(`${entryName(x, i)}: origin must be one of ${ADDRESS_ORIGINS.join(', ')}`);
  if (typeof x.tried !== 'boolean' || !Array.isArray(x.slots)) fail(`${entryName(x, i)}: tried and slots are missing`);
}

/**
 * Creates a checked entry (readEntryInto filled `q` and `source`) in new, in no bucket yet, with
 * every recorded field. Returns its id.
 */
export function createEntry(s: BookState, x: SnapshotEntry, q: EndpointBytes, source: Uint8Array, group: Uint8Array): number {
  const e = s.entries;
  const id = s.create(q.ip, q.port, source, group, x.time, ORIGIN_CODE[x.origin]!);
  e.time[id] = x.time;
  // Most flags fit in 32 bits: skip BigInt for them (this runs for every entry at startup).
  if (x.services.length <= 9) e.servicesLo[id] = Number(x.services);
  else s.setServices(id, BigInt(x.services));
  e.lastTry[id] = x.lastTry;
  e.lastSuccess[id] = x.lastSuccess;
  e.lastCountAttempt[id] = x.lastCountAttempt;
  e.attempts[id] = x.attempts;
  return id;
}

/** Moves entry `id`, created in new with no references, into the free tried slot `slot`. */
export function placeTried(s: BookState, id: number, slot: number): void {
  const e = s.entries;
  const ipv4 = s.isIpv4(id);
  s.nNew--;
  if (ipv4) s.newIpv4--;
  s.nTried++;
  if (ipv4) s.triedIpv4++;
  e.flags[id]! |= FLAG_TRIED;
  e.slot[id] = slot;
  s.triedTable.set(slot, id, ipv4);
  s.countTried(id, 1);
}

/**
 * Fills an empty state from a snapshot, every entry at exactly its recorded slots, then runs the
 * consistency check. Throws AddressBookError naming the first problem; never drops an entry.
 */
export function restoreInto(s: BookState, snap: AddressBookSnapshot): void {
  if (!Array.isArray(snap.entries)) fail('the snapshot has no entries array');
  const e = s.entries;
  const ip = new Uint8Array(16);
  const source = new Uint8Array(16);
  const q = { ip, port: 0 };
  e.reserve(snap.entries.length);
  snap.entries.forEach((x: SnapshotEntry, i: number) => {
    readEntryInto(x, i, q, source);
    const group = s.admit(ip);
    if (group === undefined) {
      fail(`${entryName(x, i)}: the address is not accepted with allowPrivate=${s.allowPrivate}, allowLoopback=${s.allowLoopback}`);
    }
    if (e.find(ip, 0, q.port) >= 0) fail(`${entryName(x, i)}: the address appears twice`);
    const slots = x.slots;
    const table = x.tried ? s.triedTable : s.newTable;
    const limit = table.slots.length;
    if (x.tried ? slots.length !== 1 : slots.length < 1 || slots.length > NEW_BUCKETS_PER_ADDRESS) {
      fail(`${entryName(x, i)}: ${x.tried ? 'a tried entry has exactly one slot' : 'a new entry has 1 to 8 slots'}`);
    }
    for (let k = 0; k < slots.length; k++) {
      const slot = slots[k]!;
      if (!Number.isInteger(slot) || slot < 0 || slot >= limit) fail(`${entryName(x, i)}: a slot is out of range`);
      if (table.slots[slot] !== -1) fail(`${entryName(x, i)}: ${x.tried ? 'tried' : 'new'} slot ${slot} (bucket ${Math.floor(slot / BUCKET_SIZE)}) is claimed twice`);
      for (let j = 0; j < k; j++) if (slots[j] === slot) fail(`${entryName(x, i)}: a slot is listed twice`);
    }

    const id = createEntry(s, x, q, source, group);
    if (x.tried) placeTried(s, id, slots[0]!);
    else for (const slot of slots) s.placeNew(id, slot);
  });

  if (!finiteAtLeastZero(snap.lastGood)) fail('lastGood must be a number >= 0');
  s.lastGood = snap.lastGood;
  const collisions = snap.collisions ?? [];
  if (!Array.isArray(collisions) || collisions.length > TRIED_COLLISION_LIMIT) fail(`collisions must be a list of at most ${TRIED_COLLISION_LIMIT} endpoints`);
  for (const c of collisions) {
    try {
      readEndpoint(c, q);
    } catch (err) {
      fail(`collision ${String(c)}: ${(err as Error).message}`);
    }
    const id = e.find(ip, 0, q.port);
    if (id < 0) fail(`collision ${String(c)} names an address that is not in the book`);
    s.collisions.add(id);
  }

  const code = checkConsistency(s);
  if (code !== 0) fail(`the restored book fails its consistency check with code ${code}`, code);
  // The restored book matches what it was restored from: nothing to write back yet.
  s.goFull();
  s.full = false;
}
