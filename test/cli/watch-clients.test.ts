// The client commands against `peerwarden watch`: status, peers and explain show the observed
// cardano-node's connections (both tracks, history by ip:port); the commands that change a node
// refuse with one clear line. And watch itself: a live table on a terminal, the end of --stdin.
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, type Running } from '../helpers/cli.js';

const FIXTURE = new URL('../fixtures/cardano/cardano-node-10.6-testnet.jsonl', import.meta.url).pathname;
const CONNECTION = '127.0.0.1:30000-127.0.0.1:30001';
/** An escape sequence or bidi control reaching the terminal raw. */
// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('client commands against peerwarden watch', () => {
  let watch: Running;
  let api: string;
  const cli = (...args: string[]) => runCli([...args, '--api', api]);

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-watch-cli-'));
    const log = join(dir, 'node.json');
    copyFileSync(FIXTURE, log);
    watch = startCli(['watch', '--log', log, '--no-reconcile', '--api-port', '0', '--no-live']);
    const [, url] = await watch.waitFor(/API and dashboard at http:\/\/(127\.0\.0\.1:\d+)\//);
    api = url!; // a bare host:port, as an operator would type it
  });
  afterAll(async () => {
    watch?.child.kill('SIGTERM');
    await watch?.exit();
  });

  it('status: the observed node, its peers per track and what its inbound governor reports', async () => {
    const r = await cli('status');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^observer {2}watching .*node\.json \(file\), node port 3001/m);
    expect(r.stdout).toMatch(/^node {6}running/m);
    expect(r.stdout).toMatch(/^peers {5}1 open: hot 1, warm 0/m);
    expect(r.stdout).toMatch(/^outbound {2}hot 1, /m);
    expect(r.stdout).toMatch(/^inbound {3}hot 1, /m);
    expect(r.stdout).toMatch(/^ {2}inbound governor {3}idle \d+, cold \d+, warm \d+, hot \d+ {2}\(reported /m);
    const json = JSON.parse((await cli('status', '--json')).stdout) as { mode: string; counters: { reported: { inboundGovernor: { hot: number } } } };
    expect(json.mode).toBe('observer');
    expect(json.counters.reported.inboundGovernor.hot).toEqual(expect.any(Number));
  });

  it('peers: each connection with the state of both tracks', async () => {
    const r = await cli('peers');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^REMOTE\s+LOCAL\s+STATE\s+DIR\s+OUTBOUND \(PEER SELECTION\)\s+INBOUND \(INBOUND GOVERNOR\)/m);
    expect(r.stdout).toMatch(/^127\.0\.0\.1:30001\s+127\.0\.0\.1:30000\s+hot\s+out\s+hot \(WarmToHot, [^)]+\)\s+hot \(PromotedToHotRemote, [^)]+\)/m);
    const json = JSON.parse((await cli('peers', '--json')).stdout) as { peers: { id: string }[] };
    expect(json.peers.map((p) => p.id)).toEqual([CONNECTION]);
  });

  it('explain: a connection’s history, by the remote ip:port or by the connection id', async () => {
    for (const key of ['127.0.0.1:30001', CONNECTION]) {
      const r = await cli('explain', key);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^connection ${CONNECTION.replace(/\./g, '\\.')}$`, 'm'));
      expect(r.stdout).toMatch(/^outbound {3}hot since .* \(WarmToHot\)$/m);
      expect(r.stdout).toMatch(/^inbound {4}hot since .* \(PromotedToHotRemote\)$/m);
      expect(r.stdout).toMatch(/^history \(\d+ events, oldest first\):$/m);
      expect(r.stdout).toMatch(/changed\s+inbound: warm → hot \(PromotedToHotRemote\) {2}— inbound_governor/);
    }
    const missing = await cli('explain', '192.0.2.1:3001');
    expect(missing.code).toBe(4);
    const byId = await cli('explain', 'abcdef012345');
    expect(byId.code).toBe(2);
    expect(byId.stderr).toMatch(/"peerwarden watch" knows peers by address: give the peer's ip:port/);
  });

  it('refuses, in one line and exit 1, what only a node can do', async () => {
    for (const args of [['bans'], ['ban', '192.0.2.1'], ['unban', '192.0.2.1'], ['connect', '192.0.2.1:3001'], ['disconnect', 'abcdef012345']]) {
      const r = await cli(...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`^peerwarden ${args[0]}: this API is "peerwarden watch", which only observes a cardano-node's log and sockets: it (keeps no bans|cannot \\w+)`));
    }
  });
});

describe('peerwarden watch on its own', () => {
  it('--stdin stops at the end of the input and says what it saw', async () => {
    const w = startCli(['watch', '--stdin', '--no-reconcile', '--api-port', '0', '--no-live']);
    await w.waitFor(/API and dashboard at/);
    w.child.stdin.end(readFileSync(FIXTURE));
    expect(await w.exit()).toBe(0);
    expect(w.stdout()).toMatch(/end of standard input: 1 peers open \(hot 1, warm 0/);
  });

  it('--live: a table of the peers, what the node reports and the latest changes (on a terminal by default)', async () => {
    const w = startCli(['watch', '--stdin', '--no-reconcile', '--api-port', '0', '--live']);
    await w.waitFor(/API and dashboard at/);
    w.child.stdin.end(readFileSync(FIXTURE));
    expect(await w.exit()).toBe(0);
    const out = w.stdout();
    expect(out).toMatch(/peerwarden watch: standard input \(stream\), node port 3001/);
    expect(out).toMatch(/1 peers open: hot 1, warm 0, cooling 0, cold 0, unknown 0/);
    expect(out).toMatch(/^inbound governor {3}idle \d+, cold \d+, warm \d+, hot \d+/m);
    expect(out).toMatch(/^127\.0\.0\.1:30001\s+127\.0\.0\.1:30000\s+hot\s+out\s+hot \(WarmToHot/m);
    expect(out).toMatch(/^recent changes:$/m);
    expect(out).toMatch(/^ {2}\d\d:\d\d:\d\d {2}changed {2}127\.0\.0\.1:30001 {2}outbound: warm → hot \(WarmToHot\) — peer_selection$/m);
    expect(out).toMatch(/end of standard input: 1 peers open/);
    // The log lines stay out of the way of the table.
    expect(out).not.toMatch(/"level":|INFO/);
  });
});

describe('status of a node that raises alarms', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const status = {
      mode: 'node',
      id: 'a'.repeat(64),
      version: '0.1.0',
      network: 'main',
      uptimeMs: 60_000,
      listen: ['127.0.0.1:7000'],
      health: {
        status: 'degraded',
        reason: 'eclipse alarm (outbound-sources): 3 of 4 outbound peers are in AS64500 (and 1 more)',
        alarms: [
          { kind: 'outbound-sources', message: '3 of 4 outbound peers are in AS64500', groups: ['AS64500'], evidence: { share: 0.75 }, since: Date.now() - 60_000 },
          { kind: 'addr-flood', message: 'a peer said \u001b[2J\u202eevil', groups: [], evidence: {}, since: Date.now() },
        ],
      },
      peers: { total: 4, outbound: { hot: 3, warm: 1 }, inbound: { hot: 0, warm: 0 } },
      targets: { hot: 8, outbound: 12, maxInbound: 100, maxTotal: 125 },
      addresses: { total: 40, new: 30, tried: 10 },
      bans: 0,
    };
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(status)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('prints one line per alarm, escaped', async () => {
    const r = await runCli(['status', '--api', url]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^alarm: outbound-sources: 3 of 4 outbound peers are in AS64500$/m);
    expect(r.stdout).toContain('alarm: addr-flood: a peer said \\x1b[2J\\u202eevil');
    expect(r.stdout).not.toMatch(ACTIVE);
  });
});
