// The dashboard in a real browser against a real 4-node devnet: counts, peers, charts, heat maps, bans, the graph.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLORS } from '../../dashboard/src/lib/colors.js';
import type { DevnetSnapshotJson, NodeStatusJson, PeersJson } from '../../src/api/dto.js';
import { startCli, type Running } from '../helpers/cli.js';
import { countPixels, freePort, type CanvasLike, freePortPair, launchBrowser, openPage, pixelAt, rgb, screenshot, waitUntil, type TestBrowser } from './browser.js';


const getJson = async <T>(url: string): Promise<T> => (await fetch(url)).json() as Promise<T>;

describe('dashboard against a 4-node devnet', () => {
  let devnet: Running;
  let dataDir: string;
  let uiUrl: string;
  let node1: string;
  let tb: TestBrowser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pw-dash-devnet-'));
    const base = await freePortPair(['127.1.0.1', '127.2.0.1', '127.3.0.1', '127.4.0.1']);
    const ui = await freePort();
    devnet = startCli(['devnet', '--nodes', '4', '--base-port', String(base), '--ui-port', String(ui), '--data-dir', dataDir]);
    const [launched] = await Promise.all([launchBrowser(), devnet.waitFor(/network page: (http:\/\/127\.0\.0\.1:\d+)\//)]);
    tb = launched;
    uiUrl = `http://127.0.0.1:${ui}`;
    node1 = `http://127.1.0.1:${base + 1}`;
    // Wait until the devnet says the network formed: every node up, meshed, one graph.
    await waitUntil(async () => (await getJson<DevnetSnapshotJson>(`${uiUrl}/api/devnet`)).verdict.ok, 40_000, 'the devnet formed');
    page = await openPage(tb.browser, `${node1}/`, errors);
  }, 60_000);

  afterAll(async () => {
    await tb?.close();
    if (devnet) {
      devnet.child.kill('SIGTERM');
      await devnet.exit();
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    expect(errors).toEqual([]);
  }, 30_000);

  it('the overview shows the counts the API reports', async () => {
    await page.waitForSelector('[data-count="outbound-hot"]');
    const read = async () => {
      const cell = async (name: string) => Number(await page.textContent(`[data-count="${name}"]`));
      return { outbound: { hot: await cell('outbound-hot'), warm: await cell('outbound-warm') }, inbound: { hot: await cell('inbound-hot'), warm: await cell('inbound-warm') } };
    };
    // Page and API are read at slightly different moments (and a feeler may come and go): they agree once a refresh lands.
    await expect
      .poll(async () => {
        const api = await getJson<NodeStatusJson>(`${node1}/api/v1/status`);
        const shown = await read();
        return JSON.stringify(shown) === JSON.stringify({ outbound: api.peers.outbound, inbound: api.peers.inbound });
      }, { timeout: 10_000 })
      .toBe(true);
    const status = await getJson<NodeStatusJson>(`${node1}/api/v1/status`);
    expect(await page.textContent('[data-field="id"]')).toBe(status.id);
    // A formed 4-node devnet is a full mesh: node 1 has (at least) the 3 others.
    expect(Number(await page.textContent('[data-count="total"]'))).toBeGreaterThanOrEqual(3);
    await page.waitForSelector('.conn[data-state="live"]');
    expect(await page.textContent('.conn')).toBe('live');
    await screenshot(page, 'overview');
  });

  it('the peers table fills and sorts, and a click opens the peer with its history', async () => {
    await page.click('a.tab[data-view="peers"]');
    // Cells of one column in display order (pooled row elements are not in document order).
    const column = (key: string) =>
      page.$$eval(`.vt-body .vt-row[data-index]`, (rows, key) =>
        rows
          .map((r) => [Number(r.getAttribute('data-index')), r.querySelector(`.vt-cell[data-key="${key}"]`)?.textContent ?? ''] as const)
          .sort((a, b) => a[0] - b[0])
          .map(([, text]) => text),
      key);
    const sorted = (xs: string[]) => [...xs].sort((a, b) => a.localeCompare(b));
    await expect
      .poll(async () => JSON.stringify(sorted(await column('endpoint'))) === JSON.stringify(sorted((await getJson<PeersJson>(`${node1}/api/v1/peers`)).peers.map((p) => p.endpoint))), { timeout: 10_000 })
      .toBe(true);
    expect((await column('endpoint')).length).toBeGreaterThanOrEqual(3);
    await page.click('.vt-head [data-key="endpoint"]');
    expect(await page.getAttribute('.vt-head [data-key="endpoint"]', 'aria-sort')).toBe('ascending');
    const ascending = await column('endpoint');
    expect(ascending).toEqual(sorted(ascending));
    await page.click('.vt-head [data-key="endpoint"]');
    expect(await page.getAttribute('.vt-head [data-key="endpoint"]', 'aria-sort')).toBe('descending');
    const descending = await column('endpoint');
    expect(descending).toEqual(sorted(descending).reverse());

    await page.click('.vt-body .vt-row[data-index="0"]');
    await page.waitForSelector('.peer-panel:not([hidden]) .timeline .tl-item');
    const kinds = await page.$$eval('.peer-panel .tl-kind', (els) => els.map((e) => e.textContent));
    expect(kinds).toContain('connected');
    expect(kinds).toContain('promoted');
    expect(page.url()).toMatch(/#\/peers\/[0-9a-f]{64}$/);
    await screenshot(page, 'peers');
  });

  it('keeps 5,000 peers virtualised: few rows in the page, every one reachable by scrolling, sortable', async () => {
    // A 4-node devnet cannot have 5,000 peers, so this page is handed a large peer list in the API's shape.
    const many = Array.from({ length: 5000 }, (_, i) => ({
      id: i.toString(16).padStart(64, '0'),
      endpoint: `10.${(i >> 8) & 255}.${i & 255}.1:7000`,
      direction: i % 3 ? 'inbound' : 'outbound',
      temperature: i % 2 ? 'warm' : 'hot',
      score: (i % 200) - 100,
      rttMs: (i * 7919) % 1000,
      connectedAt: Date.now() - i * 1000,
      bytesIn: i * 10,
      bytesOut: i * 20,
      messagesIn: i,
      messagesOut: i,
      busy: i % 50 === 0,
      static: false,
      trusted: i % 77 === 0,
      services: '0',
      userAgent: 'peerwarden',
      listenEndpoint: undefined,
      purpose: 'inbound',
      netGroup: `10.${(i >> 8) & 255}.0.0/16`,
      minRttMs: 1,
    }));
    const big = await tb.browser.newPage({ viewport: { width: 1400, height: 900 } });
    big.on('pageerror', (e) => errors.push(`5,000 peers: ${e.message}`));
    await big.route((url) => url.pathname === '/api/v1/peers', (route) => route.fulfill({ json: { peers: many } }));
    await big.goto(`${node1}/#/peers`);
    await big.waitForSelector('[data-field="peer-count"]:text-is("5000 peers")');
    const rendered = () => big.$$eval('.vt-body .vt-row[data-index]', (rows) => rows.map((r) => Number(r.getAttribute('data-index'))));
    expect((await rendered()).length).toBeLessThan(80);
    await big.$eval('.vt-body', (b) => (b.scrollTop = b.scrollHeight));
    await big.waitForSelector('.vt-body .vt-row[data-index="4999"]');
    expect((await rendered()).length).toBeLessThan(80);
    await big.$eval('.vt-body', (b) => (b.scrollTop = 0));
    await big.click('.vt-head [data-key="rtt"]');
    await big.click('.vt-head [data-key="rtt"]');
    await big.waitForSelector('.vt-body .vt-row[data-index="0"]');
    const top = await big.textContent('.vt-body .vt-row[data-index="0"] .vt-cell[data-key="rtt"]');
    expect(top).toBe(`${Math.max(...many.map((p) => p.rttMs))} ms`);
    // The filter narrows the 5,000 to the outbound hot ones.
    await big.selectOption('select[aria-label="direction"]', 'outbound');
    await big.selectOption('select[aria-label="temperature"]', 'hot');
    const expected = many.filter((p) => p.direction === 'outbound' && p.temperature === 'hot').length;
    expect(await big.textContent('[data-field="peer-count"]')).toBe(`${expected} of 5000 peers`);
    await screenshot(big, 'peers-5000');
    await big.close();
  });

  it('draws the charts from the kept samples (non-blank canvas)', async () => {
    await page.click('a.tab[data-view="charts"]');
    const peerColors = [COLORS.hot, COLORS.warm, COLORS.inboundHot, COLORS.inboundWarm].map(rgb);
    // The stacked peers chart fills its areas with the temperature × direction colours.
    await expect.poll(() => countPixels(page, '[data-chart="peers"] canvas', peerColors, 40), { timeout: 15_000 }).toBeGreaterThan(500);
    // Traffic lines in the in/out colours (flat at zero when idle, still drawn).
    await expect.poll(() => countPixels(page, '[data-chart="messages"] canvas', [rgb(COLORS.in), rgb(COLORS.out)], 30), { timeout: 5000 }).toBeGreaterThan(100);
    await screenshot(page, 'charts');
  });

  it('draws both address-book heat maps with one coloured pixel per occupied slot', async () => {
    await page.click('a.tab[data-view="addresses"]');
    for (const table of ['new', 'tried'] as const) {
      const selector = `canvas[data-table="${table}"]`;
      await page.waitForSelector(`${selector}[data-drawn]`);
      const size = await page.$eval(selector, (c) => [(c as unknown as CanvasLike).width, (c as unknown as CanvasLike).height]);
      expect(size).toEqual(table === 'new' ? [1024, 64] : [256, 64]);
      // Every pixel is painted: empty slots in the empty colour, the rest in a heat colour.
      const painted = await page.$eval(selector, (c) => {
        const d = (c as unknown as CanvasLike).getContext('2d')!.getImageData(0, 0, (c as unknown as CanvasLike).width, (c as unknown as CanvasLike).height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] === 255) n++;
        return n;
      });
      expect(painted).toBe(size[0]! * size[1]!);
      await expect
        .poll(async () => {
          const occ = await getJson<{ cells: number[] }>(`${node1}/api/v1/addrbook/occupancy?table=${table}`);
          const occupied = occ.cells.filter((c) => c >= 0).length;
          const drawn = (await page.$eval(selector, (c) => (c as unknown as CanvasLike).width * (c as unknown as CanvasLike).height)) - (await countPixels(page, selector, [rgb(COLORS.empty)], 0));
          return drawn === occupied;
        }, { timeout: 12_000, interval: 1000 })
        .toBe(true);
    }
    const stats = await getJson<{ total: number; new: number; tried: number }>(`${node1}/api/v1/addrbook/stats`);
    expect(stats.total).toBeGreaterThan(0);
    expect(await page.textContent('[data-field="total"]')).toBe(String(stats.total));
    expect(await page.$$eval('table[aria-label="top net groups"] tbody tr', (rows) => rows.length)).toBeGreaterThan(0);
    await screenshot(page, 'addresses');
  });

  it('the devnet page draws 4 nodes and their edges, and a node opens its dashboard', async () => {
    const devnetPage = await openPage(tb.browser, `${uiUrl}/`, errors);
    /** Connections between devnet nodes, one per dialler → acceptor pair, from the devnet API. */
    const connections = async () => {
      const snap = await getJson<DevnetSnapshotJson>(`${uiUrl}/api/devnet`);
      const pairs = new Set<string>();
      for (const n of snap.nodes) {
        for (const p of n.peers) {
          const other = snap.nodes.find((m) => m.id === p.id);
          if (other) pairs.add(p.direction === 'outbound' ? `${n.index}>${other.index}` : `${other.index}>${n.index}`);
        }
      }
      return pairs.size;
    };
    await devnetPage.waitForSelector('canvas.graph[data-settled]', { timeout: 15_000 });
    expect(await devnetPage.getAttribute('canvas.graph', 'data-nodes')).toBe('4');
    // The page redraws once a second: it shows the connections the API reports (a full mesh has 6).
    await expect.poll(async () => Number(await devnetPage.getAttribute('canvas.graph', 'data-edges')) === (await connections()), { timeout: 10_000 }).toBe(true);
    const edges = Number(await devnetPage.getAttribute('canvas.graph', 'data-edges'));
    expect(edges).toBeGreaterThanOrEqual(3);
    const snap = await getJson<DevnetSnapshotJson>(`${uiUrl}/api/devnet`);
    const positions = JSON.parse((await devnetPage.getAttribute('canvas.graph', 'data-positions'))!) as { index: number; x: number; y: number; r: number }[];
    expect(positions.map((p) => p.index).sort()).toEqual([1, 2, 3, 4]);
    // A node is drawn in its health colour (nodes in a 4-node devnet are below their targets: degraded or healthy).
    const health = [COLORS.healthy, COLORS.degraded, COLORS.isolated].map(rgb);
    for (const p of positions) {
      const [r, g, b] = await pixelAt(devnetPage, 'canvas.graph', p.x + p.r * 0.6, p.y - p.r * 0.6);
      expect(health.some(([hr, hg, hb]) => Math.abs(hr - r) < 8 && Math.abs(hg - g) < 8 && Math.abs(hb - b) < 8)).toBe(true);
    }
    // Edges are drawn in the direction × temperature colours.
    const edgeColors = [COLORS.hot, COLORS.warm, COLORS.inboundHot, COLORS.inboundWarm].map(rgb);
    expect(await countPixels(devnetPage, 'canvas.graph', edgeColors, 20)).toBeGreaterThan(200 * edges);
    expect(await devnetPage.$$eval('table[aria-label="devnet nodes"] tbody tr', (rows) => rows.length)).toBe(4);
    await screenshot(devnetPage, 'devnet');

    const two = positions.find((p) => p.index === 2)!;
    const box = (await devnetPage.$('canvas.graph'))!.boundingBox();
    const [popup] = await Promise.all([devnetPage.context().waitForEvent('page'), devnetPage.mouse.click((await box)!.x + two.x, (await box)!.y + two.y)]);
    await popup.waitForURL(/127\.2\.0\.1/);
    expect(popup.url()).toBe(`${snap.nodes.find((n) => n.index === 2)!.apiUrl}/`);
    await popup.close();
    await devnetPage.close();
  });

  it('a wrong token shows an error; the right one bans a peer (API and table) and the ban can be removed', async () => {
    const token = readFileSync(join(dataDir, 'node-1', 'api.token'), 'utf8').trim();
    const victim = (await getJson<PeersJson>(`${node1}/api/v1/peers`)).peers[0]!;

    // Wrong token, from the Bans view: an error on the page, nothing banned.
    await page.click('a.tab[data-view="bans"]');
    await page.fill('input[aria-label="ban target"]', victim.id);
    await page.click('form[aria-label="add a ban"] button[type="submit"]');
    await page.fill('dialog.token-dialog input', 'not-the-token');
    await page.click('dialog.token-dialog button[type="submit"]');
    await page.waitForSelector('.bans .message.error');
    expect(await page.textContent('.bans .message.error')).toMatch(/wrong API token/);
    expect((await getJson<{ bans: unknown[] }>(`${node1}/api/v1/bans`)).bans).toEqual([]);
    await screenshot(page, 'bans-wrong-token');

    // The right token, from the peer's panel: asked again because the wrong one was forgotten.
    await page.goto(`${node1}/#/peers/${victim.id}`);
    await page.waitForSelector('.peer-panel:not([hidden]) .timeline .tl-item');
    await page.click('.peer-panel button:has-text("Ban…")');
    await page.fill('.peer-panel input[aria-label="ban reason"]', 'e2e test');
    await page.click('.peer-panel form button[type="submit"]');
    await page.fill('dialog.token-dialog input', token);
    await page.click('dialog.token-dialog button[type="submit"]');
    await page.waitForSelector('.peer-panel .message.ok');
    const bans = (await getJson<{ bans: { target: string; reason: string }[] }>(`${node1}/api/v1/bans`)).bans;
    expect(bans).toEqual([expect.objectContaining({ target: victim.id, reason: 'e2e test' })]);

    await page.click('a.tab[data-view="bans"]');
    await page.waitForSelector(`.bans-table tr[data-target="${victim.id}"]`);
    await screenshot(page, 'bans');
    // The token is kept for the session: removing asks nothing.
    await page.click(`.bans-table tr[data-target="${victim.id}"] button`);
    await page.waitForSelector('.bans-table tbody td.muted');
    expect(await page.$('dialog.token-dialog')).toBeNull();
    expect((await getJson<{ bans: unknown[] }>(`${node1}/api/v1/bans`)).bans).toEqual([]);
  });

  it('the events view lists the live feed and filters by kind', async () => {
    await page.click('a.tab[data-view="events"]');
    await page.waitForSelector('.events .vt-body .vt-row[data-index]');
    // The ban and unban just made arrived over the stream.
    await page.selectOption('select[aria-label="event kind"]', 'peer:banned');
    await expect.poll(() => page.$$eval('.events .vt-body .vt-row[data-index] .vt-cell[data-key="kind"]', (cells) => cells.map((c) => c.textContent))).toEqual(['banned']);
    await page.selectOption('select[aria-label="event kind"]', '');
    await screenshot(page, 'events');
  });
});
