import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PendingPool } from '../../src/net/pending-pool.js';

const groupOf = (ip: string) => ip.split('.').slice(0, 2).join('.');

describe('PendingPool', () => {
  it('caps handshakes per IP', () => {
    const pool = new PendingPool<string>({ maxPending: 10, maxPendingPerIp: 2 }, groupOf);
    expect(pool.admit('a', '1.1.1.1')).toEqual({ admitted: true });
    expect(pool.admit('b', '1.1.1.1')).toEqual({ admitted: true });
    expect(pool.admit('c', '1.1.1.1')).toEqual({ admitted: false, reason: 'too-many-from-ip' });
    expect(pool.fromIp('1.1.1.1')).toBe(2);
    pool.remove('a');
    expect(pool.admit('c', '1.1.1.1')).toEqual({ admitted: true });
  });

  it('when full, evicts the oldest entry of the net group holding the most entries', () => {
    const pool = new PendingPool<string>({ maxPending: 4, maxPendingPerIp: 2 }, groupOf);
    pool.admit('honest-old', '9.9.0.1'); // alone in its group, and the oldest
    pool.admit('flood-1', '5.5.0.1');
    pool.admit('flood-2', '5.5.0.2');
    pool.admit('flood-3', '5.5.0.3');
    // The flood's group has 3 entries: its oldest goes, not the honest one that has waited longer.
    expect(pool.admit('newcomer', '7.7.0.1')).toEqual({ admitted: true, evicted: 'flood-1' });
    expect(pool.items()).toEqual(['honest-old', 'flood-2', 'flood-3', 'newcomer']);
  });

  it('counts the newcomer in its own group, so a flood evicts its own members first', () => {
    const pool = new PendingPool<string>({ maxPending: 3, maxPendingPerIp: 5 }, groupOf);
    pool.admit('x', '1.0.0.1');
    pool.admit('f1', '5.5.0.1');
    pool.admit('y', '2.0.0.1');
    // Each group holds 1; with the newcomer, 5.5 holds 2: its oldest goes.
    expect(pool.admit('f2', '5.5.0.2')).toEqual({ admitted: true, evicted: 'f1' });
  });

  it('among groups of equal size evicts the entry that has waited longest, and never the newcomer', () => {
    const pool = new PendingPool<string>({ maxPending: 3, maxPendingPerIp: 5 }, groupOf);
    pool.admit('a', '1.0.0.1');
    pool.admit('b', '2.0.0.1');
    pool.admit('c', '3.0.0.1');
    expect(pool.admit('d', '4.0.0.1')).toEqual({ admitted: true, evicted: 'a' });
  });

  it('never exceeds its caps and never evicts the newcomer, whatever arrives (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.oneof(fc.record({ op: fc.constant('add' as const), a: fc.integer({ min: 0, max: 5 }), b: fc.integer({ min: 0, max: 3 }) }), fc.record({ op: fc.constant('remove' as const), k: fc.nat() })), { maxLength: 200 }),
        (max, perIp, ops) => {
          const pool = new PendingPool<number>({ maxPending: max, maxPendingPerIp: perIp }, groupOf);
          let next = 0;
          for (const o of ops) {
            if (o.op === 'remove') {
              const items = pool.items();
              if (items.length) pool.remove(items[o.k % items.length]!);
              continue;
            }
            const ip = `${o.a}.${o.a}.0.${o.b}`;
            const id = next++;
            const r = pool.admit(id, ip);
            if (r.admitted) {
              expect(r.evicted).not.toBe(id);
              expect(pool.has(id)).toBe(true);
            }
            expect(pool.size).toBeLessThanOrEqual(max);
            expect(pool.fromIp(ip)).toBeLessThanOrEqual(perIp);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
