// Per-endpoint retry backoff: 5 s · 2^min(failures-1, 5) with ±20 % jitter (Cardano's cold→warm retry schedule).
//
// The delay doubles with each failure in a row and stops growing at the 6th (160 s), so a peer
// that comes back is found again within about three minutes, while a dead one costs one dial per
// ~2.7 minutes. Jitter keeps the many nodes that lost the same peer at once from retrying in step.

import type { Random } from '../random.js';
import { GOVERNOR_DEFAULTS } from './config.js';

export interface BackoffPolicy {
  baseMs: number;
  maxExponent: number;
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({
  baseMs: GOVERNOR_DEFAULTS.backoffBaseMs,
  maxExponent: GOVERNOR_DEFAULTS.backoffMaxExponent,
  jitter: GOVERNOR_DEFAULTS.backoffJitter,
});

/** The delay before jitter after `failures` failures in a row (0 for none). Monotone, capped at base · 2^maxExponent. */
export function backoffBaseMs(failures: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  if (!(failures >= 1)) return 0;
  return policy.baseMs * 2 ** Math.min(Math.floor(failures) - 1, policy.maxExponent);
}

/** The delay with jitter: uniform in base · [1 - jitter, 1 + jitter). */
export function backoffDelayMs(failures: number, random: Random, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const base = backoffBaseMs(failures, policy);
  if (base === 0) return 0;
  return Math.round(base * (1 + policy.jitter * (2 * random.float() - 1)));
}
