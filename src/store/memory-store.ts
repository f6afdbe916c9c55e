// MemoryStore: the Store in memory, for tests and the simulator; behaves exactly like SqliteStore.
//
// It keeps the same rows SqliteStore writes (through the same conversions) and hands out copies,
// so nothing a caller does to a returned object changes what is stored.

import type { AddressBook, AddressBookSnapshot } from '../core/addrbook/index.js';
import { SCHEMA_VERSION } from './schema.js';
import { bookMeta, changesToWrite, entryOfRow, rowOf, snapshotOf, sortCanonically, type AddressRow } from './address-rows.js';
import { DEFAULT_EVENT_CAP, DEFAULT_EVENT_LIMIT, type EventQuery, type Store, type StoredAnchor, type StoredBan, type StoredEvent, type StoredPeer } from './types.js';

export interface MemoryStoreOptions {
  /** Events kept before the oldest are removed (default 100,000). */
  eventCap?: number;
}

const copy = <T>(v: T): T => structuredClone(v);

export class MemoryStore implements Store {
  readonly location = ':memory:';
  readonly #eventCap: number;
  readonly #meta = new Map<string, string>();
  readonly #addresses = new Map<string, AddressRow>();
  #collisions: string[] = [];
  readonly #bans = new Map<string, StoredBan>();
  readonly #peers = new Map<string, StoredPeer>();
  #anchors: StoredAnchor[] = [];
  /** Events, oldest first, from index #eventStart on (trimmed lazily to keep appends O(1)). */
  #events: StoredEvent[] = [];
  #eventStart = 0;
  #nextSeq = 1;

  constructor(options: MemoryStoreOptions = {}) {
    this.#eventCap = Math.max(1, Math.floor(options.eventCap ?? DEFAULT_EVENT_CAP));
    this.#meta.set('schema_version', String(SCHEMA_VERSION));
  }

  loadAddressBook(): AddressBookSnapshot | undefined {
    const meta = (k: string) => this.getMeta(k);
    if (meta('addrbook.key') === undefined) return undefined;
    const entries = sortCanonically([...this.#addresses.values()].map((r) => entryOfRow(r, this.location)));
    return snapshotOf(meta, entries, [...this.#collisions], this.location);
  }

  saveAddressBook(book: AddressBook): void {
    const c = changesToWrite(book, (k) => this.getMeta(k));
    if (c.full) this.#addresses.clear();
    for (const endpoint of c.deletes) this.#addresses.delete(endpoint);
    for (const u of c.upserts) this.#addresses.set(u.endpoint, rowOf(u));
    this.#collisions = [...c.collisions];
    for (const [key, value] of bookMeta(c)) this.#meta.set(key, value);
  }

  /** Forgets the stored address book (its rows, collisions and key); bans, peers, anchors and events stay. */
  clearAddressBook(): void {
    this.#addresses.clear();
    this.#collisions = [];
    for (const key of [...this.#meta.keys()]) if (key.startsWith('addrbook.')) this.#meta.delete(key);
  }

  bans(): StoredBan[] {
    return [...this.#bans.values()].sort((a, b) => a.createdAt - b.createdAt || (a.target < b.target ? -1 : a.target > b.target ? 1 : 0)).map(copy);
  }

  putBan(ban: StoredBan): void {
    const b: StoredBan = { target: ban.target, kind: ban.kind, reason: ban.reason, createdAt: ban.createdAt };
    if (ban.expiresAt !== undefined && ban.expiresAt !== null) b.expiresAt = ban.expiresAt;
    this.#bans.set(ban.target, b);
  }

  deleteBan(target: string): boolean {
    return this.#bans.delete(target);
  }

  peer(id: string): StoredPeer | undefined {
    const p = this.#peers.get(id);
    return p ? copy(p) : undefined;
  }

  peers(): StoredPeer[] {
    return [...this.#peers.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(copy);
  }

  putPeers(peers: StoredPeer[]): void {
    for (const p of peers) {
      const stored: StoredPeer = { id: p.id, firstSeen: p.firstSeen, lastSeen: p.lastSeen, score: p.score, scoreAt: p.scoreAt, counts: copy(p.counts ?? {}) };
      if (p.lastEndpoint !== undefined && p.lastEndpoint !== null) stored.lastEndpoint = p.lastEndpoint;
      this.#peers.set(p.id, stored);
    }
  }

  anchors(): StoredAnchor[] {
    return this.#anchors.map(copy);
  }

  setAnchors(anchors: StoredAnchor[]): void {
    this.#anchors = anchors.map((a) => ({ id: a.id, endpoint: a.endpoint, connectedAt: a.connectedAt }));
  }

  appendEvents(events: StoredEvent[]): void {
    for (const e of events) {
      const stored: StoredEvent = { seq: this.#nextSeq++, at: e.at, kind: e.kind };
      if (e.id !== undefined) stored.id = e.id;
      if (e.endpoint !== undefined) stored.endpoint = e.endpoint;
      if (e.reason !== undefined) stored.reason = e.reason;
      // Data goes through JSON, as in SQLite.
      if (e.data !== undefined) stored.data = JSON.parse(JSON.stringify(e.data)) as unknown;
      this.#events.push(stored);
    }
    const live = this.#events.length - this.#eventStart;
    if (live > this.#eventCap) this.#eventStart += live - this.#eventCap;
    if (this.#eventStart > 1024 && this.#eventStart * 2 > this.#events.length) {
      this.#events = this.#events.slice(this.#eventStart);
      this.#eventStart = 0;
    }
  }

  events(query: EventQuery = {}): StoredEvent[] {
    const limit = Math.max(0, Math.floor(query.limit ?? DEFAULT_EVENT_LIMIT));
    const out: StoredEvent[] = [];
    for (let i = this.#events.length - 1; i >= this.#eventStart && out.length < limit; i--) {
      const e = this.#events[i]!;
      if (query.id !== undefined && e.id !== query.id) continue;
      if (query.endpoint !== undefined && e.endpoint !== query.endpoint) continue;
      if (query.kind !== undefined && e.kind !== query.kind) continue;
      if (query.since !== undefined && e.at < query.since) continue;
      out.push(copy(e));
    }
    return out.reverse();
  }

  getMeta(key: string): string | undefined {
    return this.#meta.get(key);
  }

  setMeta(key: string, value: string): void {
    this.#meta.set(key, value);
  }

  close(): void {
    // Nothing to release; the data stays readable, as a closed SqliteStore's file does.
  }
}
