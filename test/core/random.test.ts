import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRandom } from '../../src/core/random.js';

describe('createRandom', () => {
  it('replays the same stream from the same seed', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    for (let i = 0; i < 1000; i++) expect(a.float()).toBe(b.float());
    expect(createRandom('seed').bytes(33)).toEqual(createRandom('seed').bytes(33));
  });

  it('gives different streams for different seeds', () => {
    expect(createRandom(1).int(2 ** 32)).not.toBe(createRandom(2).int(2 ** 32));
  });

  it('is stable across platforms (known first outputs for seed 1)', () => {
    // Pinned values: a change here breaks reproducibility of every recorded simulation.
    const r = createRandom(1);
    const first = [r.int(1000), r.int(1000), r.int(1000), r.int(1000)];
    expect(first).toEqual(createRandomReference(1));
  });

  it('keeps float in [0, 1) and int in [0, n)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 2 ** 53 }), (seed, n) => {
        const r = createRandom(seed);
        const f = r.float();
        expect(f).toBeGreaterThanOrEqual(0);
        expect(f).toBeLessThan(1);
        const k = r.int(n);
        expect(Number.isInteger(k) && k >= 0 && k < n).toBe(true);
      }),
    );
  });

  it('is roughly uniform', () => {
    const r = createRandom(7);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[r.int(10)]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });

  it('refuses impossible ranges', () => {
    expect(() => createRandom(1).int(0)).toThrow(RangeError);
    expect(() => createRandom(1).int(1.5)).toThrow(RangeError);
  });
});

// An independent transcription of splitmix32-seeded sfc32, to pin the algorithm.
function createRandomReference(seed: number): number[] {
  let s = seed >>> 0;
  const sm = () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = sm(), b = sm(), c = sm(), d = sm();
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next();
  const out: number[] = [];
  const limit = 0x100000000 - (0x100000000 % 1000);
  while (out.length < 4) {
    const x = next();
    if (x < limit) out.push(x % 1000);
  }
  return out;
}
