import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addr, makeBook } from './helpers.js';

describe('stats and occupancy', () => {
  it('counts by table, network, group and origin', () => {
    const { book, clock } = makeBook();
    const now = clock.now();
    book.add([{ endpoint: '250.1.1.1:1', time: now, origin: 'seed' }, { endpoint: '250.1.2.2:1', time: now, origin: 'seed' }], '252.2.2.2');
    book.add([addr('251.1.1.1:1', now), { endpoint: '[2a01:4f8::1]:1', time: now, origin: 'dns' }], '252.2.2.2');
    book.good('250.1.1.1:1');
    const s = book.stats();
    expect(s).toMatchObject({ new: 3, tried: 1, total: 4, collisions: 0 });
    expect(s.byNetwork).toEqual({ ipv4: { new: 2, tried: 1 }, ipv6: { new: 1, tried: 0 } });
    expect(s.byGroup[0]).toEqual({ group: '250.1.0.0/16', new: 1, tried: 1 });
    expect(s.byGroup.map((g) => g.group).sort()).toEqual(['250.1.0.0/16', '251.1.0.0/16', '2a01:4f8::/32']);
    expect(s.byOrigin).toEqual({ seed: 2, dns: 1, exchange: 1, hub: 0, probe: 0, manual: 0, inbound: 0 });
  });

  it('maps every occupied slot to its net group', () => {
    const { book, clock } = makeBook({ newBucketCount: 4, triedBucketCount: 2 });
    const now = clock.now();
    book.add([addr('250.1.1.1:1', now), addr('250.1.1.2:1', now), addr('251.7.1.1:1', now)], '252.2.2.2');
    book.good('251.7.1.1:1');
    const n = book.occupancy('new');
    expect(n.buckets).toBe(4);
    expect(n.slotsPerBucket).toBe(64);
    expect(n.cells.length).toBe(4 * 64);
    const used = [...n.cells].filter((c) => c >= 0);
    expect(used.length).toBe(2);
    expect(used.map((c) => n.groups[c])).toEqual(['250.1.0.0/16', '250.1.0.0/16']);
    const t = book.occupancy('tried');
    expect([...t.cells].filter((c) => c >= 0).map((c) => t.groups[c])).toEqual(['251.7.0.0/16']);
  });

  it('keeps per-group and per-IP counts true through adds, promotions, evictions and collisions', () => {
    // Small tables so that adds evict and promotions push tried entries back to new.
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), a: fc.integer({ min: 0, max: 5 }), b: fc.integer({ min: 0, max: 7 }), port: fc.integer({ min: 1, max: 4 }), src: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ kind: fc.constant('good' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('resolve' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 120 }), (ops) => {
        const { book, clock } = makeBook({ newBucketCount: 2, triedBucketCount: 1 });
        for (const o of ops) {
          const all = book.entries();
          if (o.kind === 'add') book.add([addr(`25${o.a}.${o.b}.1.${o.b}:${o.port}`, clock.t)], `252.${o.src}.0.1`);
          else if (all.length > 0) {
            const e = all[o.pick % all.length]!.endpoint;
            if (o.kind === 'good') book.good(e);
            else {
              clock.t += 5 * 3_600_000;
              book.resolveCollisions();
            }
          }
        }
        expect(book.checkConsistency()).toBe(0);
        const byName = (a: { group: string }, b: { group: string }) => (a.group < b.group ? -1 : 1);
        expect(book.groupCounts().sort(byName)).toEqual([...book.stats().byGroup].sort(byName));
        const perIp = new Map<string, number>();
        for (const e of book.entries()) perIp.set(e.endpoint.ip, (perIp.get(e.endpoint.ip) ?? 0) + 1);
        for (const min of [2, 3]) {
          const want = [...perIp].filter(([, n]) => n >= min).map(([ip, entries]) => ({ ip, entries }));
          expect(book.crowdedIps(min).sort((x, y) => (x.ip < y.ip ? -1 : 1))).toEqual(want.sort((x, y) => (x.ip < y.ip ? -1 : 1)));
        }
      }),
      { numRuns: 150 },
    );
  });
});
