import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseLogTime } from '../../src/observer/timestamp.js';

describe('parseLogTime', () => {
  it('reads 0 to 9 fractional digits, keeping milliseconds', () => {
    const base = Date.UTC(2025, 8, 24, 13, 4, 5);
    expect(parseLogTime('2025-09-24T13:04:05Z')).toBe(base);
    expect(parseLogTime('2025-09-24T13:04:05.5Z')).toBe(base + 500);
    expect(parseLogTime('2025-09-24T13:04:05.55Z')).toBe(base + 550);
    expect(parseLogTime('2025-09-24T13:04:05.509Z')).toBe(base + 509);
    expect(parseLogTime('2025-09-24T13:04:05.96223Z')).toBe(base + 962);
    expect(parseLogTime('2025-09-24T13:04:05.509293074Z')).toBe(base + 509);
  });

  it('applies offsets and accepts a space separator', () => {
    const base = Date.UTC(2025, 0, 1, 12, 0, 0);
    expect(parseLogTime('2025-01-01T14:00:00+02:00')).toBe(base);
    expect(parseLogTime('2025-01-01T10:30:00-0130')).toBe(base);
    expect(parseLogTime('2025-01-01 12:00:00.000Z')).toBe(base);
  });

  it('refuses what is not a timestamp', () => {
    for (const bad of ['', 'yesterday', '2025-13-01T00:00:00Z', '2025-01-01T24:00:00Z', '2025-01-01T00:00:00.1234567890Z', '2025-01-01', '1700000000']) {
      expect(parseLogTime(bad), bad).toBeUndefined();
    }
  });

  it('agrees with Date for every millisecond-precision instant, whatever digits follow', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4102444800000 }), fc.integer({ min: 0, max: 6 }), (ms, extra) => {
        const iso = new Date(ms).toISOString(); // …sss Z
        const withMore = iso.replace('Z', '7'.repeat(extra) + 'Z');
        expect(parseLogTime(withMore)).toBe(ms);
      }),
    );
  });
});
