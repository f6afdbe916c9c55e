// The store a simulated node keeps: MemoryStore without the peer-event log, so thousands of nodes stay cheap.
//
// Each simulated node has its own store, so a node that leaves and comes back (churn, a victim's
// restart) finds its address book, scores, bans and anchors as a real node finds them on disk.
// The peer-event history is the one thing dropped: the simulator counts what it needs from the
// node's events directly, and keeping (and JSON-copying) every event of every node would cost more
// memory and time than the policy being simulated.

import { MemoryStore } from '../store/memory-store.js';
import type { StoredEvent } from '../store/index.js';

export class SimStore extends MemoryStore {
  /** Events appended and dropped (for curiosity and tests). */
  droppedEvents = 0;

  override appendEvents(events: StoredEvent[]): void {
    this.droppedEvents += events.length;
  }
}
