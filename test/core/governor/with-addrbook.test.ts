import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AddressBook } from '../../../src/core/addrbook/index.js';
import type { Endpoint } from '../../../src/core/address/index.js';
import { World, type WorldBook } from './world.js';

/** The real AddressBook behind the world's book interface (scaled-down tables, as simulations use). */
function realBook(random: Parameters<NonNullable<ConstructorParameters<typeof World>[0]['book']>>[0], clock: { now(): number }): WorldBook & { inner: AddressBook } {
  const inner = new AddressBook({ key: random.bytes(32), clock, random, newBucketCount: 64, triedBucketCount: 16 });
  return {
    inner,
    add: (ep: Endpoint) => {
      // Each address announced by a different source, as if learned from many peers.
      inner.add({ endpoint: ep, time: clock.now() - 60_000 }, `${60 + random.int(100)}.${random.int(256)}.1.1`);
    },
    select: (opts) => inner.select(opts),
    selectTriedCollision: () => inner.selectTriedCollision(),
    size: () => inner.size(),
    attempt: (ep, _now, countFailure) => inner.attempt(ep, countFailure),
    good: (ep) => {
      inner.good(ep);
    },
    connected: (ep) => inner.connected(ep),
    resolveCollisions: () => inner.resolveCollisions(),
  };
}

describe('governor driving the real AddressBook', () => {
  it('keeps its invariants and the book stays consistent over long random runs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), (seed) => {
        let book: ReturnType<typeof realBook> | undefined;
        const w = new World({
          seed,
          statics: 1,
          remotes: 90,
          groups: 45,
          config: { targets: { hot: 4, outbound: 8, maxInbound: 24, maxTotal: 36 } },
          book: (random, clock) => (book = realBook(random, clock)),
        });
        w.simulate(90 * 60_000, 2_000);
        expect(w.violations).toEqual([]);
        expect(book!.inner.checkConsistency()).toBe(0);
        // Outbound handshakes moved addresses to tried, as addrman's good() does.
        expect(book!.inner.size({ table: 'tried' })).toBeGreaterThan(0);
      }),
      { numRuns: 4 },
    );
  });

  it('fills its outbound slots from the real book', () => {
    let book: ReturnType<typeof realBook> | undefined;
    const w = new World({ seed: 42, remotes: 90, groups: 45, alive: 0.9, dead: 0.1, book: (r, c) => (book = realBook(r, c)) });
    w.runUntil(w.now + 5 * 60_000);
    const outbound = [...w.state.peers.values()].filter((p) => p.direction === 'outbound' && p.closing === undefined && p.purpose !== 'feeler');
    expect(outbound).toHaveLength(12);
    expect(outbound.filter((p) => p.temperature === 'hot')).toHaveLength(8);
    expect(book!.inner.checkConsistency()).toBe(0);
  });
});
