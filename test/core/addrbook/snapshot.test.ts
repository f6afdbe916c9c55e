import { describe, expect, it } from 'vitest';
import { AddressBook, AddressBookError, type AddressBookSnapshot } from '../../../src/core/addrbook/index.js';
import { createRandom } from '../../../src/core/random.js';
import { addr, deterministicKey, makeBook, SettableClock, TIME_INIT } from './helpers.js';

const source = '252.2.2.2';

function sampleBook() {
  const made = makeBook({ newBucketCount: 32, triedBucketCount: 8 });
  const { book, clock } = made;
  const rnd = createRandom(3);
  for (let i = 0; i < 400; i++) {
    const a = `${250 + rnd.int(4)}.${rnd.int(40)}.${rnd.int(256)}.${1 + rnd.int(250)}:${1 + rnd.int(3)}`;
    book.add([{ endpoint: a, time: clock.now() - rnd.int(1e8), services: BigInt(rnd.int(1000)), origin: i % 2 ? 'dns' : 'exchange' }], `${rnd.int(200) + 1}.${rnd.int(256)}.0.1`);
    if (i % 5 === 0) book.good(a);
    if (i % 7 === 0) book.attempt(a, true);
    clock.t += 1000;
  }
  book.add([{ endpoint: '[2a01:4f8::1]:8333', time: clock.now() }], source);
  return made;
}

const restoreOptions = (clock: SettableClock) => ({ clock, random: createRandom(9) });

describe('snapshot and fromSnapshot', () => {
  it('restores every entry in the same table, bucket, position and reference count', () => {
    const { book, clock } = sampleBook();
    expect(book.stats().collisions).toBeGreaterThan(0);
    const snap = book.snapshot();
    const copy = AddressBook.fromSnapshot(snap, restoreOptions(clock));
    expect(copy.checkConsistency()).toBe(0);
    expect(copy.snapshot()).toEqual(snap);
    expect(copy.size()).toBe(book.size());
    expect(copy.entries()).toEqual(book.entries());
    for (const e of book.entries()) expect(copy.get(e.endpoint)).toEqual(e);
    expect(copy.occupancy('new')).toEqual(book.occupancy('new'));
    expect(copy.occupancy('tried')).toEqual(book.occupancy('tried'));
    expect(copy.stats()).toEqual(book.stats());
  });

  it('is JSON-safe', () => {
    const { book, clock } = sampleBook();
    const snap = JSON.parse(JSON.stringify(book.snapshot())) as AddressBookSnapshot;
    expect(AddressBook.fromSnapshot(snap, restoreOptions(clock)).snapshot()).toEqual(book.snapshot());
  });

  it('does not depend on the order of the random vector (getAddresses shuffles it)', () => {
    const { book } = sampleBook();
    const before = book.snapshot();
    const entries = book.entries();
    book.getAddresses({ max: 100 });
    expect(book.snapshot()).toEqual(before);
    expect(book.entries()).toEqual(entries);
  });

  it('refuses options that contradict the snapshot', () => {
    const { book, clock } = sampleBook();
    const snap = book.snapshot();
    expect(() => AddressBook.fromSnapshot(snap, { ...restoreOptions(clock), newBucketCount: 64 })).toThrow(/newBucketCount was 32, is now 64.*rebucket/);
    expect(() => AddressBook.fromSnapshot(snap, { ...restoreOptions(clock), allowLoopback: true })).toThrow(/allowLoopback was false, is now true/);
    expect(() => AddressBook.fromSnapshot(snap, { ...restoreOptions(clock), key: new Uint8Array(32).fill(7) })).toThrow(AddressBookError);
    expect(AddressBook.fromSnapshot(snap, { ...restoreOptions(clock), key: deterministicKey() }).size()).toBe(book.size());
  });

  it('names the problem in a damaged snapshot and never drops entries silently', () => {
    const { book, clock } = sampleBook();
    const damage = (f: (s: AddressBookSnapshot) => void) => {
      const s = structuredClone(book.snapshot());
      f(s);
      return () => AddressBook.fromSnapshot(s, restoreOptions(clock));
    };
    expect(damage((s) => (s.entries[0]!.endpoint = 'garbage'))).toThrow(/entry 0 \(garbage\)/);
    expect(damage((s) => (s.entries[0]!.endpoint = '10.0.0.1:1'))).toThrow(/not accepted/);
    expect(damage((s) => (s.entries[1]!.endpoint = s.entries[0]!.endpoint))).toThrow(/twice/);
    expect(damage((s) => (s.entries[0]!.services = '-1'))).toThrow(/services/);
    expect(damage((s) => (s.entries[0]!.time = Number.NaN))).toThrow(/time/);
    expect(damage((s) => (s.entries[0]!.slots = [999999]))).toThrow(/out of range/);
    expect(damage((s) => (s.entries[1]!.slots = [...s.entries[0]!.slots]))).toThrow(/claimed twice|has exactly one slot|1 to 8/);
    // A slot that is free but not where the hash puts the entry: the consistency check catches it.
    expect(
      damage((s) => {
        const used = new Set(s.entries.filter((e) => !e.tried).flatMap((e) => e.slots));
        const victim = s.entries.find((e) => !e.tried && e.slots.length === 1)!;
        let free = 0;
        while (used.has(free)) free++;
        victim.slots = [free];
      }),
    ).toThrow(/consistency check with code -19/);
    expect(damage((s) => (s.key = '00'.repeat(32)))).toThrow(/code -1[678]|code -19/);
    expect(damage((s) => (s.collisions = ['250.250.250.250:1']))).toThrow(/not in the book/);
    expect(() => AddressBook.fromSnapshot({ version: 2 } as unknown as AddressBookSnapshot, restoreOptions(clock))).toThrow(/version 1/);
  });

  it('restores an empty book', () => {
    const { book, clock } = makeBook();
    const copy = AddressBook.fromSnapshot(book.snapshot(), restoreOptions(clock));
    expect(copy.size()).toBe(0);
    expect(copy.checkConsistency()).toBe(0);
  });
});

describe('change tracking', () => {
  it('reports a new book in full, then only what changed', () => {
    const { book, clock } = makeBook();
    book.add([addr('250.1.1.1:1', clock.now()), addr('250.2.1.1:1', clock.now())], source);
    expect(book.hasChanges()).toBe(true);
    const first = book.takeChanges();
    expect(first.full).toBe(true);
    expect(first.upserts.map((u) => u.endpoint).sort()).toEqual(['250.1.1.1:1', '250.2.1.1:1']);
    expect(book.hasChanges()).toBe(false);
    expect(book.takeChanges()).toMatchObject({ full: false, upserts: [], deletes: [] });

    book.attempt('250.1.1.1:1', true);
    const second = book.takeChanges();
    expect(second.full).toBe(false);
    expect(second.upserts.map((u) => u.endpoint)).toEqual(['250.1.1.1:1']);
    expect(second.upserts[0]!.attempts).toBe(1);
  });

  it('reports deletions, and a re-added endpoint as an upsert only', () => {
    const { book } = makeBook();
    for (let i = 1; i <= 22; i++) book.add([addr(`250.1.1.${i}:0`)], source);
    book.takeChanges();
    book.add([addr('250.1.1.23:0')], source); // replaces a terrible occupant
    const c = book.takeChanges();
    expect(c.deletes.length).toBe(1);
    expect(c.upserts.map((u) => u.endpoint)).toContain('250.1.1.23:0');
    const gone = c.deletes[0]!;
    expect(book.get(gone)).toBeUndefined();
    // Heard again from a source in another group, it lands in another (empty) bucket.
    expect(book.add([addr(gone, TIME_INIT)], '251.9.9.9')).toBe(true);
    book.add([addr('250.1.1.24:0')], source); // displaces another terrible entry, for contrast
    const d = book.takeChanges();
    expect(d.upserts.map((u) => u.endpoint)).toContain(gone);
    expect(d.deletes).not.toContain(gone);
  });

  it('tracks collisions and the good() epoch, and takes back changes that could not be written', () => {
    const { book, clock } = makeBook();
    book.add([addr('250.1.1.1:1', clock.now())], source);
    book.takeChanges();
    clock.t += 5;
    book.good('250.200.1.1:1'); // unknown endpoint: only the epoch moves
    expect(book.hasChanges()).toBe(true);
    expect(book.takeChanges().lastGood).toBe(clock.t);
    book.attempt('250.1.1.1:1', false);
    const c = book.takeChanges();
    expect(book.hasChanges()).toBe(false);
    book.requeueChanges(c);
    expect(book.takeChanges().upserts.map((u) => u.endpoint)).toEqual(['250.1.1.1:1']);
  });

  it('a restored book starts with nothing to write', () => {
    const { book, clock } = makeBook();
    book.add([addr('250.1.1.1:1', clock.now())], source);
    const copy = AddressBook.fromSnapshot(book.snapshot(), { clock, random: createRandom(1) });
    expect(copy.hasChanges()).toBe(false);
    expect(copy.takeChanges()).toMatchObject({ full: false, upserts: [], deletes: [] });
  });
});
