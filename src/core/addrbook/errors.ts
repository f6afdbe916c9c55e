// The address book's typed error.

/**
 * Thrown for invalid options and for snapshots that cannot be restored exactly. `code` is the
 * checkConsistency() code when the restored book failed its invariant check.
 */
export class AddressBookError extends Error {
  override readonly name = 'AddressBookError';
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
  }
}
