import { mkdtempSync, rmSync, statSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.js';
import { createNode } from '../../src/node/create-node.js';
import { ConfigError } from '../../src/node/config.js';
import { ListenError } from '../../src/node/errors.js';
import { SqliteStore, StoreError } from '../../src/store/index.js';
import { runFor, settle, world } from './helpers.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'peerwarden-node-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('createNode', () => {
  it('throws ConfigError listing every problem', async () => {
    const err = await createNode({ network: 'bad name!', listen: 'nowhere', targets: { hot: 20, outbound: 4 } } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.length).toBeGreaterThanOrEqual(3);
  });

  it('creates <dataDir>/node.key (0600) on first use and keeps the same id after', async () => {
    const dir = tmp();
    const a = await createNode({ dataDir: dir, listen: '127.0.0.1:0', api: false });
    const key = join(dir, 'node.key');
    expect(statSync(key).mode & 0o777).toBe(0o600);
    const b = await createNode({ dataDir: dir, listen: '127.0.0.1:0', api: false });
    expect(b.id).toBe(a.id);
  });

  it('with dataDir null writes nothing and draws a fresh identity from the runtime random', async () => {
    const a = await createNode({ dataDir: null, listen: '127.0.0.1:0', api: false }, { random: createRandom('same') });
    const b = await createNode({ dataDir: null, listen: '127.0.0.1:0', api: false }, { random: createRandom('same') });
    const c = await createNode({ dataDir: null, listen: '127.0.0.1:0', api: false });
    expect(a.id).toBe(b.id);
    expect(c.id).not.toBe(a.id);
  });
});

describe('start', () => {
  it('says clearly when the port is taken, and can be started once it is free', async () => {
    const a = await createNode({ dataDir: null, listen: '127.0.0.1:0', encryption: 'none', api: false });
    await a.start();
    const taken = a.listenAddresses[0]!;
    const b = await createNode({ dataDir: null, listen: taken, encryption: 'none', api: false });
    const err = await b.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ListenError);
    expect((err as Error).message).toMatch(/already in use/);
    expect(b.isRunning).toBe(false);
    await a.stop();
    await b.start();
    expect(b.listenAddresses).toEqual([taken]);
    await b.stop();
  });
});

describe('a node on a data directory', () => {
  it('keeps bans, peers, anchors, the address book and the peer history across restarts', async () => {
    const w = world('persist');
    const dir = tmp();
    const seed = await w.node('10.1.0.1');
    const node = await w.node('10.2.0.1', { dataDir: dir, seeds: ['10.1.0.1:7000'] }, { identity: undefined });
    await seed.start();
    await node.start();
    await runFor(w.clock, 3_000);
    expect(node.peer(seed.id)).toBeDefined();
    node.ban('10.66.0.0/16', { reason: 'lab' });
    // A ban is in the database before ban() returns: read it with a second connection.
    const reader = new SqliteStore(join(dir, 'peerwarden.db'));
    expect(reader.bans().map((b) => b.target)).toEqual(['10.66.0.0/16']);
    reader.close();
    await settle(w.clock, node.stop());
    expect(readdirSync(dir).sort()).toEqual(expect.arrayContaining(['node.key', 'peerwarden.db']));

    const store = new SqliteStore(join(dir, 'peerwarden.db'));
    expect(store.anchors()).toEqual([expect.objectContaining({ id: seed.id, endpoint: '10.1.0.1:7000' })]);
    expect(store.peer(seed.id)).toMatchObject({ lastEndpoint: '10.1.0.1:7000', counts: { 'connections.outbound': 1 } });
    expect(store.events({ id: seed.id }).map((e) => e.kind)).toEqual(expect.arrayContaining(['peer:connected', 'peer:promoted', 'peer:disconnected']));
    expect(store.loadAddressBook()!.entries.map((e) => e.endpoint)).toContain('10.1.0.1:7000');
    store.close();

    const again = await createNode({ network: 'test', dataDir: dir, listen: '10.2.0.1:7000', encryption: 'none', allowPrivate: true, api: false }, {
      scheduler: w.clock,
      random: createRandom('again'),
      network: w.net,
      resolver: { resolve4: async () => [], resolve6: async () => [] },
      addressBook: { newBucketCount: 64, triedBucketCount: 16 },
    });
    expect(again.id).toBe(node.id);
    await again.start();
    expect(again.bans()).toEqual([expect.objectContaining({ target: '10.66.0.0/16', reason: 'lab' })]);
    expect(again.addressBook.get('10.1.0.1:7000')).toMatchObject({ inTried: true });
    expect(again.history(seed.id).map((e) => e.kind)).toContain('peer:disconnected');
    await runFor(w.clock, 3_000);
    expect(again.peer(seed.id)).toBeDefined();
    await settle(w.clock, Promise.all([again.stop(), seed.stop()]));
    expect(existsSync(join(dir, 'peerwarden.db'))).toBe(true);
  });
});

describe('a data directory in use', () => {
  it('lets only one node run on it: a second one fails to start with a StoreError naming the directory and the pid, and starts once the first stops', async () => {
    const w = world('lock');
    const dir = tmp();
    const first = await w.node('10.3.0.1', { dataDir: dir }, { identity: undefined });
    const second = await w.node('10.3.0.2', { dataDir: dir }, { identity: undefined });
    expect(second.id).toBe(first.id); // the same node.key: exactly why two must not run
    await first.start();
    const err = await second.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).reason).toBe('locked');
    expect((err as Error).message).toContain(dir);
    expect((err as Error).message).toContain(`pid ${process.pid}`);
    expect(second.isRunning).toBe(false);
    expect(first.isRunning).toBe(true);
    await settle(w.clock, first.stop());
    await second.start();
    expect(second.isRunning).toBe(true);
    await settle(w.clock, second.stop());
  });
});

describe('a node whose address-book settings changed', () => {
  it('starts, re-bucketing the saved book (dropping what the new settings refuse) and saying so', async () => {
    const w = world('rebucket');
    const dir = tmp();
    const seed = await w.node('10.1.0.1');
    const node = await w.node('10.2.0.1', { dataDir: dir, seeds: ['10.1.0.1:7000'] }, { identity: undefined });
    await seed.start();
    await node.start();
    await runFor(w.clock, 3_000);
    expect(node.addressBook.get('10.1.0.1:7000')).toBeDefined();
    expect(node.addressBook.rebucketReport()).toBeUndefined();
    await settle(w.clock, node.stop());

    // Other bucket counts: every entry is kept, placed anew.
    const resized = await w.node('10.2.0.1', { dataDir: dir }, { identity: undefined, addressBook: { newBucketCount: 128, triedBucketCount: 32 } });
    await resized.start();
    expect(resized.addressBook.rebucketReport()).toMatchObject({ changes: ['newBucketCount was 64, is now 128', 'triedBucketCount was 16, is now 32'], dropped: 0 });
    expect(resized.addressBook.get('10.1.0.1:7000')).toBeDefined();
    expect(resized.addressBook.checkConsistency()).toBe(0);
    await settle(w.clock, resized.stop());

    // allowPrivate off: the private addresses are dropped, and counted, instead of a refusal to start.
    const strict = await w.node('10.2.0.1', { dataDir: dir, allowPrivate: false }, { identity: undefined, addressBook: { newBucketCount: 128, triedBucketCount: 32 } });
    await strict.start();
    expect(strict.isRunning).toBe(true);
    const report = strict.addressBook.rebucketReport()!;
    expect(report.changes).toEqual(['allowPrivate was true, is now false']);
    expect(report.refused).toBeGreaterThanOrEqual(1);
    expect(report.kept + report.dropped).toBe(report.entries);
    expect(strict.addressBook.get('10.1.0.1:7000')).toBeUndefined();
    await settle(w.clock, Promise.all([strict.stop(), seed.stop()]));
  });
});
