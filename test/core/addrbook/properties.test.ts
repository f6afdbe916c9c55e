// Bitcoin Core's addrman fuzz targets, ported: random sequences of every operation keep every invariant.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Asmap, encodeAsmap, formatEndpoint } from '../../../src/core/address/index.js';
import { AddressBook, type AddressBookEntry, type AddressOrigin } from '../../../src/core/addrbook/index.js';
import { createRandom } from '../../../src/core/random.js';
import { SettableClock } from './helpers.js';

const DAY = 86_400_000;

// Few groups and small tables, so that buckets fill up and every collision path runs.
const ipv4 = fc
  .tuple(fc.constantFrom(250, 251, 10, 127, 0), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }))
  .map(([a, b, c, d]) => `${a}.${b}.${c}.${d}`);
const ipv6 = fc.tuple(fc.constantFrom('2a01:4f8', '2001:470', '2001:db8', 'fe80:0'), fc.integer({ min: 0, max: 15 })).map(([p, x]) => `${p}::${x.toString(16)}`);
const ip = fc.oneof({ weight: 4, arbitrary: ipv4 }, { weight: 1, arbitrary: ipv6 });
const endpoint = fc.tuple(ip, fc.integer({ min: 0, max: 2 })).map(([i, port]) => (i.includes(':') ? `[${i}]:${port}` : `${i}:${port}`));
const origin = fc.constantFrom<AddressOrigin>('seed', 'dns', 'exchange', 'hub', 'probe', 'manual', 'inbound');
const time = fc.oneof(fc.integer({ min: -40 * DAY, max: DAY }), fc.constant(0), fc.constant(Number.NaN));

type Op =
  | { op: 'add'; entries: { endpoint: string; dt: number; services: bigint; origin: AddressOrigin }[]; source: string; penalty: number }
  | { op: 'good' | 'connected' | 'isTerrible' | 'get'; endpoint: string }
  | { op: 'attempt'; endpoint: string; count: boolean }
  | { op: 'setServices'; endpoint: string; services: bigint }
  | { op: 'select'; newOnly: boolean; networks: string[] }
  | { op: 'getAddresses'; max: number; maxPercent: number; network?: 'ipv4' | 'ipv6'; filtered: boolean }
  | { op: 'resolveCollisions' | 'selectTriedCollision' | 'takeChanges' }
  | { op: 'clock'; dt: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant('add' as const), entries: fc.array(fc.record({ endpoint, dt: time, services: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), origin }), { minLength: 1, maxLength: 6 }), source: ip, penalty: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 100_000_000 }) ) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('good' as const), endpoint }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('attempt' as const), endpoint, count: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('connected' as const, 'isTerrible' as const, 'get' as const), endpoint }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('setServices' as const), endpoint, services: fc.bigInt({ min: 0n, max: 1n << 20n }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('select' as const), newOnly: fc.boolean(), networks: fc.subarray(['ipv4', 'ipv6', 'onion']) }) },
  {
    weight: 1,
    arbitrary: fc.record(
      { op: fc.constant('getAddresses' as const), max: fc.integer({ min: 0, max: 50 }), maxPercent: fc.integer({ min: 0, max: 150 }), network: fc.constantFrom('ipv4' as const, 'ipv6' as const), filtered: fc.boolean() },
      { requiredKeys: ['op', 'max', 'maxPercent', 'filtered'] },
    ),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('resolveCollisions' as const, 'selectTriedCollision' as const, 'takeChanges' as const) }) },
  // Arbitrary clock jumps, backwards too, up to months.
  { weight: 2, arbitrary: fc.record({ op: fc.constant('clock' as const), dt: fc.oneof(fc.integer({ min: -DAY, max: DAY }), fc.integer({ min: -60 * DAY, max: 60 * DAY }), fc.constantFrom(61_000, 40 * 60_000, 4 * 3_600_000)) }) },
);

const isIpv6 = (e: AddressBookEntry) => e.endpoint.ip.includes(':');

/** The explicit per-entry assertions of Core's AssertEntriesMatchSizes, on top of checkConsistency. */
function entriesMatchSizes(book: AddressBook): void {
  const all = book.entries();
  expect(all.length).toBe(book.size());
  for (const e of all) {
    if (e.inTried) expect(e.refCount).toBe(0);
    else expect(e.refCount >= 1 && e.refCount <= 8).toBe(true);
  }
  for (const network of ['ipv4', 'ipv6'] as const) {
    for (const table of ['new', 'tried'] as const) {
      const n = all.filter((e) => (network === 'ipv6') === isIpv6(e) && (table === 'tried') === e.inTried).length;
      expect(book.size({ network, table })).toBe(n);
    }
  }
}

function run(book: AddressBook, clock: SettableClock, op: Op): void {
  switch (op.op) {
    case 'add':
      book.add(
        op.entries.map((e) => ({ endpoint: e.endpoint, time: clock.t + e.dt, services: e.services, origin: e.origin })),
        op.source,
        op.penalty,
      );
      break;
    case 'good':
      book.good(op.endpoint);
      break;
    case 'attempt':
      book.attempt(op.endpoint, op.count);
      break;
    case 'connected':
      book.connected(op.endpoint);
      break;
    case 'isTerrible':
      expect(typeof book.isTerrible(op.endpoint)).toBe('boolean');
      break;
    case 'get': {
      const e = book.get(op.endpoint);
      if (e) expect(formatEndpoint(e.endpoint)).toBe(formatEndpoint(op.endpoint));
      break;
    }
    case 'setServices':
      book.setServices(op.endpoint, op.services);
      if (book.get(op.endpoint)) expect(book.get(op.endpoint)!.services).toBe(op.services);
      break;
    case 'select': {
      const got = book.select({ newOnly: op.newOnly, networks: op.networks });
      const wants = (e: AddressBookEntry) => op.networks.length === 0 || op.networks.includes(isIpv6(e) ? 'ipv6' : 'ipv4');
      const table = op.newOnly ? ('new' as const) : undefined;
      const eligible =
        op.networks.length === 0
          ? book.size({ table })
          : (['ipv4', 'ipv6'] as const).filter((n) => op.networks.includes(n)).reduce((sum, network) => sum + book.size({ network, table }), 0);
      // Undefined exactly when nothing is eligible; otherwise an eligible entry.
      expect(got === undefined).toBe(eligible === 0);
      if (got) {
        const e = book.get(got.endpoint)!;
        expect(wants(e)).toBe(true);
        if (op.newOnly) expect(e.inTried).toBe(false);
        expect(got.lastTry).toBe(e.lastTry);
      }
      break;
    }
    case 'getAddresses': {
      const got = book.getAddresses(op);
      let bound = book.size();
      if (op.maxPercent) bound = Math.floor((op.maxPercent * bound) / 100);
      if (op.max) bound = Math.min(bound, op.max);
      expect(got.length).toBeLessThanOrEqual(bound);
      expect(new Set(got.map((a) => `${a.endpoint.ip}|${a.endpoint.port}`)).size).toBe(got.length);
      for (const a of got) {
        if (op.network) expect(a.endpoint.ip.includes(':')).toBe(op.network === 'ipv6');
        if (op.filtered) expect(book.isTerrible(a.endpoint)).toBe(false);
      }
      break;
    }
    case 'resolveCollisions':
      book.resolveCollisions();
      break;
    case 'selectTriedCollision': {
      const got = book.selectTriedCollision();
      if (got) expect(book.get(got.endpoint)!.inTried).toBe(true);
      break;
    }
    case 'takeChanges':
      book.takeChanges();
      break;
    case 'clock':
      clock.t = Math.max(1, clock.t + op.dt);
      break;
  }
}

// An AS map over the generated ranges: 250/8, half of 251/8 and one IPv6 /32 in one AS (IPv4 and
// IPv6 then share groups), Hurricane Electric's /32 in another, and private space that must never
// be looked up.
const asmap = Asmap.fromBytes(
  encodeAsmap([
    { prefix: '250.0.0.0/8', asn: 1000 },
    { prefix: '251.0.0.0/9', asn: 1000 },
    { prefix: '2a01:4f8::/32', asn: 1000 },
    { prefix: '2001:470::/32', asn: 6939 },
    { prefix: '10.0.0.0/8', asn: 5 },
    { prefix: '127.0.0.0/8', asn: 6 },
  ]),
);

const config: fc.Arbitrary<Config> = fc.record({
  seed: fc.integer(),
  key: fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((k) => k.some((b) => b !== 0)),
  allowPrivate: fc.boolean(),
  allowLoopback: fc.boolean(),
  newBucketCount: fc.constantFrom(1, 3, 4),
  triedBucketCount: fc.constantFrom(1, 2),
  asmap: fc.option(fc.constant(asmap), { nil: undefined }),
});

interface Config {
  seed: number;
  key: Uint8Array;
  allowPrivate: boolean;
  allowLoopback: boolean;
  newBucketCount: number;
  triedBucketCount: number;
  asmap?: Asmap;
}

function makeBook(c: Config) {
  const clock = new SettableClock();
  return { clock, book: new AddressBook({ ...c, clock, random: createRandom(c.seed) }) };
}

describe('address book properties (Core fuzz targets addrman and addrman_serdeser)', () => {
  it('keeps every invariant after each operation of random sequences, with arbitrary clock jumps', () => {
    fc.assert(
      fc.property(config, fc.array(opArb, { minLength: 50, maxLength: 200 }), (c, ops) => {
        const { book, clock } = makeBook(c);
        for (const op of ops) {
          run(book, clock, op);
          expect(book.checkConsistency()).toBe(0);
        }
        entriesMatchSizes(book);
        // snapshot → fromSnapshot → identical, and it keeps behaving identically.
        const copy = AddressBook.fromSnapshot(book.snapshot(), {
          clock,
          random: createRandom(c.seed + 1),
          allowPrivate: c.allowPrivate,
          allowLoopback: c.allowLoopback,
          asmap: c.asmap,
        });
        expect(copy.checkConsistency()).toBe(0);
        expect(copy.snapshot()).toEqual(book.snapshot());
        expect(copy.entries()).toEqual(book.entries());
        expect(copy.stats()).toEqual(book.stats());
      }),
      { numRuns: 25 },
    );
  });

  it('replays identically from the same seed', () => {
    fc.assert(
      fc.property(config, fc.array(opArb, { minLength: 20, maxLength: 120 }), (c, ops) => {
        const a = makeBook(c);
        const b = makeBook(c);
        for (const op of ops) {
          run(a.book, a.clock, op);
          run(b.book, b.clock, op);
        }
        expect(b.book.snapshot()).toEqual(a.book.snapshot());
        expect(b.book.entries()).toEqual(a.book.entries());
      }),
      { numRuns: 10 },
    );
  });

  it('round-trips a book filled from up to 50 sources at full size', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 50 }), fc.constantFrom(0, 1, 2, 3), (seed, sources, promote) => {
        const rnd = createRandom(seed);
        const clock = new SettableClock();
        const book = new AddressBook({ key: rnd.bytes(32), clock, random: createRandom(seed) });
        const randomIp = () => (rnd.int(5) === 0 ? `2a0${rnd.int(9)}:${rnd.int(0xffff).toString(16)}::${rnd.int(0xffff).toString(16)}` : `${1 + rnd.int(223)}.${rnd.int(256)}.${rnd.int(256)}.${rnd.int(256)}`);
        let previous: string | undefined;
        for (let s = 0; s < sources; s++) {
          const source = randomIp();
          const count = 1 + rnd.int(120);
          for (let j = 0; j < count; j++) {
            const i = randomIp();
            const entry = { endpoint: i.includes(':') ? `[${i}]:8333` : `${i}:8333`, time: clock.t - rnd.int(1e8), services: 1n };
            book.add([entry], source, rnd.int(100_000_000));
            if (promote > 0 && book.size() % promote === 0) book.good(entry.endpoint);
            if (rnd.int(10) === 0 && previous) book.add([entry], previous, rnd.int(100_000_000));
          }
          previous = source;
        }
        expect(book.checkConsistency()).toBe(0);
        const copy = AddressBook.fromSnapshot(book.snapshot(), { clock, random: createRandom(1) });
        expect(copy.snapshot()).toEqual(book.snapshot());
        expect(copy.entries()).toEqual(book.entries());
      }),
      { numRuns: 5 },
    );
  });

  it('survives one long run of thousands of operations', () => {
    const ops = fc.sample(opArb, { numRuns: 2000, seed: 42 });
    const { book, clock } = makeBook({ seed: 7, key: createRandom(7).bytes(32), allowPrivate: true, allowLoopback: false, newBucketCount: 4, triedBucketCount: 2 });
    for (const op of ops) {
      run(book, clock, op);
      expect(book.checkConsistency()).toBe(0);
    }
    entriesMatchSizes(book);
    expect(book.size()).toBeGreaterThan(20);
  });
});
