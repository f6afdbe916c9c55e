// Importing the package loads neither the HTTP server, the metrics nor SQLite; each loads when it is used.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const HEAVY = ['fastify', 'prom-client', 'ajv', 'better-sqlite3'];

/** Runs `body` (ESM, top-level await) in a fresh Node.js and returns the heavy packages it loaded by the end. */
function loadedAfter(body: string): string[] {
  const script = `
    import { createRequire } from 'node:module';
    ${body}
    const cache = createRequire(import.meta.url).cache;
    const names = new Set(Object.keys(cache).map((k) => k.match(/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//)?.[1]).filter(Boolean));
    console.log(JSON.stringify(${JSON.stringify(HEAVY)}.filter((n) => names.has(n))));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as string[];
}

describe('lazy loading of the package', () => {
  it('import("peerwarden") loads none of fastify, prom-client, ajv and better-sqlite3', () => {
    expect(loadedAfter(`await import('peerwarden');`)).toEqual([]);
  });

  it('a node in memory without an api section runs without them', () => {
    const body = `
      const { createNode } = await import('peerwarden');
      const node = await createNode({ dataDir: null, listen: '127.81.0.1:0', allowLoopback: true });
      await node.start();
      await node.stop();
    `;
    expect(loadedAfter(body)).toEqual([]);
  });

  it('a data dir loads SQLite, and an api section the HTTP server and metrics', () => {
    const body = `
      import { mkdtempSync } from 'node:fs';
      import { tmpdir } from 'node:os';
      import { join } from 'node:path';
      const { createNode } = await import('peerwarden');
      const node = await createNode({ dataDir: mkdtempSync(join(tmpdir(), 'pw-lazy-')), listen: '127.81.0.2:0', allowLoopback: true, api: {} });
      await node.start();
      if (!node.api) throw new Error('no API');
      await node.stop();
    `;
    expect(loadedAfter(body).sort()).toEqual([...HEAVY].sort());
  });
});
