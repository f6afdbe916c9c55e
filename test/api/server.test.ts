import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../src/api/create.js';
import { ApiError } from '../../src/api/errors.js';
import { ApiListenError } from '../../src/api/server.js';

const TOKEN = 'a'.repeat(64);
const parts = createApiServer({ listen: { ip: '127.0.0.1', port: 0 }, token: TOKEN, title: 'test', version: '1.2.3' });
const { app: rawApp } = parts.server;
/** The server answers only requests addressed to its own address: inject's default Host (localhost:80) is not. */
const app = {
  inject: (o: InjectOptions) => rawApp.inject({ ...o, headers: { host: new URL(parts.server.url).host, ...o.headers } }),
};
const state = { items: [] as string[] };
rawApp.get('/api/v1/things', async () => ({ things: state.items, flags: 1n << 63n }));
rawApp.post(
  '/api/v1/things',
  {
    schema: {
      body: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: { type: 'string', minLength: 1 } } },
    },
  },
  async (req, reply) => {
    const { name } = req.body as { name: string };
    if (name === 'boom') throw new Error('kaput');
    if (name === 'taken') throw new ApiError(409, 'conflict', 'already there');
    state.items.push(name);
    return reply.status(201).send({ name });
  },
);

beforeAll(() => parts.server.start());
afterAll(() => parts.server.close());

describe('ApiServer', () => {
  it('serves JSON with bigints as strings, with no CORS header for anyone', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/things' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ things: [], flags: '9223372036854775808' });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('requires the bearer token on mutating routes', async () => {
    const none = await app.inject({ method: 'POST', url: '/api/v1/things', payload: { name: 'x' } });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('unauthorized');
    expect(none.json().error.message).toMatch(/Authorization: Bearer/);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    const wrong = await app.inject({ method: 'POST', url: '/api/v1/things', payload: { name: 'x' }, headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.message).toMatch(/wrong API token/);
    const ok = await app.inject({ method: 'POST', url: '/api/v1/things', payload: { name: 'x' }, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.statusCode).toBe(201);
    expect(state.items).toEqual(['x']);
  });

  it('answers bad input with 400 and a message, never a 500', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const cases = [
      { payload: '{not json', headers: { ...auth, 'content-type': 'application/json' } },
      { payload: { name: 5 }, headers: auth },
      { payload: { other: 'x' }, headers: auth },
      { payload: { name: '' }, headers: auth },
      { payload: '', headers: { ...auth, 'content-type': 'application/json' } },
    ];
    for (const c of cases) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/things', ...c });
      expect(res.statusCode, JSON.stringify(c.payload)).toBe(400);
      expect(res.json().error.message.length).toBeGreaterThan(5);
    }
    const text = await app.inject({ method: 'POST', url: '/api/v1/things', payload: 'x', headers: { ...auth, 'content-type': 'text/plain' } });
    expect(text.statusCode).toBe(415);
    expect(text.json().error.message).toMatch(/this API takes JSON bodies/);
    const media = await app.inject({ method: 'POST', url: '/api/v1/things', payload: '<x/>', headers: { ...auth, 'content-type': 'application/xml' } });
    expect(media.statusCode).toBe(415);
    expect(media.json().error.code).toBe('unsupported_media_type');
    // JSON sent as text/plain (fetch without headers) or as a form (curl -d) is taken as JSON.
    for (const type of ['text/plain;charset=UTF-8', 'application/x-www-form-urlencoded']) {
      const r = await app.inject({ method: 'POST', url: '/api/v1/things', payload: '{"name":"plain"}', headers: { ...auth, 'content-type': type } });
      expect(r.statusCode, type).toBe(201);
    }
  });

  it('maps typed errors to their status and unexpected ones to a JSON 500', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const taken = await app.inject({ method: 'POST', url: '/api/v1/things', payload: { name: 'taken' }, headers: auth });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toEqual({ error: { code: 'conflict', message: 'already there' } });
    const boom = await app.inject({ method: 'POST', url: '/api/v1/things', payload: { name: 'boom' }, headers: auth });
    expect(boom.statusCode).toBe(500);
    expect(boom.json().error.code).toBe('internal');
  });

  it('answers unknown routes with a JSON 404 that points at the OpenAPI document, token or not', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/nothing?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toMatch(/no route GET \/api\/v1\/nothing; see GET \/api\/v1\/openapi.json/);
    const put = await app.inject({ method: 'PUT', url: '/api/v1/things' });
    expect(put.statusCode).toBe(404);
    expect(put.json().error.code).toBe('not_found');
  });

  it('answers a malformed URL with a JSON 400', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/things/%ZZ' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('bad_request');
  });

  it('documents its /api/v1 routes in OpenAPI', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    expect((await app.inject({ method: 'GET', url: '/openapi.json' })).json()).toEqual(doc);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toEqual({ title: 'test', version: '1.2.3' });
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/things', '/api/v1/events', '/api/v1/history']));
    expect(doc.paths['/api/v1/things'].post.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/api/v1/things'].post.requestBody.content['application/json'].schema.required).toEqual(['name']);
  });

  it('streams events over SSE and resumes from Last-Event-ID', async () => {
    parts.feed.push({ at: 1, kind: 'peer:connected', peer: 'p1' });
    parts.feed.push({ at: 2, kind: 'peer:banned', peer: 'p2', reason: 'spam' });
    const res = await fetch(`${parts.server.url}/api/v1/events`, { headers: { 'last-event-id': '1' } });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    const readUntil = async (re: RegExp) => {
      while (!re.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await readUntil(/event: hello/);
    expect(text).toMatch(/id: 2\nevent: peer:banned\ndata: \{"seq":2,"at":2,"kind":"peer:banned","peer":"p2","reason":"spam"\}/);
    expect(text).not.toMatch(/peer:connected/);
    parts.feed.push({ at: 3, kind: 'peer:promoted', peer: 'p3' });
    await readUntil(/event: peer:promoted/);
    await reader.cancel();
  });

  it('serves recent history and Prometheus metrics', async () => {
    const hist = (await app.inject({ method: 'GET', url: '/api/v1/history?kind=peer:banned' })).json();
    expect(hist.events.map((e: { kind: string }) => e.kind)).toEqual(['peer:banned']);
    expect((await app.inject({ method: 'GET', url: '/api/v1/history?limit=-1' })).statusCode).toBe(400);
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.headers['content-type']).toMatch(/text\/plain/);
    // Process metrics under their standard names, so stock Node.js dashboards work.
    expect(metrics.body).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(metrics.body).toMatch(/^process_cpu_seconds_total /m);
    expect(metrics.body).not.toMatch(/^# TYPE \S+_total gauge/m);
  });

  it('explains a port already in use', async () => {
    const port = Number(new URL(parts.server.url).port);
    const other = createApiServer({ listen: { ip: '127.0.0.1', port }, title: 't', version: '0' });
    const err = await other.server.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiListenError);
    expect((err as Error).message).toMatch(/127\.0\.0\.1:\d+ is already in use: stop the other process or pick another address/);
  });

  it('refuses changes when it has no token', async () => {
    const ro = createApiServer({ listen: { ip: '127.0.0.1', port: 0 }, title: 't', version: '0' });
    ro.server.app.post('/api/v1/x', async () => ({}));
    await ro.server.start();
    const res = await ro.server.app.inject({ method: 'POST', url: '/api/v1/x', payload: {}, headers: { host: new URL(ro.server.url).host } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('read_only');
    await ro.server.close();
  });
});
