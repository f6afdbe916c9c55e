// Discouragement: an in-memory, bounded set of misbehaving addresses (Bitcoin Core's discourage filter, as a set).
//
// A discouraged address is not banned: it may still connect inbound while slots are free, but it
// is never dialled and it is the first to go when inbound is full. It lives only in memory, so a
// restart forgets it, and it is bounded so an attacker with many addresses cannot grow it without
// limit — Core keeps ~50,000 in a rolling bloom filter; we keep the same number exactly and forget
// the oldest first.

import { normalizeIp } from '../address/index.js';

/** Addresses remembered at most (Core's m_discouraged filter holds 50,000). */
export const DEFAULT_MAX_DISCOURAGED = 50_000;

export class DiscouragementSet {
  private readonly ips = new Map<string, { reason: string; at: number }>();
  readonly maxSize: number;

  constructor(opts: { maxSize?: number } = {}) {
    this.maxSize = opts.maxSize ?? DEFAULT_MAX_DISCOURAGED;
    if (!Number.isInteger(this.maxSize) || this.maxSize < 1) throw new RangeError(`maxSize must be a positive integer, got ${this.maxSize}`);
  }

  /** Marks an address; returns true when it was not discouraged before. */
  add(ip: string, reason: string, now: number): boolean {
    const key = normalizeIp(ip);
    const fresh = !this.ips.has(key);
    this.ips.delete(key);
    if (fresh && this.ips.size >= this.maxSize) {
      const oldest = this.ips.keys().next();
      if (!oldest.done) this.ips.delete(oldest.value);
    }
    this.ips.set(key, { reason, at: now });
    return fresh;
  }

  has(ip: string): boolean {
    if (this.ips.size === 0) return false;
    return this.ips.has(normalizeIp(ip));
  }

  /** Why and when an address was discouraged. */
  get(ip: string): { reason: string; at: number } | undefined {
    const e = this.ips.get(normalizeIp(ip));
    return e ? { ...e } : undefined;
  }

  delete(ip: string): boolean {
    return this.ips.delete(normalizeIp(ip));
  }

  clear(): void {
    this.ips.clear();
  }

  get size(): number {
    return this.ips.size;
  }

  /** Every discouraged address, oldest first. */
  entries(): Array<{ ip: string; reason: string; at: number }> {
    return [...this.ips].map(([ip, e]) => ({ ip, ...e }));
  }
}
