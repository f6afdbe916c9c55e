// The fleet page in a real browser: two real nodes and one that raises alarms, drawn as the devnet
// page draws a devnet (graph and table), with links into each node's dashboard; the browser talks
// only to `peerwarden fleet`, which polls the nodes' APIs itself.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type Running } from '../helpers/cli.js';
import { eventually, startDaemon, type Daemon } from '../helpers/daemon.js';
import { launchBrowser, openPage, screenshot, type TestBrowser } from './browser.js';

/** A node API that answers with an alarm (the shape a node's /status carries when it raises one). */
function alarmedNode(): Promise<{ server: Server; url: string }> {
  const id = 'c'.repeat(64);
  const routes: Record<string, unknown> = {
    '/api/v1/status': {
      mode: 'node',
      id,
      version: '0.1.0',
      network: 'itest',
      health: {
        status: 'degraded',
        reason: 'eclipse alarm (outbound-sources): every outbound peer is in AS64500',
        alarms: [{ kind: 'outbound-sources', message: 'every outbound peer is in AS64500', groups: ['AS64500'], evidence: {}, since: Date.now() }],
      },
      peers: { total: 0, outbound: { hot: 0, warm: 0 }, inbound: { hot: 0, warm: 0 } },
      targets: { hot: 8, outbound: 12 },
      addresses: { total: 3 },
    },
    '/api/v1/peers': { peers: [] },
    '/api/v1/history': { events: [] },
  };
  const server = createServer((req, res) => {
    const body = routes[(req.url ?? '').split('?')[0]!];
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? { error: { code: 'not_found', message: 'no' } }));
  });
  return new Promise((resolve) => server.listen(0, '127.84.0.3', () => resolve({ server, url: `http://127.84.0.3:${(server.address() as { port: number }).port}` })));
}

describe('the fleet page', () => {
  let a: Daemon;
  let b: Daemon;
  let alarmed: { server: Server; url: string };
  let fleet: Running;
  let pageUrl: string;
  let tb: TestBrowser;
  const errors: string[] = [];

  beforeAll(async () => {
    [a, alarmed, tb] = await Promise.all([startDaemon('127.84.0.1'), alarmedNode(), launchBrowser()]);
    b = await startDaemon('127.84.0.2', ['--seed', a.listen]);
    await eventually(async () => ((await a.http('GET', '/api/v1/peers')).json as { peers: unknown[] }).peers.length > 0, 20_000, 'a and b connected');
    fleet = startCli(['fleet', '--node', a.api, '--node', b.api, '--node', alarmed.url, '--listen', '127.0.0.1:0', '--interval', '1s']);
    [, pageUrl] = (await fleet.waitFor(/fleet page: (http:\/\/127\.0\.0\.1:\d+)\//)) as unknown as [string, string];
  }, 60_000);

  afterAll(async () => {
    await tb?.close();
    fleet?.child.kill('SIGTERM');
    await fleet?.exit();
    await a?.stop();
    await b?.stop();
    alarmed?.server.close();
    expect(errors).toEqual([]);
  }, 30_000);

  it('draws the nodes and the connections between them, lists them with their alarms, and links into each dashboard', async () => {
    const requested = new Set<string>();
    const page = await openPage(tb.browser, `${pageUrl}/`, errors, async (p) => {
      p.on('request', (r) => requested.add(new URL(r.url()).origin));
    });
    await page.waitForSelector('canvas.graph[data-settled]', { timeout: 15_000 });
    expect(await page.getAttribute('canvas.graph', 'data-nodes')).toBe('3');
    // a and b are connected to each other: one edge (or two, if both dialled).
    await expect.poll(async () => Number(await page.getAttribute('canvas.graph', 'data-edges')), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    const rows = await page.$$eval('table[aria-label="fleet nodes"] tbody tr', (trs) =>
      trs.map((tr) => ({ link: tr.querySelector('a')?.getAttribute('href'), alarms: tr.querySelector('[data-field="alarms"]')?.textContent, text: tr.textContent })),
    );
    expect(rows.map((r) => r.link)).toEqual([`${a.api}/`, `${b.api}/`, `${alarmed.url}/`]);
    expect(rows.map((r) => r.alarms)).toEqual(['0', '0', '1']);
    expect(rows[0]!.text).toContain(a.id.slice(0, 12));
    expect(await page.getAttribute('table[aria-label="fleet nodes"] tbody tr:nth-child(3) [data-field="alarms"] span', 'title')).toBe('outbound-sources: every outbound peer is in AS64500');
    expect(await page.textContent('.notice')).toMatch(/alarm outbound-sources: every outbound peer is in AS64500/);
    await screenshot(page, 'fleet');
    // The browser never called a node's API: only the fleet page's own origin.
    expect([...requested]).toEqual([pageUrl]);
    await page.close();
  });
});
