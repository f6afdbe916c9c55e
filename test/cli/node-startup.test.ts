// Starting a node wrong, and restarting one after kill -9: clear messages, right exit codes, nothing lost.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
import { eventually, startDaemon, tempDir, type Daemon } from '../helpers/daemon.js';

const started: Daemon[] = [];
afterAll(async () => {
  await Promise.all(started.map((d) => d.stop('SIGKILL')));
});

function listenOn(ip: string): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, ip, () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

describe('peerwarden node refuses to start, clearly', () => {
  it('lists every configuration problem from file, environment and flags, and exits 2', async () => {
    const dir = tempDir();
    const file = join(dir, 'bad.toml');
    writeFileSync(file, 'encryption = "ssl"\ntargets = { hot = -1 }\nmystery = true\n');
    const r = await runCli(['node', '--config', file, '--listen', '1.2.3.4:99999', '--bogus', '--target-outbound', 'lots'], { PEERWARDEN_LOG_LEVEL: 'chatty' });
    expect(r.code).toBe(2);
    for (const re of [/encryption: must be "tls" or "none"/, /targets.hot: expected a whole number/, /mystery: unknown key/, /listen\[0\]: .*the port must be a number 0-65535/, /unknown option --bogus/, /--target-outbound: expected a whole number/, /logLevel: must be "trace", .* or "silent", got "chatty"/]) {
      expect(r.stderr).toMatch(re);
    }
    const missing = await runCli(['node', '--config', join(dir, 'nope.toml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read the file \(ENOENT\)/);
  });

  it('says when the data dir cannot be used', async () => {
    const r = await runCli(['node', '--data-dir', '/etc/passwd/peerwarden', '--listen', '127.54.0.1:0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the data dir \/etc\/passwd\/peerwarden is not usable \(ENOTDIR\): make it writable by this user, or choose another with --data-dir/);
  });

  it('refuses a database from a newer version and leaves it untouched', async () => {
    const dir = tempDir();
    const file = join(dir, 'peerwarden.db');
    const db = new Database(file);
    db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema_version', '999');");
    db.close();
    const before = createHash('sha256').update(readFileSync(file)).digest('hex');
    const r = await runCli(['node', '--data-dir', dir, '--listen', '127.54.0.1:0', '--api-listen', '127.54.0.1:0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/newer/);
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(before);
  });

  it('says which address is taken, for the p2p port and for the API', async () => {
    const { server, port } = await listenOn('127.55.0.1');
    try {
      const p2p = await runCli(['node', '--data-dir', tempDir(), '--listen', `127.55.0.1:${port}`, '--api-listen', '127.55.0.1:0']);
      expect(p2p.code).toBe(1);
      expect(p2p.stderr).toMatch(/p2p address is already in use.*--listen/);
      const api = await runCli(['node', '--data-dir', tempDir(), '--listen', '127.55.0.1:0', '--api-listen', `127.55.0.1:${port}`]);
      expect(api.code).toBe(1);
      expect(api.stderr).toMatch(new RegExp(`HTTP API: 127\\.55\\.0\\.1:${port} is already in use`));
    } finally {
      server.close();
    }
  });
});

describe('one node per data dir, and settings that change between runs', () => {
  it('refuses a second node on a data dir in use, naming the pid that holds it', async () => {
    const first = await startDaemon('127.59.0.1');
    started.push(first);
    const r = await runCli(['node', '--data-dir', first.dataDir, '--listen', '127.59.0.2:0', '--api-listen', '127.59.0.2:0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`in use by another peerwarden \\(pid ${first.run.child.pid} on `));
    await first.stop();
  });

  it('re-buckets an address book saved with other settings, and says what it cost', async () => {
    const seed = await startDaemon('127.60.0.1');
    started.push(seed);
    const dir = tempDir();
    const first = await startDaemon('127.60.0.2', ['--seed', seed.listen], dir);
    await eventually(async () => (await first.http('GET', '/api/v1/addrbook/stats')).json.total >= 1, 20_000, 'an address');
    expect(await first.stop()).toBe(0);
    // Without --allow-loopback the loopback addresses it learned are no longer accepted.
    const run = startCli(['node', '--data-dir', dir, '--listen', '127.60.0.2:0', '--api-listen', '127.60.0.2:0', '--network', 'itest']);
    try {
      await run.waitFor(/re-bucketed: 0 of \d+ entries kept.*dropped \(\d+ no longer accepted/);
    } finally {
      run.child.kill('SIGTERM');
      expect(await run.exit()).toBe(0);
    }
  });
});

describe('kill -9 and restart', () => {
  it('keeps the node id, its bans and its address book, and dials its anchors first', async () => {
    const seed = await startDaemon('127.56.0.1');
    started.push(seed);
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    const first = await startDaemon('127.57.0.1', ['--seed', seed.listen], dir);
    started.push(first);
    await eventually(async () => (await first.http('GET', '/api/v1/peers')).json.peers.some((p: { id: string; temperature: string }) => p.id === seed.id && p.temperature === 'hot'), 20_000, 'a hot peer');
    expect((await first.http('POST', '/api/v1/bans', { target: '198.51.100.0/24', reason: 'before the crash' }, true)).status).toBe(201);
    // Address-book changes are committed at least every second; give the batch time to land.
    await new Promise((r) => setTimeout(r, 1500));
    const bookBefore = (await first.http('GET', '/api/v1/addrbook/stats')).json.total;
    expect(bookBefore).toBeGreaterThanOrEqual(1);

    expect(await first.stop('SIGKILL')).toBeNull();
    const restartedAt = Date.now();
    const second = await startDaemon('127.57.0.1', [], dir); // no seed this time: only what it remembers
    started.push(second);
    expect(second.id).toBe(first.id);
    expect((await second.http('GET', '/api/v1/bans')).json.bans).toEqual([expect.objectContaining({ target: '198.51.100.0/24', reason: 'before the crash' })]);
    expect((await second.http('GET', '/api/v1/addrbook/stats')).json.total).toBeGreaterThanOrEqual(bookBefore);
    await eventually(async () => (await second.http('GET', '/api/v1/peers')).json.peers.some((p: { id: string }) => p.id === seed.id), 20_000, 'reconnected');
    // The first dial after the restart went to the anchor, for the anchor's sake.
    const dials = (await second.http('GET', '/api/v1/history?kind=peer:dialing')).json.events.filter((e: { at: number }) => e.at >= restartedAt - 1000);
    expect(dials[0]).toMatchObject({ kind: 'peer:dialing', endpoint: seed.listen, data: expect.objectContaining({ purpose: 'anchor' }) });
    const stored = (await second.http('GET', `/api/v1/peers/${seed.id}`)).json.history.filter((e: { at: number; kind: string }) => e.kind === 'peer:dialing' && e.at >= restartedAt - 1000);
    expect(stored[0]).toMatchObject({ endpoint: seed.listen, data: expect.objectContaining({ purpose: 'anchor' }) });
  });
});
