import { describe, expect, it } from 'vitest';
import { PeerGoneError, RemoteError, RequestLimitError, RequestTimeoutError } from '../../src/core/requests/errors.js';
import type { ConnectionManager } from '../../src/net/manager.js';
import type { EncodedFrame } from '../../src/wire/frame.js';
import { memoryWorld, record, runFor, runUntil, type MemoryWorld } from './helpers.js';

/** Two managers on a memory network (1 ms one-way latency), b dialled by a. */
async function connectedPair(world: MemoryWorld = memoryWorld(), options: Parameters<MemoryWorld['node']>[1] = {}) {
  const a = await world.node('10.0.0.1', options);
  const b = await world.node('10.0.0.2', options);
  const logA = record(a);
  const logB = record(b);
  const ab = await runUntil(world.clock, a.dial('10.0.0.2:7000'));
  await runFor(world.clock, 5);
  const ba = b.get(a.identity.nodeId)!;
  return { world, a, b, ab, ba, logA, logB };
}

describe('Connection over the memory transport', () => {
  it('reports direction, endpoints, the peer\'s HELLO and matching byte/message counters', async () => {
    const { world, a, b, ab, ba } = await connectedPair();
    expect(ab.direction).toBe('outbound');
    expect(ba.direction).toBe('inbound');
    expect(ab.remoteId).toBe(b.identity.nodeId);
    expect(ba.remoteId).toBe(a.identity.nodeId);
    expect(ab.remoteEndpoint).toEqual({ ip: '10.0.0.2', port: 7000 });
    expect(ba.remoteEndpoint.ip).toBe('10.0.0.1');
    expect(ba.remoteListenEndpoint).toEqual({ ip: '10.0.0.1', port: 7000 });
    expect(ab.hello).toMatchObject({ nodeId: b.identity.nodeId, listenPort: 7000, services: 0n, protocolVersion: 1 });
    expect(ab.hello!.userAgent).toMatch(/^peerwarden\//);
    expect(ab.connectedAt).toBeLessThanOrEqual(world.clock.now());
    ab.send('t', Buffer.from('hello'));
    await runFor(world.clock, 5);
    expect(ab.bytesOut).toBe(ba.bytesIn);
    expect(ba.bytesOut).toBe(ab.bytesIn);
    expect(ab.messagesOut).toBe(ba.messagesIn);
    expect(ab.messagesIn).toBe(ba.messagesOut);
  });

  it('delivers messages in order with their topics', async () => {
    const { world, ab, logB } = await connectedPair();
    for (let i = 0; i < 50; i++) ab.send(`topic-${i % 3}`, Buffer.from(String(i)));
    await runFor(world.clock, 5);
    expect(logB.messages.map((m) => `${m.topic}:${Buffer.from(m.payload).toString()}`)).toEqual(Array.from({ length: 50 }, (_, i) => `topic-${i % 3}:${i}`));
  });

  it('measures the round trip from PING/PONG at once and every 30 s', async () => {
    const world = memoryWorld({ latencyMs: 10 });
    const { ab, ba } = await connectedPair(world);
    await runFor(world.clock, 30);
    expect(ab.rttMs).toBe(20);
    expect(ba.rttMs).toBe(20);
    expect(ab.minRttMs).toBe(20);
  });

  it('answers requests, and reports remote errors and unknown topics as RemoteError', async () => {
    const { world, ab, b } = await connectedPair();
    b.on('request', (e) => {
      if (e.topic === 'echo') e.reply(Buffer.concat([Buffer.from('re:'), e.payload]));
      else if (e.topic === 'fail') e.reply(Buffer.from('it broke'), 'error');
      else e.reply(new Uint8Array(0), 'unknown-topic');
    });
    const ok = ab.request('echo', Buffer.from('x'));
    const fail = ab.request('fail', Buffer.from('x'));
    const unknown = ab.request('nope', Buffer.from('x'));
    fail.catch(() => {});
    unknown.catch(() => {});
    await runFor(world.clock, 5);
    expect(Buffer.from(await ok).toString()).toBe('re:x');
    await expect(fail).rejects.toBeInstanceOf(RemoteError);
    await expect(fail).rejects.toMatchObject({ status: 'error', message: expect.stringContaining('it broke') });
    await expect(unknown).rejects.toMatchObject({ status: 'unknown-topic' });
  });

  it('answers "unknown topic" by itself when nobody listens for requests', async () => {
    const { world, ab } = await connectedPair();
    const p = ab.request('anything', new Uint8Array(0));
    p.catch(() => {});
    await runFor(world.clock, 5);
    await expect(p).rejects.toMatchObject({ name: 'RemoteError', status: 'unknown-topic' });
  });

  it('times out a request (RequestTimeoutError, low penalty) and penalises the late response', async () => {
    const { world, ab, b, logA } = await connectedPair();
    let reply: ((p: Uint8Array) => boolean) | undefined;
    b.on('request', (e) => (reply = e.reply));
    const p = ab.request('slow', new Uint8Array(0), { timeoutMs: 1000 });
    p.catch(() => {});
    await runFor(world.clock, 1000);
    await expect(p).rejects.toBeInstanceOf(RequestTimeoutError);
    expect(logA.misbehaviour).toEqual([expect.objectContaining({ offence: 'request-timeout', peer: b.identity.nodeId })]);
    expect(reply!(Buffer.from('too late'))).toBe(true);
    expect(reply!(Buffer.from('twice'))).toBe(false);
    await runFor(world.clock, 5);
    expect(logA.misbehaviour.map((m) => m.offence)).toEqual(['request-timeout', 'late-response']);
    expect(ab.isOpen).toBe(true);
  });

  it('refuses a 65th request in flight with RequestLimitError', async () => {
    const { world, ab, b } = await connectedPair();
    b.on('request', () => {});
    const pending = Array.from({ length: 64 }, () => ab.request('hold', new Uint8Array(0)));
    pending.forEach((p) => p.catch(() => {}));
    await expect(ab.request('one more', new Uint8Array(0))).rejects.toBeInstanceOf(RequestLimitError);
    expect(ab.outstandingRequests.outbound).toBe(64);
    await runFor(world.clock, 5);
  });

  it('penalises a peer with more than 64 requests in flight (mid) and answers the excess with an error', async () => {
    const world = memoryWorld();
    const a = await world.node('10.0.0.1', { maxOutstandingRequests: 100 }); // a lets itself send 100
    const b = await world.node('10.0.0.2'); // b holds peers to the protocol's 64
    const logB = record(b);
    const held: ((p: Uint8Array) => boolean)[] = [];
    b.on('request', (e) => held.push(e.reply));
    const ab = await runUntil(world.clock, a.dial('10.0.0.2:7000'));
    const results = Array.from({ length: 65 }, () => ab.request('hold', new Uint8Array(0)).then(() => 'ok', (e: Error) => e));
    await runFor(world.clock, 5);
    expect(held).toHaveLength(64);
    expect(logB.misbehaviour).toEqual([expect.objectContaining({ offence: 'too-many-requests', peer: a.identity.nodeId })]);
    const last = await results[64]!;
    expect(last).toBeInstanceOf(RemoteError);
    for (const reply of held) reply(new Uint8Array(0));
    await runFor(world.clock, 5);
    expect(await results[0]!).toBe('ok');
    expect(ab.isOpen).toBe(true);
  });

  it('fails requests in flight with PeerGoneError when the peer goes, and a gone handle stays safe', async () => {
    const { world, ab, ba, b, logA } = await connectedPair();
    b.on('request', () => {});
    const p = ab.request('hold', new Uint8Array(0));
    p.catch(() => {});
    await runFor(world.clock, 5);
    await runUntil(world.clock, ba.disconnect('requested', 'bye'));
    await expect(p).rejects.toBeInstanceOf(PeerGoneError);
    expect(logA.closed).toEqual([expect.objectContaining({ reason: 'requested', by: 'remote', code: 2 })]);
    expect(ab.isOpen).toBe(false);
    expect(ab.send('t', new Uint8Array(1))).toBe(false);
    expect(ab.sendAddr([])).toBe(false);
    await expect(ab.request('t', new Uint8Array(1))).rejects.toBeInstanceOf(PeerGoneError);
  });

  it('flushes everything queued before a graceful close, and sends the reason', async () => {
    const { world, ab, logB } = await connectedPair();
    for (let i = 0; i < 100; i++) ab.send('t', Buffer.from(String(i)));
    const closed = ab.disconnect('churn', 'rotating peers');
    expect(ab.isOpen).toBe(false);
    const info = await runUntil(world.clock, closed);
    expect(info).toMatchObject({ reason: 'churn', by: 'local' });
    expect(logB.messages).toHaveLength(100);
    expect(logB.closed).toEqual([expect.objectContaining({ reason: 'churn', by: 'remote', message: 'rotating peers' })]);
  });

  it('destroy() does not flush: the peer sees the connection lost, and nothing queued arrives', async () => {
    const { world, ab, logB } = await connectedPair();
    for (let i = 0; i < 10; i++) ab.send('t', Buffer.from(String(i)));
    ab.destroy();
    await runFor(world.clock, 10);
    expect(logB.messages).toHaveLength(0);
    expect(logB.closed).toEqual([expect.objectContaining({ reason: 'connection-lost', by: 'remote' })]);
  });

  it('disconnects after 3 unanswered pings (ping-timeout), pinging every 30 s', async () => {
    const { world, ab, logA } = await connectedPair();
    expect(ab.rttMs).toBeDefined(); // the first ping, sent at once, was answered
    world.net.partition([['10.0.0.1'], ['10.0.0.2']]);
    // Unanswered pings go out at +30 s, +60 s and +90 s; the third miss is counted at +120 s.
    await runFor(world.clock, 119_000);
    expect(ab.isOpen).toBe(true);
    await runFor(world.clock, 2_000);
    expect(ab.isOpen).toBe(false);
    expect(logA.closed).toEqual([expect.objectContaining({ reason: 'ping-timeout', by: 'local' })]);
  });

  it('sheds gossip first for a peer that does not read, then disconnects it as slow', async () => {
    const world = memoryWorld({ windowBytes: 64 * 1024 });
    const { ab, logA } = await connectedPair(world, { maxFrameBytes: 64 * 1024, highWaterMark: 256 * 1024 });
    world.net.partition([['10.0.0.1'], ['10.0.0.2']]); // b receives nothing: the window fills, then our queue
    const chunk = new Uint8Array(16 * 1024);
    let queuedLow = 0;
    while (ab.send('gossip', chunk, { priority: 'low' })) {
      queuedLow++;
      if (queuedLow % 8 === 0) await runFor(world.clock, 1);
    }
    expect(ab.isOpen).toBe(true);
    expect(ab.droppedFrames).toBeGreaterThan(0);
    expect(ab.pendingBytes).toBeLessThanOrEqual(256 * 1024);
    // Normal traffic first evicts queued gossip, then, with no gossip left to shed, the peer is slow.
    let sentNormal = 0;
    while (ab.isOpen && sentNormal < 1000) {
      ab.send('blocks', chunk);
      sentNormal++;
    }
    expect(ab.isOpen).toBe(false);
    expect(logA.closed).toEqual([expect.objectContaining({ reason: 'slow', by: 'local' })]);
    expect(sentNormal).toBeGreaterThan(1);
  });

  it('broadcast encodes once and queues the very same bytes on every target', async () => {
    const world = memoryWorld();
    const hub = await world.node('10.0.0.100');
    const peers: ConnectionManager[] = [];
    const got: number[] = [];
    for (let i = 1; i <= 5; i++) {
      const p = await world.node(`10.0.0.${i}`);
      p.on('message', (e) => got.push(e.payload.length));
      peers.push(p);
      await runUntil(world.clock, p.dial('10.0.0.100:7000'));
    }
    await runFor(world.clock, 5);
    const targets = [...hub.connections()];
    expect(targets).toHaveLength(5);
    const frames: (EncodedFrame | Uint8Array)[] = [];
    for (const c of targets) {
      const original = c.sendFrame.bind(c);
      c.sendFrame = (frame, priority) => (frames.push(frame), original(frame, priority));
    }
    const payload = new Uint8Array(1024 * 1024);
    expect(hub.broadcast(targets, 'block', payload, { except: targets[0] })).toBe(4);
    expect(frames).toHaveLength(4);
    expect(new Set(frames).size).toBe(1);
    expect((frames[0] as EncodedFrame).payload).toBe(payload);
    await runFor(world.clock, 100);
    expect(got).toEqual([1024 * 1024, 1024 * 1024, 1024 * 1024, 1024 * 1024]);
    // A closed target is skipped and not counted.
    await runUntil(world.clock, targets[1]!.disconnect());
    expect(hub.broadcast(targets, 'block', new Uint8Array(10))).toBe(4);
  });

  it('sends ADDR and GETADDR, delivered as decoded entries', async () => {
    const { world, a, ab, b } = await connectedPair();
    const seen: unknown[] = [];
    b.on('addr', (e) => seen.push({ from: e.connection.remoteId, entries: e.entries }));
    b.on('getaddr', (e) => seen.push({ getaddrFrom: e.connection.remoteId }));
    ab.sendGetAddr();
    ab.sendAddr([{ endpoint: { ip: '1.2.3.4', port: 7000 }, services: 1n, time: 1_700_000_000_000 }]);
    await runFor(world.clock, 5);
    expect(seen).toEqual([
      { getaddrFrom: a.identity.nodeId },
      { from: a.identity.nodeId, entries: [{ endpoint: { ip: '1.2.3.4', port: 7000 }, services: 1n, time: 1_700_000_000_000 }] },
    ]);
  });
});
