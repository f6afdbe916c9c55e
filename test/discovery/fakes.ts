// Fakes for discovery unit tests: a scripted resolver, a recording sink over a real AddressBook, a scripted visitor.
import { AddressBook } from '../../src/core/addrbook/index.js';
import { createRandom } from '../../src/core/random.js';
import { createBookSink } from '../../src/discovery/sink.js';
import type { HostResolver } from '../../src/discovery/resolver.js';
import type { LearnedAddress, Provenance, VisitSession, Visitor } from '../../src/discovery/types.js';
import type { Endpoint } from '../../src/core/address/index.js';
import type { AddrEntry } from '../../src/wire/control-codec.js';
import { VirtualClock } from '../../src/platform/index.js';

/** A resolver answering from a table; names missing from it fail like NXDOMAIN. Counts queries. */
export function fakeResolver(table: Record<string, string[]>): HostResolver & { queries: string[] } {
  const queries: string[] = [];
  const answer = (host: string, v6: boolean) => {
    queries.push(`${host}/${v6 ? 6 : 4}`);
    const all = table[host];
    if (!all) return Promise.reject(new Error(`queryA ENOTFOUND ${host}`));
    return Promise.resolve(all.filter((ip) => ip.includes(':') === v6));
  };
  return { queries, resolve4: (h) => answer(h, false), resolve6: (h) => answer(h, true) };
}

export function book(clock = new VirtualClock(), opts: { allowPrivate?: boolean; allowLoopback?: boolean } = {}): AddressBook {
  return new AddressBook({ key: new Uint8Array(32).fill(7), clock, random: createRandom('book'), newBucketCount: 64, triedBucketCount: 16, ...opts });
}

/** A sink over a real book that also records each add call. */
export function recordingSink(b: AddressBook, accept: (ep: Endpoint) => boolean = () => true) {
  const calls: Array<{ addresses: readonly LearnedAddress[]; provenance: Provenance; added: number }> = [];
  const discovered: Array<{ endpoint: Endpoint; provenance: Provenance }> = [];
  const inner = createBookSink({ book: b, accept, onDiscovered: (endpoint, provenance) => discovered.push({ endpoint, provenance }) });
  return {
    calls,
    discovered,
    size: () => inner.size(),
    add(addresses: readonly LearnedAddress[], provenance: Provenance) {
      const added = inner.add(addresses, provenance);
      calls.push({ addresses, provenance, added });
      return added;
    },
  };
}

/** A visitor whose nodes are a table endpoint → node id; visits elsewhere fail as refused. */
export function fakeVisitor(nodes: Record<string, string>, answers: Record<string, AddrEntry[]> = {}) {
  const log = { visits: [] as string[], announced: [] as Array<{ to: string; entries: readonly AddrEntry[] }>, closed: [] as string[], connected: new Set<string>() };
  const visitor: Visitor = {
    isConnected: (ep) => log.connected.has(`${ep.ip}:${ep.port}`),
    async visit(ep, purpose) {
      const key = `${ep.ip}:${ep.port}`;
      log.visits.push(`${purpose} ${key}`);
      const id = nodes[key];
      if (!id) throw new Error(`dial ${key} failed (refused)`);
      const session: VisitSession = {
        id,
        listenEndpoint: ep,
        announce: (entries) => log.announced.push({ to: key, entries }),
        fetchAddresses: async () => answers[key] ?? [],
        close: () => log.closed.push(key),
      };
      return session;
    },
  };
  return { visitor, log };
}
