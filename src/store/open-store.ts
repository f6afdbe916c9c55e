// openStore: the database of a data directory, created on first use, and the --reset-address-book way out.

import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../platform/index.js';
import { DataDirLock } from './data-dir-lock.js';
import { StoreError } from './errors.js';
import { resetAddressBook, type ResetReport } from './reset-address-book.js';
import { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';

/** The database's file name inside the data directory. */
export const DATABASE_FILE = 'peerwarden.db';

export interface OpenStoreOptions extends SqliteStoreOptions {
  /**
   * Back the database up, then start a fresh address book (--reset-address-book). Bans, peers,
   * anchors, events and other settings are carried over, from a damaged file as far as they can be
   * read (see resetAddressBook).
   */
  resetAddressBook?: boolean;
  /** Told what resetAddressBook did (describeReset makes it a log line); called before openStore returns. */
  onReset?: (report: ResetReport) => void;
  /** Names the backup file (default: the system clock). */
  clock?: Clock;
}

/**
 * Opens `<dataDir>/peerwarden.db`, creating the directory and the file when needed and applying
 * schema migrations. The data directory is locked (`<dataDir>/peerwarden.lock`) until the store
 * closes: while another process, or another store of this process, holds it, this throws StoreError
 * with reason 'locked', naming the directory and the pid that holds it. Throws StoreError (naming
 * the file and the way out) when the file is corrupt, not peerwarden's, or written by a newer schema.
 */
export function openStore(dataDir: string, options: OpenStoreOptions = {}): SqliteStore {
  try {
    // The directory holds the node's key and the address book's secret bucket key: owner only.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new StoreError(`the data directory ${dataDir} cannot be created (${(err as Error).message}).`, join(dataDir, DATABASE_FILE), 'io', { cause: err });
  }
  const file = join(dataDir, DATABASE_FILE);
  // One process per data directory, before anything is read or reset: a second node would share
  // the node id and the database.
  const lock = DataDirLock.acquire(dataDir);
  try {
    if (options.resetAddressBook && existsSync(file)) {
      const report = resetAddressBook(file, options.clock ?? systemClock);
      options.onReset?.(report);
    }
    // Create the file owner-only before SQLite does (its WAL and shared-memory files copy these
    // permissions): the address book's bucket key must stay secret, or an attacker could aim
    // addresses at chosen buckets.
    if (!existsSync(file)) {
      try {
        closeSync(openSync(file, 'a', 0o600));
      } catch (err) {
        throw new StoreError(`${file} cannot be created (${(err as Error).message}). Check that the data directory is writable.`, file, 'io', { cause: err });
      }
    }
    return new LockedSqliteStore(file, options, lock);
  } catch (err) {
    lock.release();
    throw err;
  }
}

/** The store of a data directory: holds the directory's lock until close(). */
class LockedSqliteStore extends SqliteStore {
  readonly #lock: DataDirLock;

  constructor(file: string, options: SqliteStoreOptions, lock: DataDirLock) {
    super(file, options);
    this.#lock = lock;
  }

  override close(): void {
    try {
      super.close();
    } finally {
      this.#lock.release();
    }
  }
}
