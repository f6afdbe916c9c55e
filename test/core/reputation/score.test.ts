import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BAN_THRESHOLD,
  DISCONNECT_THRESHOLD,
  NOT_PENALISED,
  OFFENCES,
  PENALTY_POINTS,
  SCORE_HALF_LIFE_MS,
  ScoreBook,
  USEFUL_SCORE_CAP,
  decayedScore,
  isPenalty,
  penaltyFor,
  pointsFor,
} from '../../../src/core/reputation/index.js';

const T0 = 1_700_000_000_000;
const ID = 'a'.repeat(64);

describe('penalty table', () => {
  it('has the four severities with the design points', () => {
    expect(PENALTY_POINTS).toEqual({ fatal: -100, high: -10, mid: -5, low: -1 });
    expect(pointsFor('useful')).toBeGreaterThan(0);
    expect([isPenalty('high'), isPenalty('useful'), isPenalty('severe')]).toEqual([true, false, false]);
  });

  it('gives every offence a severity and a written reason, and keeps free offences out of it', () => {
    for (const [name, rule] of Object.entries(OFFENCES)) {
      expect(isPenalty(rule.penalty), name).toBe(true);
      expect(rule.why.length, name).toBeGreaterThan(20);
    }
    expect(penaltyFor('bad-signature')).toBe('fatal');
    expect(penaltyFor('addr-too-many')).toBe('high');
    expect(penaltyFor('request-timeout')).toBe('low');
    for (const free of NOT_PENALISED) expect(Object.keys(OFFENCES)).not.toContain(free);
  });

  it('bans after one fatal, five high, ten mid or fifty low offences in quick succession', () => {
    for (const [kind, n] of [['fatal', 1], ['high', 5], ['mid', 10], ['low', 50]] as const) {
      const book = new ScoreBook();
      for (let i = 0; i < n - 1; i++) book.add(ID, pointsFor(kind), T0);
      expect(book.get(ID, T0), kind).toBeGreaterThan(BAN_THRESHOLD);
      book.add(ID, pointsFor(kind), T0);
      expect(book.get(ID, T0), kind).toBeLessThanOrEqual(BAN_THRESHOLD);
    }
  });
});

describe('ScoreBook', () => {
  it('decays toward 0 with a 10-minute half-life', () => {
    const book = new ScoreBook();
    book.add(ID, -40, T0);
    expect(book.get(ID, T0 + SCORE_HALF_LIFE_MS)).toBeCloseTo(-20, 9);
    expect(book.get(ID, T0 + 2 * SCORE_HALF_LIFE_MS)).toBeCloseTo(-10, 9);
    expect(book.get('b'.repeat(64), T0)).toBe(0);
  });

  it('stays within [-100, 100]', () => {
    const book = new ScoreBook();
    book.add(ID, -500, T0);
    expect(book.get(ID, T0)).toBe(-100);
    book.set(ID, 1000, T0);
    expect(book.get(ID, T0)).toBe(100);
  });

  it('caps what useful reports can earn', () => {
    const book = new ScoreBook();
    for (let i = 0; i < 100; i++) book.add(ID, pointsFor('useful'), T0, USEFUL_SCORE_CAP);
    expect(book.get(ID, T0)).toBe(USEFUL_SCORE_CAP);
    // A fatal offence from the cap still bans.
    book.add(ID, pointsFor('fatal'), T0);
    expect(book.get(ID, T0)).toBeLessThanOrEqual(BAN_THRESHOLD);
  });

  it('does not decay while frozen, and decays from the end of the freeze', () => {
    const book = new ScoreBook();
    book.add(ID, -60, T0);
    book.freeze(ID, T0 + 3_600_000, T0);
    expect(book.get(ID, T0 + 3_599_999)).toBe(-60);
    expect(book.isFrozen(ID, T0 + 1000)).toBe(true);
    // A further penalty during the freeze keeps it frozen.
    book.add(ID, -10, T0 + 1000);
    expect(book.get(ID, T0 + 3_600_000)).toBe(-70);
    expect(book.get(ID, T0 + 3_600_000 + SCORE_HALF_LIFE_MS)).toBeCloseTo(-35, 9);
    book.unfreeze(ID, T0 + 2000);
    expect(book.get(ID, T0 + 2000 + SCORE_HALF_LIFE_MS)).toBeCloseTo(-35, 9);
  });

  it('round-trips records and prunes scores that decayed to 0', () => {
    const book = new ScoreBook();
    book.add(ID, -7, T0);
    const copy = new ScoreBook();
    copy.restore(ID, book.record(ID)!);
    expect(copy.get(ID, T0 + 1234)).toBe(book.get(ID, T0 + 1234));
    expect(book.prune(T0 + SCORE_HALF_LIFE_MS)).toBe(0);
    expect(book.prune(T0 + 20 * SCORE_HALF_LIFE_MS)).toBe(1);
    expect(book.size).toBe(0);
  });

  it('decay is monotone toward 0 and never crosses it', () => {
    fc.assert(
      fc.property(fc.double({ min: -100, max: 100, noNaN: true }), fc.nat(10_000_000), fc.nat(10_000_000), (v, a, b) => {
        const rec = { value: v, at: T0 };
        const early = decayedScore(rec, T0 + Math.min(a, b));
        const late = decayedScore(rec, T0 + Math.max(a, b));
        expect(Math.abs(late)).toBeLessThanOrEqual(Math.abs(early) + 1e-12);
        expect(Math.sign(late) === Math.sign(v) || late === 0).toBe(true);
      }),
    );
  });

  it('disconnect comes before ban', () => {
    expect(DISCONNECT_THRESHOLD).toBe(-20);
    expect(BAN_THRESHOLD).toBe(-50);
  });
});
