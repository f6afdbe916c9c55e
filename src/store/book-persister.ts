// BookPersister: writes the address book's changes to the store at least every second, and on close.
//
// The book changes on every gossip message; writing each change would cost a transaction apiece.
// The persister batches them: one transaction per interval with whatever changed, so a crash loses
// at most the last interval of address changes (bans and manual changes are written directly).

import type { AddressBook } from '../core/addrbook/index.js';
import type { Scheduler, Timer } from '../core/clock.js';
import type { Store } from './types.js';

/** Commit interval: a crash may lose at most the last second of address changes. */
export const DEFAULT_PERSIST_INTERVAL_MS = 1000;

export interface CommitInfo {
  /** When the commit finished (scheduler time). */
  at: number;
  /** How many commits this persister made so far, this one included. */
  commits: number;
}

export interface BookPersisterOptions {
  intervalMs?: number;
  /** Called after every commit that wrote something. */
  onCommit?: (info: CommitInfo) => void;
  /** Called when a timed commit fails; the changes are kept and retried at the next tick. */
  onError?: (err: unknown) => void;
}

export class BookPersister {
  readonly #book: AddressBook;
  readonly #store: Store;
  readonly #scheduler: Scheduler;
  readonly #intervalMs: number;
  readonly #onCommit: ((info: CommitInfo) => void) | undefined;
  readonly #onError: ((err: unknown) => void) | undefined;
  #timer: Timer | undefined;
  #closed = false;
  #commits = 0;
  /** The last failure of a timed commit, if any (cleared by a successful one). */
  lastError: unknown;

  constructor(book: AddressBook, store: Store, scheduler: Scheduler, options: BookPersisterOptions = {}) {
    this.#book = book;
    this.#store = store;
    this.#scheduler = scheduler;
    this.#intervalMs = Math.max(1, options.intervalMs ?? DEFAULT_PERSIST_INTERVAL_MS);
    this.#onCommit = options.onCommit;
    this.#onError = options.onError;
  }

  /** Starts committing every interval. */
  start(): this {
    if (!this.#closed && !this.#timer) this.#timer = this.#scheduler.after(this.#intervalMs, this.#tick);
    return this;
  }

  /** Commits pending changes now; false when there were none. Errors propagate (the changes are kept). */
  flush(): boolean {
    if (!this.#book.hasChanges()) return false;
    this.#store.saveAddressBook(this.#book);
    this.#commits++;
    this.#onCommit?.({ at: this.#scheduler.now(), commits: this.#commits });
    return true;
  }

  /** Stops the timer and commits what is pending. */
  close(): void {
    this.#closed = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.flush();
  }

  readonly #tick = (): void => {
    this.#timer = undefined;
    if (this.#closed) return;
    try {
      this.flush();
      this.lastError = undefined;
    } catch (err) {
      this.lastError = err;
      this.#onError?.(err);
    }
    if (!this.#closed) this.#timer = this.#scheduler.after(this.#intervalMs, this.#tick);
  };
}
