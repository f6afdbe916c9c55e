import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { relayTargets, RELAY_ROTATE_MS } from '../../src/discovery/relay-targets.js';

const key = new Uint8Array(32).fill(3);
const peers = Array.from({ length: 20 }, (_, i) => `peer-${String(i).padStart(2, '0')}`);

describe('relayTargets', () => {
  it('picks 2 distinct candidates, the same ones for the same address within a 24 h period', () => {
    const t0 = 1_700_000_000_000;
    const a = relayTargets(key, '1.2.3.4:7000', t0, peers);
    expect(a).toHaveLength(2);
    expect(new Set(a).size).toBe(2);
    for (const p of a) expect(peers).toContain(p);
    expect(relayTargets(key, '1.2.3.4:7000', t0 + 1000, [...peers].reverse())).toEqual(a);
  });

  it('rotates across periods, differs between addresses, and depends on the secret key', () => {
    const t0 = 1_700_000_000_000;
    const periods = new Set<string>();
    for (let d = 0; d < 10; d++) periods.add(relayTargets(key, '1.2.3.4:7000', t0 + d * RELAY_ROTATE_MS, peers).join());
    expect(periods.size).toBeGreaterThan(5);
    const addresses = new Set<string>();
    for (let i = 0; i < 10; i++) addresses.add(relayTargets(key, `1.2.3.${i}:7000`, t0, peers).join());
    expect(addresses.size).toBeGreaterThan(5);
    expect(relayTargets(new Uint8Array(32).fill(4), '1.2.3.4:7000', t0, peers)).not.toEqual(relayTargets(key, '1.2.3.4:7000', t0, peers));
  });

  it('returns every candidate when there are at most 2', () => {
    expect(relayTargets(key, 'x', 0, ['a'])).toEqual(['a']);
    expect(relayTargets(key, 'x', 0, [])).toEqual([]);
  });

  it('spreads addresses over all candidates (no peer is never chosen)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (now) => {
        const hits = new Map<string, number>();
        for (let i = 0; i < 400; i++) for (const p of relayTargets(key, `9.9.${i >> 8}.${i & 255}:7000`, now, peers)) hits.set(p, (hits.get(p) ?? 0) + 1);
        return hits.size === peers.length;
      }),
      { numRuns: 5 },
    );
  });
});
