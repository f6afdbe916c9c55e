// `promtool check metrics` on live /metrics scrapes of a node (with peers, traffic and requests) and of an observer.
//
// promtool is required, not optional: .ci/run installs it (Debian package prometheus), so a CI
// without it fails here instead of passing without the check. Locally: apt-get install prometheus,
// or point PROMTOOL at the binary.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../src/api/create.js';
import { feedObserverEvents, registerObserverRoutes } from '../../src/api/observer-routes.js';
import { createNode } from '../../src/create-node.js';
import type { Node } from '../../src/node/index.js';
import { createObserver } from '../../src/observer/index.js';

const FIXTURE = new URL('../fixtures/cardano/cardano-node-10.6-testnet.jsonl', import.meta.url).pathname;

function findPromtool(): string {
  const candidates = [process.env.PROMTOOL, '/usr/bin/promtool', '/usr/local/bin/promtool'].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (found) return found;
  const which = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  throw new Error('promtool is required by this test: install it (apt-get install prometheus; .ci/run does) or set PROMTOOL=/path/to/promtool');
}

/** promtool's findings on a scrape: '' when it has none (exit status 0). */
function lint(text: string): { status: number | null; out: string } {
  const r = spawnSync(findPromtool(), ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}`.trim() };
}

describe('promtool check metrics', () => {
  let a: Node;
  let b: Node;
  beforeAll(async () => {
    a = await createNode({ network: 'promtool', dataDir: null, listen: '127.73.0.1:0', encryption: 'none', allowLoopback: true, api: {} });
    b = await createNode({ network: 'promtool', dataDir: null, listen: '127.73.0.2:0', encryption: 'none', allowLoopback: true, api: false });
    await a.start();
    await b.start();
    // Traffic of every kind the metrics count: a connection, messages, a request with its latency, a ban.
    b.handle('echo', (payload) => payload);
    const peer = await a.connect(b.listenAddresses[0]!);
    await a.request(peer.id, 'echo', new Uint8Array([1, 2, 3]), { timeoutMs: 5000 });
    a.broadcast('news', new Uint8Array([4]), { to: 'all' });
    a.ban('192.0.2.1', { reason: 'promtool test', durationMs: 60_000 });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  it('finds nothing to report on a node', async () => {
    const text = await (await fetch(`${a.api!.url}/metrics`)).text();
    expect(text).toMatch(/^peerwarden_request_duration_seconds_bucket\{/m);
    expect(text).toMatch(/^peerwarden_connections_total\{direction="outbound"\} 1$/m);
    expect(text).toMatch(/^process_cpu_seconds_total /m);
    expect(lint(text)).toEqual({ status: 0, out: '' });
  });

  it('finds nothing to report on an observer', async () => {
    const observer = createObserver({ log: FIXTURE, reconcile: false });
    const api = createApiServer({ listen: { ip: '127.0.0.1', port: 0 }, title: 'observer', version: '0' });
    feedObserverEvents(observer, api.feed);
    registerObserverRoutes(api.server.app, { observer, feed: api.feed, registry: api.registry, version: '0', startedAt: Date.now(), now: Date.now });
    const url = await api.server.start();
    await observer.start();
    try {
      const text = await (await fetch(`${url}/metrics`)).text();
      expect(text).toMatch(/^peerwarden_observed_peers\{/m);
      expect(lint(text)).toEqual({ status: 0, out: '' });
    } finally {
      await observer.stop();
      await api.server.close();
    }
  });

  it('would report a gauge named _total (the check is real)', () => {
    const r = lint('# HELP x_total a gauge misnamed\n# TYPE x_total gauge\nx_total 1\n');
    expect(r.out).toMatch(/non-counter metrics should not have "_total" suffix/);
  });
});
