// --reset-address-book on damaged databases: everything readable but the address book is carried over, the damaged file is the untouched backup, the node key and id survive, and the log says so.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AddressBook } from '../../src/core/addrbook/index.js';
import { createRandom } from '../../src/core/random.js';
import { createNode, NODE_KEY_FILE } from '../../src/node/index.js';
import {
  DATABASE_FILE,
  describeReset,
  loadAddressBook,
  openStore,
  SCHEMA_VERSION,
  StoreError,
  type ResetReport,
  type StoredAnchor,
  type StoredBan,
  type StoredEvent,
  type StoredPeer,
} from '../../src/store/index.js';
import { startCli } from '../helpers/cli.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const tempDir = tempDirs('pw-reset-');

const clock = { now: () => 1_700_000_000_000 };
const fixedClock = { now: () => Date.UTC(2030, 0, 2, 3, 4, 5, 678) };
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const nodeId = (i: number) => createHash('sha256').update(`peer ${i}`).digest('hex');

interface Saved {
  bans: StoredBan[];
  peers: StoredPeer[];
  anchors: StoredAnchor[];
  events: StoredEvent[];
  addresses: number;
}

/**
 * A database with enough of everything to span several pages per table: 300 bans (ids, IPs and
 * subnets, some expiring), 60 peers, 3 anchors, 400 events, a setting of the application's own,
 * and a 2,000-address book written last (so its pages come after the others').
 */
function populate(dir: string): Saved {
  const store = openStore(dir);
  for (let i = 0; i < 300; i++) {
    const kind = i % 3 === 0 ? 'id' : i % 3 === 1 ? 'ip' : 'subnet';
    const target = kind === 'id' ? nodeId(i) : kind === 'ip' ? `10.${i >> 8}.${i & 255}.1` : `10.${100 + (i >> 8)}.${i & 255}.0/24`;
    store.putBan({ target, kind, reason: `misbehaved ${i} times`, createdAt: 1_000 + i, ...(i % 4 === 0 ? { expiresAt: 9_000_000_000_000 + i } : {}) });
  }
  store.putPeers(
    Array.from({ length: 60 }, (_, i) => ({
      id: nodeId(1000 + i),
      ...(i % 2 ? { lastEndpoint: `10.9.${i}.1:7000` } : {}),
      firstSeen: 1,
      lastSeen: 2 + i,
      score: i - 30,
      scoreAt: 5,
      counts: { connections: i },
    })),
  );
  store.setAnchors([0, 1, 2].map((i) => ({ id: nodeId(2000 + i), endpoint: `10.8.0.${i}:7000`, connectedAt: 10 + i })));
  store.appendEvents(Array.from({ length: 400 }, (_, i) => ({ at: 100 + i, id: nodeId(i % 7), endpoint: `10.7.0.${i % 9}:7000`, kind: 'connected', reason: `event ${i}`, data: { i } })));
  store.setMeta('app.note', 'the operator wrote this');
  const book = new AddressBook({ key: createRandom(1).bytes(32), clock, random: createRandom(1) });
  for (let i = 1; i < 2000; i++) book.add([{ endpoint: `250.${i & 255}.${i >> 8}.1:7000`, time: clock.now() }], `251.${i & 255}.0.1`);
  store.saveAddressBook(book);
  const saved = { bans: store.bans(), peers: store.peers(), anchors: store.anchors(), events: store.events({ limit: 10_000 }), addresses: book.size() };
  store.close();
  expect(saved.bans).toHaveLength(300);
  return saved;
}

/** The pages of each table and index (SQLite's dbstat), to damage exactly the ones a test means. */
function pagesOf(file: string): Record<string, number[]> {
  const db = new Database(file, { readonly: true });
  const rows = db.prepare('SELECT name, pageno FROM dbstat ORDER BY pageno').all() as Array<{ name: string; pageno: number }>;
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  expect(pageSize).toBe(4096);
  const by: Record<string, number[]> = {};
  for (const r of rows) (by[r.name] ??= []).push(r.pageno);
  return by;
}

/** Overwrites whole pages (numbered from 1) with a fixed garbage pattern. */
function garble(file: string, pages: number[], from = 0): void {
  const bytes = readFileSync(file);
  for (const p of pages) for (let i = (p - 1) * 4096 + from; i < p * 4096; i++) bytes[i] = (i * 131 + 7) & 0xff;
  writeFileSync(file, bytes);
}

function reset(dir: string): { report: ResetReport; store: ReturnType<typeof openStore> } {
  const reports: ResetReport[] = [];
  const store = openStore(dir, { resetAddressBook: true, clock: fixedClock, onReset: (r) => reports.push(r) });
  expect(reports).toHaveLength(1);
  return { report: reports[0]!, store };
}

function expectAllKept(store: ReturnType<typeof openStore>, saved: Saved): void {
  expect(store.bans()).toEqual(saved.bans);
  expect(store.peers()).toEqual(saved.peers);
  expect(store.anchors()).toEqual(saved.anchors);
  // The same events under the same sequence numbers.
  expect(store.events({ limit: 10_000 })).toEqual(saved.events);
  expect(store.getMeta('app.note')).toBe('the operator wrote this');
  expect(store.loadAddressBook()).toBeUndefined();
}

const ALL_KEPT = { bans: 300, peers: 60, anchors: 3, events: 400, meta: 1 };

describe('--reset-address-book on a damaged database', () => {
  it('keeps everything but the address book when only the address pages are garbage, and keeps the damaged file untouched as the backup', () => {
    const dir = tempDir();
    const saved = populate(dir);
    const file = join(dir, DATABASE_FILE);
    const pages = pagesOf(file);
    expect(pages.addresses!.length).toBeGreaterThan(10);
    garble(file, pages.addresses!);
    // The damage is real: the node refuses this file.
    expect(() => openStore(dir).close()).toThrow(StoreError);
    const damaged = sha(file);

    const { report, store } = reset(dir);
    expect(report).toEqual({
      file,
      backup: `${file}.bak-20300102T030405.678Z`,
      method: 'salvaged',
      problem: expect.stringMatching(/^damaged: SQLite's integrity check reports/),
      addresses: undefined,
      kept: ALL_KEPT,
      lost: [],
      keptOtherData: true,
    });
    expectAllKept(store, saved);
    // The fresh database is a normal one: this version's schema, owner-only, new rows go after the old.
    expect(store.getMeta('schema_version')).toBe(String(SCHEMA_VERSION));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    store.appendEvents([{ at: 1, kind: 'after' }]);
    expect(store.events({ limit: 1 })[0]!.seq).toBe(saved.events.at(-1)!.seq! + 1);
    store.close();
    expect(sha(report.backup)).toBe(damaged);
    expect(existsSync(`${file}.reset-read`) || existsSync(`${file}.reset-new`)).toBe(false);
    // And the node starts on it: a fresh book, no refusal.
    const again = openStore(dir);
    expect(loadAddressBook(again, { clock, random: createRandom(2) }).size()).toBe(0);
    again.close();
  });

  it('reads a file truncated in the middle up to where it ends', () => {
    const dir = tempDir();
    const saved = populate(dir);
    const file = join(dir, DATABASE_FILE);
    const pages = pagesOf(file);
    const last = Math.max(...['bans', 'peers', 'anchors', 'events', 'meta'].flatMap((t) => pages[t]!));
    const total = statSync(file).size / 4096;
    // Cut in the middle of the address pages, which come after every other table's.
    const cutPage = Math.floor((last + total) / 2);
    expect(cutPage).toBeGreaterThan(last);
    truncateSync(file, cutPage * 4096 + 1234);
    const damaged = sha(file);

    const { report, store } = reset(dir);
    expect(report).toMatchObject({ method: 'salvaged', kept: ALL_KEPT, lost: [], keptOtherData: true });
    expectAllKept(store, saved);
    store.close();
    expect(sha(report.backup)).toBe(damaged);
  });

  it('keeps the rows on either side of a damaged page of the bans table, and says what it could not read', () => {
    const dir = tempDir();
    const saved = populate(dir);
    const file = join(dir, DATABASE_FILE);
    const banPages = pagesOf(file).bans!;
    expect(banPages.length).toBeGreaterThanOrEqual(5);
    // A leaf in the middle (the first page is the root, which points at the leaves).
    garble(file, [banPages[Math.floor(banPages.length / 2)]!], 8);

    const { report, store } = reset(dir);
    const kept = store.bans();
    // Every ban that came back is one that was saved, exactly; only one page's worth is missing.
    for (const ban of kept) expect(saved.bans).toContainEqual(ban);
    expect(kept.length).toBeLessThan(300);
    expect(kept.length).toBeGreaterThan(300 - Math.ceil((2 * 300) / (banPages.length - 1)));
    expect(report.kept).toEqual({ ...ALL_KEPT, bans: kept.length });
    expect(report.lost).toEqual([{ table: 'bans', reason: expect.stringMatching(/damage stopped the reading .*read from both ends/) }]);
    expect(report.keptOtherData).toBe(false);
    expect(report.addresses).toBe(saved.addresses);
    expect(store.peers()).toEqual(saved.peers);
    expect(store.anchors()).toEqual(saved.anchors);
    store.close();
    expect(describeReset(report)).toMatch(/not carried over \(only in the backup\): bans: damage stopped the reading/);
  });

  it('keeps bans that were still only in the -wal when the process died', () => {
    const dir = tempDir();
    const saved = populate(dir);
    const file = join(dir, DATABASE_FILE);
    // A writer that never checkpoints, then a copy of its files as they are: the state kill -9 leaves.
    const db = new Database(file);
    db.pragma('wal_autocheckpoint = 0');
    const late = db.prepare('INSERT INTO bans (target, kind, reason, created_at, expires_at) VALUES (?, ?, ?, ?, NULL)');
    for (let i = 0; i < 20; i++) late.run(`10.200.0.${i}`, 'ip', 'committed last', 5_000 + i);
    const crashed = tempDir();
    const crashedFile = join(crashed, DATABASE_FILE);
    copyFileSync(file, crashedFile);
    copyFileSync(`${file}-wal`, `${crashedFile}-wal`);
    db.close();
    expect(statSync(`${crashedFile}-wal`).size).toBeGreaterThan(0);
    garble(crashedFile, pagesOf(file).addresses!);
    const damaged = { main: sha(crashedFile), wal: sha(`${crashedFile}-wal`) };

    const { report, store } = reset(crashed);
    expect(report).toMatchObject({ method: 'salvaged', kept: { ...ALL_KEPT, bans: 320 }, lost: [] });
    expect(store.bans().filter((b) => b.reason === 'committed last')).toHaveLength(20);
    store.close();
    // The backup is the old file and its -wal, byte for byte.
    expect(sha(report.backup)).toBe(damaged.main);
    expect(sha(`${report.backup}-wal`)).toBe(damaged.wal);
    expect(saved.bans.length).toBe(300);
  });

  it('clears in place a readable file whose address-book settings are garbage, keeping the rest', () => {
    const dir = tempDir();
    const saved = populate(dir);
    const file = join(dir, DATABASE_FILE);
    const db = new Database(file);
    db.prepare("UPDATE meta SET value = 'garbage' WHERE key = 'addrbook.new_bucket_count'").run();
    db.prepare("UPDATE meta SET value = x'00ff13' WHERE key = 'addrbook.last_good'").run();
    db.close();
    const refused = openStore(dir);
    expect(() => refused.loadAddressBook()).toThrow(/addrbook.new_bucket_count is unreadable/);
    refused.close();

    const { report, store } = reset(dir);
    expect(report).toMatchObject({ method: 'cleared', addresses: saved.addresses, kept: ALL_KEPT, lost: [], keptOtherData: true });
    expect(report.problem).toBeUndefined();
    expectAllKept(store, saved);
    store.close();
  });

  it('carries bans over from a newer schema, leaving that file untouched as the backup', () => {
    const dir = tempDir();
    const saved = populate(dir);
    const file = join(dir, DATABASE_FILE);
    const db = new Database(file);
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(SCHEMA_VERSION + 1));
    db.pragma('journal_mode = DELETE');
    db.close();
    const before = sha(file);

    const { report, store } = reset(dir);
    expect(report).toMatchObject({ method: 'salvaged', problem: expect.stringMatching(/written by a newer peerwarden \(schema 2/), kept: ALL_KEPT, addresses: saved.addresses });
    expectAllKept(store, saved);
    expect(store.getMeta('schema_version')).toBe(String(SCHEMA_VERSION));
    store.close();
    expect(sha(report.backup)).toBe(before);
  });

  it("imports nothing from another application's database", () => {
    const dir = tempDir();
    const file = join(dir, DATABASE_FILE);
    const db = new Database(file);
    db.exec("CREATE TABLE bans (target TEXT, kind TEXT, reason TEXT, created_at REAL, expires_at REAL); INSERT INTO bans VALUES ('1.2.3.4', 'ip', 'x', 1, NULL);");
    db.close();
    const { report, store } = reset(dir);
    expect(report.lost).toEqual([{ table: '*', reason: expect.stringMatching(/not a peerwarden database \(tables bans\)/) }]);
    expect(store.bans()).toEqual([]);
    store.close();
  });

  it('describes what it did in one line', () => {
    const line = describeReset({
      file: '/d/peerwarden.db',
      backup: '/d/peerwarden.db.bak-20300102T030405.678Z',
      method: 'salvaged',
      problem: 'damaged: SQLite\'s integrity check reports "Tree 3 page 3: btreeInitPage() returns error code 11"',
      addresses: undefined,
      kept: { bans: 300, peers: 1, anchors: 3, events: 400, meta: 0 },
      lost: [],
      keptOtherData: true,
    });
    expect(line).toBe(
      '--reset-address-book: /d/peerwarden.db could not be used as it was (damaged: SQLite\'s integrity check reports "Tree 3 page 3: btreeInitPage() returns error code 11"); ' +
        'it was moved untouched to /d/peerwarden.db.bak-20300102T030405.678Z and what could be read was copied into a fresh database. ' +
        'Reset: the address book (its size could not be read). Kept: 300 bans, 1 peer, 3 anchors, 400 events, 0 other settings; nothing else was lost.',
    );
  });
});

/** A data dir as a node leaves it: node.key, bans and a saved address book; the address pages then garbled. */
async function damagedNodeDir(ip: string): Promise<{ dir: string; id: string; key: string }> {
  const dir = tempDir();
  const node = await createNode({ dataDir: dir, listen: `${ip}:0`, api: false, allowLoopback: true, network: 'itest' });
  await node.start();
  node.ban('10.1.2.3', { reason: 'spam' });
  node.ban(nodeId(7), { reason: 'lied' });
  // Addresses for the book (the dials fail: nothing listens there).
  await Promise.allSettled(Array.from({ length: 20 }, (_, i) => node.connect(`127.${i + 1}.9.9:9`)));
  expect(node.addressBook.size()).toBeGreaterThan(0);
  const id = node.id;
  await node.stop();
  const file = join(dir, DATABASE_FILE);
  garble(file, pagesOf(file).addresses!);
  return { dir, id, key: sha(join(dir, NODE_KEY_FILE)) };
}

describe('a node started with resetAddressBook on a damaged database', () => {
  it('keeps its node id and its bans, and hands the report to onAddressBookReset', async () => {
    const { dir, id, key } = await damagedNodeDir('127.63.0.1');
    const refused = await createNode({ dataDir: dir, listen: '127.63.0.1:0', api: false, allowLoopback: true, network: 'itest' });
    await expect(refused.start()).rejects.toThrow(StoreError);

    const reports: ResetReport[] = [];
    const node = await createNode(
      { dataDir: dir, listen: '127.63.0.1:0', api: false, allowLoopback: true, network: 'itest' },
      { resetAddressBook: true, onAddressBookReset: (r) => reports.push(r) },
    );
    await node.start();
    try {
      expect(node.id).toBe(id);
      expect(node.bans().map((b) => b.target).sort()).toEqual(['10.1.2.3', nodeId(7)].sort());
      expect(node.addressBook.size()).toBe(0);
      expect(reports).toHaveLength(1);
      expect(reports[0]).toMatchObject({ method: 'salvaged', lost: [], keptOtherData: true, kept: { bans: 2 } });
    } finally {
      await node.stop();
    }
    expect(sha(join(dir, NODE_KEY_FILE))).toBe(key);
  });
});

// Like every CLI test, this runs bin/peerwarden.js on dist/: `npm test` builds it first.
describe('peerwarden node --reset-address-book', () => {
  it('logs what it reset, what it kept and where the backup is, and keeps the node id', async () => {
    const { dir, id, key } = await damagedNodeDir('127.64.0.1');
    const run = startCli(['node', '--data-dir', dir, '--listen', '127.64.0.1:0', '--no-api', '--allow-loopback', '--network', 'itest', '--reset-address-book']);
    try {
      const [line] = await run.waitFor(/\{[^\n]*--reset-address-book: [^\n]*\}/);
      if (process.env.PW_SHOW_LOG) console.log(line);
      const log = JSON.parse(line) as { level: number; msg: string; id: string; nodeKey: string; reset: ResetReport };
      expect(log.level).toBe(40); // warn: the file was damaged
      expect(log.id).toBe(id);
      expect(log.nodeKey).toBe(join(dir, NODE_KEY_FILE));
      expect(log.reset).toMatchObject({ method: 'salvaged', kept: { bans: 2 }, lost: [], keptOtherData: true });
      expect(log.msg).toContain(`it was moved untouched to ${log.reset.backup}`);
      expect(log.msg).toMatch(/Reset: the address book \(its size could not be read\)\. Kept: 2 bans, /);
      expect(log.msg).toContain(`The node key ${join(dir, NODE_KEY_FILE)} is not in the database and was not touched (node id ${id.slice(0, 12)}).`);
      const [banner] = await run.waitFor(/\{[^\n]*"listen":[^\n]*\}/);
      expect(JSON.parse(banner).id).toBe(id);
      expect(existsSync(log.reset.backup)).toBe(true);
    } finally {
      run.child.kill('SIGTERM');
      await run.exit();
    }
    expect(sha(join(dir, NODE_KEY_FILE))).toBe(key);
  }, 60_000);
});
