import { mkdtempSync, rmSync, statSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.js';
import { createNode } from '../../src/node/create-node.js';
import { ConfigError } from '../../src/node/config.js';
import { ListenError } from '../../src/node/errors.js';
import { SqliteStore } from '../../src/store/index.js';
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
