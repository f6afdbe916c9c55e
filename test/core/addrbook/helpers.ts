// Shared set-up for the address book tests: Core's test keys, a settable clock, a book factory.
import { AddressBook, type AddressBookOptions, type AddressInput } from '../../../src/core/addrbook/index.js';
import { sha256d } from '../../../src/core/hash/index.js';
import { createRandom } from '../../../src/core/random.js';

/** Core's deterministic addrman key, uint256{1}: byte 0 is 1, the rest 0. */
export function deterministicKey(): Uint8Array {
  const k = new Uint8Array(32);
  k[0] = 1;
  return k;
}

/** Core's test keys: SHA-256d of the int32 1 or 2, little-endian. */
export const key1 = sha256d(Uint8Array.of(1, 0, 0, 0));
export const key2 = sha256d(Uint8Array.of(2, 0, 0, 0));

/** A clock the test sets by hand (it may go backwards, unlike VirtualClock). */
export class SettableClock {
  constructor(public t = 1_700_000_000_000) {}
  now(): number {
    return this.t;
  }
}

/** Core's CAddress default nTime (100000000 s, 1973): older than 30 days, so terrible. */
export const TIME_INIT = 100_000_000_000;

export const HOUR = 3_600_000;
export const MINUTE = 60_000;

export function makeBook(opts: Partial<AddressBookOptions> & { seed?: number } = {}): { book: AddressBook; clock: SettableClock } {
  const clock = (opts.clock as SettableClock | undefined) ?? new SettableClock();
  const book = new AddressBook({
    key: opts.key ?? deterministicKey(),
    clock,
    random: opts.random ?? createRandom(opts.seed ?? 1),
    allowPrivate: opts.allowPrivate,
    allowLoopback: opts.allowLoopback,
    newBucketCount: opts.newBucketCount,
    triedBucketCount: opts.triedBucketCount,
    asmap: opts.asmap,
    ...(opts.maxTriedPerSourceGroup !== undefined ? { maxTriedPerSourceGroup: opts.maxTriedPerSourceGroup } : {}),
  });
  return { book, clock };
}

/** An address input with Core's default (terrible) time unless one is given. */
export function addr(endpoint: string, time = TIME_INIT, services?: bigint): AddressInput {
  return services === undefined ? { endpoint, time } : { endpoint, time, services };
}

/** "a.b.c.d:port" of an Endpoint-ish result. */
export function ep(x: { endpoint: { ip: string; port: number } } | undefined): string {
  if (!x) return '[::]:0';
  const { ip, port } = x.endpoint;
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}
