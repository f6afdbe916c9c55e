// The ADDR relay rate limit (Bitcoin Core's addr token bucket) as named constants and a factory.

import { TokenBucket } from './token-bucket.js';

/**
 * Addresses a peer may send us per second on average (Core's MAX_ADDR_RATE_PER_SECOND). An honest
 * node announces itself about once a day and relays what it hears at a similar trickle; 0.1/s is
 * far above that and far below what it takes to flood a book.
 */
export const ADDR_RATE_PER_SECOND = 0.1;

/** The most addresses steady refill lets a peer bank (Core's MAX_ADDR_PROCESSING_TOKEN_BUCKET = one full ADDR message). */
export const ADDR_BURST = 1000;

/** Tokens a new connection starts with: 1, so the peer's self-announcement passes at once. */
export const ADDR_INITIAL_TOKENS = 1;

/** Credit after we send GETADDR: the reply we asked for (up to 1000 entries) must not be dropped. */
export const GETADDR_CREDIT = 1000;

/** A fresh per-connection ADDR bucket. Call `credit(now, GETADDR_CREDIT)` when sending GETADDR. */
export function createAddrRelayBucket(now: number): TokenBucket {
  return new TokenBucket({ ratePerSecond: ADDR_RATE_PER_SECOND, burst: ADDR_BURST, initial: ADDR_INITIAL_TOKENS, now });
}
