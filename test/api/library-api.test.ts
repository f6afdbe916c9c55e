// The library's createNode serves the HTTP API when the config has an `api` section, and none without one.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNode } from '../../src/create-node.js';

describe('createNode from the library', () => {
  it('serves the API next to the p2p port, with the token created 0600 in the data dir', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pw-lib-api-'));
    const node = await createNode({ dataDir, listen: '127.72.0.1:0', allowLoopback: true, api: {} });
    await node.start();
    try {
      expect(node.api?.url).toMatch(/^http:\/\/127\.72\.0\.1:\d+$/);
      const tokenFile = join(dataDir, 'api.token');
      expect(node.api?.token).toBe(readFileSync(tokenFile, 'utf8').trim());
      expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
      const status = (await (await fetch(`${node.api!.url}/api/v1/status`)).json()) as { id: string };
      expect(status.id).toBe(node.id);
      const denied = await fetch(`${node.api!.url}/api/v1/bans`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      expect(denied.status).toBe(401);
      const ok = await fetch(`${node.api!.url}/api/v1/bans`, {
        method: 'POST',
        body: JSON.stringify({ target: '192.0.2.1', reason: 'library api' }),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${node.api!.token}` },
      });
      expect(ok.status).toBe(201);
      expect(node.bans().map((b) => b.target)).toEqual(['192.0.2.1']);
    } finally {
      await node.stop();
    }
    expect(node.api).toBeUndefined();
  });

  it('serves nothing without an api section or with api: false, and runs on without its API when the port is taken', async () => {
    for (const api of [undefined, false] as const) {
      const off = await createNode({ dataDir: null, listen: '127.72.0.2:0', allowLoopback: true, ...(api === undefined ? {} : { api }) });
      await off.start();
      expect(off.api).toBeUndefined();
      await off.stop();
    }

    const blocker = createServer();
    const port = await new Promise<number>((r) => blocker.listen(0, '127.72.0.3', () => r((blocker.address() as { port: number }).port)));
    try {
      const node = await createNode({ dataDir: null, listen: '127.72.0.3:0', allowLoopback: true, api: { listen: `127.72.0.3:${port}` } });
      const errors: string[] = [];
      node.on('node:error', (e) => errors.push(`${e.context}: ${e.error.message}`));
      await node.start();
      expect(node.isRunning).toBe(true);
      expect(node.api).toBeUndefined();
      expect(errors.join('\n')).toMatch(/^api: HTTP API: 127\.72\.0\.3:\d+ is already in use/);
      await node.stop();
    } finally {
      blocker.close();
    }
  });
});
