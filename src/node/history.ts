// The peer history: every peer event, batched into the store, and queried by node id or endpoint for `explain`.

import type { Store, StoredEvent } from '../store/index.js';
import type { PeerEvent } from './types.js';

/** Events returned by a history query unless a limit is given. */
export const DEFAULT_HISTORY_LIMIT = 100;

export interface HistoryQuery {
  /** At most this many, the most recent (returned oldest first). */
  limit?: number;
  /** Only events at or after this time (ms). */
  since?: number;
}

/**
 * Buffers peer events and appends them to the store in one transaction per flush (the node
 * flushes every second and at stop). Queries flush first, so they always see every event.
 */
export class EventHistory {
  #pending: StoredEvent[] = [];

  constructor(private readonly store: Store) {}

  record(e: PeerEvent): void {
    const row: StoredEvent = { at: e.at, kind: e.type, reason: e.reason };
    if (e.id !== undefined) row.id = e.id;
    if (e.endpoint !== undefined) row.endpoint = e.endpoint;
    const data: Record<string, unknown> = { ...(e.data ?? {}) };
    if (e.direction !== undefined) data.direction = e.direction;
    if (Object.keys(data).length > 0) row.data = data;
    this.#pending.push(row);
  }

  get pending(): number {
    return this.#pending.length;
  }

  flush(): void {
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    try {
      this.store.appendEvents(batch);
    } catch (err) {
      // Keep them for the next flush; the caller reports the error.
      this.#pending = batch.concat(this.#pending);
      throw err;
    }
  }

  /**
   * The history of a node id — its own events plus those of the endpoints it was seen at (where
   * its address was learned, dials before the handshake) — or of one endpoint. Oldest first.
   */
  query(keys: { id?: string; endpoints?: readonly string[] }, q: HistoryQuery = {}): StoredEvent[] {
    this.flush();
    const limit = Math.max(1, Math.floor(q.limit ?? DEFAULT_HISTORY_LIMIT));
    const since = q.since !== undefined ? { since: q.since } : {};
    const found = new Map<number, StoredEvent>();
    const take = (rows: StoredEvent[]) => {
      for (const r of rows) found.set(r.seq ?? found.size, r);
    };
    if (keys.id !== undefined) take(this.store.events({ id: keys.id, limit, ...since }));
    for (const endpoint of new Set(keys.endpoints ?? [])) take(this.store.events({ endpoint, limit, ...since }));
    return [...found.values()].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0) || a.at - b.at).slice(-limit);
  }
}
