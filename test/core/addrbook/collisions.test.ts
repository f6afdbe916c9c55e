import { describe, expect, it } from 'vitest';
import { addr, ep, HOUR, makeBook, MINUTE } from './helpers.js';

const source = '252.2.2.2';
const at = (i: number) => `250.1.1.${i}:0`;

function fillTried(upTo: number) {
  const made = makeBook();
  for (let i = 1; i <= upTo; i++) {
    expect(made.book.add([addr(at(i))], source)).toBe(true);
    expect(made.book.good(at(i))).toBe(true);
  }
  return made;
}

describe('tried collisions and test-before-evict (Core: addrman_tried_collisions, addrman_noevict, addrman_evictionworks)', () => {
  it('promotes 1..35 without collision; 36 collides with 19; 37 is promoted', () => {
    const { book } = fillTried(35);
    expect(book.add([addr(at(36))], source)).toBe(true);
    expect(book.good(at(36))).toBe(false);
    expect(ep(book.selectTriedCollision())).toBe('250.1.1.19:0');
    expect(book.get(at(36))!.inTried).toBe(false);
    expect(book.add([addr(at(37))], source)).toBe(true);
    expect(book.good(at(37))).toBe(true);
    expect(book.stats().collisions).toBe(1);
    expect(book.checkConsistency()).toBe(0);
  });

  it('has no collision when empty, and good() of an entry already in tried records none', () => {
    const { book } = makeBook();
    expect(book.selectTriedCollision()).toBeUndefined();
    for (let i = 1; i < 23; i++) {
      book.add([addr(at(i))], source);
      expect(book.good(at(i))).toBe(true);
      expect(book.selectTriedCollision()).toBeUndefined();
    }
    for (let i = 1; i < 23; i++) {
      expect(book.good(at(i))).toBe(false);
      expect(book.selectTriedCollision()).toBeUndefined();
    }
  });

  it('keeps an occupant that succeeded in the last 4 hours', () => {
    const { book } = fillTried(35);
    book.add([addr(at(36))], source);
    expect(book.good(at(36))).toBe(false);
    expect(ep(book.selectTriedCollision())).toBe('250.1.1.19:0');
    book.resolveCollisions();
    expect(book.selectTriedCollision()).toBeUndefined();
    expect(book.get(at(19))!.inTried).toBe(true);
    expect(book.get(at(36))!.inTried).toBe(false);

    for (let i = 37; i < 59; i++) {
      expect(book.add([addr(at(i))], source)).toBe(true);
      expect(book.good(at(i))).toBe(true);
    }
    expect(book.add([addr(at(59))], source)).toBe(true);
    expect(book.good(at(59))).toBe(false);
    expect(ep(book.selectTriedCollision())).toBe('250.1.1.10:0');
    expect(book.add([addr(at(36))], source)).toBe(false);
    expect(book.good(at(36))).toBe(false);
    expect(book.selectTriedCollision()).toBeDefined();
    book.resolveCollisions();
    expect(book.selectTriedCollision()).toBeUndefined();
    expect(book.checkConsistency()).toBe(0);
  });

  it('evicts an occupant tried over a minute ago without success, and swaps back after 4 hours untested', () => {
    const { book, clock } = fillTried(35);
    book.add([addr(at(36))], source);
    expect(book.good(at(36))).toBe(false);
    const occupant = book.selectTriedCollision()!;
    expect(ep(occupant)).toBe('250.1.1.19:0');

    // Make the occupant's last success ancient and its last attempt 61 s old.
    const now = clock.t;
    clock.t = 1000;
    expect(book.good(occupant.endpoint)).toBe(false);
    clock.t = now - 61_000;
    book.attempt(occupant.endpoint, false);
    clock.t = now;

    book.resolveCollisions();
    expect(book.selectTriedCollision()).toBeUndefined();
    expect(book.get(at(36))!.inTried).toBe(true);
    expect(book.get(at(19))!.inTried).toBe(false);

    expect(book.good(at(36))).toBe(false);
    expect(book.selectTriedCollision()).toBeUndefined();
    expect(book.good(at(19))).toBe(false);
    expect(ep(book.selectTriedCollision())).toBe('250.1.1.36:0');

    clock.t += 4 * HOUR;
    book.resolveCollisions();
    expect(book.selectTriedCollision()).toBeUndefined();
    expect(book.get(at(19))!.inTried).toBe(true);
    expect(book.get(at(36))!.inTried).toBe(false);
    expect(book.checkConsistency()).toBe(0);
  });

  it('gives the occupant 60 s after a try before replacing it', () => {
    const { book, clock } = fillTried(35);
    book.add([addr(at(36))], source);
    book.good(at(36));
    clock.t += 5 * HOUR; // 19's success is now old
    book.attempt(at(19), true);
    book.resolveCollisions();
    expect(book.get(at(19))!.inTried).toBe(true); // tried just now: wait
    clock.t += 61_000;
    book.resolveCollisions();
    expect(book.get(at(36))!.inTried).toBe(true);
    expect(book.get(at(19))!.inTried).toBe(false);
  });

  it('resolves an untested collision after 40 minutes', () => {
    const { book, clock } = fillTried(35);
    book.add([addr(at(36))], source);
    clock.t += 5 * HOUR; // 19's success and try are old
    book.good(at(36));
    clock.t += 39 * MINUTE;
    book.resolveCollisions();
    expect(book.get(at(36))!.inTried).toBe(false);
    clock.t += 2 * MINUTE;
    book.resolveCollisions();
    expect(book.get(at(36))!.inTried).toBe(true);
    expect(book.selectTriedCollision()).toBeUndefined();
  });

  it('keeps at most 10 pending collisions', () => {
    const { book } = makeBook({ triedBucketCount: 1 });
    // With one tried bucket of 64 slots, collisions come quickly.
    let collided = 0;
    for (let i = 1; i < 250 && collided < 30; i++) {
      const a = `250.${i}.1.1:1`;
      book.add([addr(a)], a.split(':')[0]!);
      if (!book.good(a) && !book.get(a)!.inTried) collided++;
    }
    expect(collided).toBeGreaterThan(10);
    expect(book.stats().collisions).toBe(10);
    expect(book.checkConsistency()).toBe(0);
  });
});
