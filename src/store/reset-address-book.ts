// --reset-address-book: back the database up, start a fresh address book, and carry over every ban, peer, anchor and event that can still be read.
//
// Two ways, depending on the file:
//
// - A readable peerwarden database (SQLite's quick_check passes, schema this version's or older) is
//   copied with VACUUM INTO (a consistent snapshot even in WAL mode) and only its address book is
//   emptied, in place, in one transaction: everything else stays exactly as it was.
// - Anything else (damaged, truncated, a newer schema, not a database at all) is never modified: a
//   copy of it (and of its -wal) is read table by table and row by row, whatever reads back valid
//   goes into a fresh database, and the old file itself, untouched, becomes the backup.
//
// The salvage reads only through SQLite's b-trees. A page-level scan of the raw file (what the
// sqlite3 shell's .recover does) would find more after heavy damage, but it also finds rows on free
// pages that were deleted long ago: it would bring back bans the operator lifted. A scan that stops
// at a damaged page is resumed from the other end of the table, so one damaged page costs only the
// rows on it; rows between two damaged pages of one table are left in the backup, and the report
// says so. The node key is not in the database (`<dataDir>/node.key`) and nothing here touches it.

import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { openDatabase } from './sqlite-driver.js';
import type { Clock } from '../core/clock.js';
import { parseBanTarget } from '../core/reputation/ban-target.js';
import { systemClock } from '../platform/index.js';
import { RESET_FLAG, StoreError, wayOut } from './errors.js';
import { inspectDatabase, SqliteStore } from './sqlite-store.js';

/** The tables a reset carries over ('meta': settings other than the address book's and the schema version). */
export type CarriedTable = 'bans' | 'peers' | 'anchors' | 'events' | 'meta';

export const CARRIED_TABLES: readonly CarriedTable[] = ['bans', 'peers', 'anchors', 'events', 'meta'];

/** What a reset did: what it reset, what it kept, what it could not read, and where the old data is. */
export interface ResetReport {
  /** The database that was reset. */
  file: string;
  /**
   * Where the old data is. 'cleared': a consistent copy of the whole old database. 'salvaged': the
   * old file itself, moved there untouched (with its -wal and -shm files, when it had them).
   */
  backup: string;
  /**
   * 'cleared': the file was readable; only its address book was emptied, in place.
   * 'salvaged': it could not be used as it was; what could be read was copied into a fresh database.
   */
  method: 'cleared' | 'salvaged';
  /** Why the file could not be used as it was (method 'salvaged'). */
  problem?: string;
  /** Address-book entries dropped; undefined when the damaged table could not be counted. */
  addresses: number | undefined;
  /** Rows now in the database the node uses, per table. */
  kept: Record<CarriedTable, number>;
  /**
   * What could not be carried over and is only in the backup, one line per table ('*': the whole
   * file). Empty when everything but the address book was kept.
   */
  lost: Array<{ table: CarriedTable | '*'; reason: string }>;
  /** True when everything but the address book was kept (`lost` is empty). */
  keptOtherData: boolean;
}

/** Meta keys that belong to the address book (reset) or to the schema (written afresh), not carried over. */
const NOT_CARRIED_META = "key LIKE 'addrbook.%' OR key = 'schema_version'";

const isText = (v: unknown): v is string => typeof v === 'string';
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isTextOrNull = (v: unknown): boolean => v === null || typeof v === 'string';
const NODE_ID = /^[0-9a-f]{64}$/;

interface TableSpec {
  /** Columns read and written back, the key first. */
  columns: readonly string[];
  /**
   * Whether a row read from a damaged file is one this table really held. A damaged b-tree can
   * hand SQLite another table's page (or garbage that looks like one); its rows then come back in
   * the wrong shape, and these checks keep them out.
   */
  valid(row: unknown[]): boolean;
}

const TABLES: Record<CarriedTable, TableSpec> = {
  bans: {
    columns: ['target', 'kind', 'reason', 'created_at', 'expires_at'],
    valid: ([target, kind, reason, createdAt, expiresAt]) => {
      if (!isText(target) || !isText(reason) || !isTime(createdAt) || !(expiresAt === null || isTime(expiresAt))) return false;
      if (kind !== 'id' && kind !== 'ip' && kind !== 'subnet') return false;
      try {
        // The target must still be what its kind says: a node id, an IP or a CIDR subnet.
        return parseBanTarget(target).kind === kind;
      } catch {
        return false;
      }
    },
  },
  peers: {
    columns: ['id', 'last_endpoint', 'first_seen', 'last_seen', 'score', 'score_at', 'counts'],
    valid: ([id, lastEndpoint, firstSeen, lastSeen, score, scoreAt, counts]) =>
      isText(id) && NODE_ID.test(id) && isTextOrNull(lastEndpoint) && isTime(firstSeen) && isTime(lastSeen) && isTime(score) && isTime(scoreAt) && isText(counts),
  },
  anchors: {
    columns: ['position', 'id', 'endpoint', 'connected_at'],
    valid: ([position, id, endpoint, connectedAt]) => Number.isInteger(position) && isText(id) && NODE_ID.test(id) && isText(endpoint) && isTime(connectedAt),
  },
  events: {
    columns: ['seq', 'at', 'peer_id', 'endpoint', 'kind', 'reason', 'data'],
    valid: ([seq, at, peerId, endpoint, kind, reason, data]) =>
      Number.isInteger(seq) && isTime(at) && isTextOrNull(peerId) && isTextOrNull(endpoint) && isText(kind) && kind.length > 0 && isTextOrNull(reason) && isTextOrNull(data),
  },
  meta: {
    columns: ['key', 'value'],
    valid: ([key, value]) => isText(key) && isText(value),
  },
};

function emptyCounts(): Record<CarriedTable, number> {
  return { bans: 0, peers: 0, anchors: 0, events: 0, meta: 0 };
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '');
}

/** `<file>.bak-<UTC time>`, with -1, -2… when that name (or its -wal) is taken. */
export function backupName(file: string, clock: Clock): string {
  const base = `${file}.bak-${stamp(clock.now())}`;
  let name = base;
  for (let i = 1; existsSync(name) || existsSync(`${name}-wal`); i++) name = `${base}-${i}`;
  return name;
}

const SIDE_FILES = ['-wal', '-shm', '-journal'];

/**
 * Moves a database and its side files aside, untouched. The -wal goes first: a -wal left behind
 * under the old name next to a new database file would be replayed into it by SQLite.
 */
export function moveAside(file: string, backup: string): void {
  for (const suffix of SIDE_FILES) {
    if (existsSync(file + suffix)) renameSync(file + suffix, backup + suffix);
  }
  renameSync(file, backup);
}

function removeDatabase(file: string): void {
  for (const suffix of SIDE_FILES) rmSync(file + suffix, { force: true });
  rmSync(file, { force: true });
}

/** Makes a rename durable: the directory entry, not only the file, must reach the disk. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems cannot fsync a directory; the rename has happened all the same.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The diagnosis of a refusal, without the file's name and the way out (which is this very reset). */
function problemOf(err: unknown, file: string): string {
  let text = messageOf(err);
  const out = wayOut(file);
  text = text.replace(out, '').replace(out.replace(/^Start/, 'start'), '');
  text = text.replace(/\s*(Upgrade peerwarden, or|Point --data-dir elsewhere, or)\s*$/, '');
  if (text.startsWith(`${file} `)) text = text.slice(file.length + 1).replace(/^(is|was) /, '');
  // SQLite's integrity check lists every damaged page; the first few say what happened.
  text = text.replace(/\*\*\* in database main \*\*\*\s*/, '');
  const lines = text.split('\n');
  if (lines.length > 3) text = `${lines.slice(0, 3).join(' ')} … (${lines.length - 3} more lines)`;
  text = text.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

/**
 * Backs `file` up and empties its address book, keeping everything else that can be read (see the
 * header of this module). The node key is not in the database and is never touched. Throws
 * StoreError (reason 'io') only when the file cannot be copied or moved, or the fresh database
 * cannot be written; the old file is then still where it was.
 */
export function resetAddressBook(file: string, clock: Clock = systemClock): ResetReport {
  const backup = backupName(file, clock);
  const cleared = clearInPlace(file, backup);
  if ('method' in cleared) return cleared;
  return salvage(file, backup, cleared.problem);
}

/**
 * The readable case: a consistent copy as the backup, then the address book emptied in one
 * transaction. The file is checked through a read-only connection first: a read-write one would
 * checkpoint the -wal into the file when it closes, and a file that fails its checks (or was
 * written by a newer schema) must become the backup exactly as it was.
 */
function clearInPlace(file: string, backup: string): ResetReport | { problem: string } {
  let db: Database.Database | undefined;
  let version: number;
  try {
    db = openDatabase(file, { readonly: true, timeout: 5000, fileMustExist: true });
    version = inspectDatabase(db, file);
    db.prepare('VACUUM INTO ?').run(backup);
    db.close();
  } catch (err) {
    if (db?.open) db.close();
    // A VACUUM INTO that failed half-way leaves a partial copy under the backup's name.
    rmSync(backup, { force: true });
    return { problem: problemOf(err, file) };
  }
  const kept = emptyCounts();
  let addresses = 0;
  if (version >= 1) {
    db = openDatabase(file, { timeout: 5000, fileMustExist: true });
    try {
      const count = (sql: string) => db!.prepare(sql).pluck().get() as number;
      db.transaction(() => {
        addresses = count('SELECT count(*) FROM addresses');
        for (const t of CARRIED_TABLES) {
          kept[t] = count(t === 'meta' ? `SELECT count(*) FROM meta WHERE NOT (${NOT_CARRIED_META})` : `SELECT count(*) FROM ${t}`);
        }
        db!.exec("DELETE FROM addresses; DELETE FROM collisions; DELETE FROM meta WHERE key LIKE 'addrbook.%';");
      })();
    } finally {
      db.close();
    }
  }
  return { file, backup, method: 'cleared', addresses, kept, lost: [], keptOtherData: true };
}

interface Salvaged {
  rows: Record<CarriedTable, unknown[][]>;
  lost: ResetReport['lost'];
  addresses: number | undefined;
}

/**
 * The damaged case. The old file is read through a copy: the backup must be the file exactly as it
 * was, and the copy can be opened the way reading damage needs (writable, writable_schema) at no
 * risk to it. The fresh database is written in full under a temporary name and only then swapped
 * in, so an interrupted reset leaves the old file in place (and the next reset starts over).
 */
function salvage(file: string, backup: string, problem: string): ResetReport {
  const scratch = `${file}.reset-read`;
  const fresh = `${file}.reset-new`;
  const ioError = (what: string, err: unknown) =>
    new StoreError(`${file}: ${RESET_FLAG} failed: ${what} (${messageOf(err)}). ${file} is unchanged; free some space or fix the permissions and start again.`, file, 'io', {
      cause: err,
    });
  // Left by a reset that was interrupted: never data of their own.
  removeDatabase(scratch);
  removeDatabase(fresh);

  let read: Salvaged;
  try {
    copyFileSync(file, scratch);
    if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${scratch}-wal`);
    read = readWhatCanBeRead(scratch);
  } catch (err) {
    removeDatabase(scratch);
    throw ioError(`copying it to ${scratch} for reading`, err);
  }
  removeDatabase(scratch);

  try {
    // Owner only, like every database openStore creates: it will hold the address book's secret key.
    closeSync(openSync(fresh, 'wx', 0o600));
    // The store creates the schema, so the fresh file is exactly what a first start makes.
    new SqliteStore(fresh).close();
    writeRows(fresh, read.rows);
    const fd = openSync(fresh, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    removeDatabase(fresh);
    throw ioError(`writing the fresh database ${fresh}`, err);
  }

  try {
    moveAside(file, backup);
    // Between these two renames there is no database under the file's name: a crash there (a few
    // microseconds) leaves the old file as the backup and the salvaged one as <file>.reset-new.
    renameSync(fresh, file);
    syncDirectory(dirname(file));
  } catch (err) {
    throw new StoreError(
      `${file} could not be moved aside to ${backup} (${messageOf(err)}); move it yourself, rename ${basename(fresh)} (what could be read of it) to ${basename(file)}, and start again.`,
      file,
      'io',
      { cause: err },
    );
  }
  const kept = emptyCounts();
  for (const t of CARRIED_TABLES) kept[t] = read.rows[t].length;
  return { file, backup, method: 'salvaged', problem, addresses: read.addresses, kept, lost: read.lost, keptOtherData: read.lost.length === 0 };
}

/** Everything of CARRIED_TABLES that reads back valid from a damaged file; never throws for damage. */
function readWhatCanBeRead(file: string): Salvaged {
  const rows: Record<CarriedTable, unknown[][]> = { bans: [], peers: [], anchors: [], events: [], meta: [] };
  const lost: Salvaged['lost'] = [];
  let db: Database.Database;
  try {
    db = openDatabase(file, { fileMustExist: true });
  } catch (err) {
    return { rows, lost: [{ table: '*', reason: `it cannot be opened (${messageOf(err)})` }], addresses: undefined };
  }
  try {
    // writable_schema lets SQLite read a file shorter than its header says (a truncated file would
    // otherwise be refused whole); it takes effect only outside better-sqlite3's default defensive
    // mode, which unsafeMode turns off. cell_size_check makes SQLite refuse damaged cells instead
    // of decoding garbage. Nothing is ever written to this copy.
    let tables: string[];
    try {
      db.unsafeMode(true);
      db.pragma('writable_schema = ON');
      db.pragma('cell_size_check = ON');
      tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    } catch (err) {
      // Page 1 (the schema) is unreadable: SQLite cannot find any table in the file.
      return { rows, lost: [{ table: '*', reason: `its list of tables cannot be read (${messageOf(err)})` }], addresses: undefined };
    }
    if (tables.length === 0) return { rows, lost, addresses: 0 };
    if (!tables.includes('meta')) {
      // Another application's database: its tables of the same names are not ours to import.
      return { rows, lost: [{ table: '*', reason: `it is not a peerwarden database (tables ${tables.join(', ')}); nothing was carried over` }], addresses: undefined };
    }
    for (const table of CARRIED_TABLES) {
      if (!tables.includes(table)) {
        lost.push({ table, reason: 'the table is missing' });
        continue;
      }
      const result = scanTable(db, table, TABLES[table]);
      rows[table] = table === 'meta' ? result.rows.filter(([key]) => !/^addrbook\.|^schema_version$/.test(key as string)) : result.rows;
      const problems: string[] = [];
      if (result.error !== undefined) {
        problems.push(
          `damage stopped the reading (${result.error}); read from both ends, ${result.rows.length} rows were kept, ` +
            'and the rows on the damaged pages (and between them, when there are several) are only in the backup',
        );
      }
      if (result.rejected > 0) problems.push(`${result.rejected} ${result.rejected === 1 ? 'row' : 'rows'} with unreadable values`);
      if (problems.length > 0) lost.push({ table, reason: problems.join('; ') });
    }
    let addresses: number | undefined;
    try {
      addresses = db.prepare('SELECT count(*) FROM addresses').pluck().get() as number;
    } catch {
      addresses = undefined;
    }
    return { rows, lost, addresses };
  } finally {
    try {
      db.close();
    } catch {
      // Closing a damaged copy can fail while checkpointing it; the copy is deleted anyway.
    }
  }
}

interface Scan {
  rows: unknown[][];
  rejected: number;
  /** Why the forward scan stopped early (the backward one then read up to the damage). */
  error?: string;
}

/**
 * Reads a table row by row in key order (the table's own b-tree, no sort: a sort reads every row
 * before returning one, so one damaged page would cost them all). When damage stops the scan, it
 * starts again from the other end and reads back toward the damage.
 */
function scanTable(db: Database.Database, table: CarriedTable, spec: TableSpec): Scan {
  const byKey = new Map<unknown, unknown[]>();
  const rejectedKeys = new Set<unknown>();
  let error: string | undefined;
  for (const order of ['ASC', 'DESC'] as const) {
    try {
      const stmt = db.prepare(`SELECT ${spec.columns.join(', ')} FROM ${table} ORDER BY ${spec.columns[0]} ${order}`).raw();
      for (const row of stmt.iterate() as IterableIterator<unknown[]>) {
        const key = row[0];
        // The backward scan meets the rows the forward one read only when nothing stopped it early.
        if (byKey.has(key) || rejectedKeys.has(key)) break;
        if (spec.valid(row)) byKey.set(key, row);
        else rejectedKeys.add(key);
      }
      if (order === 'ASC') break;
    } catch (err) {
      // The backward scan stops at the same damage (or another part): what it read is kept.
      if (order === 'ASC') error = messageOf(err);
    }
  }
  const rows = [...byKey.values()].sort((a, b) => compareKeys(a[0], b[0]));
  return { rows, rejected: rejectedKeys.size, ...(error !== undefined ? { error } : {}) };
}

function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** Inserts the salvaged rows as they were read (same keys, sequence numbers and positions), in one transaction. */
function writeRows(file: string, rows: Record<CarriedTable, unknown[][]>): void {
  const db = openDatabase(file, { fileMustExist: true });
  try {
    db.transaction(() => {
      for (const table of CARRIED_TABLES) {
        const { columns } = TABLES[table];
        const insert = db.prepare(`INSERT OR REPLACE INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
        for (const row of rows[table]) insert.run(...row);
      }
    })();
    // Everything into the one file before it is renamed: a -wal would not follow the rename.
    // openStore switches it back to WAL when it opens it.
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** One log line: what the reset did, what it reset, kept and could not read, and where the backup is. */
export function describeReset(report: ResetReport): string {
  const how =
    report.method === 'cleared'
      ? `${report.file} was backed up as ${report.backup} (a consistent copy) and its address book was emptied in place`
      : `${report.file} could not be used as it was (${report.problem ?? 'unreadable'}); it was moved untouched to ${report.backup} and what could be read was copied into a fresh database`;
  const reset = report.addresses === undefined ? 'the address book (its size could not be read)' : `the address book (${plural(report.addresses, 'address', 'addresses')})`;
  const k = report.kept;
  const kept = `${plural(k.bans, 'ban')}, ${plural(k.peers, 'peer')}, ${plural(k.anchors, 'anchor')}, ${plural(k.events, 'event')}, ${plural(k.meta, 'other setting')}`;
  const lost =
    report.lost.length === 0
      ? 'nothing else was lost'
      : `not carried over (only in the backup): ${report.lost.map((l) => `${l.table === '*' ? 'the whole file' : l.table}: ${l.reason}`).join('; ')}`;
  return `${RESET_FLAG}: ${how}. Reset: ${reset}. Kept: ${kept}; ${lost}.`;
}
