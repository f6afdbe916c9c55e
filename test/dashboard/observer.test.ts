// The dashboard of `peerwarden watch` in a real browser: observed peers per track, their history, and surviving a restart.

import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type Running } from '../helpers/cli.js';
import { freePort, launchBrowser, openPage, screenshot, type TestBrowser } from './browser.js';

const FIXTURE = new URL('../fixtures/cardano/cardano-node-10.6-testnet.jsonl', import.meta.url).pathname;
const PEER = '127.0.0.1:30000-127.0.0.1:30001';

describe('dashboard of an observer (peerwarden watch on a fixture log)', () => {
  let dir: string;
  let log: string;
  let port: number;
  let watch: Running;
  let tb: TestBrowser;
  const errors: string[] = [];

  const startWatch = async () => {
    const cli = startCli(['watch', '--log', log, '--no-reconcile', '--api-port', String(port)]);
    await cli.waitFor(/API and dashboard at http:\/\/127\.0\.0\.1:\d+\//);
    return cli;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pw-dash-watch-'));
    log = join(dir, 'node.json');
    copyFileSync(FIXTURE, log);
    port = await freePort();
    [watch, tb] = await Promise.all([startWatch(), launchBrowser()]);
  }, 30_000);

  afterAll(async () => {
    await tb?.close();
    watch?.child.kill('SIGTERM');
    await watch?.exit();
    rmSync(dir, { recursive: true, force: true });
    expect(errors).toEqual([]);
  }, 20_000);

  it('shows the observed peers with the state of each track and their history, and hides what an observer lacks', async () => {
    const base = `http://127.0.0.1:${port}`;
    const page = await openPage(tb.browser, `${base}/`, errors);
    await page.waitForSelector('[data-count="outbound-hot"]');
    const tabs = await page.$$eval('nav.tabs a', (as) => as.map((a) => a.textContent));
    expect(tabs).toEqual(['Overview', 'Peers', 'Events']);
    const status = (await (await fetch(`${base}/api/v1/status`)).json()) as { counts: { total: number; outbound: { hot: number }; inbound: { hot: number } } };
    expect(Number(await page.textContent('[data-count="outbound-hot"]'))).toBe(status.counts.outbound.hot);
    expect(Number(await page.textContent('[data-count="inbound-hot"]'))).toBe(status.counts.inbound.hot);
    expect(await page.textContent('[data-field="peers-total"]')).toBe(String(status.counts.total));
    // What the node itself reports: its inbound governor's counters (the fixture logs them).
    const { counters } = (await (await fetch(`${base}/api/v1/status`)).json()) as { counters: { reported: { inboundGovernor: Record<string, number> } } };
    for (const k of ['idle', 'cold', 'warm', 'hot']) {
      expect(await page.textContent(`[data-reported="inbound-${k}"]`), k).toBe(String(counters.reported.inboundGovernor[k]));
    }
    await screenshot(page, 'observer-overview');

    await page.click('a.tab[data-view="peers"]');
    await page.waitForSelector(`.vt-body .vt-row[data-key="${PEER}"]`);
    const cell = (key: string) => page.textContent(`.vt-body .vt-row[data-key="${PEER}"] .vt-cell[data-key="${key}"]`);
    expect(await cell('state')).toBe('hot');
    expect(await cell('outbound')).toMatch(/^hot\s+WarmToHot$/);
    expect(await cell('inbound')).toMatch(/^hot\s+PromotedToHotRemote$/);
    expect(await cell('direction')).toBe('outbound');

    await page.click(`.vt-body .vt-row[data-key="${PEER}"]`);
    await page.waitForSelector('.peer-panel:not([hidden]) .timeline .tl-item');
    const history = await page.$$eval('.peer-panel .tl-text', (els) => els.map((e) => e.textContent ?? ''));
    expect(history.some((t) => /inbound: warm → hot \(PromotedToHotRemote\)/.test(t))).toBe(true);
    expect(history.some((t) => /outbound: cold → warm \(ColdToWarm\)/.test(t))).toBe(true);
    await screenshot(page, 'observer-peers');

    await page.click('a.tab[data-view="events"]');
    await page.waitForSelector('.events .vt-body .vt-row[data-index]');
    const kinds = await page.$$eval('.events .vt-cell[data-key="kind"]', (cells) => cells.map((c) => c.textContent));
    expect(kinds).toContain('changed');
    await page.close();
  });

  it('says when the connection is lost, and reconnects the event stream when the observer is back', async () => {
    const base = `http://127.0.0.1:${port}`;
    const page = await openPage(tb.browser, `${base}/#/events`, errors);
    await page.waitForSelector('.conn[data-state="live"]');
    watch.child.kill('SIGTERM');
    await watch.exit();
    await page.waitForSelector('.conn[data-state="reconnecting"]', { timeout: 10_000 });
    expect(await page.textContent('.conn')).toMatch(/connection lost — reconnecting/);
    await screenshot(page, 'observer-reconnecting');

    watch = await startWatch();
    await page.waitForSelector('.conn[data-state="live"]', { timeout: 15_000 });
    // The observer is a new process: the page says it reconnected and that the other side restarted.
    await page.waitForSelector('.notice:has-text("Reconnected")', { timeout: 5000 });
    expect(await page.textContent('.notice')).toMatch(/restarted at/);
    // And the feed fills again from the new process.
    await page.waitForSelector('.events .vt-body .vt-row[data-index]');
    await page.close();
  });
});
