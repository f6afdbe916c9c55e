// Re-bucketing a snapshot saved under other settings (allowLoopback, allowPrivate, bucket counts), as Core does when its bucketing changes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressBook, AddressBookError, type AddressBookEntry, type AddressBookSnapshot } from '../../../src/core/addrbook/index.js';
import { Asmap } from '../../../src/core/address/index.js';
import { createRandom } from '../../../src/core/random.js';
import { CORE_TEST_ASMAP } from '../address/asmap-fixtures.js';
import { deterministicKey, makeBook, SettableClock } from './helpers.js';

const BUCKET = 64;

/** A book with loopback and routable entries, a share of them tried, some attempts and services. */
function mixedBook(seed: number, opts: { allowLoopback?: boolean; newBucketCount?: number; triedBucketCount?: number; n?: number } = {}) {
  const made = makeBook({ seed, allowLoopback: opts.allowLoopback ?? true, newBucketCount: opts.newBucketCount ?? 32, triedBucketCount: opts.triedBucketCount ?? 8 });
  const { book, clock } = made;
  const rnd = createRandom(seed + 100);
  const n = opts.n ?? 300;
  for (let i = 0; i < n; i++) {
    const loop = opts.allowLoopback !== false && i % 3 === 0;
    const a = loop ? `127.${rnd.int(8)}.${rnd.int(256)}.1:${7000 + rnd.int(4)}` : `${250 + rnd.int(4)}.${rnd.int(40)}.${rnd.int(256)}.${1 + rnd.int(250)}:${1 + rnd.int(3)}`;
    const source = loop ? `127.${rnd.int(8)}.0.1` : `${1 + rnd.int(200)}.${rnd.int(256)}.0.1`;
    book.add([{ endpoint: a, time: clock.now() - rnd.int(1e8), services: BigInt(rnd.int(1000)), origin: i % 2 ? 'dns' : 'exchange' }], source);
    // The same address from other sources: extra references, which re-bucketing shrinks to one.
    if (i % 4 === 0) book.add([{ endpoint: a, time: clock.now() }], `${1 + rnd.int(200)}.${rnd.int(256)}.0.9`);
    if (i % 5 === 0) book.good(a);
    if (i % 7 === 0) book.attempt(a, true);
    clock.t += 1000;
  }
  return made;
}

/** The fields re-bucketing must keep, without placement (refCount, inTried) and without what the options derive (group). */
function fields(e: AddressBookEntry) {
  return { endpoint: e.endpoint, services: e.services, time: e.time, source: e.source, lastTry: e.lastTry, lastSuccess: e.lastSuccess, attempts: e.attempts, origin: e.origin };
}

const isLoopback = (e: { endpoint: { ip: string } }) => e.endpoint.ip.startsWith('127.');

describe('AddressBook.rebucket', () => {
  it('rebuilds a book saved with allowLoopback under allowLoopback=false: loopback entries dropped and counted, the rest kept', () => {
    const { book, clock } = mixedBook(1);
    const snap = book.snapshot();
    const loopbackCount = book.entries().filter(isLoopback).length;
    expect(loopbackCount).toBeGreaterThan(20);
    expect(book.size({ table: 'tried' })).toBeGreaterThan(10);

    const { book: copy, report } = AddressBook.rebucket(snap, { clock, random: createRandom(2), allowLoopback: false });
    expect(copy.checkConsistency()).toBe(0);
    expect(report.changes).toEqual(['allowLoopback was true, is now false']);
    expect(report.entries).toBe(book.size());
    expect(report.refused).toBe(loopbackCount);
    expect(report.kept).toBe(copy.size());
    expect(report.kept + report.dropped).toBe(report.entries);
    expect(report.dropped).toBe(report.refused + report.noRoom);
    expect(copy.entries().filter(isLoopback)).toEqual([]);
    // The key is kept: the copy's snapshot says so, and the settings are the new ones.
    const again = copy.snapshot();
    expect(again.key).toBe(snap.key);
    expect(again.allowLoopback).toBe(false);
    // Every kept entry keeps what was known about it.
    for (const e of copy.entries()) expect(fields(e)).toEqual(fields(book.get(e.endpoint)!));
    expect(copy.rebucketReport()).toEqual(report);
    // The exact restore refuses these settings, and says what to call instead.
    expect(() => AddressBook.fromSnapshot(snap, { clock, random: createRandom(2), allowLoopback: false })).toThrow(/allowLoopback was true, is now false.*AddressBook\.rebucket/);
  });

  it('places entries where the new layout puts them: tried in their tried slot when free, else new at their own source', () => {
    const { book, clock } = mixedBook(3, { newBucketCount: 64, triedBucketCount: 16 });
    const snap = book.snapshot();
    const { book: copy, report } = AddressBook.rebucket(snap, { clock, random: createRandom(4), allowLoopback: true, newBucketCount: 8, triedBucketCount: 2 });
    expect(copy.checkConsistency()).toBe(0);
    expect(report.changes).toEqual(['newBucketCount was 64, is now 8', 'triedBucketCount was 16, is now 2']);
    expect(report.refused).toBe(0);
    // Two tried buckets cannot hold all tried entries: some went back to new, some found no room at all.
    const triedBefore = book.entries().filter((e) => e.inTried).length;
    const triedAfter = copy.entries().filter((e) => e.inTried);
    expect(triedAfter.length).toBeLessThan(triedBefore);
    expect(report.movedToNew).toBeGreaterThan(0);
    expect(report.noRoom).toBeGreaterThan(0);
    expect(report.kept + report.dropped).toBe(report.entries);
    const movedToNew = copy.entries().filter((e) => !e.inTried && book.get(e.endpoint)!.inTried);
    expect(movedToNew.length).toBe(report.movedToNew);
    // Every new entry holds exactly one reference now (multiplicity shrinks), and the consistency check
    // (code -19: an entry at the wrong position) proves each sits at the slot the hash gives it.
    expect(book.entries().some((e) => e.refCount > 1)).toBe(true);
    for (const e of copy.entries()) expect(e.refCount).toBe(e.inTried ? 0 : 1);
    const s = copy.snapshot();
    expect(s.newBucketCount).toBe(8);
    expect(s.triedBucketCount).toBe(2);
    for (const e of s.entries) for (const slot of e.slots) expect(slot).toBeLessThan((e.tried ? 2 : 8) * BUCKET);
  });

  it('keeps every entry when the new layout has room (more buckets), and tried entries stay tried', () => {
    const { book, clock } = mixedBook(5, { newBucketCount: 16, triedBucketCount: 4, n: 120 });
    const snap = book.snapshot();
    const { book: copy, report } = AddressBook.rebucket(snap, { clock, random: createRandom(6), allowLoopback: true, newBucketCount: 1024, triedBucketCount: 256 });
    expect(copy.checkConsistency()).toBe(0);
    expect(report).toMatchObject({ entries: book.size(), kept: book.size(), movedToNew: 0, refused: 0, noRoom: 0, dropped: 0 });
    expect(copy.size({ table: 'tried' })).toBe(book.size({ table: 'tried' }));
    for (const e of copy.entries()) expect({ ...fields(e), inTried: e.inTried }).toEqual({ ...fields(book.get(e.endpoint)!), inTried: book.get(e.endpoint)!.inTried });
  });

  it('rebuilds under allowPrivate, keeps pending collisions of entries still in new, and saves in full', () => {
    const { book, clock } = makeBook({ newBucketCount: 32, triedBucketCount: 2 });
    for (let i = 0; i < 200; i++) {
      const a = `250.${i % 50}.${i}.1:8333`;
      book.add([{ endpoint: a, time: clock.now() }], `251.${i}.0.1`);
      book.good(a);
    }
    const snap = book.snapshot();
    expect(snap.collisions.length).toBeGreaterThan(0);
    const { book: copy, report } = AddressBook.rebucket(snap, { clock, random: createRandom(1), allowPrivate: true });
    expect(copy.checkConsistency()).toBe(0);
    expect(report.changes).toEqual(['allowPrivate was false, is now true']);
    // Routable entries keep their net groups: the same tried slots, the same collisions.
    expect(copy.size({ table: 'tried' })).toBe(book.size({ table: 'tried' }));
    expect(copy.snapshot().collisions).toEqual(snap.collisions.filter((c) => copy.get(c) && !copy.get(c)!.inTried));
    expect(copy.stats().collisions).toBeGreaterThan(0);
    // The stored rows describe the old layout: the first change set replaces them all.
    expect(copy.hasChanges()).toBe(true);
    const changes = copy.takeChanges();
    expect(changes.full).toBe(true);
    expect(changes.upserts.length).toBe(copy.size());
    expect(changes.allowPrivate).toBe(true);
  });

  it('refuses another key, damaged entries and a missing snapshot, as the exact restore does', () => {
    const { book, clock } = mixedBook(7, { n: 60 });
    const snap = book.snapshot();
    const opts = { clock, random: createRandom(1), allowLoopback: false };
    expect(() => AddressBook.rebucket(snap, { ...opts, key: new Uint8Array(32).fill(7) })).toThrow(/another key/);
    expect(() => AddressBook.fromSnapshot(snap, { ...opts, allowLoopback: true, key: new Uint8Array(32).fill(7) })).toThrow(/another key/);
    // Its own key is fine.
    expect(AddressBook.rebucket(snap, { ...opts, key: deterministicKey() }).book.checkConsistency()).toBe(0);
    const damaged = structuredClone(snap);
    damaged.entries[3]!.time = -5;
    expect(() => AddressBook.rebucket(damaged, opts)).toThrow(/entry 3 .*time must be a number >= 0/);
    const twice = structuredClone(snap);
    twice.entries[2]!.endpoint = twice.entries[1]!.endpoint;
    expect(() => AddressBook.rebucket(twice, opts)).toThrow(/appears twice/);
    expect(() => AddressBook.rebucket({ version: 2 } as unknown as AddressBookSnapshot, opts)).toThrow(/version 1/);
  });

  it('lists what changed, and nothing when the snapshot can be restored exactly', () => {
    const { book } = mixedBook(8, { n: 20 });
    const snap = book.snapshot();
    expect(AddressBook.layoutChanges(snap, { allowLoopback: true })).toEqual([]);
    expect(AddressBook.layoutChanges(snap, { allowLoopback: true, newBucketCount: 32, triedBucketCount: 8 })).toEqual([]);
    expect(AddressBook.layoutChanges(snap)).toEqual(['allowLoopback was true, is now false']);
    expect(AddressBook.layoutChanges(snap, { allowLoopback: true, allowPrivate: true, triedBucketCount: 9 })).toEqual([
      'triedBucketCount was 8, is now 9',
      'allowPrivate was false, is now true',
    ]);
  });

  it('holds for random books and random changes of settings: consistent, every entry counted, nothing else changed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom(4, 16, 64),
        fc.constantFrom(1, 4, 16),
        fc.boolean(),
        (seed, allowLoopback, allowPrivate, newBucketCount, triedBucketCount, withAsmap) => {
          const { book, clock } = mixedBook(seed, { n: 150 });
          const snap = book.snapshot();
          // Core's test map puts all of 128.0.0.0/1 in one AS: the routable entries collapse into one group.
          const asmap = withAsmap ? Asmap.fromBytes(CORE_TEST_ASMAP) : undefined;
          const { book: copy, report } = AddressBook.rebucket(snap, { clock, random: createRandom(seed), allowLoopback, allowPrivate, newBucketCount, triedBucketCount, asmap });
          if (asmap) {
            expect(report.changes).toContain(`asmap was none, is now the map with SHA-256 ${asmap.checksum}`);
            expect(AddressBook.fromSnapshot(copy.snapshot(), { clock, random: createRandom(1), allowLoopback, allowPrivate, asmap }).snapshot()).toEqual(copy.snapshot());
          }
          expect(copy.checkConsistency()).toBe(0);
          expect(report.kept).toBe(copy.size());
          expect(report.kept + report.dropped).toBe(snap.entries.length);
          expect(report.refused).toBe(allowLoopback ? 0 : book.entries().filter(isLoopback).length);
          expect(copy.snapshot().key).toBe(snap.key);
          for (const e of copy.entries()) expect(fields(e)).toEqual(fields(book.get(e.endpoint)!));
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('restoring with the options omitted', () => {
  it('fromSnapshot(snapshot) says it needs a clock and a random source (not a TypeError)', () => {
    const { book } = makeBook();
    const snap = book.snapshot();
    for (const call of [() => AddressBook.fromSnapshot(snap), () => AddressBook.rebucket(snap), () => AddressBook.fromSnapshot(snap, { clock: new SettableClock() } as never)]) {
      let err: unknown;
      try {
        call();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AddressBookError);
      expect((err as Error).message).toMatch(/needs a clock .*and a random source/);
    }
  });

  it('needs nothing else: the key and bucket counts come from the snapshot', () => {
    const { book, clock } = mixedBook(9, { n: 30 });
    const copy = AddressBook.fromSnapshot(book.snapshot(), { clock, random: createRandom(1), allowLoopback: true });
    expect(copy.snapshot()).toEqual(book.snapshot());
    expect(copy.rebucketReport()).toBeUndefined();
  });
});
