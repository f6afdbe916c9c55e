import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ADDR_BURST,
  ADDR_INITIAL_TOKENS,
  ADDR_RATE_PER_SECOND,
  GETADDR_CREDIT,
  KeyedTokenBuckets,
  TokenBucket,
  TokenBucketError,
  createAddrRelayBucket,
} from '../../../src/core/ratelimit/index.js';

const T0 = 1_000_000;

describe('TokenBucket', () => {
  it('starts full by default and refills at its rate up to the burst', () => {
    const b = new TokenBucket({ ratePerSecond: 2, burst: 5, now: T0 });
    expect(b.available(T0)).toBe(5);
    expect(b.take(T0, 5)).toBe(true);
    expect(b.take(T0)).toBe(false);
    expect(b.available(T0 + 1000)).toBe(2);
    expect(b.available(T0 + 60_000)).toBe(5);
  });

  it('takes nothing when it cannot grant everything, and takeUpTo grants what it can', () => {
    const b = new TokenBucket({ ratePerSecond: 1, burst: 10, initial: 3, now: T0 });
    expect(b.take(T0, 4)).toBe(false);
    expect(b.available(T0)).toBe(3);
    expect(b.takeUpTo(T0, 7)).toBe(3);
    expect(b.takeUpTo(T0, 7)).toBe(0);
  });

  it('credits beyond the burst and does not refill while above it', () => {
    const b = new TokenBucket({ ratePerSecond: 1, burst: 10, initial: 10, now: T0 });
    b.credit(T0, 100);
    expect(b.available(T0)).toBe(110);
    expect(b.available(T0 + 50_000)).toBe(110);
    expect(b.takeUpTo(T0 + 50_000, 105)).toBe(105);
    // Below the burst again: refill resumes from now, not from the time of the credit.
    expect(b.available(T0 + 51_000)).toBe(6);
  });

  it('ignores a clock that goes backwards', () => {
    const b = new TokenBucket({ ratePerSecond: 1, burst: 10, initial: 0, now: T0 });
    expect(b.available(T0 - 5_000)).toBe(0);
    expect(b.available(T0 + 2_000)).toBe(2);
  });

  it('says how long until tokens are available', () => {
    const b = new TokenBucket({ ratePerSecond: 0.5, burst: 4, initial: 0, now: T0 });
    expect(b.msUntil(T0, 1)).toBe(2000);
    expect(b.msUntil(T0, 5)).toBe(Infinity);
    expect(b.msUntil(T0 + 2000, 1)).toBe(0);
  });

  it('refuses options that cannot describe a bucket', () => {
    expect(() => new TokenBucket({ ratePerSecond: -1, burst: 1, now: T0 })).toThrow(TokenBucketError);
    expect(() => new TokenBucket({ ratePerSecond: 1, burst: Number.NaN, now: T0 })).toThrow(/burst/);
    expect(() => new TokenBucket({ ratePerSecond: 1, burst: 1, initial: -1, now: T0 })).toThrow(/initial/);
  });

  it('never grants more than initial + rate × time + credits, and never goes negative', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 50 }), fc.boolean()), { maxLength: 60 }),
        (ops) => {
          const b = new TokenBucket({ ratePerSecond: 0.7, burst: 30, initial: 5, now: T0 });
          let now = T0;
          let granted = 0;
          let credited = 0;
          for (const [dt, n, credit] of ops) {
            now += dt;
            if (credit) {
              b.credit(now, n);
              credited += n;
            } else granted += b.takeUpTo(now, n);
            expect(b.available(now)).toBeGreaterThanOrEqual(0);
          }
          expect(granted).toBeLessThanOrEqual(5 + ((now - T0) / 1000) * 0.7 + credited + 1e-9);
        },
      ),
    );
  });
});

describe('ADDR relay bucket (DESIGN §4)', () => {
  it('uses 0.1/s, burst 1000, starting at 1, with a 1000 credit after GETADDR', () => {
    expect([ADDR_RATE_PER_SECOND, ADDR_BURST, ADDR_INITIAL_TOKENS, GETADDR_CREDIT]).toEqual([0.1, 1000, 1, 1000]);
    const b = createAddrRelayBucket(T0);
    // A self-announcement passes, a second address right after does not.
    expect(b.take(T0)).toBe(true);
    expect(b.take(T0)).toBe(false);
    // 10 s later one more token.
    expect(b.take(T0 + 10_000)).toBe(true);
    // After we ask with GETADDR, a full ADDR message of 1000 fits.
    b.credit(T0 + 10_000, GETADDR_CREDIT);
    expect(b.takeUpTo(T0 + 10_000, 1000)).toBe(1000);
    expect(b.takeUpTo(T0 + 10_000, 1000)).toBe(0);
  });

  it('lets a flood of 10,000 addresses in an hour through only at the rate', () => {
    const b = createAddrRelayBucket(T0);
    let accepted = 0;
    for (let i = 0; i < 10; i++) accepted += b.takeUpTo(T0 + i * 360_000, 1000);
    // 1 initial + 0.1/s over 3240 s between the first and last message.
    expect(accepted).toBe(1 + 324);
  });
});

describe('KeyedTokenBuckets', () => {
  it('keeps one bucket per key and forgets the least recently used beyond its bound', () => {
    const k = new KeyedTokenBuckets<string>({ ratePerSecond: 0, burst: 1, maxKeys: 2 });
    expect(k.take('a', T0)).toBe(true);
    expect(k.take('a', T0)).toBe(false);
    expect(k.take('b', T0)).toBe(true);
    expect(k.take('a', T0)).toBe(false); // touches a: b is now the oldest
    expect(k.take('c', T0)).toBe(true); // evicts b
    expect(k.size).toBe(2);
    expect(k.take('b', T0)).toBe(true); // b forgotten, so full again
    expect(k.take('a', T0)).toBe(true); // and b's return evicted a
  });
});
