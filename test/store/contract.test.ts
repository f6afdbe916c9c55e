// One suite, run against SqliteStore and MemoryStore: both must behave the same.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AddressBook } from '../../src/core/addrbook/index.js';
import { createRandom } from '../../src/core/random.js';
import { describeRebucket, loadAddressBook, MemoryStore, openStore, restoreAddressBook, StoreError, type Store } from '../../src/store/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Backend {
  name: string;
  make(opts?: { eventCap?: number }): Store;
  /** Reopens the same data (a new SqliteStore on the same file; the same MemoryStore). */
  reopen(store: Store, opts?: { eventCap?: number }): Store;
}

const backends: Backend[] = [
  {
    name: 'SqliteStore',
    make: (opts) => {
      const dir = mkdtempSync(join(tmpdir(), 'pw-store-'));
      dirs.push(dir);
      return openStore(dir, opts);
    },
    reopen: (store, opts) => {
      store.close();
      return openStore(join(store.location, '..'), opts);
    },
  },
  { name: 'MemoryStore', make: (opts) => new MemoryStore(opts), reopen: (store) => store },
];

function clockAt(t: number) {
  return { t, now() { return this.t; } };
}

function fillBook(book: AddressBook, now: number, n: number, seed = 1) {
  const rnd = createRandom(seed);
  for (let i = 0; i < n; i++) {
    const ip = `${250 + rnd.int(4)}.${rnd.int(64)}.${rnd.int(256)}.${1 + rnd.int(250)}`;
    book.add([{ endpoint: `${ip}:${8000 + rnd.int(3)}`, time: now - rnd.int(1e7), services: BigInt(rnd.int(4096)), origin: i % 3 ? 'exchange' : 'dns' }], `${1 + rnd.int(200)}.${rnd.int(256)}.1.1`);
    if (i % 4 === 0) book.good(`${ip}:${8000}`);
  }
}

for (const backend of backends) {
  describe(`${backend.name} (the Store contract)`, () => {
    it('starts with nothing saved', () => {
      const store = backend.make();
      expect(store.loadAddressBook()).toBeUndefined();
      expect(store.bans()).toEqual([]);
      expect(store.peers()).toEqual([]);
      expect(store.anchors()).toEqual([]);
      expect(store.events()).toEqual([]);
      expect(store.getMeta('nothing')).toBeUndefined();
      store.close();
    });

    it('saves the address book and reloads it slot for slot', () => {
      const clock = clockAt(1_700_000_000_000);
      let store = backend.make();
      const book = new AddressBook({ key: createRandom(5).bytes(32), clock, random: createRandom(2), newBucketCount: 16, triedBucketCount: 4 });
      fillBook(book, clock.t, 600);
      expect(book.stats().collisions).toBeGreaterThan(0);
      store.saveAddressBook(book);
      expect(store.loadAddressBook()).toEqual(book.snapshot());

      // Incremental changes: updates, new entries, deletions, collisions.
      fillBook(book, clock.t + 5000, 300, 9);
      clock.t += 61_000;
      for (const e of book.entries().slice(0, 50)) book.attempt(e.endpoint, true);
      book.resolveCollisions();
      const changes = book.hasChanges();
      expect(changes).toBe(true);
      store.saveAddressBook(book);
      expect(book.hasChanges()).toBe(false);

      store = backend.reopen(store);
      expect(store.loadAddressBook()).toEqual(book.snapshot());
      const restored = loadAddressBook(store, { clock, random: createRandom(3) });
      expect(restored.checkConsistency()).toBe(0);
      expect(restored.snapshot()).toEqual(book.snapshot());
      expect(restored.entries().length).toBe(book.size());
      store.close();
    });

    it('re-buckets a book saved under other settings instead of refusing it, reports the cost, and saves the new layout', () => {
      const clock = clockAt(1_700_000_000_000);
      let store = backend.make();
      const key = createRandom(5).bytes(32);
      const book = new AddressBook({ key, clock, random: createRandom(2), allowLoopback: true, newBucketCount: 16, triedBucketCount: 4 });
      fillBook(book, clock.t, 300);
      for (let i = 0; i < 40; i++) book.add([{ endpoint: `127.0.${i}.1:7000`, time: clock.t }], `127.0.${i}.1`);
      book.good('127.0.3.1:7000');
      const loopback = book.entries().filter((e) => e.endpoint.ip.startsWith('127.')).length;
      expect(loopback).toBeGreaterThan(10);
      store.saveAddressBook(book);
      store = backend.reopen(store);

      // allowLoopback is off now, and the tables are larger: once a refusal calling the data damaged.
      const options = { clock, random: createRandom(3), allowLoopback: false, newBucketCount: 64, triedBucketCount: 16 };
      const { book: loaded, rebucketed } = restoreAddressBook(store, options);
      expect(loaded.checkConsistency()).toBe(0);
      expect(rebucketed).toBeDefined();
      expect(rebucketed!.changes).toEqual(['newBucketCount was 16, is now 64', 'triedBucketCount was 4, is now 16', 'allowLoopback was true, is now false']);
      expect(rebucketed!.refused).toBe(loopback);
      expect(rebucketed!.kept + rebucketed!.dropped).toBe(book.size());
      expect(loaded.rebucketReport()).toEqual(rebucketed);
      expect(describeRebucket(rebucketed!)).toMatch(/re-bucketed: \d+ of \d+ entries kept, \d+ tried entries moved back to new, \d+ dropped \(\d+ no longer accepted, \d+ found no free slot\)/);
      expect(loaded.snapshot().key).toBe(book.snapshot().key);

      // Saved, the new layout comes back exactly: no second re-bucketing.
      store.saveAddressBook(loaded);
      store = backend.reopen(store);
      const again = restoreAddressBook(store, options);
      expect(again.rebucketed).toBeUndefined();
      expect(again.book.snapshot()).toEqual(loaded.snapshot());
      expect(loadAddressBook(store, options).snapshot()).toEqual(loaded.snapshot());

      // Another key is still a refusal.
      let err: unknown;
      try {
        restoreAddressBook(store, { ...options, key: new Uint8Array(32).fill(9) });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).reason).toBe('inconsistent');
      expect((err as Error).message).toMatch(/another key/);
      store.close();
    });

    it('replaces a different stored book wholesale', () => {
      const clock = clockAt(1_700_000_000_000);
      const store = backend.make();
      const a = new AddressBook({ key: createRandom(1).bytes(32), clock, random: createRandom(1) });
      fillBook(a, clock.t, 50, 1);
      store.saveAddressBook(a);
      const b = new AddressBook({ key: createRandom(2).bytes(32), clock, random: createRandom(1) });
      fillBook(b, clock.t, 20, 2);
      b.takeChanges(); // as if saved elsewhere: the next save must still write all of b
      b.attempt(b.entries()[0]!.endpoint, false);
      store.saveAddressBook(b);
      expect(store.loadAddressBook()).toEqual(b.snapshot());
      store.close();
    });

    it('starts a new book with a random key when none is saved, and restores it later', () => {
      const clock = clockAt(1_700_000_000_000);
      let store = backend.make();
      const book = loadAddressBook(store, { clock, random: createRandom(4) });
      expect(book.size()).toBe(0);
      book.add([{ endpoint: '250.1.1.1:1', time: clock.t }], '250.2.2.2');
      store.saveAddressBook(book);
      store = backend.reopen(store);
      const again = loadAddressBook(store, { clock, random: createRandom(99) });
      expect(again.snapshot()).toEqual(book.snapshot());
      store.close();
    });

    it('stores bans, replacing by target', () => {
      const store = backend.make();
      store.putBan({ target: '1.2.3.4', kind: 'ip', reason: 'spam', createdAt: 10 });
      store.putBan({ target: '10.0.0.0/8', kind: 'subnet', reason: 'lan', createdAt: 5, expiresAt: 100 });
      store.putBan({ target: '1.2.3.4', kind: 'ip', reason: 'spam again', createdAt: 20, expiresAt: 50 });
      expect(store.bans()).toEqual([
        { target: '10.0.0.0/8', kind: 'subnet', reason: 'lan', createdAt: 5, expiresAt: 100 },
        { target: '1.2.3.4', kind: 'ip', reason: 'spam again', createdAt: 20, expiresAt: 50 },
      ]);
      expect(store.deleteBan('1.2.3.4')).toBe(true);
      expect(store.deleteBan('1.2.3.4')).toBe(false);
      const reopened = backend.reopen(store);
      expect(reopened.bans().map((b) => b.target)).toEqual(['10.0.0.0/8']);
      reopened.close();
    });

    it('stores peers and anchors', () => {
      const store = backend.make();
      const peer = { id: 'ab'.repeat(32), lastEndpoint: '1.2.3.4:7000', firstSeen: 1, lastSeen: 2, score: -3.5, scoreAt: 2, counts: { connections: 4 } };
      store.putPeers([peer, { id: 'cd'.repeat(32), firstSeen: 1, lastSeen: 1, score: 0, scoreAt: 1, counts: {} }]);
      store.putPeers([{ ...peer, score: 7 }]);
      expect(store.peer(peer.id)).toEqual({ ...peer, score: 7 });
      expect(store.peer('ef'.repeat(32))).toBeUndefined();
      expect(store.peers().map((p) => p.id)).toEqual([peer.id, 'cd'.repeat(32)]);
      const returned = store.peer(peer.id)!;
      returned.counts.connections = 99;
      expect(store.peer(peer.id)!.counts.connections).toBe(4);

      store.setAnchors([{ id: 'x', endpoint: '1.1.1.1:1', connectedAt: 3 }, { id: 'y', endpoint: '[2001::1]:2', connectedAt: 1 }]);
      expect(store.anchors().map((a) => a.id)).toEqual(['x', 'y']);
      store.setAnchors([{ id: 'z', endpoint: '2.2.2.2:2', connectedAt: 4 }]);
      const reopened = backend.reopen(store);
      expect(reopened.anchors()).toEqual([{ id: 'z', endpoint: '2.2.2.2:2', connectedAt: 4 }]);
      expect(reopened.peers().length).toBe(2);
      reopened.close();
    });

    it('keeps the newest events up to the cap and answers queries newest-limited, oldest first', () => {
      const store = backend.make({ eventCap: 50 });
      for (let batch = 0; batch < 8; batch++) {
        store.appendEvents(
          Array.from({ length: 10 }, (_, i) => ({
            at: batch * 10 + i,
            id: i % 2 ? 'peer-a' : 'peer-b',
            endpoint: `1.1.1.${i}:1`,
            kind: i % 3 ? 'connected' : 'disconnected',
            reason: i === 5 ? 'timeout' : undefined,
            data: { n: batch * 10 + i, nested: [1, 'x'] },
          })),
        );
      }
      const all = store.events({ limit: 1000 });
      expect(all.length).toBe(50);
      expect(all[0]!.at).toBe(30);
      expect(all[49]!.at).toBe(79);
      expect(all.every((e, i) => i === 0 || e.seq! > all[i - 1]!.seq!)).toBe(true);
      expect(all[49]).toMatchObject({ id: 'peer-a', endpoint: '1.1.1.9:1', kind: 'disconnected', data: { n: 79, nested: [1, 'x'] } });
      expect(all.find((e) => e.at === 75)!.reason).toBe('timeout');
      expect(all.find((e) => e.at === 74)!.reason).toBeUndefined();

      expect(store.events().length).toBe(50);
      expect(store.events({ limit: 3 }).map((e) => e.at)).toEqual([77, 78, 79]);
      expect(store.events({ id: 'peer-a', limit: 2 }).map((e) => e.at)).toEqual([77, 79]);
      expect(store.events({ endpoint: '1.1.1.0:1' }).map((e) => e.at)).toEqual([30, 40, 50, 60, 70]);
      expect(store.events({ kind: 'disconnected', since: 70 }).map((e) => e.at)).toEqual([70, 73, 76, 79]);
      expect(store.events({ limit: 0 })).toEqual([]);
      store.close();
    });

    it('keeps meta values', () => {
      const store = backend.make();
      store.setMeta('node.started', '5');
      store.setMeta('node.started', '6');
      const reopened = backend.reopen(store);
      expect(reopened.getMeta('node.started')).toBe('6');
      expect(reopened.getMeta('schema_version')).toBe('1');
      reopened.close();
    });
  });
}
