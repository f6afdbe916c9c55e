// Peer scores per node id: bounded to [-100, 100], decaying exponentially toward 0, frozen while banned.
//
// A score is stored as (value, time it was last written); reading it applies the decay since then,
// so nothing has to run on a timer. Decay toward 0 means bad behaviour is forgiven over time (and
// good behaviour forgotten): a 10-minute half-life, as Lighthouse uses, lets a peer that had a bad
// minute recover within the hour while a peer that keeps misbehaving stays down. While a
// score-based ban lasts the score does not decay (`frozenUntil`), so the peer comes back from its
// ban near the ban threshold and a single further offence bans it again.

/** Lowest and highest score. */
export const SCORE_MIN = -100;
export const SCORE_MAX = 100;

/** Half-life of the decay toward 0: 10 minutes (Lighthouse's SCORE_HALFLIFE). */
export const SCORE_HALF_LIFE_MS = 10 * 60_000;

/** At or below this score the peer is disconnected (Lighthouse's MIN_SCORE_BEFORE_DISCONNECT). */
export const DISCONNECT_THRESHOLD = -20;

/** At or below this score the peer's node id is banned (Lighthouse's MIN_SCORE_BEFORE_BAN). */
export const BAN_THRESHOLD = -50;

/** Length of a score-based ban: 1 hour, long enough to stop a loop of reconnect-and-misbehave. */
export const DEFAULT_BAN_DURATION_MS = 60 * 60_000;

/** Scores closer to 0 than this are dropped by `prune`: they read as 0 anyway. */
export const SCORE_EPSILON = 0.01;

/** The stored form of one score, as the store persists it. */
export interface ScoreRecord {
  /** The score when written. */
  value: number;
  /** When it was written (ms). */
  at: number;
  /** While now < frozenUntil the score does not decay; decay resumes from frozenUntil. */
  frozenUntil?: number;
}

export interface ScoreBookOptions {
  halfLifeMs?: number;
}

function clamp(v: number): number {
  return Math.min(SCORE_MAX, Math.max(SCORE_MIN, v));
}

/** The value of a stored score at `now`. */
export function decayedScore(rec: ScoreRecord, now: number, halfLifeMs = SCORE_HALF_LIFE_MS): number {
  const frozen = rec.frozenUntil;
  if (frozen !== undefined && now < frozen) return rec.value;
  const from = frozen !== undefined && frozen > rec.at ? frozen : rec.at;
  const elapsed = now - from;
  if (elapsed <= 0) return rec.value;
  return rec.value * Math.pow(2, -elapsed / halfLifeMs);
}

export class ScoreBook {
  private readonly records = new Map<string, ScoreRecord>();
  readonly halfLifeMs: number;

  constructor(opts: ScoreBookOptions = {}) {
    this.halfLifeMs = opts.halfLifeMs ?? SCORE_HALF_LIFE_MS;
    if (!(this.halfLifeMs > 0)) throw new RangeError(`halfLifeMs must be positive, got ${this.halfLifeMs}`);
  }

  /** The score of `id` at `now` (0 when unknown). */
  get(id: string, now: number): number {
    const rec = this.records.get(id);
    return rec ? decayedScore(rec, now, this.halfLifeMs) : 0;
  }

  /** The stored record (for persistence), or undefined. */
  record(id: string): ScoreRecord | undefined {
    const rec = this.records.get(id);
    return rec ? { ...rec } : undefined;
  }

  /** Restores a persisted record as is. */
  restore(id: string, rec: ScoreRecord): void {
    if (!Number.isFinite(rec.value) || !Number.isFinite(rec.at)) throw new RangeError(`score record for ${id} is not finite`);
    this.records.set(id, { value: clamp(rec.value), at: rec.at, ...(rec.frozenUntil !== undefined ? { frozenUntil: rec.frozenUntil } : {}) });
  }

  /**
   * Adds `points` (negative for penalties). Positive points never lift the score above `positiveCap`
   * (a score already above it stays where it is). Returns the score before and after.
   */
  add(id: string, points: number, now: number, positiveCap = SCORE_MAX): { before: number; after: number } {
    const before = this.get(id, now);
    let after: number;
    if (points > 0) after = before >= positiveCap ? before : Math.min(positiveCap, before + points);
    else after = before + points;
    after = clamp(after);
    this.write(id, after, now);
    return { before, after };
  }

  /** Sets the score outright (e.g. an operator's pardon). */
  set(id: string, value: number, now: number): void {
    this.write(id, clamp(value), now);
  }

  /** Stops decay until `until` (a score-based ban). Extends, never shortens, an existing freeze. */
  freeze(id: string, until: number, now: number): void {
    const value = this.get(id, now);
    const prev = this.records.get(id)?.frozenUntil;
    const frozenUntil = prev !== undefined && prev > until ? prev : until;
    this.records.set(id, { value, at: now, frozenUntil });
  }

  /** Lets the score decay again from `now`. */
  unfreeze(id: string, now: number): void {
    const rec = this.records.get(id);
    if (!rec || rec.frozenUntil === undefined) return;
    this.records.set(id, { value: decayedScore(rec, now, this.halfLifeMs), at: now });
  }

  isFrozen(id: string, now: number): boolean {
    const f = this.records.get(id)?.frozenUntil;
    return f !== undefined && now < f;
  }

  delete(id: string): boolean {
    return this.records.delete(id);
  }

  /** Forgets scores that have decayed to about 0 and are not frozen; returns how many were dropped. */
  prune(now: number): number {
    let dropped = 0;
    for (const [id, rec] of this.records) {
      if (rec.frozenUntil !== undefined && now < rec.frozenUntil) continue;
      if (Math.abs(decayedScore(rec, now, this.halfLifeMs)) < SCORE_EPSILON) {
        this.records.delete(id);
        dropped++;
      }
    }
    return dropped;
  }

  /** Every known id with its current score. */
  entries(now: number): Array<{ id: string; score: number }> {
    const out: Array<{ id: string; score: number }> = [];
    for (const [id, rec] of this.records) out.push({ id, score: decayedScore(rec, now, this.halfLifeMs) });
    return out;
  }

  get size(): number {
    return this.records.size;
  }

  private write(id: string, value: number, now: number): void {
    const prev = this.records.get(id);
    // Keep a freeze that is still running: writing during a ban must not restart decay early.
    if (prev?.frozenUntil !== undefined && now < prev.frozenUntil) this.records.set(id, { value, at: now, frozenUntil: prev.frozenUntil });
    else this.records.set(id, { value, at: now });
  }
}
