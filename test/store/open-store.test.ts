import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AddressBook } from '../../src/core/addrbook/index.js';
import { createRandom } from '../../src/core/random.js';
import { DATABASE_FILE, loadAddressBook, openStore, RESET_FLAG, SCHEMA_VERSION, StoreError, type ResetReport } from '../../src/store/index.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const tempDir = tempDirs('pw-open-');

const clock = { now: () => 1_700_000_000_000 };
const fixedClock = { now: () => Date.UTC(2030, 0, 2, 3, 4, 5, 678) };

function savedBook(dir: string): AddressBook {
  const store = openStore(dir);
  const book = new AddressBook({ key: createRandom(1).bytes(32), clock, random: createRandom(1) });
  for (let i = 1; i < 40; i++) book.add([{ endpoint: `250.${i}.1.1:7000`, time: clock.now() }], `251.${i}.0.1`);
  book.good('250.1.1.1:7000');
  store.saveAddressBook(book);
  store.putBan({ target: '9.9.9.9', kind: 'ip', reason: 'abuse', createdAt: 1 });
  store.putPeers([{ id: 'p', firstSeen: 1, lastSeen: 2, score: 1, scoreAt: 2, counts: {} }]);
  store.close();
  return book;
}

function expectRefusal(fn: () => unknown, reason: string, file: string): StoreError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(StoreError);
  const err = caught as StoreError;
  expect(err.reason).toBe(reason);
  expect(err.file).toBe(file);
  expect(err.message).toContain(file);
  expect(err.message).toContain(RESET_FLAG);
  return err;
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('openStore', () => {
  it('creates the directory and a WAL-mode database with the current schema', () => {
    const dir = join(tempDir(), 'nested', 'data');
    const store = openStore(dir);
    expect(store.location).toBe(join(dir, DATABASE_FILE));
    expect(store.getMeta('schema_version')).toBe(String(SCHEMA_VERSION));
    // Owner only: the database holds the address book's secret bucket key.
    expect(statSync(join(dir, DATABASE_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, `${DATABASE_FILE}-wal`)).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    store.close();
    const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect((db.prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").pluck().all() as string[]).filter((t) => !t.startsWith('sqlite'))).toEqual([
      'addresses',
      'anchors',
      'bans',
      'collisions',
      'events',
      'meta',
      'peers',
    ]);
    db.close();
  });

  it('refuses a file that is not a database, naming it and the way out', () => {
    const dir = tempDir();
    const file = join(dir, DATABASE_FILE);
    writeFileSync(file, 'this is not a database at all, just some text that is long enough to look like a header '.repeat(20));
    const before = sha(file);
    expectRefusal(() => openStore(dir), 'corrupt', file);
    expect(sha(file)).toBe(before);
  });

  it('refuses a damaged database', () => {
    const dir = tempDir();
    savedBook(dir);
    const file = join(dir, DATABASE_FILE);
    // Overwrite the middle of the file (table pages) with garbage.
    const bytes = readFileSync(file);
    for (let i = 4096 + 100; i < bytes.length; i += 7) bytes[i] = 0xa5;
    writeFileSync(file, bytes);
    expectRefusal(() => openStore(dir), 'corrupt', file);
  });

  it("refuses another application's SQLite database", () => {
    const dir = tempDir();
    const file = join(dir, DATABASE_FILE);
    const db = new Database(file);
    db.exec('CREATE TABLE invoices (id INTEGER)');
    db.close();
    expectRefusal(() => openStore(dir), 'not-peerwarden', file);
  });

  it('refuses a database from a newer schema and leaves it byte for byte untouched', () => {
    const dir = tempDir();
    savedBook(dir);
    const file = join(dir, DATABASE_FILE);
    const db = new Database(file);
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(SCHEMA_VERSION + 1));
    db.pragma('journal_mode = DELETE');
    db.close();
    const before = sha(file);
    const err = expectRefusal(() => openStore(dir), 'newer-schema', file);
    expect(err.message).toMatch(/newer peerwarden \(schema 2; this version knows up to 1\)/);
    expect(sha(file)).toBe(before);
    const check = new Database(file, { readonly: true });
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    check.close();
  });

  it('refuses an unreadable address row when loading', () => {
    const dir = tempDir();
    savedBook(dir);
    const file = join(dir, DATABASE_FILE);
    const db = new Database(file);
    db.prepare("UPDATE addresses SET slots = 'x,y' WHERE endpoint = '250.2.1.1:7000'").run();
    db.close();
    const store = openStore(dir);
    const err = expectRefusal(() => store.loadAddressBook(), 'unreadable-row', file);
    expect(err.message).toContain('250.2.1.1:7000');
    store.close();
  });

  it('refuses a stored book that fails its consistency check', () => {
    const dir = tempDir();
    savedBook(dir);
    const file = join(dir, DATABASE_FILE);
    const db = new Database(file);
    // Move one new entry to a free slot where its hash does not put it.
    const row = db.prepare("SELECT endpoint, slots FROM addresses WHERE tried = 0 AND slots NOT LIKE '%,%' LIMIT 1").get() as { endpoint: string; slots: string };
    const used = new Set((db.prepare('SELECT slots FROM addresses WHERE tried = 0').pluck().all() as string[]).flatMap((s) => s.split(',').map(Number)));
    let free = 0;
    while (used.has(free)) free++;
    db.prepare('UPDATE addresses SET slots = ? WHERE endpoint = ?').run(String(free), row.endpoint);
    db.close();
    const store = openStore(dir);
    const err = expectRefusal(() => loadAddressBook(store, { clock, random: createRandom(1) }), 'inconsistent', file);
    expect(err.message).toMatch(/consistency check with code -19/);
    store.close();
  });

  it('--reset-address-book backs a readable file up, then starts a fresh book and keeps bans and peers', () => {
    const dir = tempDir();
    const old = savedBook(dir);
    const file = join(dir, DATABASE_FILE);
    const reports: ResetReport[] = [];
    const store = openStore(dir, { resetAddressBook: true, clock: fixedClock, onReset: (r) => reports.push(r) });
    expect(reports).toEqual([
      {
        file,
        backup: `${file}.bak-20300102T030405.678Z`,
        method: 'cleared',
        addresses: old.size(),
        kept: { bans: 1, peers: 1, anchors: 0, events: 0, meta: 0 },
        lost: [],
        keptOtherData: true,
      },
    ]);
    expect(store.loadAddressBook()).toBeUndefined();
    expect(store.bans().map((b) => b.target)).toEqual(['9.9.9.9']);
    expect(store.peers().map((p) => p.id)).toEqual(['p']);
    store.close();
    // The backup is a complete, openable copy with the old book.
    const backupDir = tempDir();
    writeFileSync(join(backupDir, DATABASE_FILE), readFileSync(reports[0]!.backup));
    const backup = openStore(backupDir);
    expect(backup.loadAddressBook()).toEqual(old.snapshot());
    backup.close();
  });

  it('--reset-address-book moves a file that is not a database aside untouched and starts afresh', () => {
    const dir = tempDir();
    const file = join(dir, DATABASE_FILE);
    writeFileSync(file, 'garbage '.repeat(1000));
    const before = sha(file);
    const reports: ResetReport[] = [];
    const store = openStore(dir, { resetAddressBook: true, clock: fixedClock, onReset: (r) => reports.push(r) });
    expect(reports[0]).toMatchObject({ method: 'salvaged', keptOtherData: false, addresses: undefined, kept: { bans: 0, peers: 0, anchors: 0, events: 0, meta: 0 } });
    expect(reports[0]!.problem).toMatch(/not a readable SQLite database/);
    expect(reports[0]!.lost).toEqual([{ table: '*', reason: expect.stringMatching(/list of tables cannot be read/) }]);
    expect(sha(reports[0]!.backup)).toBe(before);
    expect(store.bans()).toEqual([]);
    store.close();

    // A second reset in the same millisecond gets its own backup name.
    const again: ResetReport[] = [];
    openStore(dir, { resetAddressBook: true, clock: fixedClock, onReset: (r) => again.push(r) }).close();
    expect(again[0]!.backup).toBe(`${reports[0]!.backup}-1`);
    expect(readdirSync(dir).filter((f) => f.includes('.bak-')).length).toBeGreaterThanOrEqual(2);
  });

  it('--reset-address-book with nothing saved yet just opens', () => {
    const dir = tempDir();
    const reports: ResetReport[] = [];
    openStore(dir, { resetAddressBook: true, onReset: (r) => reports.push(r) }).close();
    expect(reports).toEqual([]);
    expect(existsSync(join(dir, DATABASE_FILE))).toBe(true);
  });
});
