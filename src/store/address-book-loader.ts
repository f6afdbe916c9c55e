// Restores the stored address book at startup (re-bucketing it when its settings changed), or starts a new one; failures become StoreErrors.

import { AddressBook, AddressBookError, type AddressBookRestoreOptions, type RebucketReport } from '../core/addrbook/index.js';
import { StoreError, wayOut } from './errors.js';
import type { Store } from './types.js';

export interface LoadedAddressBook {
  book: AddressBook;
  /**
   * Set when the saved book was built with other settings (allowPrivate, allowLoopback, bucket
   * counts) and was re-bucketed under the current ones: what changed, and how many entries moved
   * to new or were dropped. Undefined when the book was restored exactly or started fresh.
   */
  rebucketed: RebucketReport | undefined;
}

/**
 * The address book saved in `store`, or a new book (with the given key, else 32 bytes from
 * `options.random`) when none was saved. A book saved under the same settings comes back slot for
 * slot; one saved under other allowPrivate/allowLoopback/bucket counts is re-bucketed
 * (AddressBook.rebucket) and the report says what that cost. Throws StoreError naming the file and
 * --reset-address-book when a row is unreadable, the book fails its checks, or it has another key.
 */
export function restoreAddressBook(store: Store, options: AddressBookRestoreOptions): LoadedAddressBook {
  const snapshot = store.loadAddressBook();
  if (!snapshot) return { book: new AddressBook({ ...options, key: options.key ?? options.random.bytes(32) }), rebucketed: undefined };
  try {
    if (AddressBook.layoutChanges(snapshot, options).length === 0) return { book: AddressBook.fromSnapshot(snapshot, options), rebucketed: undefined };
    const { book, report } = AddressBook.rebucket(snapshot, options);
    return { book, rebucketed: report };
  } catch (err) {
    if (err instanceof AddressBookError) {
      throw new StoreError(`${store.location}: ${err.message}. ${wayOut(store.location)}`, store.location, 'inconsistent', { cause: err });
    }
    throw err;
  }
}

/**
 * restoreAddressBook's book alone: for callers that do not report re-bucketing. A node reports it
 * (use restoreAddressBook to learn what re-bucketing moved or dropped).
 */
export function loadAddressBook(store: Store, options: AddressBookRestoreOptions): AddressBook {
  return restoreAddressBook(store, options).book;
}

/** One line for a log: what re-bucketing changed and cost. */
export function describeRebucket(report: RebucketReport): string {
  return (
    `the address book was saved with other settings (${report.changes.join('; ')}) and was re-bucketed: ` +
    `${report.kept} of ${report.entries} entries kept, ${report.movedToNew} tried entries moved back to new, ` +
    `${report.dropped} dropped (${report.refused} no longer accepted, ${report.noRoom} found no free slot)`
  );
}
