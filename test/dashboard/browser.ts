// Helpers for the dashboard's browser tests: Debian's chromium through playwright-core, free ports, canvas pixels.

import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/dashboard/', import.meta.url));
export const DASHBOARD_BUILT = fileURLToPath(new URL('../../dist/dashboard/index.html', import.meta.url));

/**
 * The parts of a canvas element the tests read inside the page. The project's tsconfig has no DOM
 * library (it is for Node code), so tests name this shape instead of HTMLCanvasElement.
 */
export interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
  getBoundingClientRect(): { width: number };
}

export interface TestBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/** Launches a headless chromium with no network side-traffic (playwright gives it a fresh temporary profile). */
export async function launchBrowser(): Promise<TestBrowser> {
  if (!existsSync(DASHBOARD_BUILT)) throw new Error(`the dashboard is not built (${DASHBOARD_BUILT} is missing): run npm run build`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}

/** A page that fails the test on any script error, so a broken view is never a silent pass. */
export async function openPage(browser: Browser, url: string, errors: string[], prepare?: (page: Page) => Promise<void>): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => errors.push(`${url}: ${e.message}`));
  await prepare?.(page);
  await page.goto(url);
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** True when `port` can be bound on every address given (TCP). */
function canBind(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, ip, () => server.close(() => resolve(true)));
  });
}

/** A port P such that P and P+1 are free on every one of `ips` (a devnet needs both on each 127.i.0.1). */
export async function freePortPair(ips: string[]): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + 2 * Math.floor(Math.random() * 10_000);
    let ok = true;
    for (const ip of ips) if (!(await canBind(ip, port)) || !(await canBind(ip, port + 1))) ok = false;
    if (ok) return port;
  }
  throw new Error('no free port pair found for the devnet');
}

/** A free port on 127.0.0.1 (picked by the kernel). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Counts a canvas's pixels (in its own resolution) whose colour is within `tolerance` of one of `colors`. */
export function countPixels(page: Page, selector: string, colors: [number, number, number][], tolerance = 12): Promise<number> {
  return page.$eval(
    selector,
    (canvas, { colors, tolerance }) => {
      const c = canvas as unknown as CanvasLike;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3]! === 0) continue;
        for (const [r, g, b] of colors) {
          if (Math.abs(data[i]! - r) <= tolerance && Math.abs(data[i + 1]! - g) <= tolerance && Math.abs(data[i + 2]! - b) <= tolerance) {
            n++;
            break;
          }
        }
      }
      return n;
    },
    { colors, tolerance },
  );
}

/** The RGBA of one pixel, at CSS coordinates inside the canvas (scaled by the canvas's resolution). */
export function pixelAt(page: Page, selector: string, x: number, y: number): Promise<[number, number, number, number]> {
  return page.$eval(
    selector,
    (canvas, { x, y }) => {
      const c = canvas as unknown as CanvasLike;
      const scale = c.width / c.getBoundingClientRect().width;
      const d = c.getContext('2d')!.getImageData(Math.round(x * scale), Math.round(y * scale), 1, 1).data;
      return [d[0]!, d[1]!, d[2]!, d[3]!] as [number, number, number, number];
    },
    { x, y },
  );
}

export const rgb = (hex: string): [number, number, number] => {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
};

/** Polls `check` until it returns true (for hooks, where expect.poll is not available). */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
}

