// The stream of peer events the API serves: numbered, kept in a ring for late joiners and reconnects.

import type { EventJson } from './dto.js';

type Subscriber = (e: EventJson) => void;

export class EventFeed {
  readonly #ring: EventJson[] = [];
  readonly #capacity: number;
  readonly #subscribers = new Set<Subscriber>();
  #seq = 0;

  /** `capacity`: events kept for GET /api/v1/history and for SSE clients resuming with Last-Event-ID. */
  constructor(capacity = 2000) {
    this.#capacity = capacity;
  }

  push(e: Omit<EventJson, 'seq'>): EventJson {
    const event = { seq: ++this.#seq, ...e };
    this.#ring.push(event);
    if (this.#ring.length > this.#capacity) this.#ring.shift();
    for (const s of [...this.#subscribers]) s(event);
    return event;
  }

  subscribe(fn: Subscriber): () => void {
    this.#subscribers.add(fn);
    return () => this.#subscribers.delete(fn);
  }

  /** Events after `seq` still in the ring (oldest first). */
  since(seq: number): EventJson[] {
    return this.#ring.filter((e) => e.seq > seq);
  }

  /** The newest `limit` events matching the filter, oldest first. */
  recent(limit: number, filter: { kind?: string; peer?: string } = {}): EventJson[] {
    const out: EventJson[] = [];
    for (let i = this.#ring.length - 1; i >= 0 && out.length < limit; i--) {
      const e = this.#ring[i]!;
      if (filter.kind && !e.kind.startsWith(filter.kind)) continue;
      if (filter.peer && e.peer !== filter.peer && e.endpoint !== filter.peer) continue;
      out.push(e);
    }
    return out.reverse();
  }

  get lastSeq(): number {
    return this.#seq;
  }
}
