// StoreError: why the database cannot be used, naming the file and the way out.

import { PeerwardenError } from '../core/errors.js';
export type StoreErrorReason = 'corrupt' | 'not-peerwarden' | 'newer-schema' | 'unreadable-row' | 'inconsistent' | 'io' | 'closed' | 'locked';

/** The command-line flag that backs the database up and starts a fresh address book. */
export const RESET_FLAG = '--reset-address-book';

export class StoreError extends PeerwardenError {
  override readonly name = 'StoreError';
  /** 'store-' and the reason: 'store-corrupt', 'store-locked', 'store-newer-schema'… */
  get code(): string {
    return `store-${this.reason}`;
  }
  constructor(
    message: string,
    /** The file concerned: the database, or the data directory's lock file (reason 'locked'). */
    readonly file: string,
    readonly reason: StoreErrorReason,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The sentence every refusal ends with: how to get going again without losing the old file. */
export function wayOut(file: string): string {
  return `Start peerwarden with ${RESET_FLAG} to begin with a fresh address book: the file is kept as ${file}.bak-<time>, and the bans, peers, anchors and events that can still be read are carried over.`;
}
