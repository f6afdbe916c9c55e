// The database schema and its migrations; the version in `meta` says which migrations ran.
//
// Migration n takes a database from version n to n + 1. A database whose version is above
// SCHEMA_VERSION was written by a newer peerwarden: it is refused and never altered.

export const SCHEMA_VERSION = 1;

export const MIGRATIONS: readonly string[] = [
  // 0 → 1: the first schema.
  `
  CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
  ) WITHOUT ROWID;

  -- Times are INTEGER columns: whole milliseconds take 6 bytes and the many zeros ("never") none;
  -- a fractional time from an unusual clock is kept as a REAL all the same.
  CREATE TABLE addresses (
    endpoint           TEXT PRIMARY KEY NOT NULL,
    services           TEXT NOT NULL,
    time               INTEGER NOT NULL,
    source             TEXT NOT NULL,
    origin             TEXT NOT NULL,
    last_try           INTEGER NOT NULL,
    last_success       INTEGER NOT NULL,
    last_count_attempt INTEGER NOT NULL,
    attempts           INTEGER NOT NULL,
    tried              INTEGER NOT NULL,
    slots              TEXT NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE collisions (
    position INTEGER PRIMARY KEY,
    endpoint TEXT NOT NULL
  );

  CREATE TABLE peers (
    id            TEXT PRIMARY KEY NOT NULL,
    last_endpoint TEXT,
    first_seen    REAL NOT NULL,
    last_seen     REAL NOT NULL,
    score         REAL NOT NULL,
    score_at      REAL NOT NULL,
    counts        TEXT NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE bans (
    target     TEXT PRIMARY KEY NOT NULL,
    kind       TEXT NOT NULL,
    reason     TEXT NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL
  ) WITHOUT ROWID;

  CREATE TABLE anchors (
    position     INTEGER PRIMARY KEY,
    id           TEXT NOT NULL,
    endpoint     TEXT NOT NULL,
    connected_at REAL NOT NULL
  );

  CREATE TABLE events (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    at       REAL NOT NULL,
    peer_id  TEXT,
    endpoint TEXT,
    kind     TEXT NOT NULL,
    reason   TEXT,
    data     TEXT
  );
  CREATE INDEX events_by_peer ON events (peer_id, seq);
  CREATE INDEX events_by_endpoint ON events (endpoint, seq);
  CREATE INDEX events_by_kind ON events (kind, seq);
  `,
];

/** The tables a peerwarden database has (to tell it from another application's SQLite file). */
export const OWN_TABLES = ['meta', 'addresses', 'collisions', 'peers', 'bans', 'anchors', 'events'];
