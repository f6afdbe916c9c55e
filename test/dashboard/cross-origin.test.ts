// In a real browser: a web page of another site cannot read a node's API, one listed in api.corsOrigins can,
// and a DNS-rebound name (simulated with chromium's host resolver rules) gets a 403 instead of the node's data.

import { createServer, type Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNode } from '../../src/create-node.js';
import type { Node } from '../../src/node/index.js';
import { CHROMIUM } from './browser.js';

/** The name a rebinding attacker would use; chromium resolves it to the node's address. */
const REBOUND = 'rebind.example';

describe('the API seen from other web pages', () => {
  let site: Server;
  let siteOrigin: string;
  let listed: Node;
  let unlisted: Node;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // Another site: an empty page on its own origin, from which the tests fetch.
    site = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>another site</title>'));
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
    siteOrigin = `http://127.0.0.1:${(site.address() as { port: number }).port}`;
    listed = await createNode({ network: 'xorigin', dataDir: null, listen: '127.77.0.1:0', allowLoopback: true, api: { listen: '127.77.0.1:0', corsOrigins: [siteOrigin] } });
    unlisted = await createNode({ network: 'xorigin', dataDir: null, listen: '127.77.0.2:0', allowLoopback: true, api: {} });
    await listed.start();
    await unlisted.start();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', `--host-resolver-rules=MAP ${REBOUND} 127.77.0.2`],
    });
    page = await browser.newPage();
    await page.goto(`${siteOrigin}/`);
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await listed?.stop();
    await unlisted?.stop();
    site?.close();
  });

  /** fetch() inside the other site's page: the status and body it could read, or the browser's refusal. */
  const fetchFromPage = (url: string, init: { method?: string; headers?: Record<string, string> } = {}) =>
    page.evaluate(
      async ({ url, init }) => {
        try {
          const res = await fetch(url, init);
          return { status: res.status, body: await res.text() };
        } catch (err) {
          return { error: String(err) };
        }
      },
      { url, init },
    );

  it('cannot read the peers or status of a node that lists no origin', async () => {
    for (const path of ['/api/v1/peers', '/api/v1/status', '/metrics', '/peers']) {
      const r = await fetchFromPage(`${unlisted.api!.url}${path}`);
      expect(r, path).toEqual({ error: expect.stringMatching(/Failed to fetch/) });
    }
  });

  it('reads a node that lists its origin, and still needs the token to change it', async () => {
    const r = await fetchFromPage(`${listed.api!.url}/api/v1/status`);
    expect(r).toMatchObject({ status: 200 });
    expect(JSON.parse((r as { body: string }).body)).toMatchObject({ id: listed.id });
    const denied = await fetchFromPage(`${listed.api!.url}/api/v1/bans`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(denied).toMatchObject({ status: 401 });
    // With the token, through a preflight (authorization and a JSON body are not "simple").
    const ban = await page.evaluate(
      async ({ url, token }) => {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ target: '192.0.2.50', reason: 'from a listed origin' }) });
        return res.status;
      },
      { url: `${listed.api!.url}/api/v1/bans`, token: listed.api!.token },
    );
    expect(ban).toBe(201);
  });

  it('answers a DNS-rebound name with 403 host_not_allowed, not the node\u2019s data', async () => {
    const port = new URL(unlisted.api!.url).port;
    const res = await page.goto(`http://${REBOUND}:${port}/api/v1/peers`);
    expect(res?.status()).toBe(403);
    const body = JSON.parse(await page.evaluate(() => document.body.innerText)) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('host_not_allowed');
    expect(body.error.message).toMatch(/api\.allowedHosts/);
    // The page itself (now "same origin" with the rebound name) reads nothing either.
    const r = await page.evaluate(async () => (await fetch('/api/v1/status')).status);
    expect(r).toBe(403);
    await page.goto(`${siteOrigin}/`);
  });
});

// Run inside the page by page.evaluate; the project's tsconfig has no DOM library.
declare const document: { body: { innerText: string } };
