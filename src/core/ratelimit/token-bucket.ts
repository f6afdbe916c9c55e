// A token bucket driven by an explicit `now`: refills at a steady rate up to a burst, and can be credited past it.
//
// The bucket never reads a clock: every call that depends on time takes `now` (milliseconds), so
// the same code runs under the system clock, a virtual clock in tests and the simulator. Refill
// follows Bitcoin Core's addr token bucket: tokens accrue only while the bucket is below its burst
// (so a credit that pushed it above the burst is not topped up further), and a credit may exceed
// the burst on purpose (after we ask a peer for addresses we expect up to 1000 of them at once).

import { PeerwardenError } from '../errors.js';
/** Thrown for options that cannot describe a bucket; the message says which value to fix. */
export class TokenBucketError extends PeerwardenError {
  readonly code = 'token-bucket-invalid';
  override readonly name = 'TokenBucketError';
}

export interface TokenBucketOptions {
  /** Tokens added per second while below the burst (may be fractional, e.g. 0.1). */
  ratePerSecond: number;
  /** The most tokens steady refill reaches; credits may go beyond it. */
  burst: number;
  /** Tokens at creation; defaults to `burst`. */
  initial?: number;
  /** The time of creation in ms (refill is counted from here). */
  now: number;
}

/** A plain snapshot of a bucket, for inspection or persistence. */
export interface TokenBucketState {
  tokens: number;
  updatedAt: number;
}

function checkFinite(name: string, v: number, min: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
    throw new TokenBucketError(`token bucket: ${name} must be a finite number >= ${min}, got ${String(v)}`);
  }
}

export class TokenBucket {
  readonly ratePerSecond: number;
  readonly burst: number;
  private tokens: number;
  private updatedAt: number;

  constructor(opts: TokenBucketOptions) {
    checkFinite('ratePerSecond', opts.ratePerSecond, 0);
    checkFinite('burst', opts.burst, 0);
    checkFinite('now', opts.now, -Infinity);
    const initial = opts.initial ?? opts.burst;
    checkFinite('initial', initial, 0);
    this.ratePerSecond = opts.ratePerSecond;
    this.burst = opts.burst;
    this.tokens = initial;
    this.updatedAt = opts.now;
  }

  /** Brings the bucket up to `now`. A clock that went backwards adds nothing (and is not an error). */
  private refill(now: number): void {
    const elapsedMs = now - this.updatedAt;
    if (elapsedMs > 0 && this.tokens < this.burst) {
      this.tokens = Math.min(this.burst, this.tokens + (elapsedMs / 1000) * this.ratePerSecond);
    }
    if (now > this.updatedAt) this.updatedAt = now;
  }

  /** Tokens available at `now` (fractional). */
  available(now: number): number {
    this.refill(now);
    return this.tokens;
  }

  /** Takes `n` whole tokens if all are available; false (and takes nothing) otherwise. */
  take(now: number, n = 1): boolean {
    checkFinite('n', n, 0);
    this.refill(now);
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }

  /** Takes as many whole tokens as available, up to `n`; returns how many were granted. */
  takeUpTo(now: number, n: number): number {
    checkFinite('n', n, 0);
    this.refill(now);
    const granted = Math.min(Math.floor(n), Math.floor(this.tokens));
    if (granted > 0) this.tokens -= granted;
    return Math.max(0, granted);
  }

  /** Adds `n` tokens at once, possibly beyond the burst (e.g. after we sent GETADDR). */
  credit(now: number, n: number): void {
    checkFinite('n', n, 0);
    this.refill(now);
    this.tokens += n;
  }

  /** Milliseconds from `now` until `n` tokens are available, or Infinity when refill cannot reach it. */
  msUntil(now: number, n = 1): number {
    this.refill(now);
    if (this.tokens >= n) return 0;
    if (n > this.burst || this.ratePerSecond === 0) return Infinity;
    return Math.ceil(((n - this.tokens) / this.ratePerSecond) * 1000);
  }

  snapshot(): TokenBucketState {
    return { tokens: this.tokens, updatedAt: this.updatedAt };
  }
}
