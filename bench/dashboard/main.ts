// Dashboard benchmark: bundle sizes, and in headless chromium the cost of 5,000 peers, full heat maps and an hour of charts.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { printTable, type BenchRow } from '../table.js';

const DIST = fileURLToPath(new URL('../../dist/dashboard/', import.meta.url));
const ORIGIN = 'http://dashboard.bench';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PEERS = 5000;

// ---- synthetic API answers, shaped like the node's ----
const now = Date.now();
const peers = Array.from({ length: PEERS }, (_, i) => ({
  id: i.toString(16).padStart(64, '0'),
  endpoint: `10.${(i >> 8) & 255}.${i & 255}.1:7000`,
  direction: i % 3 ? 'inbound' : 'outbound',
  temperature: i % 2 ? 'warm' : 'hot',
  score: (i % 200) - 100,
  rttMs: (i * 7919) % 1000,
  connectedAt: now - i * 1000,
  bytesIn: i * 10,
  bytesOut: i * 20,
  messagesIn: i,
  messagesOut: i,
  busy: i % 50 === 0,
  static: false,
  trusted: i % 77 === 0,
  services: '0',
  userAgent: 'peerwarden',
  purpose: 'inbound',
  netGroup: `10.${(i >> 8) & 255}.0.0/16`,
  minRttMs: 1,
}));
const status = {
  mode: 'node',
  id: 'ab'.repeat(32),
  version: 'bench',
  network: 'bench',
  startedAt: now - 3_600_000,
  uptimeMs: 3_600_000,
  listen: ['10.0.0.1:7000'],
  health: { status: 'healthy', reason: 'at targets' },
  peers: { total: PEERS, outbound: { hot: 8, warm: 4 }, inbound: { hot: 3000, warm: 1988 } },
  targets: { hot: 8, outbound: 12, maxInbound: 5000, maxTotal: 5012, maxInboundPerIp: 4 },
  addresses: { total: 40000, new: 32000, tried: 8000, collisions: 0, byOrigin: { exchange: 40000 } },
  bans: 0,
};
/** A well-spread book plus one group holding 3,000 new slots: what the heat map must make stand out. */
function occupancy(buckets: number, fill: number) {
  const groups = Array.from({ length: 2000 }, (_, i) => `${(i >> 8) + 1}.${i & 255}.0.0/16`);
  const cells = Array.from({ length: buckets * 64 }, (_, i) => ((i * 2654435761) % 1000 < fill ? (i * 7) % groups.length : -1));
  if (buckets === 1024) for (let i = 0; i < 3000; i++) cells[(i * 21) % cells.length] = 0;
  return { buckets, slotsPerBucket: 64, groups, cells };
}
const samples = Array.from({ length: 721 }, (_, i) => ({
  at: now - (720 - i) * 5000,
  peers: { outbound: { hot: 8, warm: 4 }, inbound: { hot: 3000, warm: 1988 } },
  messages: { in: i * 500, out: i * 480 },
  bytes: { in: i * 90_000, out: i * 85_000 },
  dials: { started: i * 3, connected: i * 2, failed: i },
  penalties: { 'invalid message': i % 10, spam: i >> 3 },
}));
const history = Array.from({ length: 500 }, (_, i) => ({ seq: i + 1, at: now - (500 - i) * 1000, kind: 'peer:promoted', peer: peers[i]!.id, endpoint: peers[i]!.endpoint, reason: 'filling hot slot' }));
const API: Record<string, unknown> = {
  '/api/v1/status': status,
  '/api/v1/peers': { peers },
  '/api/v1/history': { events: history },
  '/api/v1/series': { intervalMs: 5000, samples },
  '/api/v1/addrbook/stats': { new: 32000, tried: 8000, total: 40000, collisions: 0, byNetwork: { ipv4: { new: 32000, tried: 8000 } }, byGroup: [{ group: '1.0.0.0/16', new: 3000, tried: 0 }], byOrigin: { exchange: 40000 } },
  'new': { table: 'new', ...occupancy(1024, 450) },
  'tried': { table: 'tried', ...occupancy(256, 500) },
};
// Run inside the page by page.evaluate; the project's tsconfig is for Node and has no DOM library.
declare const document: { querySelector(selector: string): { scrollTop: number } | null };
declare const window: { scrollBy(x: number, y: number): void };
declare function requestAnimationFrame(fn: (time: number) => void): number;

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

async function openDashboard(page: Page, hash: string): Promise<void> {
  await page.route(`${ORIGIN}/**`, (route) => {
    const url = new URL(route.request().url());
    // No live stream here: the page backs off to one retry every 5 s, which costs next to nothing.
    if (url.pathname === '/api/v1/events') return route.abort();
    if (url.pathname === '/api/v1/addrbook/occupancy') return route.fulfill({ json: API[url.searchParams.get('table') ?? 'new'] });
    if (url.pathname in API) return route.fulfill({ json: API[url.pathname] });
    const file = join(DIST, url.pathname === '/' ? 'index.html' : url.pathname.slice(1));
    return route.fulfill({ status: 200, contentType: TYPES[extname(file)] ?? 'application/octet-stream', body: readFileSync(file) });
  });
  await page.goto(`${ORIGIN}/${hash}`);
}

/** Frame times (ms) while scrolling `selector` (or the window) by `step` px per frame. */
async function scrollFrames(page: Page, selector: string | undefined, frames: number, step: number): Promise<{ median: number; p95: number }> {
  return page.evaluate(
    async ({ selector, frames, step }) => {
      const el = selector ? document.querySelector(selector)! : undefined;
      const times: number[] = [];
      let last = performance.now();
      for (let i = 0; i < frames; i++) {
        if (el) el.scrollTop += step;
        else window.scrollBy(0, step);
        await new Promise((r) => requestAnimationFrame(r));
        const t = performance.now();
        times.push(t - last);
        last = t;
      }
      times.sort((a, b) => a - b);
      return { median: times[Math.floor(frames / 2)]!, p95: times[Math.floor(frames * 0.95)]! };
    },
    { selector, frames, step },
  );
}

/** Main-thread busy time per second (Chromium's TaskDuration over `ms`), while the open view refreshes itself. */
async function busyPerSecond(page: Page, ms: number): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const taskSeconds = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')!.value;
  const before = await taskSeconds();
  await new Promise((r) => setTimeout(r, ms));
  const after = await taskSeconds();
  await cdp.detach();
  return ((after - before) * 1000 * 1000) / ms;
}

async function main(): Promise<void> {
  const rows: BenchRow[] = [];
  // ---- bundle ----
  const assets = readdirSync(join(DIST, 'assets'));
  const size = (pick: (f: string) => boolean) => assets.filter(pick).reduce((sum, f) => sum + statSync(join(DIST, 'assets', f)).size, 0) / 1024;
  const gz = (pick: (f: string) => boolean) => assets.filter(pick).reduce((sum, f) => sum + gzipSync(readFileSync(join(DIST, 'assets', f))).length, 0) / 1024;
  const dashboardJs = (f: string) => /^(dashboard|chunk)-.*\.js$/.test(f);
  const devnetJs = (f: string) => /^(devnet|chunk)-.*\.js$/.test(f);
  rows.push({ name: 'dashboard JS (with uPlot)', value: size(dashboardJs), unit: 'kB', target: '<= 150' });
  rows.push({ name: 'dashboard JS, gzipped', value: gz(dashboardJs), unit: 'kB' });
  rows.push({ name: 'dashboard CSS', value: size((f) => /^dashboard-.*\.css$/.test(f)), unit: 'kB' });
  rows.push({ name: 'devnet page JS', value: size(devnetJs), unit: 'kB' });

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    // ---- a page that only scrolls: the frame time of this machine's headless compositor ----
    const ref = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await ref.setContent('<div style="height:200000px;background:linear-gradient(#123,#456)"></div>');
    const refFrames = await scrollFrames(ref, undefined, 120, 300);
    await ref.close();

    // ---- 5,000 peers ----
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const t0 = Date.now();
    await openDashboard(page, '#/peers');
    await page.waitForSelector(`[data-field="peer-count"]:text-is("${PEERS} peers")`, { timeout: 30_000 });
    rows.push({ name: `first paint of ${PEERS} peers (load, fetch, sort, draw)`, value: Date.now() - t0, unit: 'ms' });
    const rendered = await page.$$eval('.vt-body .vt-row[data-index]', (r) => r.length);
    rows.push({ name: `rows in the page for ${PEERS} peers`, value: rendered, unit: 'rows', target: '<= 80' });
    const frames = await scrollFrames(page, '.vt-body', 120, 300);
    rows.push({ name: 'scroll frame, median', value: frames.median, unit: 'ms', baseline: refFrames.median, target: '<= 33' });
    rows.push({ name: 'scroll frame, 95th percentile', value: frames.p95, unit: 'ms', baseline: refFrames.p95 });
    rows.push({ name: `main thread busy per s, ${PEERS} peers refreshing`, value: await busyPerSecond(page, 5000), unit: 'ms/s', target: '<= 250' });

    // ---- address book: full heat maps (65,536 + 16,384 slots) ----
    const t1 = Date.now();
    await page.click('a.tab[data-view="addresses"]');
    await page.waitForSelector('canvas[data-table="tried"][data-drawn]', { timeout: 30_000 });
    rows.push({ name: 'address book: fetch and draw both heat maps', value: Date.now() - t1, unit: 'ms' });
    // BENCH_SCREENSHOTS=<dir> keeps a picture of the full book (one group holding 3,000 new slots stands out in red).
    if (process.env.BENCH_SCREENSHOTS) await page.screenshot({ path: join(process.env.BENCH_SCREENSHOTS, 'dashboard-addresses-full.png'), fullPage: true });

    // ---- an hour of charts (721 samples × 5 charts) ----
    const t2 = Date.now();
    await page.click('a.tab[data-view="charts"]');
    await page.waitForSelector('[data-chart="penalties"] canvas', { timeout: 30_000 });
    rows.push({ name: 'charts: draw an hour (721 samples, 5 charts)', value: Date.now() - t2, unit: 'ms' });
    await page.close();
  } finally {
    await browser.close();
  }
  printTable('dashboard (headless chromium, software rendering)', rows);
}

await main();
