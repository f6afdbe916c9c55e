// Who may talk to the API from a browser: requests addressed to other names are refused (DNS rebinding),
// no response carries a wildcard CORS header, and only listed origins are reflected (preflight included).
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHost } from '../../src/api/access.js';
import { createApiServer, type ApiParts } from '../../src/api/create.js';

const TOKEN = 'b'.repeat(64);
const UI = 'http://ui.example:8080';

/** A raw HTTP request with exactly these headers (fetch would set Host and Origin itself). */
async function request(url: string, opts: { method?: string; headers?: Record<string, string> } = {}) {
  const { request: httpRequest } = await import('node:http');
  const u = new URL(url);
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port, path: u.pathname + u.search, method: opts.method ?? 'GET', headers: opts.headers, setHost: !opts.headers?.host }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function server(opts: { ip?: string; corsOrigins?: string[]; allowedHosts?: string[] } = {}): ApiParts {
  const parts = createApiServer({ listen: { ip: opts.ip ?? '127.0.0.1', port: 0 }, token: TOKEN, title: 't', version: '0', corsOrigins: opts.corsOrigins, allowedHosts: opts.allowedHosts });
  parts.server.app.get('/api/v1/thing', async () => ({ ok: true }));
  parts.server.app.post('/api/v1/thing', async () => ({ changed: true }));
  return parts;
}

describe('the Host check (DNS rebinding)', () => {
  const plain = server({ allowedHosts: ['node1.example.org', 'proxy.example:8443'] });
  let port: string;
  let base: string;
  beforeAll(async () => {
    base = await plain.server.start();
    port = new URL(base).port;
  });
  afterAll(() => plain.server.close());

  it('answers requests addressed to its own address, localhost and the allowed names', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST.:${port}`, 'node1.example.org', `node1.example.org:${port}`, 'proxy.example:8443']) {
      const res = await request(`${base}/api/v1/thing`, { headers: { host } });
      expect(res.status, host).toBe(200);
    }
  });

  it('refuses any other name with a 403 that says what to configure, on every route', async () => {
    for (const host of [`evil.example:${port}`, `127.0.0.1:${Number(port) + 1}`, 'proxy.example:443', `localhost.evil.example:${port}`, '[::1', 'a:b:c']) {
      for (const path of ['/api/v1/thing', '/metrics', '/api/v1/events', '/api/v1/nothing']) {
        const res = await request(`${base}${path}`, { headers: { host } });
        expect(res.status, `${host} ${path}`).toBe(403);
        const body = JSON.parse(res.body) as { error: { code: string; message: string } };
        expect(body.error.code).toBe('host_not_allowed');
        expect(body.error.message).toContain(JSON.stringify(host));
        expect(body.error.message).toMatch(/DNS rebinding/);
        expect(body.error.message).toMatch(/api\.allowedHosts/);
        expect(body.error.message).toContain(`127.0.0.1:${port}`);
      }
    }
  });

  it('parses Host headers the way browsers send them', () => {
    expect(parseHost('LocalHost:7001')).toEqual({ name: 'localhost', port: 7001 });
    expect(parseHost('node.example.')).toEqual({ name: 'node.example', port: undefined });
    expect(parseHost('[0:0:0:0:0:0:0:1]:80')).toEqual({ name: '::1', port: 80 });
    expect(parseHost('::1')).toBeUndefined();
    expect(parseHost('host:port')).toBeUndefined();
    expect(parseHost('')).toBeUndefined();
  });

  it('on a wildcard bind, answers to every address of this machine', async () => {
    const any = server({ ip: '0.0.0.0' });
    const url = await any.server.start();
    try {
      const p = new URL(url).port;
      const mine = Object.values(networkInterfaces())
        .flat()
        .filter((i) => i && i.family === 'IPv4')
        .map((i) => i!.address);
      for (const ip of mine) expect((await request(`http://127.0.0.1:${p}/api/v1/thing`, { headers: { host: `${ip}:${p}` } })).status, ip).toBe(200);
      expect((await request(`http://127.0.0.1:${p}/api/v1/thing`, { headers: { host: `192.0.2.77:${p}` } })).status).toBe(403);
      expect((await request(`http://127.0.0.1:${p}/api/v1/thing`, { headers: { host: `rebound.example:${p}` } })).status).toBe(403);
    } finally {
      await any.server.close();
    }
  });
});

describe('CORS', () => {
  const closed = server();
  const open = server({ corsOrigins: [UI] });
  let closedUrl: string;
  let openUrl: string;
  beforeAll(async () => {
    closedUrl = await closed.server.start();
    openUrl = await open.server.start();
  });
  afterAll(async () => {
    await closed.server.close();
    await open.server.close();
  });

  it('sends no CORS header by default, and refuses other sites\u2019 pages before doing any work', async () => {
    const plainRead = await request(`${closedUrl}/api/v1/thing`);
    expect(plainRead.status).toBe(200);
    expect(plainRead.headers['access-control-allow-origin']).toBeUndefined();
    for (const method of ['GET', 'POST', 'OPTIONS']) {
      const res = await request(`${closedUrl}/api/v1/thing`, { method, headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
      expect(res.status, method).toBe(403);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      const body = JSON.parse(res.body) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('origin_not_allowed');
      expect(body.error.message).toMatch(/api\.corsOrigins/);
    }
    // An event stream is refused too: no page of another site can hold one open.
    expect((await request(`${closedUrl}/api/v1/events`, { headers: { origin: 'null' } })).status).toBe(403);
  });

  it('lets the API\u2019s own pages (same origin) through to the token check', async () => {
    const host = new URL(closedUrl).host;
    const res = await request(`${closedUrl}/api/v1/thing`, { method: 'POST', headers: { origin: closedUrl, host } });
    expect(res.status).toBe(401);
    const ok = await request(`${closedUrl}/api/v1/thing`, { method: 'POST', headers: { origin: closedUrl, host, authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('reflects a listed origin exactly, answers its preflight, and still wants the token for changes', async () => {
    const read = await request(`${openUrl}/api/v1/thing`, { headers: { origin: UI } });
    expect(read.status).toBe(200);
    expect(read.headers['access-control-allow-origin']).toBe(UI);
    expect(read.headers.vary).toMatch(/Origin/);
    const pre = await request(`${openUrl}/api/v1/thing`, {
      method: 'OPTIONS',
      headers: { origin: UI, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(UI);
    expect(pre.headers['access-control-allow-methods']).toMatch(/POST/);
    expect(pre.headers['access-control-allow-headers']).toMatch(/authorization/);
    const write = await request(`${openUrl}/api/v1/thing`, { method: 'POST', headers: { origin: UI } });
    expect(write.status).toBe(401);
    // Not a prefix match, not another port or scheme.
    for (const near of [`${UI}/`, 'http://ui.example:8081', 'https://ui.example:8080', 'http://ui.example:8080.evil.example']) {
      const res = await request(`${openUrl}/api/v1/thing`, { headers: { origin: near } });
      expect(res.status, near).toBe(403);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('reflects a listed origin on the event stream too', async () => {
    const res = await fetch(`${openUrl}/api/v1/events`, { headers: { origin: UI } });
    expect(res.headers.get('access-control-allow-origin')).toBe(UI);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    await res.body?.cancel();
    const own = await fetch(`${closedUrl}/api/v1/events`);
    expect(own.headers.get('access-control-allow-origin')).toBeNull();
    await own.body?.cancel();
  });
});
