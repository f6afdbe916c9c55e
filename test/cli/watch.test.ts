import { appendFileSync, copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';

const FIXTURE = new URL('../fixtures/cardano/cardano-node-10.6-testnet.jsonl', import.meta.url).pathname;

describe('peerwarden watch', () => {
  it('serves the peers of a fixture log over HTTP, follows new lines, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-watch-'));
    const log = join(dir, 'node.json');
    copyFileSync(FIXTURE, log);
    const cli = startCli(['watch', '--log', log, '--no-reconcile', '--api-port', '0']);
    try {
      const [, url] = await cli.waitFor(/API and dashboard at (http:\/\/127\.0\.0\.1:\d+)\//);
      const peers = (await (await fetch(`${url}/api/v1/peers`)).json()) as { peers: { id: string; state: string; outbound: { state: string }; inbound: { state: string } }[] };
      expect(peers.peers).toHaveLength(1);
      expect(peers.peers[0]).toMatchObject({ id: '127.0.0.1:30000-127.0.0.1:30001', state: 'hot', outbound: { state: 'hot' }, inbound: { state: 'hot' } });

      const one = await fetch(`${url}/api/v1/peers/${encodeURIComponent('127.0.0.1:30001')}`);
      expect(one.status).toBe(200);
      expect(((await one.json()) as { history: unknown[] }).history.length).toBeGreaterThan(3);
      const missing = await fetch(`${url}/api/v1/peers/1.2.3.4:5`);
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('unknown_peer');

      const status = (await (await fetch(`${url}/api/v1/status`)).json()) as { mode: string; node: { state: string } };
      expect(status).toMatchObject({ mode: 'observer', node: { state: 'running' } });

      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(/peerwarden_observed_peers\{direction="outbound",state="hot"\} 1/);
      expect(metrics).toMatch(/peerwarden_observer_log_lines_total\{outcome="parsed"\} \d+/);

      // A line appended to the log arrives as a server-sent event.
      const res = await fetch(`${url}/api/v1/events`);
      const reader = res.body!.getReader();
      let text = '';
      while (!text.includes('event: hello')) text += new TextDecoder().decode((await reader.read()).value);
      appendFileSync(
        log,
        '{"at":"2026-01-01T00:00:00.123456Z","ns":"Net.PeerSelection.Actions.StatusChanged","data":{"kind":"PeerStatusChanged","peerStatusChangeType":"HotToWarm (ConnectionId {localAddress = 127.0.0.1:30000, remoteAddress = 127.0.0.1:30001})"},"sev":"Info","thread":"1","host":"h"}\n',
      );
      while (!text.includes('event: peer:changed')) text += new TextDecoder().decode((await reader.read()).value);
      expect(text).toMatch(/"from":"hot","to":"warm"/);
      await reader.cancel();
    } finally {
      cli.child.kill('SIGTERM');
    }
    expect(await cli.exit()).toBe(0);
  });

  it('lists every usage problem and exits 2', async () => {
    const r = await runCli(['watch', '--log', 'a', '--stdin', '--since', 'yesterday', '--grace', 'soon', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option --bogus/);
    expect(r.stderr).toMatch(/exactly one source/);
    expect(r.stderr).toMatch(/--since: expected an ISO time/);
    expect(r.stderr).toMatch(/--grace: invalid duration/);
  });

  it('protects its API like a node\u2019s: other Host names and other sites\u2019 pages are refused, listed ones served', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-watch-access-'));
    const log = join(dir, 'node.json');
    copyFileSync(FIXTURE, log);
    const cli = startCli(['watch', '--log', log, '--no-reconcile', '--api-port', '0', '--api-allowed-host', 'observer.example', '--api-cors-origin', 'https://ops.example.org']);
    try {
      const [, url] = await cli.waitFor(/API and dashboard at (http:\/\/127\.0\.0\.1:\d+)\//);
      const { request } = await import('node:http');
      const get = (headers: Record<string, string>) =>
        new Promise<{ status: number; acao: string | undefined; body: string }>((resolve, reject) => {
          const u = new URL(`${url}/api/v1/peers`);
          const req = request({ host: u.hostname, port: u.port, path: u.pathname, headers, setHost: !headers.host }, (res) => {
            let body = '';
            res.on('data', (d: Buffer) => (body += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode!, acao: res.headers['access-control-allow-origin'] as string | undefined, body }));
          });
          req.on('error', reject);
          req.end();
        });
      expect((await get({})).status).toBe(200);
      expect((await get({ host: 'observer.example' })).status).toBe(200);
      const rebound = await get({ host: `rebind.example:${new URL(url!).port}` });
      expect(rebound.status).toBe(403);
      expect(rebound.body).toMatch(/host_not_allowed.*--api-allowed-host/);
      expect(await get({ origin: 'https://evil.example' })).toMatchObject({ status: 403, acao: undefined });
      expect(await get({ origin: 'https://ops.example.org' })).toMatchObject({ status: 200, acao: 'https://ops.example.org' });
    } finally {
      cli.child.kill('SIGTERM');
    }
    expect(await cli.exit()).toBe(0);
    const bad = await runCli(['watch', '--stdin', '--api-allowed-host', '*', '--api-cors-origin', 'https://ops.example.org/x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--api-allowed-host: wildcards are not accepted/);
    expect(bad.stderr).toMatch(/--api-cors-origin: .* is a URL, not an origin/);
  });

  it('waits for a log file that does not exist yet, like tail -F, and says so', async () => {
    const cli = startCli(['watch', '--log', '/nonexistent/node.json', '--no-reconcile', '--api-port', '0']);
    await cli.waitFor(/\/nonexistent\/node\.json does not exist yet; waiting for it/);
    cli.child.kill('SIGTERM');
    expect(await cli.exit()).toBe(0);
  });
});
