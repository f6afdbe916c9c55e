// The peer ledger: what the node remembers about each node id across runs (seen times, last endpoint, score, counts).

import type { Clock } from '../core/clock.js';
import type { Store, StoredPeer } from '../store/index.js';

/**
 * Stored peers, updated as connections come and go and penalties land, written in one
 * transaction per flush (every second and at stop). The score is read from reputation at flush
 * time, with the time it was read, so a restart resumes its decay where it stopped.
 */
export class PeerLedger {
  #cache = new Map<string, StoredPeer>();
  #dirty = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly scoreOf: (id: string) => number,
  ) {}

  /** The stored record (cached), or undefined for a node id never seen. */
  get(id: string): StoredPeer | undefined {
    let p = this.#cache.get(id);
    if (!p) {
      p = this.store.peer(id);
      if (p) this.#cache.set(id, p);
    }
    return p;
  }

  #touch(id: string): StoredPeer {
    const now = this.clock.now();
    let p = this.get(id);
    if (!p) {
      p = { id, firstSeen: now, lastSeen: now, score: 0, scoreAt: now, counts: {} };
      this.#cache.set(id, p);
    }
    p.lastSeen = now;
    this.#dirty.add(id);
    return p;
  }

  connected(id: string, endpoint: string, direction: 'inbound' | 'outbound'): void {
    const p = this.#touch(id);
    p.lastEndpoint = endpoint;
    p.counts[`connections.${direction}`] = (p.counts[`connections.${direction}`] ?? 0) + 1;
  }

  disconnected(id: string): void {
    this.#touch(id);
  }

  count(id: string, key: string): void {
    const p = this.#touch(id);
    p.counts[key] = (p.counts[key] ?? 0) + 1;
  }

  /** The score changed (a penalty, a pardon): write it at the next flush. */
  scoreChanged(id: string): void {
    if (this.get(id)) this.#dirty.add(id);
    else this.#touch(id);
  }

  flush(): void {
    if (this.#dirty.size === 0) return;
    const now = this.clock.now();
    const batch: StoredPeer[] = [];
    for (const id of this.#dirty) {
      const p = this.#cache.get(id);
      if (!p) continue;
      p.score = this.scoreOf(id);
      p.scoreAt = now;
      batch.push({ ...p, counts: { ...p.counts } });
    }
    this.store.putPeers(batch);
    this.#dirty.clear();
    // Keep the cache small: records are re-read from the store when needed.
    if (this.#cache.size > 10_000) this.#cache.clear();
  }
}
