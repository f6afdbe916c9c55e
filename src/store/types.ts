// The Store interface every persistence backend implements, and the records it keeps.

import type { AddressBook, AddressBookSnapshot } from '../core/addrbook/index.js';

/** What a ban targets (the same kinds as the reputation layer's BanKind). */
export type StoredBanKind = 'id' | 'ip' | 'subnet';

/** A ban: a node id, an IP or a subnet (CIDR), with why and until when (absent: forever). */
export interface StoredBan {
  target: string;
  kind: StoredBanKind;
  reason: string;
  createdAt: number;
  expiresAt?: number;
}

/** What we remember about a peer identity between runs. */
export interface StoredPeer {
  id: string;
  lastEndpoint?: string;
  firstSeen: number;
  lastSeen: number;
  score: number;
  /** When `score` was computed (scores decay from there). */
  scoreAt: number;
  /** Counters by name (connections, failures, penalties…). */
  counts: Record<string, number>;
}

/** An outbound peer to reconnect to first after a restart (Core's anchors). */
export interface StoredAnchor {
  id: string;
  endpoint: string;
  connectedAt: number;
}

/** One line of peer history. `seq` is assigned by the store, increasing. */
export interface StoredEvent {
  seq?: number;
  at: number;
  id?: string;
  endpoint?: string;
  kind: string;
  reason?: string;
  data?: unknown;
}

export interface EventQuery {
  id?: string;
  endpoint?: string;
  kind?: string;
  /** Only events at or after this time (ms). */
  since?: number;
  /** At most this many (default 100): the most recent ones, returned oldest first. */
  limit?: number;
}

export interface Store {
  /** The database file, or ':memory:'. */
  readonly location: string;
  /** The saved address book, or undefined when none was saved yet. Throws StoreError for unreadable rows. */
  loadAddressBook(): AddressBookSnapshot | undefined;
  /** Writes the book's changes since the last save (book.takeChanges()) in one transaction, with its key and collisions. */
  saveAddressBook(book: AddressBook): void;
  bans(): StoredBan[];
  /** Adds or replaces the ban of `ban.target`; committed when it returns. */
  putBan(ban: StoredBan): void;
  /** Removes a ban; false when there was none. */
  deleteBan(target: string): boolean;
  peer(id: string): StoredPeer | undefined;
  peers(): StoredPeer[];
  /** Adds or replaces peers, all in one transaction. */
  putPeers(peers: StoredPeer[]): void;
  /** The anchors, in the order they were set. */
  anchors(): StoredAnchor[];
  /** Replaces all anchors. */
  setAnchors(anchors: StoredAnchor[]): void;
  /** Appends events; the oldest are removed beyond the cap (default 100,000). */
  appendEvents(events: StoredEvent[]): void;
  events(query?: EventQuery): StoredEvent[];
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
  close(): void;
}

/** Default number of events kept. */
export const DEFAULT_EVENT_CAP = 100_000;
/** Default number of events a query returns. */
export const DEFAULT_EVENT_LIMIT = 100;
