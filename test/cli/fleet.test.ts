// `peerwarden fleet status`: several real nodes (and one that does not answer) in one table, polled
// server-side; the exit code says whether every node answers, healthy and without alarms.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { eventually, startDaemon, tempDir, type Daemon } from '../helpers/daemon.js';

describe('peerwarden fleet status', () => {
  let a: Daemon;
  let b: Daemon;
  beforeAll(async () => {
    a = await startDaemon('127.83.0.1');
    b = await startDaemon('127.83.0.2', ['--seed', a.listen]);
    await eventually(async () => ((await a.http('GET', '/api/v1/peers')).json as { peers: unknown[] }).peers.length > 0, 20_000, 'a and b connected');
  }, 60_000);
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  it('lists every node with its health, peers against targets and last event, links to its API', async () => {
    const r = await runCli(['fleet', 'status', '--node', a.api, '--node', `${b.api.replace('http://', '')}=${b.token}`]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^fleet: 2 of 2 answering/m);
    expect(r.stdout).toMatch(/^NAME\s+API\s+KIND\s+ID\s+HEALTH\s+ALARMS\s+HOT\s+WARM\s+IN\s+ADDRS\s+LAST EVENT/m);
    for (const d of [a, b]) {
      const host = d.api.replace('http://', '').replace(/\./g, '\\.');
      expect(r.stdout).toMatch(new RegExp(`^${host}\\s+${d.api.replace(/\./g, '\\.')}\\s+node\\s+${d.id.slice(0, 12)}\\s+(healthy|degraded)\\s+0\\s+\\d+/\\d+`, 'm'));
    }
    expect(r.code).toBe(/degraded/.test(r.stdout) ? 1 : 0);
    const json = JSON.parse((await runCli(['fleet', 'status', '--json', '--node', a.api])).stdout) as { nodes: { up: boolean; id: string; peers: { id: string }[] }[] };
    expect(json.nodes[0]).toMatchObject({ up: true, id: a.id });
    expect(json.nodes[0]!.peers.map((p) => p.id)).toContain(b.id);
  });

  it('reads a [fleet] file, and says which node does not answer (exit 1)', async () => {
    const file = join(tempDir('pw-fleet-'), 'fleet.toml');
    writeFileSync(
      file,
      ['[fleet]', `nodes = ["${a.api}"]`, '[[fleet.node]]', 'name = "relay-2"', `url = "${b.api}"`, '[[fleet.node]]', 'name = "gone"', 'url = "http://127.83.0.3:59996"', ''].join('\n'),
    );
    const r = await runCli(['fleet', 'status', '--config', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^fleet: 2 of 3 answering/m);
    expect(r.stdout).toMatch(/^relay-2\s+http:\/\/127\.83\.0\.2:\d+\s+node\s/m);
    expect(r.stdout).toMatch(/^gone\s+http:\/\/127\.83\.0\.3:59996\s+down\s+ECONNREFUSED$/m);
    expect(r.stdout).toMatch(/^gone is not answering \(ECONNREFUSED\)$/m);
  });

  it('refuses a fleet with no nodes, or a bad one, in one line (exit 2)', async () => {
    const none = await runCli(['fleet', 'status']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/name the nodes: --node <url>/);
    const bad = await runCli(['fleet', '--node', 'ftp://x:1', '--nodes', 'y']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--node: "ftp:\/\/x:1" is not an http\(s\) URL/);
    expect(bad.stderr).toMatch(/unknown option --nodes \(did you mean --node\?\)/);
  });
});
