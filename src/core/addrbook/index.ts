// The address book: Bitcoin Core's addrman, its bucket functions and its types.
export { AddressBook, type RebucketResult } from './address-book.js';
export { AddressBookError } from './errors.js';
export { readGetAddressesArgs } from './get-addresses-args.js';
export { triedBucket, newBucket, bucketPosition, type BucketOptions } from './buckets.js';
export * as addrbookConstants from './constants.js';
export {
  ADDRESS_ORIGINS,
  type AddressOrigin,
  type AddressNetwork,
  type AddressBookOptions,
  type AddressBookRestoreOptions,
  type ConsistencyChecks,
  type AddressInput,
  type AddressRecord,
  type AddressBookEntry,
  type SelectOptions,
  type SelectedAddress,
  type GetAddressesOptions,
  type SizeOptions,
  type SnapshotEntry,
  type AddressBookSnapshot,
  type AddressBookChanges,
  type RebucketReport,
  type AddressBookStats,
  type TableOccupancy,
} from './types.js';
