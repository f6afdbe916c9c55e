// The real clock, timers and randomness for production; the core receives these as arguments.
import { randomBytes, randomInt } from 'node:crypto';
import type { Clock, Scheduler } from '../core/clock.js';
import { randomFromWords, type Random } from '../core/random.js';

export const systemClock: Clock = { now: () => Date.now() };

/** Real timers. They are unref'd: open sockets and servers, not timers, keep a process alive. */
export const systemScheduler: Scheduler = {
  now: () => Date.now(),
  after(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};

/** Cryptographically strong randomness (node:crypto), for keys, nonces and production use. */
export const cryptoRandom: Random = (() => {
  // Draw words in blocks: one randomBytes call per 1 KiB instead of one per number.
  let pool = new Uint32Array(0);
  let i = 0;
  const base = randomFromWords(() => {
    if (i >= pool.length) {
      const b = randomBytes(1024);
      pool = new Uint32Array(b.buffer, b.byteOffset, 256);
      i = 0;
    }
    return pool[i++]!;
  });
  return {
    float: base.float,
    int: (n: number) => (n <= 2 ** 48 - 1 ? randomInt(n) : base.int(n)),
    bytes: (n: number) => new Uint8Array(randomBytes(n)),
  };
})();
