// A read-only view of the address book for applications and the operator layer (empty while the node is stopped).

import { readGetAddressesArgs, type AddressBook, type AddressBookStats, type AddressRecord, type TableOccupancy } from '../core/addrbook/index.js';
import type { AddressBookView } from './types.js';

const EMPTY_STATS: AddressBookStats = {
  new: 0,
  tried: 0,
  total: 0,
  collisions: 0,
  byNetwork: { ipv4: { new: 0, tried: 0 }, ipv6: { new: 0, tried: 0 } },
  byGroup: [],
  byOrigin: { seed: 0, dns: 0, exchange: 0, hub: 0, probe: 0, manual: 0, inbound: 0 },
};

/**
 * Only the reading methods, bound to whichever book the running session holds. select,
 * getAddresses and selectTriedCollision draw from the book's random source (and getAddresses
 * shuffles its random order, which no snapshot records) but change no entry.
 */
export function bookView(book: () => AddressBook | undefined): AddressBookView {
  return {
    size: (options) => book()?.size(options) ?? 0,
    get: (endpoint) => book()?.get(endpoint),
    entries: () => book()?.entries() ?? [],
    stats: () => book()?.stats() ?? structuredClone(EMPTY_STATS),
    occupancy: (table): TableOccupancy =>
      book()?.occupancy(table) ?? { buckets: 0, slotsPerBucket: 64, groups: [], cells: new Int32Array(0) },
    isTerrible: (endpoint) => book()?.isTerrible(endpoint) ?? false,
    select: (options) => book()?.select(options),
    getAddresses: (...args: unknown[]): AddressRecord[] => {
      // Checked here too, so that a wrong call fails the same way while the node is stopped.
      const options = readGetAddressesArgs(args);
      return book()?.getAddresses(options) ?? [];
    },
    selectTriedCollision: () => book()?.selectTriedCollision(),
    checkConsistency: () => book()?.checkConsistency() ?? 0,
    snapshot: () => book()?.snapshot(),
    rebucketReport: () => book()?.rebucketReport(),
  };
}
