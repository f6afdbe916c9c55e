import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.js';
import { Handshake } from '../../src/net/handshake.js';
import { ConnectionManager } from '../../src/net/manager.js';
import { networkIdOf } from '../../src/wire/handshake-codec.js';
import { identityFromSeed } from '../../src/net/identity.js';
import { FRAME, type MessageLink, type WireMessage } from '../../src/net/message-link.js';
import { MessageNetwork } from '../../src/net/message-network.js';
import { DialError, type InboundAttempt } from '../../src/net/transport.js';
import { MessageType } from '../../src/wire/constants.js';
import { VirtualClock } from '../../src/platform/index.js';
import { runFor, runUntil } from './helpers.js';

function setup(options: Partial<ConstructorParameters<typeof MessageNetwork>[0]> = {}) {
  const clock = new VirtualClock(0);
  const net = new MessageNetwork({ scheduler: clock, latencyMs: 10, random: createRandom(1), ...options });
  return { clock, net, a: net.transport('10.0.0.1'), b: net.transport('10.0.0.2') };
}

const ping = (n: number): WireMessage => ({ t: MessageType.PING, nonce: BigInt(n), size: 13 });

async function connected(env: ReturnType<typeof setup>) {
  let inbound!: InboundAttempt;
  await env.b.listen({ ip: '10.0.0.2', port: 7000 }, (att) => (inbound = att));
  const dialer = (await runUntil(env.clock, env.a.dial({ ip: '10.0.0.2', port: 7000 }))) as MessageLink;
  const acceptor = (await inbound.accept()) as MessageLink;
  const got = { dialer: [] as WireMessage[], acceptor: [] as WireMessage[], dialerClosed: false, acceptorClosed: false };
  dialer.attachMessages({ onMessage: (m) => got.dialer.push(m), onDrain: () => {}, onClose: () => (got.dialerClosed = true) });
  acceptor.attachMessages({ onMessage: (m) => got.acceptor.push(m), onDrain: () => {}, onClose: () => (got.acceptorClosed = true) });
  return { dialer, acceptor, got };
}

describe('MessageNetwork', () => {
  it('connects after one round trip, refuses where nothing listens, and loses dials into a partition', async () => {
    const env = setup();
    await env.b.listen({ ip: '10.0.0.2', port: 7000 }, () => {});
    const start = env.clock.now();
    await runUntil(env.clock, env.a.dial({ ip: '10.0.0.2', port: 7000 }));
    expect(env.clock.now() - start).toBe(20);
    await expect(runUntil(env.clock, env.a.dial({ ip: '10.0.0.2', port: 1 }))).rejects.toMatchObject({ reason: 'refused' });
    env.net.partition([['10.0.0.1'], ['10.0.0.2']]);
    const p = env.a.dial({ ip: '10.0.0.2', port: 7000 }, { timeoutMs: 500 });
    await expect(runUntil(env.clock, p)).rejects.toBeInstanceOf(DialError);
    expect(env.net.stats).toMatchObject({ dials: 3, refused: 1, lostDials: 1 });
  });

  it('delivers the same message objects in order one latency later, and counts them in flight until then', async () => {
    const env = setup();
    const { dialer, got } = await connected(env);
    const m = ping(1);
    dialer.send(m);
    dialer.send(ping(2));
    expect(dialer.writableLength).toBe(26);
    await runFor(env.clock, 9);
    expect(got.acceptor).toEqual([]);
    await runFor(env.clock, 1);
    expect(got.acceptor[0]).toBe(m);
    expect(got.acceptor.map((x) => (x as { nonce: bigint }).nonce)).toEqual([1n, 2n]);
    expect(dialer.writableLength).toBe(0);
  });

  it('a lost message is delayed by the retransmission time and holds back the ones behind it', async () => {
    const env = setup({ lossRate: 0.5, random: createRandom('loss'), retransmitMs: 200 });
    const { dialer, got } = await connected(env);
    for (let i = 0; i < 20; i++) dialer.send(ping(i));
    await runFor(env.clock, 10);
    const early = got.acceptor.length;
    expect(early).toBeLessThan(20);
    await runFor(env.clock, 400);
    expect(got.acceptor.map((x) => Number((x as { nonce: bigint }).nonce))).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('holds traffic across a partition until it heals, then delivers it in order', async () => {
    const env = setup();
    const { dialer, got } = await connected(env);
    env.net.partition([['10.0.0.1'], ['10.0.0.2']]);
    dialer.send(ping(1));
    dialer.send(ping(2));
    await runFor(env.clock, 1000);
    expect(got.acceptor).toEqual([]);
    env.net.heal();
    expect(got.acceptor.map((x) => (x as { nonce: bigint }).nonce)).toEqual([1n, 2n]);
  });

  it('end() closes both ends after what was sent; destroy() drops what was not delivered', async () => {
    const env = setup();
    const a = await connected(env);
    a.dialer.send(ping(1));
    a.dialer.end();
    await runFor(env.clock, 20);
    expect(a.got.acceptor).toHaveLength(1);
    expect(a.got.dialerClosed && a.got.acceptorClosed).toBe(true);
    const env2 = setup();
    const b = await connected(env2);
    b.dialer.send(ping(1));
    b.dialer.destroy();
    await runFor(env2.clock, 20);
    expect(b.got.acceptor).toEqual([]);
    expect(b.got.acceptorClosed).toBe(true);
  });

  it('frames travel as bytes for the receiver to decode', async () => {
    const env = setup();
    const { dialer, got } = await connected(env);
    const bytes = Uint8Array.of(0, 0, 0, 1, MessageType.GETADDR);
    dialer.send({ t: FRAME, bytes, size: 5 });
    await runFor(env.clock, 10);
    expect(got.acceptor[0]).toMatchObject({ t: FRAME, bytes });
  });

  it('carries real connections: handshake with vouched identities, keep-alive, ADDR, and a forged identity is refused', async () => {
    const clock = new VirtualClock(1_000_000);
    const net = new MessageNetwork({ scheduler: clock, latencyMs: 5, vouchKey: new Uint8Array(32).fill(7) });
    const manager = (ip: string, seed: number) =>
      new ConnectionManager({
        identity: identityFromSeed(new Uint8Array(32).fill(seed)),
        network: 'test',
        transport: net.transport(ip),
        listen: `${ip}:7000`,
        scheduler: clock,
        random: createRandom(`m${seed}`),
      });
    const a = manager('10.0.0.1', 1);
    const b = manager('10.0.0.2', 2);
    await a.start();
    await b.start();
    const addrs: unknown[] = [];
    b.on('addr', (e) => addrs.push(e.entries));
    const conn = await runUntil(clock, a.dial('10.0.0.2:7000'));
    expect(conn.remoteId).toBe(b.identity.nodeId);
    const entries = [{ endpoint: { ip: '1.2.3.4', port: 7000 }, services: 0n, time: 1_900_000_000_123 }];
    expect(conn.sendAddr(entries)).toBe(true);
    await runFor(clock, 100);
    // Delivered as the wire would carry it: times in whole seconds.
    expect(addrs).toEqual([[{ endpoint: { ip: '1.2.3.4', port: 7000 }, services: 0n, time: 1_900_000_000_000 }]]);
    await runFor(clock, 65_000);
    expect(conn.rttMs).toBe(10);
    expect(conn.isOpen).toBe(true);
    expect(conn.bytesOut).toBeGreaterThan(0);
    // A voucher is bound to its identity and nonces: another key's voucher does not verify.
    const forged = net.auth.sign(identityFromSeed(new Uint8Array(32).fill(3)), Uint8Array.of(1, 2, 3));
    expect(net.auth.verify(a.identity.publicKey, Uint8Array.of(1, 2, 3), forged)).toBe(false);
    expect(net.auth.verify(identityFromSeed(new Uint8Array(32).fill(3)).publicKey, Uint8Array.of(1, 2, 3), forged)).toBe(true);
  });

  it("the handshake on a message link checks the network's vouchers as it checks signatures: a HELLO claiming another node's id is refused", () => {
    const net = new MessageNetwork({ scheduler: new VirtualClock(0), vouchKey: new Uint8Array(32).fill(9) });
    const params = (seed: number, nonce: number) => ({
      identity: identityFromSeed(new Uint8Array(32).fill(seed)),
      networkId: networkIdOf('test'),
      nonce: new Uint8Array(32).fill(nonce),
      timestampMs: 0,
      listenPort: 7000,
      services: 0n,
      userAgent: 'test/1',
      channelBinding: new Uint8Array(32),
      isOwnNonce: () => false,
      isBannedId: () => false,
      auth: net.auth,
    });
    const a = new Handshake(params(1, 1));
    const b = new Handshake(params(2, 2));
    expect(b.acceptHello(a.helloFields)).toEqual({ kind: 'continue' });
    expect(a.acceptHello(b.helloFields)).toEqual({ kind: 'continue' });
    expect(a.acceptAuth(b.signature!)).toMatchObject({ kind: 'established', nodeId: b.helloFields.nodeId.reduce((s, x) => s + x.toString(16).padStart(2, '0'), '') });
    // An impostor claims node 2's id in its HELLO but holds node 3's identity.
    const impostor = new Handshake({ ...params(3, 3) });
    const victim = new Handshake(params(1, 4));
    expect(victim.acceptHello({ ...impostor.helloFields, nodeId: b.helloFields.nodeId })).toEqual({ kind: 'continue' });
    impostor.acceptHello(victim.helloFields);
    expect(victim.acceptAuth(impostor.signature!)).toMatchObject({ kind: 'refuse', reason: 'bad-signature', offence: 'bad-signature' });
  });
});
