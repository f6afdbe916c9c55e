import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { World } from './world.js';
import { GOVERNOR_DEFAULTS } from '../../../src/core/governor/index.js';

const HOUR = 60 * 60_000;

/** The longest a static peer may stay down: the backoff cap with jitter, plus a tick. */
const STATIC_BOUND_MS = GOVERNOR_DEFAULTS.backoffBaseMs * 2 ** GOVERNOR_DEFAULTS.backoffMaxExponent * (1 + GOVERNOR_DEFAULTS.backoffJitter) + GOVERNOR_DEFAULTS.tickIntervalMs + 10;

describe('governor under long random input sequences (virtual clock)', () => {
  it('keeps every invariant: limits, one outbound per net group, hot ≤ target, busy untouched, no banned dial, statics redialled', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 0, max: 3 }), (seed, statics) => {
        const w = new World({
          seed,
          statics,
          // Small inbound limits so eviction, the per-IP limit and discouragement are exercised.
          config: { targets: { hot: 4, outbound: 6, maxInbound: 24, maxTotal: 34 } },
        });
        w.simulate(2 * HOUR, 1_500);
        expect(w.violations).toEqual([]);
        expect(w.maxStaticDownMs).toBeLessThanOrEqual(STATIC_BOUND_MS);
      }),
      { numRuns: 8 },
    );
  });

  it('reaches its targets when enough live addresses exist in enough net groups', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), (seed) => {
        const w = new World({ seed, remotes: 80, groups: 40, alive: 0.8, dead: 0.2 });
        w.runUntil(w.now + 5 * 60_000);
        const s = w.state;
        let hot = 0;
        let out = 0;
        for (const p of s.peers.values()) {
          if (p.direction !== 'outbound' || p.closing !== undefined || p.purpose === 'feeler') continue;
          out++;
          if (p.temperature === 'hot') hot++;
        }
        expect(w.violations).toEqual([]);
        expect(out).toBe(12);
        expect(hot).toBe(8);
      }),
      { numRuns: 8 },
    );
  });

  it('is deterministic: the same seed gives the same effects', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), (seed) => {
        const run = () => {
          const w = new World({ seed, statics: 1, check: false, config: { targets: { hot: 3, outbound: 5, maxInbound: 22, maxTotal: 30 } } });
          w.simulate(HOUR, 2_000);
          return JSON.stringify(w.log);
        };
        expect(run()).toBe(run());
      }),
      { numRuns: 4 },
    );
  });
});
