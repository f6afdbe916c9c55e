// Restores the stored address book at startup, or starts a new one, turning every failure into a StoreError.

import { AddressBook, AddressBookError, type AddressBookRestoreOptions } from '../core/addrbook/index.js';
import { StoreError, wayOut } from './errors.js';
import type { Store } from './types.js';

/**
 * The address book saved in `store`, restored slot for slot and checked, or a new book (with the
 * given key, else 32 bytes from `options.random`) when none was saved. Throws StoreError naming the
 * file and --reset-address-book when a row is unreadable or the restored book fails its checks.
 */
export function loadAddressBook(store: Store, options: AddressBookRestoreOptions): AddressBook {
  const snapshot = store.loadAddressBook();
  if (!snapshot) return new AddressBook({ ...options, key: options.key ?? options.random.bytes(32) });
  try {
    return AddressBook.fromSnapshot(snapshot, options);
  } catch (err) {
    if (err instanceof AddressBookError) {
      throw new StoreError(`${store.location}: ${err.message}. ${wayOut(store.location)}`, store.location, 'inconsistent', { cause: err });
    }
    throw err;
  }
}
