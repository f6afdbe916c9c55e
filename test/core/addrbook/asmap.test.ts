// The address book with an AS map: Core's addrman_tests.cpp asmap vectors, groups shown as AS<n>, snapshots and re-bucketing.
import { describe, expect, it } from 'vitest';
import { Asmap, encodeAsmap } from '../../../src/core/address/index.js';
import { AddressBook, newBucket, triedBucket, bucketPosition } from '../../../src/core/addrbook/index.js';
import { createRandom } from '../../../src/core/random.js';
import { CORE_TEST_ASMAP } from '../address/asmap-fixtures.js';
import { deterministicKey, key1, key2, makeBook, SettableClock } from './helpers.js';

const asmap = Asmap.fromBytes(CORE_TEST_ASMAP);
const BUCKET = 64;

// Vectors from Bitcoin Core's src/test/addrman_tests.cpp (caddrinfo_get_tried_bucket,
// caddrinfo_get_new_bucket, addrman_serialization), which bucket with src/test/data/asmap.raw:
// "250.0.0.0/8 AS1000, 101.1.0.0/16 AS1 … 101.8.0.0/16 AS8". MIT, © The Bitcoin Core developers.
describe("bucket hashing with an asmap (Core's addrman_tests.cpp vectors)", () => {
  it('places 250.1.1.1:8333 in tried bucket 236; the key and the port change it', () => {
    expect(triedBucket(key1, '250.1.1.1:8333', { asmap })).toBe(236);
    expect(triedBucket(key2, '250.1.1.1:8333', { asmap })).not.toBe(236);
    expect(triedBucket(key1, '250.1.1.1:9999', { asmap })).not.toBe(236);
    // Without the map it is the plain /16 vector.
    expect(triedBucket(key1, '250.1.1.1:8333')).toBe(40);
  });

  it('spreads 101.j.1.1 (several ASes and unmapped /16s) over more than 8 tried buckets, 250.j.1.1 (one AS) over exactly 8', () => {
    const spread = (prefix: string) => {
      const buckets = new Set<number>();
      for (let j = 0; j < 255; j++) buckets.add(triedBucket(key1, `${prefix}.${j}.1.1:0`, { asmap }));
      return buckets.size;
    };
    expect(spread('101')).toBeGreaterThan(8);
    expect(spread('250')).toBe(8);
  });

  it('places 250.1.2.1:8333 from 250.1.2.1 in new bucket 795, whatever the port', () => {
    expect(newBucket(key1, '250.1.2.1:8333', '250.1.2.1', { asmap })).toBe(795);
    expect(newBucket(key1, '250.1.2.1:9999', '250.1.2.1', { asmap })).toBe(795);
    expect(newBucket(key2, '250.1.2.1:8333', '250.1.2.1', { asmap })).not.toBe(795);
    expect(newBucket(key1, '250.1.2.1:8333', '250.1.2.1')).toBe(786);
  });

  it('keeps one AS from one source in one new bucket, one source in at most 64, and counts sources by AS', () => {
    const same = new Set<number>();
    for (let i = 0; i < 255; i++) same.add(newBucket(key1, `250.1.1.${i}:0`, `250.1.1.${i}`, { asmap }));
    expect(same.size).toBe(1);
    const oneSource = new Set<number>();
    for (let j = 0; j < 4 * 255; j++) oneSource.add(newBucket(key1, `${250 + Math.floor(j / 255)}.${j % 256}.1.1:0`, '251.4.1.1', { asmap }));
    expect(oneSource.size).toBeLessThanOrEqual(64);
    const sources101 = new Set<number>();
    const sources250 = new Set<number>();
    for (let p = 0; p < 255; p++) {
      sources101.add(newBucket(key1, '250.1.1.1:0', `101.${p}.1.1`, { asmap }));
      sources250.add(newBucket(key1, '250.1.1.1:0', `250.${p}.1.1`, { asmap }));
    }
    expect(sources101.size).toBeGreaterThan(1);
    // 255 source /16s, one AS: one source group, one bucket.
    expect(sources250.size).toBe(1);
  });
});

/** The slot (bucket * 64 + position) of an endpoint in a snapshot. */
function slotsOf(book: AddressBook, endpoint: string): number[] {
  return book.snapshot().entries.find((e) => e.endpoint === endpoint)!.slots;
}

describe('AddressBook with an asmap', () => {
  it('places entries by the AS groups of the address and of its source', () => {
    const { book } = makeBook({ asmap });
    expect(book.add([{ endpoint: '250.1.2.1:8333', time: 1 }], '250.1.2.1')).toBe(true);
    const b = newBucket(deterministicKey(), '250.1.2.1:8333', '250.1.2.1', { asmap });
    expect(slotsOf(book, '250.1.2.1:8333')).toEqual([b * BUCKET + bucketPosition(deterministicKey(), true, b, '250.1.2.1:8333')]);
    expect(book.good('250.1.2.1:8333')).toBe(true);
    const t = triedBucket(deterministicKey(), '250.1.2.1:8333', { asmap });
    expect(slotsOf(book, '250.1.2.1:8333')).toEqual([t * BUCKET + bucketPosition(deterministicKey(), false, t, '250.1.2.1:8333')]);
    expect(book.checkConsistency()).toBe(0);
  });

  it('shows mapped groups as AS<n>, IPv4 and IPv6 of one AS as one group, unmapped ones as before', () => {
    const map = Asmap.fromBytes(
      encodeAsmap([
        { prefix: '1.2.0.0/16', asn: 13335 },
        { prefix: '2606:4700::/32', asn: 13335 },
        { prefix: '5.6.0.0/16', asn: 298 }, // {2, 2a 01 00 00}: the bytes of the /32 group of 2a01::/32
      ]),
    );
    const { book } = makeBook({ asmap: map });
    book.add(
      [
        { endpoint: '1.2.3.4:8333', time: 1 },
        { endpoint: '[2606:4700::1111]:8333', time: 1 },
        { endpoint: '9.9.9.9:8333', time: 1 },
        { endpoint: '5.6.7.8:8333', time: 1 },
        { endpoint: '[2a01::2]:8333', time: 1 },
      ],
      '1.2.9.9',
    );
    expect(book.get('1.2.3.4:8333')!.group).toBe('AS13335');
    expect(book.get('[2606:4700::1111]:8333')!.group).toBe('AS13335');
    expect(book.get('9.9.9.9:8333')!.group).toBe('9.9.0.0/16');
    expect(book.get('5.6.7.8:8333')!.group).toBe('AS298');
    expect(book.get('[2a01::2]:8333')!.group).toBe('2a01:0::/32');
    const groups = Object.fromEntries(book.stats().byGroup.map((g) => [g.group, g.new + g.tried]));
    expect(groups).toEqual({ AS13335: 2, AS298: 1, '2a01:0::/32': 1, '9.9.0.0/16': 1 });
    expect(book.occupancy('new').groups.sort()).toEqual(['2a01:0::/32', '9.9.0.0/16', 'AS13335', 'AS298']);
    // Equal bytes hash alike, as in Core: same new bucket from the same source.
    expect(newBucket(key1, '5.6.7.8:1', '9.9.9.9', { asmap: map })).toBe(newBucket(key1, '[2a01::1]:1', '9.9.9.9', { asmap: map }));
    expect(book.checkConsistency()).toBe(0);
  });

  it('never looks up private and loopback addresses: a devnet book is the same with and without a map', () => {
    const everything = Asmap.fromBytes(encodeAsmap([{ prefix: '::/0', asn: 7 }]));
    const fill = (book: AddressBook) => {
      for (let i = 0; i < 200; i++) book.add([{ endpoint: `127.${i % 9}.${i}.1:${7000 + (i % 3)}`, time: 1 }, { endpoint: `10.${i % 5}.${i}.2:7000`, time: 1 }], `127.${i % 4}.0.1`);
      for (let i = 0; i < 50; i++) book.good(`127.${i % 9}.${i}.1:${7000 + (i % 3)}`);
    };
    const plain = makeBook({ allowLoopback: true, allowPrivate: true, seed: 5 }).book;
    const mapped = makeBook({ allowLoopback: true, allowPrivate: true, seed: 5, asmap: everything }).book;
    fill(plain);
    fill(mapped);
    const { asmapChecksum, ...rest } = mapped.snapshot();
    expect(asmapChecksum).toBe(everything.checksum);
    expect(rest).toEqual(plain.snapshot());
    expect(mapped.entries().map((e) => e.group)).toEqual(plain.entries().map((e) => e.group));
  });

  it('stays consistent under many operations', () => {
    const clock = new SettableClock();
    const book = new AddressBook({ key: key1, clock, random: createRandom(9), asmap, newBucketCount: 16, triedBucketCount: 4 });
    const rnd = createRandom(10);
    const ip = () => (rnd.int(2) ? `${[101, 250, 1, 2][rnd.int(4)]}.${rnd.int(12)}.${rnd.int(256)}.${1 + rnd.int(250)}` : `[2a01:${rnd.int(4)}::${rnd.int(500).toString(16)}]`);
    for (let i = 0; i < 3000; i++) {
      const ep = `${ip()}:${8333 + rnd.int(2)}`;
      const src = ip().replace(/^\[|\]$/g, '');
      book.add([{ endpoint: ep, time: clock.now() - rnd.int(1e8) }], src);
      if (i % 3 === 0) book.good(ep);
      if (i % 50 === 0) book.resolveCollisions();
      clock.t += 10_000;
    }
    expect(book.size()).toBeGreaterThan(100);
    expect(book.checkConsistency()).toBe(0);
    const restored = AddressBook.fromSnapshot(book.snapshot(), { clock, random: createRandom(1), asmap });
    expect(restored.snapshot()).toEqual(book.snapshot());
  });
});

describe("snapshots with an asmap (Core's addrman_serialization)", () => {
  const clock = new SettableClock();
  const opts = { clock, random: createRandom(3) };
  const fresh = (withMap: boolean) => new AddressBook({ key: deterministicKey(), ...opts, ...(withMap ? { asmap } : {}) });

  it("records the map's checksum; a book without a map records nothing new", () => {
    const a = fresh(true);
    a.add([{ endpoint: '250.1.1.1:8333', time: 1 }], '::');
    expect(a.snapshot().asmapChecksum).toBe(asmap.checksum);
    expect(a.takeChanges().asmapChecksum).toBe(asmap.checksum);
    const b = fresh(false);
    expect('asmapChecksum' in b.snapshot()).toBe(false);
    expect('asmapChecksum' in b.takeChanges()).toBe(false);
  });

  it('restores exactly under the same map, and re-buckets when the map comes or goes', () => {
    const withMap = fresh(true);
    withMap.add([{ endpoint: '250.1.1.1:8333', time: 1 }], '::');
    const snap = withMap.snapshot();
    // Serializing/deserializing with the same map: the same position.
    const dup = AddressBook.fromSnapshot(snap, { ...opts, asmap });
    expect(slotsOf(dup, '250.1.1.1:8333')).toEqual(slotsOf(withMap, '250.1.1.1:8333'));
    // An asmapped book loaded without the map: refused as an exact restore, re-bucketed elsewhere.
    expect(AddressBook.layoutChanges(snap, {})).toEqual([`asmap was the map with SHA-256 ${asmap.checksum}, is now none`]);
    expect(() => AddressBook.fromSnapshot(snap, opts)).toThrow(/asmap was the map with SHA-256 .*, is now none.*rebucket/);
    const noMap = AddressBook.rebucket(snap, opts);
    expect(noMap.report.changes).toEqual([`asmap was the map with SHA-256 ${asmap.checksum}, is now none`]);
    expect(noMap.book.checkConsistency()).toBe(0);
    const [plainSlot] = slotsOf(noMap.book, '250.1.1.1:8333');
    const [mapSlot] = slotsOf(withMap, '250.1.1.1:8333');
    expect(Math.floor(plainSlot! / BUCKET)).not.toBe(Math.floor(mapSlot! / BUCKET));
    expect(plainSlot! % BUCKET).not.toBe(mapSlot! % BUCKET);
    // A book without a map loaded with one: re-bucketed to where the mapped book has it.
    const plain = fresh(false);
    plain.add([{ endpoint: '250.1.1.1:8333', time: 1 }], '::');
    const back = AddressBook.rebucket(plain.snapshot(), { ...opts, asmap });
    expect(back.report.changes).toEqual([`asmap was none, is now the map with SHA-256 ${asmap.checksum}`]);
    expect(slotsOf(back.book, '250.1.1.1:8333')).toEqual(slotsOf(withMap, '250.1.1.1:8333'));
  });

  it('a different map is a different layout', () => {
    const other = Asmap.fromBytes(encodeAsmap([{ prefix: '250.0.0.0/8', asn: 1000 }]));
    const withMap = fresh(true);
    withMap.add([{ endpoint: '250.1.1.1:8333', time: 1 }], '::');
    expect(AddressBook.layoutChanges(withMap.snapshot(), { asmap: other })).toEqual([
      `asmap was the map with SHA-256 ${asmap.checksum}, is now the map with SHA-256 ${other.checksum}`,
    ]);
  });

  it('puts two /16s of one AS, in different new buckets without the map, in one bucket with it', () => {
    const plain = fresh(false);
    plain.add([{ endpoint: '250.1.1.1:8333', time: 1 }, { endpoint: '250.2.1.1:8333', time: 1 }], '::');
    const [a] = slotsOf(plain, '250.1.1.1:8333');
    const [b] = slotsOf(plain, '250.2.1.1:8333');
    expect(Math.floor(a! / BUCKET)).not.toBe(Math.floor(b! / BUCKET));
    const { book } = AddressBook.rebucket(plain.snapshot(), { ...opts, asmap });
    const [c] = slotsOf(book, '250.1.1.1:8333');
    const [d] = slotsOf(book, '250.2.1.1:8333');
    expect(Math.floor(c! / BUCKET)).toBe(Math.floor(d! / BUCKET));
    expect(c).not.toBe(d);
  });

  it('refuses an asmap option that is not an Asmap', () => {
    expect(() => new AddressBook({ key: deterministicKey(), ...opts, asmap: CORE_TEST_ASMAP as unknown as Asmap })).toThrow(/Asmap\.fromBytes/);
  });
});
