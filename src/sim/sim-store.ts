// The store a simulated node keeps: MemoryStore without the peer-event log, holding the live address book instead of a copy of its rows.
//
// Each simulated node has its own store, so a node that leaves and comes back (churn, a victim's
// restart) finds its address book, scores, bans and anchors as a real node finds them on disk.
// Two things are cheaper than MemoryStore's:
// - the peer-event history is dropped: the simulator counts what it needs from the node's events
//   directly, and keeping (and JSON-copying) every event of every node would cost more memory and
//   time than the policy being simulated;
// - the address book is not copied row by row at every flush. MemoryStore keeps a second copy of
//   every book as JS objects (hundreds of bytes per address: gigabytes for ten thousand nodes that
//   know thousands of addresses each). This store keeps a reference to the book the node saves, and
//   turns it into rows — through MemoryStore's own conversion — only when the book is loaded again
//   (a node restarting), which is when a real store is read. A book a node saves is never written
//   by anyone else, so what is loaded is exactly what MemoryStore would have returned.

import type { AddressBook, AddressBookSnapshot } from '../core/addrbook/index.js';
import { MemoryStore } from '../store/memory-store.js';
import type { StoredEvent } from '../store/index.js';

export class SimStore extends MemoryStore {
  /** Events appended and dropped (for curiosity and tests). */
  droppedEvents = 0;
  /** The book last saved, not yet written as rows. */
  #book: AddressBook | undefined;

  override appendEvents(events: StoredEvent[]): void {
    this.droppedEvents += events.length;
  }

  override saveAddressBook(book: AddressBook): void {
    this.#book = book;
  }

  override loadAddressBook(): AddressBookSnapshot | undefined {
    const book = this.#book;
    if (book) {
      this.#book = undefined;
      // The rows MemoryStore would hold: all of the book (with no rows stored, the whole book is written).
      super.clearAddressBook();
      super.saveAddressBook(book);
    }
    const snapshot = super.loadAddressBook();
    // The node builds its book from the snapshot and saves that one from now on: drop the rows.
    if (book) super.clearAddressBook();
    return snapshot;
  }

  /** What loadAddressBook would return now, without handing the book over (for tests and inspection). */
  liveBookSnapshot(): AddressBookSnapshot | undefined {
    return this.#book?.snapshot();
  }

  override clearAddressBook(): void {
    this.#book = undefined;
    super.clearAddressBook();
  }
}
