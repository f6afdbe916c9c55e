// openStore: the database of a data directory, created on first use, and the --reset-address-book way out.

import { closeSync, existsSync, mkdirSync, openSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../platform/index.js';
import { DataDirLock } from './data-dir-lock.js';
import { StoreError } from './errors.js';
import { SCHEMA_VERSION } from './schema.js';
import { inspectDatabase, SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';

/** The database's file name inside the data directory. */
export const DATABASE_FILE = 'peerwarden.db';

export interface ResetReport {
  /** Where the old file was backed up. */
  backup: string;
  /** True when the file was readable, so bans, peers, anchors and events were kept. */
  keptOtherData: boolean;
}

export interface OpenStoreOptions extends SqliteStoreOptions {
  /**
   * Back the database up, then start a fresh address book (--reset-address-book). Bans, peers,
   * anchors and events stay when the file is readable; otherwise the file is moved aside whole.
   */
  resetAddressBook?: boolean;
  /** Told where the backup went when resetAddressBook acted. */
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

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '');
}

function backupName(file: string, clock: Clock): string {
  const base = `${file}.bak-${stamp(clock.now())}`;
  let name = base;
  for (let i = 1; existsSync(name); i++) name = `${base}-${i}`;
  return name;
}

/** Moves the database and its WAL files aside, untouched. */
function moveAside(file: string, backup: string): void {
  renameSync(file, backup);
  for (const suffix of ['-wal', '-shm', '-journal']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, backup + suffix);
  }
}

/**
 * Backs `file` up and empties its address book. A readable database is copied (VACUUM INTO, a
 * consistent snapshot even in WAL mode) and keeps everything but the address book; anything else
 * (unreadable, another application's, a newer schema) is moved aside whole, never modified.
 */
export function resetAddressBook(file: string, clock: Clock = systemClock): ResetReport {
  const backup = backupName(file, clock);
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { timeout: 5000 });
    const version = inspectDatabase(db, file);
    db.prepare('VACUUM INTO ?').run(backup);
    if (version >= 1 && version <= SCHEMA_VERSION) {
      db.transaction(() => {
        db!.exec("DELETE FROM addresses; DELETE FROM collisions; DELETE FROM meta WHERE key LIKE 'addrbook.%';");
      })();
    }
    db.close();
    return { backup, keptOtherData: true };
  } catch (err) {
    if (db?.open) db.close();
    if (err instanceof StoreError && err.reason === 'io') throw err;
    try {
      moveAside(file, backup);
    } catch (moveErr) {
      throw new StoreError(`${file} could not be moved aside to ${backup} (${(moveErr as Error).message}); move it yourself and start again.`, file, 'io', {
        cause: moveErr,
      });
    }
    return { backup, keptOtherData: false };
  }
}
