import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRandom } from '../../../src/core/random.js';
import { backoffBaseMs, backoffDelayMs, churnCount, selectInboundToEvict, type EvictionCandidate } from '../../../src/core/governor/index.js';

describe('backoff', () => {
  it('is 5 s · 2^min(f-1, 5): 5, 10, 20, 40, 80, 160, 160 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 50].map((f) => backoffBaseMs(f))).toEqual([0, 5000, 10000, 20000, 40000, 80000, 160000, 160000, 160000]);
  });

  it('is monotone up to its cap, and the jitter stays within ±20 %', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 100 }), fc.integer(), (a, b, seed) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(backoffBaseMs(lo)).toBeLessThanOrEqual(backoffBaseMs(hi));
        expect(backoffBaseMs(hi)).toBeLessThanOrEqual(160_000);
        const d = backoffDelayMs(lo, createRandom(seed));
        expect(d).toBeGreaterThanOrEqual(Math.floor(backoffBaseMs(lo) * 0.8));
        expect(d).toBeLessThanOrEqual(Math.ceil(backoffBaseMs(lo) * 1.2));
      }),
    );
  });
});

describe('churn count', () => {
  it('is 20 %, at least one, of a non-empty set', () => {
    expect([0, 1, 4, 5, 8, 9, 10, 12].map((n) => churnCount(n, 0.2))).toEqual([0, 1, 1, 1, 1, 1, 2, 2]);
  });
});

function candidate(i: number, over: Partial<EvictionCandidate> = {}): EvictionCandidate {
  return { id: `p${String(i).padStart(3, '0')}`, connectedAt: 1000 + i, keyedGroup: 100 + i, preferEvict: false, ...over };
}

const arbCandidates = (min: number, max: number) =>
  fc
    .array(
      fc.record({
        connectedAt: fc.integer({ min: 0, max: 10_000 }),
        keyedGroup: fc.integer({ min: 0, max: 6 }),
        minRttMs: fc.option(fc.integer({ min: 1, max: 500 }), { nil: undefined }),
        lastUsefulAt: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
        preferEvict: fc.boolean(),
      }),
      { minLength: min, maxLength: max },
    )
    .map((xs) =>
      xs.map((x, i) => {
        const c: EvictionCandidate = { id: `c${i}`, connectedAt: x.connectedAt, keyedGroup: x.keyedGroup, preferEvict: x.preferEvict };
        if (x.minRttMs !== undefined) c.minRttMs = x.minRttMs;
        if (x.lastUsefulAt !== undefined) c.lastUsefulAt = x.lastUsefulAt;
        return c;
      }),
    );

describe('inbound eviction (Core SelectNodeToEvict)', () => {
  it('never evicts with 20 or fewer candidates', () => {
    fc.assert(
      fc.property(arbCandidates(0, 20), (cs) => {
        expect(selectInboundToEvict(cs)).toBeUndefined();
      }),
    );
  });

  it('always evicts someone with 29 or more candidates (Core’s own test bound)', () => {
    fc.assert(
      fc.property(arbCandidates(29, 60), (cs) => {
        expect(cs.map((c) => c.id)).toContain(selectInboundToEvict(cs));
      }),
    );
  });

  it('protects the 4 highest keyed groups, the 8 fastest and the 4 latest useful senders', () => {
    const cs = Array.from({ length: 40 }, (_, i) => candidate(i, { keyedGroup: i % 3 }));
    // Distinct traits on distinct peers, each would otherwise be a prime victim (youngest).
    cs[39] = candidate(39, { keyedGroup: 1_000 }); // highest keyed group
    cs[38] = candidate(38, { minRttMs: 1 });
    cs[37] = candidate(37, { lastUsefulAt: 99_999 });
    const victim = selectInboundToEvict(cs);
    expect(victim).toBeDefined();
    expect(['p039', 'p038', 'p037']).not.toContain(victim);
  });

  it('evicts the youngest peer of the net group with the most connections', () => {
    // A crowd in one group among peers in groups of their own; the youngest peer overall (p029) is alone in its group.
    const crowd = (i: number) => i >= 15 && i % 3 !== 0 && i !== 29;
    const cs = Array.from({ length: 30 }, (_, i) => candidate(i, { keyedGroup: crowd(i) ? 1000 : i, minRttMs: 100 }));
    // Left after protections: p023–p029, of which p023, p025, p026, p028 are the crowd.
    expect(selectInboundToEvict(cs)).toBe('p028');
  });

  it('prefers discouraged peers among those left', () => {
    // Protections first (Core): an old discouraged peer is protected by uptime like anyone else,
    // a young one is evicted before the youngest of the biggest group.
    const cs = Array.from({ length: 30 }, (_, i) => candidate(i, { keyedGroup: i % 2 }));
    cs[3] = candidate(3, { keyedGroup: 1, preferEvict: true });
    expect(selectInboundToEvict(cs)).toBe('p029');
    cs[26] = candidate(26, { keyedGroup: 0, preferEvict: true });
    expect(selectInboundToEvict(cs)).toBe('p026');
  });

  it('is deterministic for the same input regardless of order', () => {
    fc.assert(
      fc.property(arbCandidates(21, 50), fc.integer(), (cs, seed) => {
        const shuffled = [...cs];
        const r = createRandom(seed);
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = r.int(i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        expect(selectInboundToEvict(shuffled)).toBe(selectInboundToEvict(cs));
      }),
    );
  });
});
