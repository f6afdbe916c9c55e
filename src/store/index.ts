// Persistence: the Store interface, its SQLite and in-memory implementations, opening, loading and batching.
export { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export { MemoryStore, type MemoryStoreOptions } from './memory-store.js';
export { openStore, DATABASE_FILE, type OpenStoreOptions } from './open-store.js';
export { resetAddressBook, describeReset, CARRIED_TABLES, type ResetReport, type CarriedTable } from './reset-address-book.js';
export { loadAddressBook, restoreAddressBook, describeRebucket, type LoadedAddressBook } from './address-book-loader.js';
export { BookPersister, DEFAULT_PERSIST_INTERVAL_MS, type BookPersisterOptions, type CommitInfo } from './book-persister.js';
export { StoreError, RESET_FLAG, type StoreErrorReason } from './errors.js';
export { DataDirLock, lockHolderOf, LOCK_FILE, type LockHolder } from './data-dir-lock.js';
export { SCHEMA_VERSION } from './schema.js';
export {
  DEFAULT_EVENT_CAP,
  type Store,
  type StoredBan,
  type StoredPeer,
  type StoredAnchor,
  type StoredEvent,
  type EventQuery,
  type StoredBanKind,
} from './types.js';
