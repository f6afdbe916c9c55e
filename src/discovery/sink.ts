// The address sink every source writes to: filters, adds to the address book with origin and source, reports news.

import type { Endpoint } from '../core/address/index.js';
import type { AddressBook } from '../core/addrbook/index.js';
import type { AddressSink, LearnedAddress, Provenance } from './types.js';

export interface BookSinkOptions {
  book: Pick<AddressBook, 'add' | 'has' | 'size'>;
  /** False for addresses that must never enter the book (port 0, banned, discouraged, our own). */
  accept(endpoint: Endpoint): boolean;
  /** Called for each address the book did not know before, with who told us. */
  onDiscovered?(endpoint: Endpoint, provenance: Provenance, time: number): void;
  /** Called once per `add` that brought anything new (the governor's `addressesLearned`). */
  onLearned?(count: number, provenance: Provenance): void;
}

/**
 * An AddressSink over an AddressBook. Each address is added on its own so that exactly the new
 * ones are reported (`peer:discovered` and the peer history say when and from whom we first heard
 * of an address). The book applies Core's rules: source group, penalty, refusing unroutable ones.
 */
export function createBookSink(options: BookSinkOptions): AddressSink {
  const { book, accept, onDiscovered, onLearned } = options;
  return {
    size: () => book.size(),
    add(addresses: readonly LearnedAddress[], provenance: Provenance): number {
      let fresh = 0;
      for (const a of addresses) {
        if (!accept(a.endpoint)) continue;
        const known = book.has(a.endpoint);
        const input = { endpoint: a.endpoint, time: a.time, origin: provenance.origin, ...(a.services !== undefined ? { services: a.services } : {}) };
        book.add(input, provenance.source, provenance.penaltyMs);
        if (!known && book.has(a.endpoint)) {
          fresh++;
          onDiscovered?.(a.endpoint, provenance, a.time);
        }
      }
      if (fresh > 0) onLearned?.(fresh, provenance);
      return fresh;
    },
  };
}
