// In a real browser: an eclipse alarm on a node shows as a banner whose link opens the heat map with the group picked out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import type { Node } from '../../src/node/index.js';
import { encodeAddr } from '../../src/wire/control-codec.js';
import { handshake } from '../helpers/hostile-peer.js';
import { launchBrowser, openPage, type TestBrowser } from './browser.js';

describe('the dashboard during an eclipse alarm', () => {
  let node: Node;
  let browser: TestBrowser;
  const sockets: { destroy(): void }[] = [];

  beforeAll(async () => {
    // The built library: it serves the built dashboard (the sources' API would find no dashboard next to it).
    const built = fileURLToPath(new URL('../../dist/create-node.js', import.meta.url));
    const { createNode } = (await import(built)) as typeof import('../../src/create-node.js');
    node = await createNode({ network: 'alarm-ui', dataDir: null, listen: '127.93.0.1:0', encryption: 'none', allowLoopback: true, api: { listen: '127.93.0.1:0' } }, { eclipseAlarm: { checkIntervalMs: 200 } });
    await node.start();
    const port = Number(node.listenAddresses[0]!.split(':').pop());
    const now = Math.floor(Date.now() / 1000);
    // Two peers push 1000 loopback addresses each, unasked: all in their own /16s.
    for (const [ip, b] of [['127.94.0.1', 94], ['127.95.0.1', 95]] as const) {
      const s = await handshake({ host: '127.93.0.1', port, encryption: 'none', network: 'alarm-ui' }, ip);
      sockets.push(s);
      s.write(encodeAddr(Array.from({ length: 1000 }, (_, i) => ({ endpoint: { ip: `127.${b}.${1 + (i >> 8)}.${i & 255}`, port: 9 }, services: 0n, time: now }))));
    }
    const deadline = Date.now() + 10_000;
    while (node.health().alarms.length === 0) {
      if (Date.now() > deadline) throw new Error('no eclipse alarm within 10 s of the flood');
      await new Promise((r) => setTimeout(r, 100));
    }
    browser = await launchBrowser();
  }, 30_000);

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await browser?.close();
    await node?.stop();
  });

  it('shows the alarm with its reason and links to the heat map with the group highlighted', async () => {
    expect(node.health().alarms.map((a) => a.kind)).toContain('addr-flood');
    const errors: string[] = [];
    const page = await openPage(browser.browser, node.api!.url, errors);
    const banner = page.locator('[data-field="alarms"] .alarm[data-kind="addr-flood"]');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toMatch(/Eclipse alarm \(addr-flood\): 2 peers pushed 2000 addresses at us unasked/);
    const link = banner.locator('a[data-group]');
    const group = await link.getAttribute('data-group');
    expect(group).toMatch(/^127\.9[45]\.0\.0\/16$/);
    await link.click();
    await page.waitForFunction("location.hash.startsWith('#/addresses/')");
    const canvas = page.locator('canvas.heatmap[data-table="new"]');
    await page.waitForFunction(`document.querySelector('canvas.heatmap[data-table="new"]')?.dataset.highlight === ${JSON.stringify(group)}`, undefined, { timeout: 10_000 });
    expect(await canvas.getAttribute('data-highlight')).toBe(group);
    expect(errors).toEqual([]);
  }, 60_000);
});
