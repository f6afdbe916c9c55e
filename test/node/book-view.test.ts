// node.addressBook: every read-only query of the book (select, getAddresses, selectTriedCollision, checkConsistency, snapshot…), nothing that changes it.
import { describe, expect, it } from 'vitest';
import { AddressBook } from '../../src/core/addrbook/index.js';
import { createRandom } from '../../src/core/random.js';
import { bookView } from '../../src/node/book-view.js';
import { runFor, settle, world } from './helpers.js';

const clock = { now: () => 1_700_000_000_000 };

function filledBook(): AddressBook {
  const book = new AddressBook({ key: createRandom(1).bytes(32), clock, random: createRandom(2), newBucketCount: 64, triedBucketCount: 2 });
  for (let i = 0; i < 200; i++) {
    const a = `250.${i % 50}.${i}.1:7000`;
    book.add([{ endpoint: a, time: clock.now() }], `251.${i}.0.1`);
    if (i % 2 === 0) book.good(a);
  }
  return book;
}

describe('bookView', () => {
  it('answers every query from the book and changes nothing', () => {
    const book = filledBook();
    const view = bookView(() => book);
    const before = book.snapshot();
    expect(view.snapshot()).toEqual(before);
    expect(view.checkConsistency()).toBe(0);
    const picked = view.select();
    expect(picked && book.get(picked.endpoint)).toBeDefined();
    expect(view.select({ newOnly: true, networks: ['ipv4'] })).toBeDefined();
    expect(view.select({ networks: ['ipv6'] })).toBeUndefined();
    expect(view.getAddresses({ max: 1000, maxPercent: 23 }).length).toBe(Math.floor(book.size() * 0.23));
    expect(view.getAddresses(10, 23).length).toBe(10);
    expect(() => (view.getAddresses as (...a: unknown[]) => unknown)(1000)).toThrow(TypeError);
    expect(book.stats().collisions).toBeGreaterThan(0);
    const collision = view.selectTriedCollision();
    expect(collision && book.get(collision.endpoint)?.inTried).toBe(true);
    expect(view.rebucketReport()).toBeUndefined();
    // Reading moved nothing: the book is exactly as before.
    expect(book.snapshot()).toEqual(before);
    // And the view offers no way to change it.
    for (const name of ['add', 'good', 'attempt', 'connected', 'setServices', 'resolveCollisions', 'takeChanges', 'requeueChanges']) {
      expect(view).not.toHaveProperty(name);
    }
  });

  it('is empty while there is no book (a stopped node), and still refuses a wrong getAddresses call', () => {
    const view = bookView(() => undefined);
    expect(view.select()).toBeUndefined();
    expect(view.getAddresses({ max: 10 })).toEqual([]);
    expect(view.getAddresses(10, 23)).toEqual([]);
    expect(() => (view.getAddresses as (...a: unknown[]) => unknown)('10')).toThrow(TypeError);
    expect(view.selectTriedCollision()).toBeUndefined();
    expect(view.checkConsistency()).toBe(0);
    expect(view.snapshot()).toBeUndefined();
    expect(view.rebucketReport()).toBeUndefined();
  });
});

describe('node.addressBook', () => {
  it('answers the book queries on a running node', async () => {
    const w = world('view');
    const seed = await w.node('10.1.0.1');
    const node = await w.node('10.2.0.1', { seeds: ['10.1.0.1:7000'] });
    await seed.start();
    await node.start();
    await runFor(w.clock, 3_000);
    const view = node.addressBook;
    expect(view.checkConsistency()).toBe(0);
    expect(view.snapshot()!.entries.map((e) => e.endpoint)).toContain('10.1.0.1:7000');
    expect(view.getAddresses(1000, 100).map((a) => a.endpoint.ip)).toContain('10.1.0.1');
    expect(view.select()).toBeDefined();
    expect(view.selectTriedCollision()).toBeUndefined();
    await settle(w.clock, Promise.all([node.stop(), seed.stop()]));
    expect(node.addressBook.snapshot()).toBeUndefined();
  });
});
