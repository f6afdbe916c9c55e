// Forwarding peer events to a collector: a real HTTP server on loopback.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { parseEndpoint } from '../../src/core/address/index.js';
import { Forwarder, toForwardedEvent } from '../../src/observer/forwarder.js';
import { Observer } from '../../src/observer/observer.js';
import { StreamSource } from '../../src/observer/sources/stream.js';
import type { ObservedPeerEvent } from '../../src/observer/types.js';
import { fixtureLines } from './fixtures.js';
import { waitFor } from './helpers.js';

interface Collector {
  url: string;
  bodies: unknown[];
  requests: number;
  server: Server;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A collector that answers each request with `respond(n)` (n counts from 0); null holds the reply. */
async function collector(respond: (n: number, res: ServerResponse) => number | null = () => 200): Promise<Collector> {
  const c: Collector = { url: '', bodies: [], requests: 0, server: undefined as unknown as Server };
  c.server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      const status = respond(c.requests++, res);
      if (status === null) return;
      if (status >= 200 && status < 300) c.bodies.push({ ...(JSON.parse(text) as object), _contentType: req.headers['content-type'], _key: req.headers['x-api-key'] });
      res.writeHead(status).end();
    });
  });
  servers.push(c.server);
  await new Promise<void>((r) => c.server.listen(0, '127.0.0.1', r));
  c.url = `http://127.0.0.1:${(c.server.address() as AddressInfo).port}/api/v0/submit/peerevent`;
  return c;
}

function event(i: number, overrides: Partial<ObservedPeerEvent> = {}): ObservedPeerEvent {
  return {
    kind: 'changed',
    at: Date.UTC(2026, 0, 15, 12, 0, i),
    id: `10.0.0.1:3001-192.0.2.${i}:3001`,
    local: parseEndpoint('10.0.0.1:3001'),
    remote: parseEndpoint(`192.0.2.${i}:3001`),
    direction: 'outbound',
    from: 'cold',
    to: 'warm',
    change: 'ColdToWarm',
    reason: 'peer_selection',
    source: 'log',
    ...overrides,
  };
}

describe('Forwarder', () => {
  it('posts the openblockperf-shaped JSON for each event', async () => {
    const c = await collector();
    const f = new Forwarder({ url: c.url, headers: { 'x-api-key': 'k1' } });
    f.enqueue(event(1));
    f.enqueue(event(2, { kind: 'closed', direction: undefined, local: undefined, from: 'unknown', to: 'cold', reason: 'no_socket' }));
    f.enqueue(event(3, { kind: 'failed' })); // no state change: not forwarded
    await f.flush();
    expect(c.bodies).toEqual([
      {
        at: '2026-01-15T12:00:01.000Z',
        direction: 'outbound',
        local_addr: '10.0.0.1',
        local_port: 3001,
        remote_addr: '192.0.2.1',
        remote_port: 3001,
        change_type: 'cold_to_warm',
        last_state: 'warm',
        event: 'changed',
        reason: 'peer_selection',
        _contentType: 'application/json',
        _key: 'k1',
      },
      expect.objectContaining({ direction: 'unknown', local_addr: null, local_port: null, change_type: 'unknown_to_cold', last_state: 'cold', event: 'closed', reason: 'no_socket' }),
    ]);
    expect(f.stats()).toEqual({ sent: 2, failed: 0, dropped: 0, queued: 0 });
  });

  it('retries server errors with backoff, and does not retry a refusal', async () => {
    const c = await collector((n) => (n < 2 ? 500 : n === 2 ? 200 : 400));
    const problems: string[] = [];
    const f = new Forwarder({ url: c.url, retryDelayMs: 5, onProblem: (m) => problems.push(m) });
    f.enqueue(event(1));
    await f.flush();
    expect(c.requests).toBe(3);
    expect(f.stats()).toMatchObject({ sent: 1, failed: 0 });
    f.enqueue(event(2));
    await f.flush();
    expect(c.requests).toBe(4); // the 400 is final
    expect(f.stats()).toMatchObject({ sent: 1, failed: 1 });
    expect(problems).toEqual(['collector answered 400; event not forwarded']);
  });

  it('gives up after the configured retries, and survives a collector that is down', async () => {
    const c = await collector(() => 503);
    const f = new Forwarder({ url: c.url, retries: 2, retryDelayMs: 1 });
    f.enqueue(event(1));
    await f.flush();
    expect(c.requests).toBe(3);
    expect(f.stats()).toMatchObject({ sent: 0, failed: 1, queued: 0 });

    // Nothing listens on this port any more: connection refused, retried, then given up.
    const down = await collector();
    const url = down.url;
    await new Promise((r) => down.server.close(r));
    const g = new Forwarder({ url, retries: 1, retryDelayMs: 1 });
    g.enqueue(event(1));
    await g.flush();
    expect(g.stats()).toMatchObject({ sent: 0, failed: 1 });
  });

  it('keeps a bounded queue, dropping the oldest waiting events', async () => {
    const held: ServerResponse[] = [];
    const c = await collector((_n, res) => {
      if (held.length === 0) {
        held.push(res);
        return null; // hold the first request until we release it
      }
      return 200;
    });
    const f = new Forwarder({ url: c.url, maxQueue: 3 });
    for (let i = 0; i < 10; i++) f.enqueue(event(i));
    await waitFor(() => held.length === 1, 'the first request');
    expect(f.stats()).toMatchObject({ queued: 3, dropped: 7 });
    held[0]!.writeHead(200).end();
    await f.flush();
    // Event 0 was in flight and stays (its reply was held, so it is not in `bodies`); 1–7 were
    // dropped; 8 and 9 follow.
    expect(c.requests).toBe(3);
    expect(f.stats()).toMatchObject({ sent: 3, dropped: 7, queued: 0 });
    expect(c.bodies.map((b) => (b as { remote_addr: string }).remote_addr)).toEqual(['192.0.2.8', '192.0.2.9']);
  });

  it('maps every event kind to a change_type', () => {
    expect(toForwardedEvent(event(1, { kind: 'opened', from: undefined, to: 'unknown', reason: 'socket', direction: undefined })).change_type).toBe('unknown_to_unknown');
    expect(toForwardedEvent(event(1, { from: 'warm', to: 'cooling' })).change_type).toBe('warm_to_cooling');
  });
});

describe('Observer with forwarding', () => {
  it('posts every peer event of a replayed log to the collector', async () => {
    const c = await collector();
    const stream = new PassThrough();
    const source = new StreamSource({ stream });
    const o = new Observer({ source, reconcile: false, forward: { url: c.url, retryDelayMs: 5 } });
    const events: ObservedPeerEvent[] = [];
    o.on('event', (e) => events.push(e));
    await o.start();
    stream.end(fixtureLines('openblockperf-mainnet-relay.jsonl').join('\n'));
    await source.ended;
    const forwardable = events.filter((e) => e.kind !== 'failed').length;
    expect(forwardable).toBe(5); // 2 opened + 3 changed
    await waitFor(() => o.counters().forward!.sent === forwardable, 'all events at the collector');
    expect(c.bodies.map((b) => (b as { change_type: string }).change_type)).toEqual([
      'unknown_to_unknown',
      'cold_to_warm',
      'unknown_to_unknown',
      'cold_to_warm',
      'warm_to_hot',
    ]);
    expect(c.bodies[4]).toMatchObject({ direction: 'inbound', remote_addr: '85.106.4.146', remote_port: 3001, local_addr: '172.0.118.125', at: '2025-09-24T13:32:19.888Z' });
    await o.stop();
  });
});
