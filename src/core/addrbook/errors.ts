// The address book's typed error.

import { PeerwardenError } from '../errors.js';

/**
 * Thrown for invalid options and for snapshots that cannot be restored exactly. `consistencyCode`
 * is the checkConsistency() code when the restored book failed its invariant check.
 */
export class AddressBookError extends PeerwardenError {
  readonly code = 'addrbook-invalid';
  override readonly name = 'AddressBookError';
  constructor(
    message: string,
    readonly consistencyCode?: number,
  ) {
    super(message);
  }
}
