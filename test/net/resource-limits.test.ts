// What a remote party can make a node hold is bounded: pending handshakes, queued bytes, PINGs (memory network, virtual clock).
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/net/connection.js';
import { ConnectionManager } from '../../src/net/manager.js';
import type { MemoryLink } from '../../src/net/memory-link.js';
import type { Transport } from '../../src/net/transport.js';
import { encodePing } from '../../src/wire/control-codec.js';
import { MessageType } from '../../src/wire/constants.js';
import { memoryWorld, record, runFor, runUntil } from './helpers.js';

type World = ReturnType<typeof memoryWorld>;

/** A transport from `ip` that remembers the links it dials, so a test can stop reading or write raw bytes on them. */
function capturing(world: World, ip: string): { transport: Transport; links: MemoryLink[] } {
  const inner = world.net.transport(ip);
  const links: MemoryLink[] = [];
  const transport: Transport = {
    kind: inner.kind,
    encrypted: inner.encrypted,
    listen: (ep, cb) => inner.listen(ep, cb),
    dial: async (ep, o) => {
      const link = (await inner.dial(ep, o)) as MemoryLink;
      links.push(link);
      return link;
    },
  };
  return { transport, links };
}

/**
 * Silent sockets from `ips` (several per IP) that say nothing and are re-opened the moment they
 * close, as a squatter does; stops re-opening after `untilMs` of virtual time.
 */
function squat(world: World, target: string, ips: string[], perIp: number, untilMs: number): { opened: number } {
  const stats = { opened: 0 };
  const [host, port] = target.split(':');
  const open = (ip: string) => {
    if (world.clock.now() >= untilMs) return;
    stats.opened++;
    world.net
      .transport(ip)
      .dial({ ip: host!, port: Number(port) })
      .then(
        (link) => link.attach({ onData: () => {}, onDrain: () => {}, onClose: () => world.clock.after(10, () => open(ip)) }),
        () => world.clock.after(10, () => open(ip)),
      );
  };
  for (const ip of ips) for (let i = 0; i < perIp; i++) open(ip);
  return stats;
}

describe('the pending pool: unfinished handshakes never lock honest peers out', () => {
  it('lets honest peers in within milliseconds while 30 addresses × 4 silent sockets squat, re-opening as soon as they are dropped', async () => {
    const world = memoryWorld();
    const hub = await world.node('10.0.0.100', { limits: { maxInbound: 8, maxTotal: 12, maxPending: 32, maxPendingPerIp: 2 } });
    const log = record(hub);
    const squatters = Array.from({ length: 30 }, (_, i) => `10.${20 + i}.0.1`);
    const stats = squat(world, '10.0.0.100:7000', squatters, 4, world.clock.now() + 2_000);
    await runFor(world.clock, 200);
    // The pool is full of squatters and no more; they hold no inbound slot.
    expect(hub.stats()).toMatchObject({ inbound: 0, pendingInbound: 32 });
    const joined: number[] = [];
    for (let i = 0; i < 3; i++) {
      const honest = await world.node(`10.${90 + i}.0.1`);
      const start = world.clock.now();
      const conn = await runUntil(world.clock, honest.dial('10.0.0.100:7000'));
      joined.push(world.clock.now() - start);
      await runFor(world.clock, 20);
      expect(conn.isOpen, `honest peer ${i} stays connected`).toBe(true);
    }
    expect(hub.stats().inbound).toBe(3);
    // With a 1 ms network an honest handshake takes a few milliseconds, squat or no squat.
    for (const ms of joined) expect(ms).toBeLessThan(50);
    expect(stats.opened).toBeGreaterThan(120);
    expect(log.rejected.filter((r) => r.reason === 'evicted').length).toBeGreaterThan(0);
    expect(log.rejected.filter((r) => r.reason === 'too-many-from-ip').length).toBeGreaterThan(0);
    // Squatters never held more than the pool: never a slot.
    expect(hub.stats().pendingInbound).toBeLessThanOrEqual(32);
    // When the squatters stop, their handshakes time out and the pool empties.
    await runFor(world.clock, 15_000);
    expect(hub.stats()).toMatchObject({ pendingInbound: 0, inbound: 3 });
  });

  it('a silent socket from an address already at its pending cap is refused at once, without any handshake work', async () => {
    const world = memoryWorld();
    const hub = await world.node('10.0.0.100', { limits: { maxPendingPerIp: 2 } });
    const log = record(hub);
    squat(world, '10.0.0.100:7000', ['10.5.0.1'], 3, world.clock.now() + 5);
    await runFor(world.clock, 3);
    expect(hub.stats().pendingInbound).toBe(2);
    expect(log.rejected.map((r) => `${r.stage}:${r.reason}`)).toContain('accept:too-many-from-ip');
    await runFor(world.clock, 20_000);
    // After the handshake timeout they are gone and nothing was admitted.
    expect(hub.stats()).toMatchObject({ pendingInbound: 0, inbound: 0 });
  });
});

describe('the send budget: many non-reading peers cannot make a node hold more than its budget', () => {
  it('drops the peer holding the most when all queues together pass the node-wide budget, and reports it as slow', async () => {
    const world = memoryWorld({ windowBytes: 64 * 1024 });
    const budget = 2 * 1024 * 1024;
    const hub = await world.node('10.0.0.100', { sendBudgetBytes: budget, highWaterMark: 1.5 * 1024 * 1024, maxFrameBytes: 256 * 1024 });
    const log = record(hub);
    hub.on('request', (e) => e.reply(e.payload));
    const readers: { conn: Connection; link: MemoryLink; ip: string }[] = [];
    for (let i = 1; i <= 3; i++) {
      const ip = `10.${i}.0.1`;
      const cap = capturing(world, ip);
      const peer = new ConnectionManager({ identity: (await world.node(`10.${i}.9.9`)).identity, network: 'test', transport: cap.transport, scheduler: world.clock, maxFrameBytes: 256 * 1024 });
      const conn = await runUntil(world.clock, peer.dial('10.0.0.100:7000'));
      readers.push({ conn, link: cap.links[0]!, ip });
    }
    // Each peer stops reading, then asks for echoes of different sizes: the hub's replies pile up.
    const payload = new Uint8Array(16 * 1024);
    const counts = [40, 70, 55];
    readers.forEach((r, i) => {
      r.link.pause();
      for (let k = 0; k < counts[i]!; k++) r.conn.request('echo', payload, { timeoutMs: 60_000 }).catch(() => {});
    });
    await runFor(world.clock, 500);
    const slow = log.closed.filter((c) => c.reason === 'slow');
    expect(slow).toHaveLength(1);
    // The one dropped held the most: the peer that asked for the most.
    const dropped = log.closed.find((c) => c.reason === 'slow') as unknown as { connection: Connection };
    expect(dropped.connection.remoteEndpoint.ip).toBe('10.2.0.1');
    expect(log.misbehaviour.filter((m) => m.offence === 'slow')).toHaveLength(1);
    expect(hub.budget.usedBytes).toBeLessThanOrEqual(budget);
    expect(hub.budget.exceeded).toBe(1);
  });
});

describe('PING rate limit', () => {
  it('answers PINGs up to the allowance, leaves the rest unanswered and reports a ping flood at most once a second', async () => {
    const world = memoryWorld();
    const hub = await world.node('10.0.0.100', { pingsPerSecond: 1, pingBurst: 5, pingIntervalMs: 3_600_000 });
    const log = record(hub);
    const cap = capturing(world, '10.0.0.1');
    const peer = new ConnectionManager({ identity: (await world.node('10.0.9.9')).identity, network: 'test', transport: cap.transport, scheduler: world.clock, pingIntervalMs: 3_600_000 });
    await runUntil(world.clock, peer.dial('10.0.0.100:7000'));
    await runFor(world.clock, 10);
    const link = cap.links[0]!;
    let pongs = 0;
    const before = hub.stats();
    // Count PONGs the hub sends by watching the peer's message counter around a raw flood of 1000 PINGs.
    const received = () => [...peer.connections()][0]!.messagesIn;
    const start = received();
    for (let i = 0; i < 1000; i++) link.write(encodePing(BigInt(i)));
    await runFor(world.clock, 50);
    pongs = received() - start;
    expect(pongs).toBeLessThanOrEqual(6);
    expect(pongs).toBeGreaterThanOrEqual(1);
    expect(log.misbehaviour.map((m) => m.offence)).toEqual(['ping-flood']);
    // Still flooding a second later: one more report, not a thousand.
    await runFor(world.clock, 1000);
    for (let i = 0; i < 1000; i++) link.write(encodePing(BigInt(i)));
    await runFor(world.clock, 50);
    expect(log.misbehaviour.map((m) => m.offence)).toEqual(['ping-flood', 'ping-flood']);
    // The connection is still up: the penalty decides, not the rate limiter.
    expect(hub.stats().established).toBe(before.established);
    void MessageType;
  });
});
