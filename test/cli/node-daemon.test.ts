// The operator surface against real running nodes: every HTTP route, every CLI command, bad input, kill -9.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { eventually, startDaemon, type Daemon } from '../helpers/daemon.js';

let a: Daemon; // the seed
let b: Daemon; // knows only the seed

beforeAll(async () => {
  a = await startDaemon('127.51.0.1');
  b = await startDaemon('127.52.0.1', ['--seed', a.listen]);
  await eventually(async () => (await b.http('GET', '/api/v1/peers')).json.peers.some((p: { id: string }) => p.id === a.id), 20_000, 'b connected to a');
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

const cli = (args: string[]) => runCli([...args, '--api', b.api, '--token', b.token]);

describe('ChainCore-compatible routes', () => {
  it('serve /status, /peers and /network_info with known vs active peers', async () => {
    const status = (await b.http('GET', '/status')).json;
    expect(status).toMatchObject({ node_id: b.id, network_health: 'healthy' });
    expect(status.peers).toBeGreaterThanOrEqual(1);
    const peers = (await b.http('GET', '/peers')).json;
    expect(peers.active_peers).toContain(a.listen);
    expect(peers.peer_count).toBe(peers.active_peers.length);
    expect(peers.peers).toContain(a.listen);
    const info = (await b.http('GET', '/network_info')).json;
    expect(info).toMatchObject({ active_peers: peers.peer_count, peer_list: peers.active_peers, network_health: 'healthy' });
    expect(info.total_peers).toBeGreaterThanOrEqual(1);
    expect(info.last_discovery).toBeGreaterThan(1e9);
  });
});

describe('/api/v1', () => {
  it('reports status, peers and a peer with its history', async () => {
    const s = (await b.http('GET', '/api/v1/status')).json;
    expect(s).toMatchObject({ mode: 'node', id: b.id, network: 'itest', running: true, listen: [b.listen], api: b.api });
    expect(s.peers.outbound.hot + s.peers.outbound.warm).toBeGreaterThanOrEqual(1);
    const peers = (await b.http('GET', '/api/v1/peers?direction=outbound')).json.peers;
    const p = peers.find((x: { id: string }) => x.id === a.id);
    expect(p).toMatchObject({ endpoint: a.listen, direction: 'outbound', static: false, busy: false });
    expect(typeof p.services).toBe('string');
    const one = (await b.http('GET', `/api/v1/peers/${a.id}`)).json;
    expect(one).toMatchObject({ id: a.id, connected: true });
    const kinds = one.history.map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['peer:discovered', 'peer:dialing', 'peer:connected']));
    expect(one.history.find((e: { kind: string }) => e.kind === 'peer:discovered').reason).toMatch(/seed/);
  });

  it('answers unknown peers with 404 and malformed ids with 400', async () => {
    const unknown = await b.http('GET', `/api/v1/peers/${'f'.repeat(64)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('unknown_peer');
    expect((await b.http('GET', '/api/v1/peers/not-an-id')).status).toBe(400);
    expect((await b.http('DELETE', `/api/v1/peers/${'f'.repeat(64)}`, undefined, true)).status).toBe(404);
    expect((await b.http('GET', '/api/v1/peers?direction=sideways')).status).toBe(400);
  });

  it('lists addresses, address-book stats per table and group, and slot occupancy', async () => {
    const list = (await b.http('GET', '/api/v1/addresses?limit=10')).json;
    expect(list.total).toBeGreaterThanOrEqual(1);
    expect(list.addresses[0]).toMatchObject({ endpoint: expect.any(String), table: expect.stringMatching(/new|tried/), group: expect.any(String) });
    const tried = (await b.http('GET', '/api/v1/addresses?table=tried')).json;
    expect(tried.addresses.every((x: { table: string }) => x.table === 'tried')).toBe(true);
    const stats = (await b.http('GET', '/api/v1/addrbook/stats')).json;
    expect(stats.total).toBe(list.total);
    expect(stats.byGroup[0]).toMatchObject({ group: expect.stringMatching(/\/16$/) });
    const occ = (await b.http('GET', '/api/v1/addrbook/occupancy?table=tried')).json;
    expect(occ).toMatchObject({ table: 'tried', buckets: 256, slotsPerBucket: 64 });
    expect(occ.cells).toHaveLength(256 * 64);
    expect(occ.cells.filter((c: number) => c >= 0).length).toBe(stats.tried);
    expect((await b.http('GET', '/api/v1/addrbook/occupancy?table=old')).status).toBe(400);
  });

  it('needs the token for every change: 401 without or with a wrong one', async () => {
    for (const [method, path, body] of [
      ['POST', '/api/v1/bans', { target: '10.0.0.1' }],
      ['DELETE', '/api/v1/bans/10.0.0.1', undefined],
      ['POST', '/api/v1/peers', { endpoint: '127.60.0.1:1' }],
      ['DELETE', `/api/v1/peers/${a.id}`, undefined],
    ] as const) {
      const none = await b.http(method, path, body);
      expect(none.status, `${method} ${path}`).toBe(401);
      expect((await b.http(method, path, body, 'wrong-token')).status).toBe(401);
    }
    expect((await b.http('GET', '/api/v1/bans')).json.bans).toEqual([]);
  });

  it('creates, lists and removes bans, validating targets and durations', async () => {
    const created = await b.http('POST', '/api/v1/bans', { target: '10.0.0.0/8', duration: '1h', reason: 'test ban' }, true);
    expect(created.status).toBe(201);
    expect(created.json.ban).toMatchObject({ target: '10.0.0.0/8', kind: 'subnet', reason: 'test ban' });
    expect(created.json.ban.expiresAt - created.json.ban.createdAt).toBe(3_600_000);
    expect((await b.http('GET', '/api/v1/bans')).json.bans.map((x: { target: string }) => x.target)).toEqual(['10.0.0.0/8']);
    const bad = [
      { target: '10.0.0.1/8' },
      { target: 'not-a-target' },
      { target: '300.1.1.1' },
      { target: '10.0.0.1', duration: 'forever' },
      { target: '10.0.0.1', duration: '1h', durationMs: 5 },
      { target: 5 },
      {},
    ];
    for (const body of bad) {
      const r = await b.http('POST', '/api/v1/bans', body, true);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.error.message.length).toBeGreaterThan(10);
    }
    expect((await b.http('POST', '/api/v1/bans', '{"target": ', true)).status).toBe(400);
    expect((await b.http('DELETE', `/api/v1/bans/${encodeURIComponent('10.0.0.0/8')}`, undefined, true)).json).toEqual({ unbanned: '10.0.0.0/8' });
    const again = await b.http('DELETE', `/api/v1/bans/${encodeURIComponent('10.0.0.0/8')}`, undefined, true);
    expect(again.status).toBe(404);
    expect((await b.http('DELETE', '/api/v1/bans/garbage', undefined, true)).status).toBe(400);
  });

  it('connects on request, refuses bad endpoints, and reports a dial that fails', async () => {
    for (const endpoint of ['nonsense', '127.0.0.1', '[::1]', '127.0.0.1:0', '127.0.0.1:70000']) {
      const r = await b.http('POST', '/api/v1/peers', { endpoint }, true);
      expect(r.status, endpoint).toBe(400);
    }
    const failed = await b.http('POST', '/api/v1/peers', { endpoint: '127.60.0.1:9' }, true);
    expect(failed.status).toBe(502);
    expect(failed.json.error.code).toBe('dial_failed');
    const ok = await b.http('POST', '/api/v1/peers', { endpoint: a.listen }, true);
    expect(ok.status).toBe(200);
    expect(ok.json.peer.id).toBe(a.id);
  });

  it('never answers a fuzzed body with a 500', async () => {
    const body = fc.oneof(
      fc.json(),
      fc.string(),
      fc.record({ target: fc.oneof(fc.string(), fc.integer(), fc.constant(null)), duration: fc.oneof(fc.string(), fc.integer()), reason: fc.string() }, { requiredKeys: [] }),
      fc.record({ endpoint: fc.oneof(fc.string(), fc.integer(), fc.ipV4(), fc.ipV6()), static: fc.anything() }, { requiredKeys: [] }),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('/api/v1/bans', '/api/v1/peers'), async (payload, path) => {
        const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
        const r = await b.http('POST', path, text, true);
        expect(r.status, `${path} ${text}`).toBeLessThan(500);
        if (r.status === 201) await b.http('DELETE', `/api/v1/bans/${encodeURIComponent(r.json.ban.target)}`, undefined, true);
      }),
      { numRuns: 150 },
    );
    // A fuzzed connect may have dialled something real: nothing crashed, the node still answers.
    expect((await b.http('GET', '/api/v1/status')).json.running).toBe(true);
  });

  it('streams peer events over SSE, serves metrics, the OpenAPI document and the last hour of samples', async () => {
    const res = await fetch(`${b.api}/api/v1/events`);
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('event: hello')) text += new TextDecoder().decode((await reader.read()).value);
    const ban = await b.http('POST', '/api/v1/bans', { target: '192.0.2.7', reason: 'sse check' }, true);
    expect(ban.status).toBe(201);
    while (!text.includes('event: peer:banned')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toMatch(/"reason":"sse check"/);
    await reader.cancel();
    await b.http('DELETE', '/api/v1/bans/192.0.2.7', undefined, true);

    const metrics = await (await fetch(`${b.api}/metrics`)).text();
    for (const family of [
      'peerwarden_peers{temperature="hot",direction="outbound"}',
      'peerwarden_dials_total{outcome=',
      'peerwarden_messages_total{',
      'peerwarden_message_bytes_total{',
      'peerwarden_bans ',
      'peerwarden_bans_total{action="added"}',
      'peerwarden_addrbook_entries{table="new"}',
      'peerwarden_request_duration_seconds',
      // Process metrics under their standard names (stock Node.js dashboards).
      '\nnodejs_eventloop_lag_seconds ',
      '\nprocess_cpu_seconds_total ',
    ]) {
      expect(metrics, family).toContain(family);
    }
    const doc = (await b.http('GET', '/api/v1/openapi.json')).json;
    for (const path of ['/api/v1/peers', '/api/v1/peers/{id}', '/api/v1/addresses', '/api/v1/addrbook/stats', '/api/v1/bans', '/api/v1/bans/{target}', '/api/v1/events']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    const series = (await b.http('GET', '/api/v1/series')).json;
    expect(series.intervalMs).toBe(5000);
    expect(series.samples.at(-1).peers.outbound.hot + series.samples.at(-1).peers.outbound.warm).toBeGreaterThanOrEqual(1);
    // `since` leaves out what the page already has: only the sample taken at the request remains.
    const newest = series.samples.at(-2)?.at ?? series.samples.at(-1).at;
    const after = (await b.http('GET', `/api/v1/series?since=${newest}`)).json;
    expect(after.samples.every((x: { at: number }) => x.at > newest)).toBe(true);
    expect((await b.http('GET', '/api/v1/series?since=soon')).status).toBe(400);
  });
});

describe('CLI clients', () => {
  it('status, peers and bans print tables, or JSON with --json', async () => {
    const status = await cli(['status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`node ${b.id}`));
    expect(status.stdout).toMatch(/health\s+(healthy|degraded)/);
    const peers = await cli(['peers']);
    expect(peers.stdout).toMatch(new RegExp(`${a.id.slice(0, 12)}\\s+${a.listen.replace(/\./g, '\\.')}\\s+out`));
    const json = JSON.parse((await cli(['peers', '--json'])).stdout);
    expect(json.peers.map((p: { id: string }) => p.id)).toContain(a.id);
    expect((await cli(['bans'])).stdout).toMatch(/no bans/);
  });

  it('ban, unban, disconnect, connect and explain change and describe the node', async () => {
    const ban = await cli(['ban', '203.0.113.0/24', '--for', '2h', '--reason', 'cli test']);
    expect(ban.code).toBe(0);
    expect(ban.stdout).toMatch(/banned 203\.0\.113\.0\/24 \(subnet\) until .*: cli test/);
    expect((await cli(['bans'])).stdout).toMatch(/203\.0\.113\.0\/24\s+subnet\s+in 1h59m/);
    expect((await cli(['unban', '203.0.113.0/24'])).stdout).toMatch(/unbanned/);
    const missing = await cli(['unban', '203.0.113.0/24']);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/no ban on/);

    const disc = await cli(['disconnect', a.id]);
    expect(disc.code).toBe(0);
    // The governor may well dial its only peer again at once: look for the disconnection in the history.
    await eventually(
      async () => (await b.http('GET', `/api/v1/peers/${a.id}`)).json.history.some((e: { kind: string; reason: string }) => e.kind === 'peer:disconnected' && /operator/.test(e.reason)),
      10_000,
      'the disconnection in the history',
    );
    const conn = await cli(['connect', a.listen]);
    expect(conn.code).toBe(0);
    // The seed may have dialled back first: then the answer is that (inbound) connection to the same node.
    expect(conn.stdout).toMatch(new RegExp(`connected to 127\\.51\\.0\\.1:\\d+: ${a.id} \\((outbound|inbound), (hot|warm)\\)`));

    const explain = await cli(['explain', a.id]);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toMatch(/address learned .*learned from seed/);
    expect(explain.stdout).toMatch(/disconnected .*operator/);
    expect(explain.stdout).toMatch(/connected/);
    expect(explain.stdout).toMatch(/promoted/);
    // The peer's ip:port names it too (where it listens, or where it is connected).
    const byEndpoint = await cli(['explain', a.listen]);
    expect(byEndpoint.code).toBe(0);
    expect(byEndpoint.stdout).toContain(`peer ${a.id}`);
  });

  it('explain shows a ban with its reason', async () => {
    expect((await cli(['ban', a.id.slice(0, 12), '--reason', 'misbehaving in test'])).code).toBe(0);
    // The short id that `peers` prints is enough.
    const explain = await cli(['explain', a.id.slice(0, 12)]);
    expect(explain.stdout).toContain(`peer ${a.id}`);
    expect(explain.stdout).toMatch(/ban\s+misbehaving in test \(until unbanned\)/);
    expect(explain.stdout).toMatch(/BANNED .*misbehaving in test/);
    expect((await cli(['unban', a.id])).code).toBe(0);
    const none = await cli(['explain', 'ffffffffffff']);
    expect(none.code).toBe(4);
    expect(none.stderr).toMatch(/no peer id starts with ffffffffffff/);
  });

  it('says clearly when no node is running, when the token is missing, and on usage errors', async () => {
    const down = await runCli(['status', '--api', 'http://127.0.0.1:59999']);
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/no peerwarden node is answering at http:\/\/127\.0\.0\.1:59999 \(ECONNREFUSED\)\. Is "peerwarden node" running\?/);
    const noToken = await runCli(['ban', '10.1.1.1', '--api', b.api, '--data-dir', '/nonexistent']);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/needs its API token/);
    const wrong = await runCli(['ban', '10.1.1.1', '--api', b.api, '--token', 'nope']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/wrong API token/);
    const usage = await cli(['ban']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/expected one argument/);
    expect((await cli(['ban', '1.2.3.4', '--for', 'ever'])).stderr).toMatch(/--for: invalid duration/);
    // The data dir is enough to find the API and the token; so is a bare host:port for the API.
    const local = await runCli(['status', '--data-dir', b.dataDir]);
    expect(local.code).toBe(0);
    expect((await runCli(['status', '--api', b.api.replace('http://', '')])).code).toBe(0);
  });
});
