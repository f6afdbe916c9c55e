import { describe, expect, it } from 'vitest';
import { AddressBook } from '../../src/core/addrbook/index.js';
import { createRandom } from '../../src/core/random.js';
import { VirtualClock } from '../../src/platform/index.js';
import { BookPersister, MemoryStore, type CommitInfo } from '../../src/store/index.js';

function setup() {
  const clock = new VirtualClock();
  const store = new MemoryStore();
  const book = new AddressBook({ key: createRandom(1).bytes(32), clock, random: createRandom(1) });
  return { clock, store, book };
}

let n = 0;
const add = (book: AddressBook, clock: VirtualClock) => {
  n++;
  book.add([{ endpoint: `250.${n % 250}.${n >> 8}.1:7000`, time: clock.now() }], `251.${n % 250}.0.1`);
};

describe('BookPersister', () => {
  it('commits pending changes every second and only when something changed', () => {
    const { clock, store, book } = setup();
    const commits: CommitInfo[] = [];
    const p = new BookPersister(book, store, clock, { onCommit: (c) => commits.push(c) }).start();
    add(book, clock);
    clock.advance(999);
    expect(store.loadAddressBook()).toBeUndefined();
    clock.advance(1);
    expect(store.loadAddressBook()).toEqual(book.snapshot());
    clock.advance(5000); // nothing changed: no commit
    expect(commits.length).toBe(1);
    for (let i = 0; i < 10; i++) {
      add(book, clock);
      clock.advance(300);
      // Never more than a second behind.
      const saved = store.loadAddressBook()!;
      expect(book.size() - saved.entries.length).toBeLessThanOrEqual(4);
    }
    clock.advance(1000);
    expect(store.loadAddressBook()).toEqual(book.snapshot());
    expect(commits.map((c) => c.commits)).toEqual(commits.map((_, i) => i + 1));
    p.close();
    expect(clock.pending()).toBe(0);
  });

  it('commits on close and stops', () => {
    const { clock, store, book } = setup();
    const p = new BookPersister(book, store, clock).start();
    add(book, clock);
    p.close();
    expect(store.loadAddressBook()).toEqual(book.snapshot());
    add(book, clock);
    clock.advance(5000);
    expect(store.loadAddressBook()!.entries.length).toBe(1);
    expect(p.flush()).toBe(true);
    expect(p.flush()).toBe(false);
  });

  it('keeps the changes of a failed commit and writes them at the next tick', () => {
    const { clock, store, book } = setup();
    const errors: unknown[] = [];
    let fail = true;
    const flaky = Object.create(store) as MemoryStore;
    flaky.saveAddressBook = (b: AddressBook) => {
      if (fail) {
        const c = b.takeChanges();
        b.requeueChanges(c);
        throw new Error('disk full');
      }
      store.saveAddressBook(b);
    };
    const p = new BookPersister(book, flaky, clock, { onError: (e) => errors.push(e) }).start();
    add(book, clock);
    clock.advance(1000);
    expect(errors.length).toBe(1);
    expect(p.lastError).toBeInstanceOf(Error);
    fail = false;
    clock.advance(1000);
    expect(p.lastError).toBeUndefined();
    expect(store.loadAddressBook()).toEqual(book.snapshot());
    p.close();
  });
});
