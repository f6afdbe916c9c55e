import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.js';
import { RollingBloom } from '../../src/discovery/rolling-bloom.js';

const key = (r: ReturnType<typeof createRandom>): [number, number] => [r.int(2 ** 32), r.int(2 ** 32)];

describe('RollingBloom', () => {
  it('remembers at least the last `capacity` keys, and forgets old ones eventually', () => {
    const f = new RollingBloom(5000, 0.001);
    const r = createRandom('bloom');
    const keys = Array.from({ length: 20_000 }, () => key(r));
    for (const [hi, lo] of keys) f.add(hi, lo);
    for (const [hi, lo] of keys.slice(-5000)) expect(f.has(hi, lo)).toBe(true);
    const oldest = keys.slice(0, 5000).filter(([hi, lo]) => f.has(hi, lo)).length;
    expect(oldest).toBeLessThan(100);
  });

  it('has a false-positive rate near its target, full or not', () => {
    for (const n of [100, 5000, 50_000]) {
      const f = new RollingBloom(5000, 0.001);
      const r = createRandom(`fp-${n}`);
      for (let i = 0; i < n; i++) f.add(...key(r));
      let fp = 0;
      const probes = 100_000;
      for (let i = 0; i < probes; i++) if (f.has(...key(r))) fp++;
      expect(fp / probes).toBeLessThan(0.002);
    }
  });

  it('takes memory in proportion to what it holds, up to a bound', () => {
    const small = new RollingBloom();
    const r = createRandom('mem');
    for (let i = 0; i < 10; i++) small.add(...key(r));
    expect(small.bytes).toBeLessThan(400);
    const full = new RollingBloom();
    for (let i = 0; i < 100_000; i++) full.add(...key(r));
    expect(full.bytes).toBeLessThan(16_000);
    expect(full.size).toBeGreaterThanOrEqual(5000);
    expect(full.size).toBeLessThanOrEqual(5500);
  });
});
