// peerwarden's defence beyond Core: at most N tried entries learned from one source group (off by default, where the book is Core's).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressBook } from '../../../src/core/addrbook/index.js';
import { createRandom } from '../../../src/core/random.js';
import { HOUR, makeBook } from './helpers.js';

/** Tried entries per source /16 ("5.5"). */
function triedBySource(book: AddressBook): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of book.entries()) if (e.inTried) m.set(e.source.split('.').slice(0, 2).join('.'), (m.get(e.source.split('.').slice(0, 2).join('.')) ?? 0) + 1);
  return m;
}

describe('maxTriedPerSourceGroup', () => {
  it('lets at most N entries told by one source group into tried; the rest stay in new with their success recorded', () => {
    const { book, clock } = makeBook({ maxTriedPerSourceGroup: 2 });
    const now = clock.now();
    const pushed = Array.from({ length: 5 }, (_, i) => `60.${i}.0.1:8333`);
    expect(book.add(pushed.map((endpoint) => ({ endpoint, time: now - HOUR })), '5.5.0.1')).toBe(true);
    expect(book.add([{ endpoint: '70.0.0.1:8333', time: now - HOUR }], '6.6.0.1')).toBe(true);
    expect(pushed.map((ep) => book.good(ep))).toEqual([true, true, false, false, false]);
    expect(book.get('60.2.0.1:8333')).toMatchObject({ inTried: false, lastSuccess: now });
    // Another source group has its own allowance.
    expect(book.good('70.0.0.1:8333')).toBe(true);
    expect(triedBySource(book)).toEqual(new Map([['5.5', 2], ['6.6', 1]]));
    expect(book.checkConsistency()).toBe(0);
  });

  it('keeps its tally through a snapshot and refuses a limit that is not a whole number of at least 1', () => {
    const { book, clock } = makeBook({ maxTriedPerSourceGroup: 1 });
    book.add([{ endpoint: '60.0.0.1:8333', time: clock.now() }, { endpoint: '61.0.0.1:8333', time: clock.now() }], '5.5.0.1');
    book.good('60.0.0.1:8333');
    const restored = AddressBook.fromSnapshot(book.snapshot(), { clock, random: createRandom(2), maxTriedPerSourceGroup: 1 });
    expect(restored.checkConsistency()).toBe(0);
    expect(restored.good('61.0.0.1:8333')).toBe(false);
    expect(() => makeBook({ maxTriedPerSourceGroup: 0 })).toThrow(/maxTriedPerSourceGroup must be a whole number of at least 1/);
  });

  it('never lets a source group past the limit, and the book stays consistent, whatever happens (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('add' as const), src: fc.integer({ min: 0, max: 4 }), a: fc.integer({ min: 0, max: 60 }) }),
            fc.record({ op: fc.constant('good' as const), k: fc.nat() }),
            fc.record({ op: fc.constant('resolve' as const) }),
          ),
          { maxLength: 150 },
        ),
        (limit, ops) => {
          const { book, clock } = makeBook({ maxTriedPerSourceGroup: limit, newBucketCount: 16, triedBucketCount: 4 });
          for (const o of ops) {
            clock.t += 61_000;
            if (o.op === 'add') book.add([{ endpoint: `${80 + (o.a % 30)}.${o.a}.0.1:8333`, time: clock.now() - HOUR }], `${10 + o.src}.${o.src}.0.1`);
            else if (o.op === 'good') {
              const all = book.entries();
              if (all.length) book.good(all[o.k % all.length]!.endpoint);
            } else book.resolveCollisions();
            for (const n of triedBySource(book).values()) expect(n).toBeLessThanOrEqual(limit);
          }
          expect(book.checkConsistency()).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});
