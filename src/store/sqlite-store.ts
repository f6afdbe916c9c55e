// SqliteStore: the Store in one SQLite file through better-sqlite3, in WAL mode, every call synchronous.
//
// Opening checks the file before touching it: a file SQLite cannot read, another application's
// database, or one written by a newer schema is refused with a StoreError that names the file and
// the way out; a newer database is never altered (not even switched to WAL). Each write is one
// transaction, so a crash (even kill -9) leaves either the previous state or the new one.

import type Database from 'better-sqlite3';
import { openDatabase } from './sqlite-driver.js';
import type { AddressBook, AddressBookChanges, AddressBookSnapshot } from '../core/addrbook/index.js';
import { bookMeta, changesToWrite, entryOfValues, ROW_COLUMNS, rowValues, snapshotOf, sortCanonically } from './address-rows.js';
import { StoreError, wayOut } from './errors.js';
import { MIGRATIONS, OWN_TABLES, SCHEMA_VERSION } from './schema.js';
import {
  DEFAULT_EVENT_CAP,
  DEFAULT_EVENT_LIMIT,
  type StoredBanKind,
  type EventQuery,
  type Store,
  type StoredAnchor,
  type StoredBan,
  type StoredEvent,
  type StoredPeer,
} from './types.js';

type Db = Database.Database;
type Statement = Database.Statement;

export interface SqliteStoreOptions {
  /** Events kept before the oldest are removed (default 100,000). */
  eventCap?: number;
}

interface PeerRow {
  id: string;
  last_endpoint: string | null;
  first_seen: number;
  last_seen: number;
  score: number;
  score_at: number;
  counts: string;
}

interface BanRow {
  target: string;
  kind: string;
  reason: string;
  created_at: number;
  expires_at: number | null;
}

interface EventRow {
  seq: number;
  at: number;
  peer_id: string | null;
  endpoint: string | null;
  kind: string;
  reason: string | null;
  data: string | null;
}

function sqliteCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

/** Reads a database's schema version without changing anything; throws StoreError if it is not usable. */
export function inspectDatabase(db: Db, file: string): number {
  let check: unknown;
  let tables: string[];
  try {
    check = db.pragma('quick_check', { simple: true });
    tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
  } catch (err) {
    throw new StoreError(`${file} is not a readable SQLite database (${(err as Error).message}). ${wayOut(file)}`, file, 'corrupt', { cause: err });
  }
  if (check !== 'ok') {
    throw new StoreError(`${file} is damaged: SQLite's integrity check reports "${String(check)}". ${wayOut(file)}`, file, 'corrupt');
  }
  const ours = tables.filter((t) => OWN_TABLES.includes(t) || t === 'sqlite_sequence');
  if (tables.length > 0 && !tables.includes('meta')) {
    throw new StoreError(
      `${file} is an SQLite database, but not peerwarden's (it has the tables ${tables.join(', ')}). Point --data-dir elsewhere, or ${wayOut(file).replace(/^Start/, 'start')}`,
      file,
      'not-peerwarden',
    );
  }
  if (tables.length === 0) return 0;
  const raw = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get() as string | undefined;
  const version = raw === undefined ? 0 : Number(raw);
  if (!Number.isInteger(version) || version < 0) {
    throw new StoreError(`${file} has an unreadable schema version (${String(raw)}). ${wayOut(file)}`, file, 'corrupt');
  }
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      `${file} was written by a newer peerwarden (schema ${version}; this version knows up to ${SCHEMA_VERSION}) and is left untouched. Upgrade peerwarden, or ${wayOut(file).replace(/^Start/, 'start')}`,
      file,
      'newer-schema',
    );
  }
  if (version === 0 && ours.length > 1) {
    throw new StoreError(`${file} has peerwarden's tables but no schema version. ${wayOut(file)}`, file, 'corrupt');
  }
  return version;
}

export class SqliteStore implements Store {
  readonly location: string;
  readonly #db: Db;
  readonly #eventCap: number;
  readonly #s: Record<string, Statement>;
  readonly #eventQueries = new Map<string, Statement>();
  readonly #writeBook: (changes: AddressBookChanges) => void;
  readonly #putPeers: (peers: StoredPeer[]) => void;
  readonly #setAnchors: (anchors: StoredAnchor[]) => void;
  readonly #appendEvents: (events: StoredEvent[]) => void;

  /** Opens (creating if needed) the database at `file`; throws StoreError when it cannot be used. */
  constructor(file: string, options: SqliteStoreOptions = {}) {
    this.location = file;
    this.#eventCap = Math.max(1, Math.floor(options.eventCap ?? DEFAULT_EVENT_CAP));
    let db: Db;
    try {
      db = openDatabase(file, { timeout: 5000 });
    } catch (err) {
      throw new StoreError(`${file} cannot be opened (${(err as Error).message}). Check that the data directory is writable.`, file, 'io', { cause: err });
    }
    try {
      const version = inspectDatabase(db, file);
      // WAL: readers never block the writer, and a commit is one append to the log. NORMAL
      // synchronous mode keeps every commit across a process crash (only a power cut can lose the
      // last ones), at a fraction of FULL's fsync cost.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      // A 60,000-entry book is ~10 MB; a page cache that holds it keeps commits from re-reading pages.
      db.pragma('cache_size = -32000');
      db.transaction(() => {
        for (let v = version; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
        db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
      })();
      this.#s = this.#prepare(db);
    } catch (err) {
      db.close();
      if (err instanceof StoreError) throw err;
      const code = sqliteCode(err);
      if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
        throw new StoreError(`${file} is not a readable SQLite database (${(err as Error).message}). ${wayOut(file)}`, file, 'corrupt', { cause: err });
      }
      throw new StoreError(`${file} cannot be prepared for use (${(err as Error).message}). ${wayOut(file)}`, file, 'corrupt', { cause: err });
    }
    this.#db = db;
    const s = this.#s;

    this.#writeBook = db.transaction((c: AddressBookChanges) => {
      if (c.full) s.clearAddresses!.run();
      for (const endpoint of c.deletes) s.deleteAddress!.run(endpoint);
      for (const u of c.upserts) s.putAddress!.run(...rowValues(u));
      s.clearCollisions!.run();
      c.collisions.forEach((endpoint, position) => s.putCollision!.run(position, endpoint));
      for (const [key, value] of bookMeta(c)) s.setMeta!.run(key, value);
    });
    this.#putPeers = db.transaction((peers: StoredPeer[]) => {
      for (const p of peers) {
        s.putPeer!.run(p.id, p.lastEndpoint ?? null, p.firstSeen, p.lastSeen, p.score, p.scoreAt, JSON.stringify(p.counts ?? {}));
      }
    });
    this.#setAnchors = db.transaction((anchors: StoredAnchor[]) => {
      s.clearAnchors!.run();
      anchors.forEach((a, position) => s.putAnchor!.run(position, a.id, a.endpoint, a.connectedAt));
    });
    this.#appendEvents = db.transaction((events: StoredEvent[]) => {
      let last = 0;
      for (const e of events) {
        const info = s.putEvent!.run(e.at, e.id ?? null, e.endpoint ?? null, e.kind, e.reason ?? null, e.data === undefined ? null : JSON.stringify(e.data));
        last = Number(info.lastInsertRowid);
      }
      // Sequence numbers are consecutive, so the cap is a cut below the newest one.
      if (last > this.#eventCap) s.trimEvents!.run(last - this.#eventCap);
    });
  }

  #prepare(db: Db): Record<string, Statement> {
    return {
      getMeta: db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
      setMeta: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
      allAddresses: db.prepare(`SELECT ${ROW_COLUMNS.join(', ')} FROM addresses`).raw(),
      putAddress: db.prepare(
        // REPLACE measured faster than an ON CONFLICT upsert for these rows.
        `INSERT OR REPLACE INTO addresses (${ROW_COLUMNS.join(', ')}) VALUES (${ROW_COLUMNS.map(() => '?').join(', ')})`,
      ),
      deleteAddress: db.prepare('DELETE FROM addresses WHERE endpoint = ?'),
      clearAddresses: db.prepare('DELETE FROM addresses'),
      allCollisions: db.prepare('SELECT endpoint FROM collisions ORDER BY position').pluck(),
      putCollision: db.prepare('INSERT INTO collisions (position, endpoint) VALUES (?, ?)'),
      clearCollisions: db.prepare('DELETE FROM collisions'),
      deleteBookMeta: db.prepare("DELETE FROM meta WHERE key LIKE 'addrbook.%'"),
      allBans: db.prepare('SELECT * FROM bans ORDER BY created_at, target'),
      putBan: db.prepare('INSERT OR REPLACE INTO bans (target, kind, reason, created_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
      deleteBan: db.prepare('DELETE FROM bans WHERE target = ?'),
      getPeer: db.prepare('SELECT * FROM peers WHERE id = ?'),
      allPeers: db.prepare('SELECT * FROM peers ORDER BY id'),
      putPeer: db.prepare('INSERT OR REPLACE INTO peers (id, last_endpoint, first_seen, last_seen, score, score_at, counts) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      allAnchors: db.prepare('SELECT id, endpoint, connected_at FROM anchors ORDER BY position'),
      putAnchor: db.prepare('INSERT INTO anchors (position, id, endpoint, connected_at) VALUES (?, ?, ?, ?)'),
      clearAnchors: db.prepare('DELETE FROM anchors'),
      putEvent: db.prepare('INSERT INTO events (at, peer_id, endpoint, kind, reason, data) VALUES (?, ?, ?, ?, ?, ?)'),
      trimEvents: db.prepare('DELETE FROM events WHERE seq <= ?'),
    };
  }

  // ---- address book ----

  loadAddressBook(): AddressBookSnapshot | undefined {
    const meta = (k: string) => this.getMeta(k);
    if (meta('addrbook.key') === undefined) return undefined;
    const rows = this.#s.allAddresses!.all() as unknown[][];
    const entries = sortCanonically(rows.map((values) => entryOfValues(values, this.location)));
    const collisions = this.#s.allCollisions!.all() as string[];
    return snapshotOf(meta, entries, collisions, this.location);
  }

  saveAddressBook(book: AddressBook): void {
    const changes = changesToWrite(book, (k) => this.getMeta(k));
    try {
      this.#writeBook(changes);
    } catch (err) {
      book.requeueChanges(changes);
      throw new StoreError(`${this.location}: saving the address book failed (${(err as Error).message}); the changes are kept for the next attempt.`, this.location, 'io', {
        cause: err,
      });
    }
  }

  /** Forgets the stored address book (its rows, collisions and key); bans, peers, anchors and events stay. */
  clearAddressBook(): void {
    this.#db.transaction(() => {
      this.#s.clearAddresses!.run();
      this.#s.clearCollisions!.run();
      this.#s.deleteBookMeta!.run();
    })();
  }

  // ---- bans ----

  bans(): StoredBan[] {
    return (this.#s.allBans!.all() as BanRow[]).map((r) => {
      const ban: StoredBan = { target: r.target, kind: r.kind as StoredBanKind, reason: r.reason, createdAt: r.created_at };
      if (r.expires_at !== null) ban.expiresAt = r.expires_at;
      return ban;
    });
  }

  putBan(ban: StoredBan): void {
    this.#s.putBan!.run(ban.target, ban.kind, ban.reason, ban.createdAt, ban.expiresAt ?? null);
  }

  deleteBan(target: string): boolean {
    return this.#s.deleteBan!.run(target).changes > 0;
  }

  // ---- peers ----

  #peerOf(r: PeerRow): StoredPeer {
    let counts: Record<string, number> = {};
    try {
      counts = JSON.parse(r.counts) as Record<string, number>;
    } catch {
      // A damaged counter blob costs statistics, not the peer.
    }
    const peer: StoredPeer = { id: r.id, firstSeen: r.first_seen, lastSeen: r.last_seen, score: r.score, scoreAt: r.score_at, counts };
    if (r.last_endpoint !== null) peer.lastEndpoint = r.last_endpoint;
    return peer;
  }

  peer(id: string): StoredPeer | undefined {
    const r = this.#s.getPeer!.get(id) as PeerRow | undefined;
    return r ? this.#peerOf(r) : undefined;
  }

  peers(): StoredPeer[] {
    return (this.#s.allPeers!.all() as PeerRow[]).map((r) => this.#peerOf(r));
  }

  putPeers(peers: StoredPeer[]): void {
    this.#putPeers(peers);
  }

  // ---- anchors ----

  anchors(): StoredAnchor[] {
    return (this.#s.allAnchors!.all() as Array<{ id: string; endpoint: string; connected_at: number }>).map((r) => ({
      id: r.id,
      endpoint: r.endpoint,
      connectedAt: r.connected_at,
    }));
  }

  setAnchors(anchors: StoredAnchor[]): void {
    this.#setAnchors(anchors);
  }

  // ---- events ----

  appendEvents(events: StoredEvent[]): void {
    if (events.length > 0) this.#appendEvents(events);
  }

  events(query: EventQuery = {}): StoredEvent[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (query.id !== undefined) {
      where.push('peer_id = ?');
      args.push(query.id);
    }
    if (query.endpoint !== undefined) {
      where.push('endpoint = ?');
      args.push(query.endpoint);
    }
    if (query.kind !== undefined) {
      where.push('kind = ?');
      args.push(query.kind);
    }
    if (query.since !== undefined) {
      where.push('at >= ?');
      args.push(query.since);
    }
    const sql = `SELECT * FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    let stmt = this.#eventQueries.get(sql);
    if (!stmt) {
      stmt = this.#db.prepare(sql);
      this.#eventQueries.set(sql, stmt);
    }
    const limit = Math.max(0, Math.floor(query.limit ?? DEFAULT_EVENT_LIMIT));
    const rows = stmt.all(...args, limit) as EventRow[];
    return rows.reverse().map((r) => {
      const e: StoredEvent = { seq: r.seq, at: r.at, kind: r.kind };
      if (r.peer_id !== null) e.id = r.peer_id;
      if (r.endpoint !== null) e.endpoint = r.endpoint;
      if (r.reason !== null) e.reason = r.reason;
      if (r.data !== null) {
        try {
          e.data = JSON.parse(r.data);
        } catch {
          e.data = r.data;
        }
      }
      return e;
    });
  }

  // ---- meta ----

  getMeta(key: string): string | undefined {
    return this.#s.getMeta!.get(key) as string | undefined;
  }

  setMeta(key: string, value: string): void {
    this.#s.setMeta!.run(key, value);
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
