// The pool of inbound connections still handshaking: small, capped per IP, and evictable so squatters cannot lock peers out.

/**
 * Default size of the pool. Big enough for honest bursts — a seed sees every new node at once
 * when a network starts, and 64 handshakes of ~200 ms each is 300 arrivals a second — and small
 * enough that what it holds (a socket and TLS state each, ~100 KB at most) stays a few MB.
 */
export const DEFAULT_MAX_PENDING_HANDSHAKES = 64;
/**
 * Default per-IP cap, as many as the per-IP inbound limit: several nodes behind one address (a NAT,
 * or a devnet of nodes on one host probing each other) may all be handshaking at once. One address
 * cannot take the pool from others anyway: when it is full, eviction starts with the biggest group.
 */
export const DEFAULT_MAX_PENDING_PER_IP = 4;

export interface PendingLimits {
  /** Unauthenticated inbound connections at once (transport and HELLO/AUTH handshakes). */
  maxPending: number;
  /** Of those, from one IP address. */
  maxPendingPerIp: number;
}

interface Entry {
  ip: string;
  group: string;
  /** Arrival order: smaller is older (a counter, not a clock, so ties cannot happen). */
  seq: number;
}

export type PendingAdmission<T> =
  | { admitted: true; evicted?: T }
  | { admitted: false; reason: 'too-many-from-ip' };

/**
 * Inbound connections wait here from accept() until they authenticate; only then do they take an
 * inbound slot. A silent socket therefore never holds a slot an honest peer needs, and when the
 * pool is full the next arrival evicts someone: the oldest entry of the net group holding the most
 * entries (a flood from one network evicts itself first; among equals, the one that has waited
 * longest goes, since an honest handshake takes milliseconds and a squatter waits out the timeout).
 * The newcomer itself is never the one evicted: a squatter cannot stop the next arrival.
 */
export class PendingPool<T> {
  readonly limits: PendingLimits;
  #groupOf: (ip: string) => string;
  #entries = new Map<T, Entry>();
  #perIp = new Map<string, number>();
  #seq = 0;

  constructor(limits: PendingLimits, groupOf: (ip: string) => string) {
    this.limits = limits;
    this.#groupOf = groupOf;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Handshakes pending from `ip`. */
  fromIp(ip: string): number {
    return this.#perIp.get(ip) ?? 0;
  }

  has(item: T): boolean {
    return this.#entries.has(item);
  }

  /**
   * Admits `item` from `ip`, naming the entry it evicted to make room (the caller closes it), or
   * refuses it when its IP already has the most pending handshakes allowed.
   */
  admit(item: T, ip: string): PendingAdmission<T> {
    if (this.fromIp(ip) >= this.limits.maxPendingPerIp) return { admitted: false, reason: 'too-many-from-ip' };
    const group = this.#groupOf(ip);
    let evicted: T | undefined;
    if (this.#entries.size >= this.limits.maxPending) {
      evicted = this.#victim(group);
      if (evicted !== undefined) this.remove(evicted);
    }
    this.#entries.set(item, { ip, group, seq: this.#seq++ });
    this.#perIp.set(ip, this.fromIp(ip) + 1);
    return evicted === undefined ? { admitted: true } : { admitted: true, evicted };
  }

  /** Forgets `item` (it authenticated, failed, timed out or was evicted); false when it was not here. */
  remove(item: T): boolean {
    const e = this.#entries.get(item);
    if (!e) return false;
    this.#entries.delete(item);
    const n = this.fromIp(e.ip) - 1;
    if (n <= 0) this.#perIp.delete(e.ip);
    else this.#perIp.set(e.ip, n);
    return true;
  }

  /** Every pending item, oldest first. */
  items(): T[] {
    return [...this.#entries.keys()];
  }

  /**
   * The entry to evict for a newcomer of `newcomerGroup`: the oldest of the group with the most
   * entries, counting the newcomer in its own group; ties go to the group whose oldest entry is
   * older. Linear in the pool's size, which is small by design.
   */
  #victim(newcomerGroup: string): T | undefined {
    const groups = new Map<string, { count: number; oldest: T; oldestSeq: number }>();
    for (const [item, e] of this.#entries) {
      const g = groups.get(e.group);
      if (!g) groups.set(e.group, { count: 1, oldest: item, oldestSeq: e.seq });
      else g.count++; // entries iterate oldest first: the first seen stays the oldest
    }
    let best: { count: number; oldest: T; oldestSeq: number } | undefined;
    for (const [name, g] of groups) {
      const count = g.count + (name === newcomerGroup ? 1 : 0);
      if (!best || count > best.count || (count === best.count && g.oldestSeq < best.oldestSeq)) best = { ...g, count };
    }
    return best?.oldest;
  }
}
