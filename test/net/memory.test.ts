import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.js';
import { MemoryNetwork, type MemoryLink } from '../../src/net/memory.js';
import { DialError, type InboundAttempt, type Link } from '../../src/net/transport.js';
import { VirtualClock } from '../../src/platform/index.js';
import { runUntil, runFor, tick } from './helpers.js';

function setup(options: Partial<ConstructorParameters<typeof MemoryNetwork>[0]> = {}) {
  const clock = new VirtualClock(0);
  const net = new MemoryNetwork({ scheduler: clock, latencyMs: 10, random: createRandom(1), ...options });
  return { clock, net, a: net.transport('10.0.0.1'), b: net.transport('10.0.0.2') };
}

/** Listens on b, dials from a; returns both links with their received bytes and close flags. */
async function connected(env: ReturnType<typeof setup>, port = 7000) {
  let inbound!: InboundAttempt;
  await env.b.listen({ ip: '10.0.0.2', port }, (att) => (inbound = att));
  const dialer = (await runUntil(env.clock, env.a.dial({ ip: '10.0.0.2', port }))) as MemoryLink;
  const acceptor = (await inbound.accept()) as MemoryLink;
  const got = { dialer: [] as number[], acceptor: [] as number[], dialerClosed: false, acceptorClosed: false, drains: 0 };
  dialer.attach({ onData: (d) => got.dialer.push(...d), onDrain: () => got.drains++, onClose: () => (got.dialerClosed = true) });
  acceptor.attach({ onData: (d) => got.acceptor.push(...d), onDrain: () => {}, onClose: () => (got.acceptorClosed = true) });
  return { dialer, acceptor, got, inbound };
}

describe('MemoryNetwork', () => {
  it('connects after one round trip and tells the listener the dialer\'s address', async () => {
    const env = setup();
    let seen: InboundAttempt | undefined;
    await env.b.listen({ ip: '0.0.0.0', port: 7000 }, (att) => (seen = att));
    const start = env.clock.now();
    const link = await runUntil(env.clock, env.a.dial({ ip: '10.0.0.2', port: 7000 }));
    expect(env.clock.now() - start).toBe(20);
    expect(seen!.remote.ip).toBe('10.0.0.1');
    expect(seen!.local).toEqual({ ip: '10.0.0.2', port: 7000 });
    expect(link.remote).toEqual({ ip: '10.0.0.2', port: 7000 });
    expect(link.local).toEqual(seen!.remote);
  });

  it('refuses a dial where nothing listens, and times out a dial into a partition', async () => {
    const env = setup();
    await expect(runUntil(env.clock, env.a.dial({ ip: '10.0.0.2', port: 1 }))).rejects.toMatchObject({ reason: 'refused' });
    await env.b.listen({ ip: '10.0.0.2', port: 7000 }, () => {});
    env.net.partition([['10.0.0.1'], ['10.0.0.2']]);
    const p = env.a.dial({ ip: '10.0.0.2', port: 7000 }, { timeoutMs: 500 });
    await expect(runUntil(env.clock, p)).rejects.toBeInstanceOf(DialError);
    await expect(p).rejects.toMatchObject({ reason: 'timeout' });
  });

  it('delivers bytes in order one latency later, batching corked writes', async () => {
    const env = setup();
    const { dialer, got } = await connected(env);
    dialer.cork();
    dialer.write(Uint8Array.of(1, 2));
    dialer.write(Uint8Array.of(3));
    dialer.uncork();
    dialer.write(Uint8Array.of(4));
    await runFor(env.clock, 9);
    expect(got.acceptor).toEqual([]);
    await runFor(env.clock, 1);
    expect(got.acceptor).toEqual([1, 2, 3, 4]);
  });

  it('keeps the stream ordered under loss: lost chunks are late, never missing or reordered', async () => {
    const env = setup({ lossRate: 0.3, retransmitMs: 200 });
    const { dialer, got } = await connected(env);
    for (let i = 0; i < 100; i++) dialer.write(Uint8Array.of(i));
    await runFor(env.clock, 100 * 200 + 100);
    expect(got.acceptor).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('applies back-pressure when the receiver does not read, and drains when it resumes', async () => {
    const env = setup({ windowBytes: 1000 });
    const { dialer, acceptor, got } = await connected(env);
    acceptor.pause();
    let accepted = 0;
    while (dialer.write(new Uint8Array(100))) accepted++;
    expect(accepted).toBe(9);
    expect(dialer.needDrain).toBe(true);
    await runFor(env.clock, 100);
    expect(dialer.writableLength).toBe(1000);
    expect(got.acceptor).toHaveLength(0);
    acceptor.resume();
    await tick();
    expect(got.acceptor).toHaveLength(1000);
    expect(got.drains).toBe(1);
    expect(dialer.needDrain).toBe(false);
  });

  it('holds traffic across a partition and delivers it after heal()', async () => {
    const env = setup();
    const { dialer, got } = await connected(env);
    env.net.partition([['10.0.0.1'], ['10.0.0.2']]);
    dialer.write(Uint8Array.of(42));
    await runFor(env.clock, 1000);
    expect(got.acceptor).toEqual([]);
    env.net.heal();
    await tick();
    expect(got.acceptor).toEqual([42]);
  });

  it('ends gracefully after the data, and reports a destroy to the other side one latency later', async () => {
    const env = setup();
    const first = await connected(env);
    first.dialer.write(Uint8Array.of(1));
    first.dialer.end();
    await runFor(env.clock, 10);
    expect(first.got.acceptor).toEqual([1]);
    expect(first.got.acceptorClosed).toBe(true);
    expect(first.got.dialerClosed).toBe(true);

    const second = await connected(env, 7001);
    second.acceptor.destroy();
    await tick();
    expect(second.got.acceptorClosed).toBe(true);
    expect(second.got.dialerClosed).toBe(false);
    await runFor(env.clock, 10);
    expect(second.got.dialerClosed).toBe(true);
    expect(second.dialer.write(Uint8Array.of(1))).toBe(false);
  });

  it('replays identically from the same seed', async () => {
    async function run(): Promise<string[]> {
      const env = setup({ lossRate: 0.2, latencyMs: (from, to) => (from < to ? 7 : 13) });
      const log: string[] = [];
      const { dialer, acceptor } = await connected(env);
      acceptor.attach({ onData: (d) => log.push(`${env.clock.now()}:${d.length}`), onDrain: () => {}, onClose: () => {} });
      for (let i = 0; i < 30; i++) {
        dialer.write(new Uint8Array(i + 1));
        await runFor(env.clock, 5);
      }
      await runFor(env.clock, 2000);
      return log;
    }
    const a = await run();
    expect(a.length).toBeGreaterThan(0);
    expect(await run()).toEqual(a);
  });

  it('hands out distinct ports for listeners on port 0 and refuses a port in use', async () => {
    const env = setup();
    const l1 = await env.a.listen({ ip: '0.0.0.0', port: 0 }, () => {});
    const l2 = await env.a.listen({ ip: '0.0.0.0', port: 0 }, () => {});
    expect(l1.endpoint.port).not.toBe(l2.endpoint.port);
    await expect(env.a.listen(l1.endpoint, () => {})).rejects.toThrow(/in use/);
    await l1.close();
    await env.a.listen(l1.endpoint, () => {});
  });

  it('lets the listener refuse with goodbye bytes, which arrive before the close', async () => {
    const env = setup();
    await env.b.listen({ ip: '10.0.0.2', port: 7000 }, (att) => att.refuse(Uint8Array.of(9, 9)));
    const link: Link = await runUntil(env.clock, env.a.dial({ ip: '10.0.0.2', port: 7000 }));
    const got: number[] = [];
    let closed = false;
    link.attach({ onData: (d) => got.push(...d), onDrain: () => {}, onClose: () => (closed = true) });
    await runFor(env.clock, 50);
    expect(got).toEqual([9, 9]);
    expect(closed).toBe(true);
  });
});
