// Peer exchange (GETADDR/ADDR) with Bitcoin Core's addr-relay rules: limits, rate limiting, the cache, relaying.

import { isAcceptable, type Endpoint } from '../core/address/index.js';
import type { Clock } from '../core/clock.js';
import type { Random } from '../core/random.js';
import type { Offence } from '../core/reputation/index.js';
import { createAddrRelayBucket, GETADDR_CREDIT, type TokenBucket } from '../core/ratelimit/index.js';
import type { AddrEntry } from '../wire/control-codec.js';
import { GetAddrCache, GETADDR_MAX_ADDRESSES, type CacheableBook } from './getaddr-cache.js';
import { EndpointIds, insertBest, nodeId64, RELAY_FANOUT, RelayTargetPicker } from './relay-targets.js';
import { DEFAULT_KNOWN_CAPACITY, RollingBloom } from './rolling-bloom.js';
import type { AddressSink, LearnedAddress, Provenance } from './types.js';

/** An ADDR with more entries than this is misbehaviour (Core; also the wire limit). */
export const MAX_ADDR_ENTRIES = 1000;
/** Gossiped addresses are dated 2 h back (Core's penalty), so first-hand news outranks hearsay. */
export const GOSSIP_PENALTY_MS = 2 * 60 * 60_000;
/** Only ADDR messages this small are relayed: a self-announcement or a short relay, not a GETADDR answer. */
export const RELAY_MAX_ENTRIES = 10;
/** ...and only addresses heard of in the last 10 minutes: stale news is not spread. */
export const RELAY_MAX_AGE_MS = 10 * 60_000;
/** Times before this (Core: 100000000 s, 1973) or more than 10 min ahead are replaced by "5 days ago". */
const MIN_SANE_TIME_MS = 100_000_000 * 1000;
const FUTURE_SLACK_MS = 10 * 60_000;
const STALE_AGE_MS = 5 * 24 * 60 * 60_000;
/** Addresses remembered per peer as known to it (Core's m_addr_known, a rolling Bloom filter), so we do not echo them back. */
const KNOWN_PER_PEER = DEFAULT_KNOWN_CAPACITY;

/**
 * Whether an IP is of a class the book accepts: a pure function of the text, asked for every
 * gossiped address, so its answers are kept (bounded; the simulator's thousands of nodes share it).
 */
const ACCEPTABLE_CACHE_LIMIT = 1 << 16;
const acceptableCache = [new Map<string, boolean>(), new Map<string, boolean>(), new Map<string, boolean>(), new Map<string, boolean>()];
function acceptable(ip: string, allowPrivate: boolean, allowLoopback: boolean): boolean {
  const cache = acceptableCache[(allowPrivate ? 1 : 0) + (allowLoopback ? 2 : 0)]!;
  let ok = cache.get(ip);
  if (ok === undefined) {
    try {
      ok = isAcceptable(ip, { allowPrivate, allowLoopback });
    } catch {
      ok = false;
    }
    if (cache.size >= ACCEPTABLE_CACHE_LIMIT) cache.clear();
    cache.set(ip, ok);
  }
  return ok;
}

/** The connection as peer exchange sees it. */
export interface ExchangePeer {
  readonly id: string;
  readonly direction: 'inbound' | 'outbound';
  readonly remoteEndpoint: Endpoint;
  /** Observed IP + HELLO port; undefined when the peer does not listen. */
  readonly listenEndpoint: Endpoint | undefined;
  sendAddr(entries: readonly AddrEntry[]): boolean;
  sendGetAddr(): boolean;
}

export interface PeerExchangeOptions {
  sink: AddressSink;
  book: CacheableBook;
  clock: Clock;
  random: Random;
  /** Ban-list lookup by IP (subnets included): banned addresses are never stored or gossiped. */
  isBanned(ip: string): boolean;
  isDiscouraged(ip: string): boolean;
  /** Reports an offence to reputation (the penalty table says how bad it is). */
  report(peerId: string, offence: Offence, detail: string): void;
  allowPrivate?: boolean;
  allowLoopback?: boolean;
  /** Our listening endpoints worth announcing (specific, acceptable IPs); called at each connection. */
  selfEndpoints(): Endpoint[];
  /** Hub mode (a rendezvous hub): answer GETADDR to everyone, uncached, up to 1000 addresses; relay nothing. */
  hub?: boolean;
  /** 32 secret bytes keying relay-target choice; drawn from `random` when omitted. */
  relayKey?: Uint8Array;
  cacheLifetimeMs?: number;
  cacheJitterMs?: number;
}

/** Counters for stats and metrics. */
export interface ExchangeCounters {
  addrMessages: number;
  addrReceived: number;
  /** Entries beyond the peer's token bucket: dropped (Core's m_addr_rate_limited). */
  addrRateLimited: number;
  /** Entries refused: port 0, unroutable, banned or discouraged. */
  addrRefused: number;
  addrAdded: number;
  addrRelayed: number;
  getaddrReceived: number;
  getaddrAnswered: number;
  /** From outbound peers, or repeated on one connection: not answered. */
  getaddrIgnored: number;
  getaddrSent: number;
  addressesSent: number;
}

interface PeerState {
  peer: ExchangePeer;
  /** Order of connection (a later peer has a higher number), and whether it has gone since. */
  readonly seq: number;
  gone: boolean;
  /** The peer's 64-bit id (from its node id): what relay-target choice hashes. */
  readonly hi: number;
  readonly lo: number;
  bucket: TokenBucket;
  /** Where addresses from this peer come from, as the sink records it (one object per connection). */
  readonly provenance: Provenance;
  /** We sent GETADDR and its answer has not come yet: addresses in it are not relayed. */
  getAddrPending: boolean;
  getAddrAnswered: boolean;
  /** Addresses this peer knows (it told us, or we told it), by endpoint id. */
  known: RollingBloom;
  /** The id of the endpoint it listens on (never relay a node its own address); -1 when it does not listen. */
  listenHi: number;
  listenLo: number;
}

export interface AddrOutcome {
  received: number;
  accepted: number;
  added: number;
  rateLimited: number;
  refused: number;
  relayed: number;
}

/**
 * The relay targets of an address: its best 3 peers (so that excluding the source still leaves 2)
 * with their hashes, and the newest peer they were chosen among. The same address reaches a node
 * again and again as it spreads, from different peers; the entry stays exact as peers come and go:
 * a newcomer is hashed and ranked against the 3, and only the departure of one of the 3 (or a new
 * 24-hour period) makes it be computed again over every peer.
 */
interface CachedTargets {
  period: number;
  seq: number;
  top: PeerState[];
  values: number[];
}

/** Addresses whose targets are remembered at most (the cache is emptied when it is full). */
const TARGET_CACHE_LIMIT = 256;

/** Notes that the peer knows the address whose id `ids` holds now. */
function remember(known: RollingBloom, ids: EndpointIds): void {
  if (!known.has(ids.hi, ids.lo)) known.add(ids.hi, ids.lo);
}

/**
 * The addr-relay rules, per connection:
 * - ADDR over 1000 entries: a high offence, nothing taken from it;
 * - a token bucket per peer (0.1/s, burst 1000, starting at 1 so a self-announcement passes,
 *   +1000 when we send GETADDR): entries beyond it are dropped and counted;
 * - entries with port 0, unroutable, banned or discouraged addresses are refused;
 * - accepted entries go to the book dated 2 h back, with the peer's IP as source;
 * - small fresh ADDRs (≤ 10 entries, heard of within 10 min, not a GETADDR answer) are relayed to
 *   2 peers chosen per address for 24 h;
 * - GETADDR is answered once per connection and only to inbound peers, from the 21–27 h cache
 *   (a hub answers everyone, fresh, up to 1000).
 *
 * A peer's listening endpoint (its observed IP and HELLO port) goes into the book for outbound
 * and inbound peers alike. Bitcoin Core learns an inbound peer's address only when the peer
 * announces it; our HELLO carries the port, so the handshake is that announcement. The entry
 * lands in the new table with the peer's own IP as source (one /16 reaches at most 64 buckets),
 * and feelers test it before it can reach the tried table — so a peer behind NAT costs one new-table
 * slot, and devnets and hubs discover each other from the handshake alone.
 */
export class PeerExchange {
  readonly counters: ExchangeCounters = {
    addrMessages: 0,
    addrReceived: 0,
    addrRateLimited: 0,
    addrRefused: 0,
    addrAdded: 0,
    addrRelayed: 0,
    getaddrReceived: 0,
    getaddrAnswered: 0,
    getaddrIgnored: 0,
    getaddrSent: 0,
    addressesSent: 0,
  };
  #o: PeerExchangeOptions;
  #peers = new Map<string, PeerState>();
  #cache: GetAddrCache;
  #picker: RelayTargetPicker;
  #ids: EndpointIds;
  #targets = new Map<number, CachedTargets>();
  /** Peers in order of connection (gone ones dropped now and then), and the last connection number given. */
  #order: PeerState[] = [];
  #seq = 0;
  readonly #allowPrivate: boolean;
  readonly #allowLoopback: boolean;

  constructor(options: PeerExchangeOptions) {
    this.#o = options;
    const relayKey = options.relayKey ?? options.random.bytes(32);
    this.#picker = new RelayTargetPicker(relayKey);
    this.#ids = new EndpointIds(relayKey);
    this.#allowPrivate = !!options.allowPrivate;
    this.#allowLoopback = !!options.allowLoopback;
    this.#cache = new GetAddrCache({
      book: options.book,
      random: options.random,
      ...(options.cacheLifetimeMs !== undefined ? { lifetimeMs: options.cacheLifetimeMs } : {}),
      ...(options.cacheJitterMs !== undefined ? { jitterMs: options.cacheJitterMs } : {}),
    });
  }

  /** Whether an address may be stored or gossiped at all. */
  isGossipable(ep: Endpoint): boolean {
    if (ep.port === 0) return false;
    return acceptable(ep.ip, this.#allowPrivate, this.#allowLoopback) && !this.#o.isBanned(ep.ip) && !this.#o.isDiscouraged(ep.ip);
  }

  /**
   * A connection passed its handshake: its ADDR bucket starts (1 token). Call `peerIntroduced`
   * once the governor has taken the peer in, so its listening endpoint does not look dialable.
   */
  peerConnected(peer: ExchangePeer): void {
    const now = this.#o.clock.now();
    const { hi, lo } = nodeId64(peer.id);
    const listen = peer.listenEndpoint ? this.#ids.of(peer.listenEndpoint) : undefined;
    const st: PeerState = {
      peer,
      seq: ++this.#seq,
      gone: false,
      hi,
      lo,
      bucket: createAddrRelayBucket(now),
      provenance: { origin: 'exchange', source: peer.remoteEndpoint.ip, penaltyMs: GOSSIP_PENALTY_MS, from: `peer ${peer.id.slice(0, 12)}`, peerId: peer.id },
      getAddrPending: false,
      getAddrAnswered: false,
      known: new RollingBloom(KNOWN_PER_PEER),
      listenHi: listen ? listen.hi : -1,
      listenLo: listen ? listen.lo : -1,
    };
    const old = this.#peers.get(peer.id);
    if (old) old.gone = true;
    this.#peers.set(peer.id, st);
    this.#order.push(st);
    if (this.#order.length > 2 * this.#peers.size + 16) this.#order = this.#order.filter((x) => !x.gone);
  }

  /**
   * Takes note of where the peer listens (its self-announcement, relayed for inbound peers) and
   * announces our own endpoints to outbound peers.
   */
  peerIntroduced(id: string): void {
    const state = this.#peers.get(id);
    if (!state) return;
    const peer = state.peer;
    const now = this.#o.clock.now();
    const listen = peer.listenEndpoint;
    if (listen && this.isGossipable(listen)) {
      remember(state.known, this.#ids.of(listen));
      this.#o.sink.add([{ endpoint: listen, time: now }], {
        origin: peer.direction === 'inbound' ? 'inbound' : 'exchange',
        source: peer.remoteEndpoint.ip,
        penaltyMs: 0,
        from: `${peer.direction} peer ${peer.id.slice(0, 12)} (its own listening endpoint)`,
        peerId: peer.id,
      });
      // An inbound peer's HELLO port is its self-announcement: relay it as Core relays a fresh one-entry ADDR.
      if (peer.direction === 'inbound') {
        const n = this.#relay(state, [{ endpoint: listen, services: 0n, time: now }], now);
        this.counters.addrRelayed += n;
      }
    }
    if (peer.direction === 'outbound') {
      const own = this.#o.selfEndpoints().filter((e) => this.isGossipable(e));
      if (own.length > 0) {
        for (const e of own) remember(state.known, this.#ids.of(e));
        if (peer.sendAddr(own.map((endpoint) => ({ endpoint, services: 0n, time: now })))) this.counters.addressesSent += own.length;
      }
    }
  }

  peerDisconnected(id: string): void {
    const st = this.#peers.get(id);
    if (!st) return;
    st.gone = true;
    this.#peers.delete(id);
  }

  /** The governor's `sendGetAddr`: ask an outbound peer for addresses and credit its bucket for the answer. */
  sendGetAddr(id: string): boolean {
    const st = this.#peers.get(id);
    if (!st) return false;
    if (!st.peer.sendGetAddr()) return false;
    st.bucket.credit(this.#o.clock.now(), GETADDR_CREDIT);
    st.getAddrPending = true;
    this.counters.getaddrSent++;
    return true;
  }

  /** An ADDR message arrived. */
  onAddr(id: string, entries: readonly AddrEntry[]): AddrOutcome {
    const out: AddrOutcome = { received: entries.length, accepted: 0, added: 0, rateLimited: 0, refused: 0, relayed: 0 };
    const st = this.#peers.get(id);
    if (!st) return out;
    this.counters.addrMessages++;
    this.counters.addrReceived += entries.length;
    const { clock, random } = this.#o;
    const now = clock.now();
    // The rate limit lets a random subset through, in random order (Core shuffles the message first):
    // a peer cannot choose which of its entries survive. Only the survivors are drawn — a partial
    // Fisher–Yates shuffle — so a flood of 1000 costs as much as the few entries the bucket admits.
    const n = entries.length;
    const granted = st.bucket.takeUpTo(now, n);
    out.rateLimited = n - granted;
    const order = granted === n ? (n <= 1 ? entries : shuffled(entries, random)) : randomSubset(entries, granted, random);
    const mayRelay = entries.length <= RELAY_MAX_ENTRIES && !st.getAddrPending;
    const accepted: LearnedAddress[] = [];
    const relay: AddrEntry[] = [];
    const ids = this.#ids;
    for (const e of order) {
      let time = e.time;
      if (time <= MIN_SANE_TIME_MS || time > now + FUTURE_SLACK_MS) time = now - STALE_AGE_MS;
      remember(st.known, ids.of(e.endpoint));
      if (!this.isGossipable(e.endpoint)) {
        out.refused++;
        continue;
      }
      // The entry itself when its time stands (most do): no copy per address.
      const entry = time === e.time ? e : { endpoint: e.endpoint, services: e.services, time };
      accepted.push(entry);
      if (mayRelay && time > now - RELAY_MAX_AGE_MS) relay.push(entry);
    }
    // A message shorter than the maximum ends the answer to our GETADDR (Core clears m_getaddr_sent).
    if (entries.length < MAX_ADDR_ENTRIES) st.getAddrPending = false;
    out.accepted = accepted.length;
    if (accepted.length > 0) {
      out.added = this.#o.sink.add(accepted, st.provenance);
    }
    if (relay.length > 0) out.relayed = this.#relay(st, relay, now);
    this.counters.addrRateLimited += out.rateLimited;
    this.counters.addrRefused += out.refused;
    this.counters.addrAdded += out.added;
    this.counters.addrRelayed += out.relayed;
    return out;
  }

  /** A GETADDR arrived: answer inbound peers once per connection (a hub answers everyone). */
  onGetAddr(id: string): number | undefined {
    const st = this.#peers.get(id);
    if (!st) return undefined;
    this.counters.getaddrReceived++;
    const hub = !!this.#o.hub;
    if (st.getAddrAnswered) {
      this.counters.getaddrIgnored++;
      // Asking again on one connection is how scrapers work (a low offence; hubs tolerate it).
      if (!hub && st.peer.direction === 'inbound') this.#o.report(id, 'repeated-getaddr', 'a second GETADDR on one connection');
      return undefined;
    }
    if (!hub && st.peer.direction !== 'inbound') {
      // Core ignores GETADDR from outbound peers: answering would let a node we chose fingerprint us.
      this.counters.getaddrIgnored++;
      return undefined;
    }
    st.getAddrAnswered = true;
    const now = this.#o.clock.now();
    const keep = (ep: Endpoint) => this.isGossipable(ep);
    const list = hub
      ? this.#o.book.getAddresses({ max: GETADDR_MAX_ADDRESSES }).filter((e) => keep(e.endpoint))
      : this.#cache.get(now, keep);
    const entries: AddrEntry[] = list.slice(0, MAX_ADDR_ENTRIES).map((e) => ({ endpoint: e.endpoint, services: e.services, time: e.time }));
    for (const e of entries) remember(st.known, this.#ids.of(e.endpoint));
    // Always answer, even with nothing: a hub visitor waits for this message and can leave at once.
    st.peer.sendAddr(entries);
    this.counters.getaddrAnswered++;
    this.counters.addressesSent += entries.length;
    return entries.length;
  }

  /** The best 3 relay targets of an address now (see CachedTargets). */
  #topTargets(hi: number, lo: number, now: number): PeerState[] {
    const key = hi * 2 ** 21 + (lo >>> 11);
    const address = { hi, lo };
    const period = RelayTargetPicker.period(address, now);
    const picker = this.#picker;
    let c = this.#targets.get(key);
    if (c !== undefined && c.period === period && !c.top.some((st) => st.gone)) {
      if (c.seq < this.#seq) {
        // Peers that came since: rank them against the 3 (newest last, as a full pass meets them).
        const order = this.#order;
        let i = order.length;
        while (i > 0 && order[i - 1]!.seq > c.seq) i--;
        picker.prepare(address, now);
        for (; i < order.length; i++) {
          const st = order[i]!;
          if (!st.gone) insertBest(c.top, c.values, st, picker.score(st), RELAY_FANOUT + 1);
        }
        c.seq = this.#seq;
      }
      return c.top;
    }
    if (this.#targets.size >= TARGET_CACHE_LIMIT) this.#targets.clear();
    const { best, values } = picker.pickScored(address, now, this.#peers.values(), undefined, RELAY_FANOUT + 1);
    c = { period, seq: this.#seq, top: best, values };
    this.#targets.set(key, c);
    return c.top;
  }

  /** Relays fresh addresses to 2 peers each (never back to the source, never to a peer that knows them). */
  #relay(source: PeerState, entries: readonly AddrEntry[], now: number): number {
    // A hub relays nothing: it hands its whole book to anyone who asks, and its connections are
    // short visits that take the first ADDR they receive as the answer to their GETADDR — a relayed
    // one-entry ADDR arriving first would cut a visitor's answer down to that one address.
    if (this.#o.hub || this.#peers.size < 2) return 0;
    const ids = this.#ids;
    let batches: Map<PeerState, AddrEntry[]> | undefined;
    for (const e of entries) {
      const { hi, lo } = ids.of(e.endpoint);
      let chosen = 0;
      for (const st of this.#topTargets(hi, lo, now)) {
        if (st === source) continue;
        if (++chosen > RELAY_FANOUT) break;
        if (st.known.has(hi, lo)) continue;
        // Never tell a node about itself.
        if (st.listenHi === hi && st.listenLo === lo) continue;
        st.known.add(hi, lo);
        batches ??= new Map();
        let batch = batches.get(st);
        if (!batch) batches.set(st, (batch = []));
        batch.push(e);
      }
    }
    if (!batches) return 0;
    let sent = 0;
    for (const [st, batch] of batches) {
      if (st.peer.sendAddr(batch)) sent += batch.length;
    }
    this.counters.addressesSent += sent;
    return sent;
  }
}

/** The entries in a uniformly random order (a copy). */
function shuffled<T>(items: readonly T[], random: Random): T[] {
  const order = items.slice();
  for (let i = order.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/**
 * `k` entries drawn uniformly without replacement, in random order: the first `k` steps of a
 * Fisher–Yates shuffle from the front, with the swaps kept in a map instead of a copy of the array.
 */
function randomSubset<T>(items: readonly T[], k: number, random: Random): T[] {
  if (k <= 0) return [];
  const n = items.length;
  const swapped = new Map<number, number>();
  const out: T[] = [];
  for (let i = 0; i < k; i++) {
    const j = i + random.int(n - i);
    const at = swapped.get(j) ?? j;
    swapped.set(j, swapped.get(i) ?? i);
    out.push(items[at]!);
  }
  return out;
}
