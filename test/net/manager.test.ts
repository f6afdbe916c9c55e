import { afterEach, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { createRandom } from '../../src/core/random.js';
import { ConnectionOptionsError, DuplicateConnectionError, HandshakeError, ManagerClosedError } from '../../src/net/errors.js';
import { generateIdentity, identityFromSeed } from '../../src/net/identity.js';
import { ConnectionManager } from '../../src/net/manager.js';
import { DialError } from '../../src/net/transport.js';
import { MessageType } from '../../src/wire/constants.js';
import { decodeDisconnect } from '../../src/wire/handshake-codec.js';
import { DisconnectCode } from '../../src/wire/reasons.js';
import { memoryWorld, record, runFor, runUntil, RawPeer } from './helpers.js';

/** Settles a promise into a value or its error, so a rejection is never unhandled while time runs. */
const outcome = <T>(p: Promise<T>): Promise<T | Error> => p.then((v) => v, (e: Error) => e);

/**
 * Dials and says whether the listener kept us: 'ok', or the reason it closed the connection — at
 * accept or in the handshake (the dial fails), or right after the handshake when it had no slot.
 */
async function admitted(world: ReturnType<typeof memoryWorld>, from: ConnectionManager, to: string): Promise<string> {
  const r = await outcome(from.dial(to));
  if (r instanceof Error) return (r as HandshakeError).reason;
  await runFor(world.clock, 5);
  return r.isOpen ? 'ok' : (r.closeInfo?.reason ?? 'closed');
}

describe('ConnectionManager handshake refusals (memory transport)', () => {
  it('refuses another network on both sides with wrong-network', async () => {
    const world = memoryWorld();
    const a = await world.node('10.0.0.1');
    const b = await world.node('10.0.0.2', { network: 'other' });
    const logB = record(b);
    const err = await runUntil(world.clock, outcome(a.dial('10.0.0.2:7000')));
    expect(err).toBeInstanceOf(HandshakeError);
    expect(err).toMatchObject({ reason: 'wrong-network', code: 'handshake-failed', disconnectCode: DisconnectCode['wrong-network'] });
    await runFor(world.clock, 10);
    expect(logB.rejected).toEqual([expect.objectContaining({ stage: 'handshake', reason: 'wrong-network' })]);
    expect(a.size + b.size).toBe(0);
  });

  it('refuses a banned node id (checked through the callback) and tells the dialer why', async () => {
    const world = memoryWorld();
    const a = await world.node('10.0.0.1');
    const b = await world.node('10.0.0.2', { isBanned: { id: (id) => id === a.identity.nodeId } });
    const logB = record(b);
    const err = await runUntil(world.clock, outcome(a.dial('10.0.0.2:7000')));
    expect(err).toMatchObject({ name: 'HandshakeError', reason: 'banned', by: 'remote' });
    expect(logB.rejected).toEqual([expect.objectContaining({ stage: 'handshake', reason: 'banned', by: 'local' })]);
  });

  it('detects dialling itself (own node id / own nonce) as self-connection', async () => {
    const world = memoryWorld();
    const a = await world.node('10.0.0.1');
    const err = await runUntil(world.clock, outcome(a.dial('10.0.0.1:7000')));
    expect(err).toMatchObject({ reason: 'self-connection' });
    // Two nodes sharing one identity are a self-connection too.
    const twin = await world.node('10.0.0.3', { seed: 1 });
    expect(twin.identity.nodeId).toBe(a.identity.nodeId);
    expect(await runUntil(world.clock, outcome(twin.dial('10.0.0.1:7000')))).toMatchObject({ reason: 'self-connection' });
  });

  it('times out a handshake after 10 s on both sides: a listener that never speaks, a dialer that never speaks', async () => {
    const world = memoryWorld();
    const a = await world.node('10.0.0.1');
    // A silent listener: accepts the link and never writes.
    await world.net.transport('10.0.0.9').listen({ ip: '10.0.0.9', port: 7000 }, (att) => void att.accept());
    const start = world.clock.now();
    const err = await runUntil(world.clock, outcome(a.dial('10.0.0.9:7000')));
    expect(err).toMatchObject({ reason: 'handshake-timeout', by: 'local' });
    expect(world.clock.now() - start).toBe(10_000);

    // A silent dialer: the node sends DISCONNECT(handshake-timeout) after 10 s and closes.
    const logA = record(a);
    const link = await runUntil(world.clock, world.net.transport('10.0.0.8').dial({ ip: '10.0.0.1', port: 7000 }));
    const received: number[] = [];
    let closed = false;
    link.attach({ onData: (d) => received.push(...d), onDrain: () => {}, onClose: () => (closed = true) });
    await runFor(world.clock, 10_010);
    expect(closed).toBe(true);
    expect(logA.rejected).toEqual([expect.objectContaining({ stage: 'handshake', reason: 'handshake-timeout', by: 'local' })]);
    // The bytes are our HELLO, then DISCONNECT with code 0x0014.
    const bytes = Uint8Array.from(received);
    const helloLength = (bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!;
    const disconnect = bytes.subarray(4 + helloLength);
    expect(disconnect[4]).toBe(MessageType.DISCONNECT);
    expect(decodeDisconnect(disconnect.subarray(5)).code).toBe(DisconnectCode['handshake-timeout']);
  });
});

describe('ConnectionManager admission (memory transport)', () => {
  it('refuses a banned IP at accept time, before any handshake', async () => {
    const world = memoryWorld();
    const b = await world.node('10.0.0.2', { isBanned: { ip: (ip) => ip === '10.0.0.1' } });
    const logB = record(b);
    const a = await world.node('10.0.0.1');
    const err = await runUntil(world.clock, outcome(a.dial('10.0.0.2:7000')));
    expect(err).toMatchObject({ reason: 'banned', by: 'remote' });
    expect(logB.rejected).toEqual([expect.objectContaining({ stage: 'accept', reason: 'banned' })]);
    // And we never dial a banned address ourselves.
    const c = await world.node('10.0.0.3', { isBanned: { ip: (ip) => ip === '10.0.0.2' } });
    await expect(c.dial('10.0.0.2:7000')).rejects.toMatchObject({ name: 'DialError', reason: 'banned' });
  });

  it('enforces the per-IP inbound limit at accept, then the inbound and total limits once the newcomer authenticates', async () => {
    const world = memoryWorld();
    const hub = await world.node('10.0.0.100', { limits: { maxPerIpInbound: 2, maxInbound: 3, maxTotal: 4 } });
    const log = record(hub);
    const sameIp = [await world.node('10.0.0.1', { listen: '10.0.0.1:7001' }), await world.node('10.0.0.1', { listen: '10.0.0.1:7002' }), await world.node('10.0.0.1', { listen: '10.0.0.1:7003' })];
    const results = [];
    for (const m of sameIp) results.push(await runUntil(world.clock, admitted(world, m, '10.0.0.100:7000')));
    expect(results).toEqual(['ok', 'ok', 'too-many-from-ip']);
    expect(await runUntil(world.clock, admitted(world, await world.node('10.0.0.2'), '10.0.0.100:7000'))).toBe('ok');
    // Slots are checked after authentication: the dialler completes its handshake, then hears why it is closed.
    expect(await runUntil(world.clock, admitted(world, await world.node('10.0.0.3'), '10.0.0.100:7000'))).toBe('too-many-inbound');
    expect(log.rejected.map((r) => `${r.stage}:${r.reason}`)).toEqual(['accept:too-many-from-ip', 'admission:too-many-inbound']);
    // One outbound connection fills the total (3 in + 1 out = 4); with room for inbound, total still refuses.
    const out = await world.node('10.0.0.50');
    await runUntil(world.clock, hub.dial('10.0.0.50:7000'));
    expect(hub.stats()).toMatchObject({ inbound: 3, outbound: 1, established: 4, pendingInbound: 0 });
    hub.limits.maxInbound = 10;
    expect(await runUntil(world.clock, admitted(world, await world.node('10.0.0.4'), '10.0.0.100:7000'))).toBe('too-many-total');
    void out;
  });

  it('lets exempt (trusted) IPs past the limits and makes room by eviction when asked', async () => {
    const world = memoryWorld();
    let victimChooser: (() => ReturnType<ConnectionManager['get']>) | undefined = undefined;
    const hub = await world.node('10.0.0.100', {
      limits: { maxInbound: 1 },
      isExempt: (ip) => ip === '10.0.0.7',
      selectEviction: () => victimChooser?.(),
    });
    const log = record(hub);
    const first = await world.node('10.0.0.1');
    await runUntil(world.clock, first.dial('10.0.0.100:7000'));
    const trusted = await world.node('10.0.0.7');
    expect(await runUntil(world.clock, admitted(world, trusted, '10.0.0.100:7000'))).toBe('ok');
    // Full, and no one to evict: refused.
    expect(await runUntil(world.clock, admitted(world, await world.node('10.0.0.3'), '10.0.0.100:7000'))).toBe('too-many-inbound');
    victimChooser = () => hub.get(first.identity.nodeId);
    const newcomer = await world.node('10.0.0.2');
    expect(await runUntil(world.clock, admitted(world, newcomer, '10.0.0.100:7000'))).toBe('ok');
    await runFor(world.clock, 10);
    expect(log.closed).toEqual([expect.objectContaining({ reason: 'evicted', by: 'local' })]);
    expect(hub.get(first.identity.nodeId)).toBeUndefined();
    expect(hub.get(newcomer.identity.nodeId)).toBeDefined();
  });
});

describe('ConnectionManager: one connection per node id', () => {
  it('keeps the connection dialled by the lower node id when both dial at once, on both sides', async () => {
    const world = memoryWorld();
    const a = await world.node('10.0.0.1');
    const b = await world.node('10.0.0.2');
    const [low, high] = a.identity.nodeId < b.identity.nodeId ? [a, b] : [b, a];
    const logLow = record(low);
    const logHigh = record(high);
    const fromLow = outcome(low.dial(high === a ? '10.0.0.1:7000' : '10.0.0.2:7000'));
    const fromHigh = outcome(high.dial(low === a ? '10.0.0.1:7000' : '10.0.0.2:7000'));
    const [rLow, rHigh] = await runUntil(world.clock, Promise.all([fromLow, fromHigh]));
    await runFor(world.clock, 20);
    expect(low.size).toBe(1);
    expect(high.size).toBe(1);
    expect(low.get(high.identity.nodeId)!.direction).toBe('outbound');
    expect(high.get(low.identity.nodeId)!.direction).toBe('inbound');
    expect(rLow).not.toBeInstanceOf(Error);
    // The higher id's dial lost: a DuplicateConnectionError (or it was announced and then closed as duplicate).
    if (rHigh instanceof Error) expect(rHigh).toBeInstanceOf(DuplicateConnectionError);
    else expect(logHigh.closed).toEqual([expect.objectContaining({ reason: 'duplicate' })]);
    expect(logLow.closed.filter((c) => c.reason !== 'duplicate')).toEqual([]);
  });

  it('keeps exactly one of two connections dialled by the same side, the same one on both ends', async () => {
    const world = memoryWorld();
    const a = await world.node('10.0.0.1');
    const b = await world.node('10.0.0.2');
    const results = await runUntil(world.clock, Promise.all([outcome(a.dial('10.0.0.2:7000')), outcome(a.dial('10.0.0.2:7000'))]));
    await runFor(world.clock, 20);
    expect(a.size).toBe(1);
    expect(b.size).toBe(1);
    const kept = a.get(b.identity.nodeId)!;
    expect(b.get(a.identity.nodeId)!.remoteEndpoint).toEqual(kept.localEndpoint);
    // The loser either never resolved (DuplicateConnectionError) or resolved and was then closed as duplicate.
    const lost = results.filter((r) => r instanceof DuplicateConnectionError).length;
    const closedAsDuplicate = results.filter((r) => !(r instanceof Error) && r.closeInfo?.reason === 'duplicate').length;
    expect(lost + closedAsDuplicate).toBe(1);
  });
});

describe('ConnectionManager lifecycle', () => {
  it('says goodbye (shutdown) to every peer on close() and refuses to dial afterwards', async () => {
    const world = memoryWorld();
    const a = await world.node('10.0.0.1');
    const b = await world.node('10.0.0.2');
    const c = await world.node('10.0.0.3');
    const logB = record(b);
    const logC = record(c);
    await runUntil(world.clock, a.dial('10.0.0.2:7000'));
    await runUntil(world.clock, c.dial('10.0.0.1:7000'));
    await runUntil(world.clock, a.close());
    expect(logB.closed).toEqual([expect.objectContaining({ reason: 'shutdown', by: 'remote' })]);
    expect(logC.closed).toEqual([expect.objectContaining({ reason: 'shutdown', by: 'remote' })]);
    await expect(a.dial('10.0.0.2:7000')).rejects.toBeInstanceOf(ManagerClosedError);
    expect(world.net.openLinks).toBe(0);
  });

  it('lists every invalid option at once in a ConnectionOptionsError', () => {
    let err: unknown;
    try {
      new ConnectionManager({ identity: generateIdentity(), network: '', encryption: 'ssl' as 'tls', userAgent: 'x'.repeat(65), listen: 'nope', pingIntervalMs: -1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConnectionOptionsError);
    expect((err as ConnectionOptionsError).problems).toHaveLength(5);
  });

  it('replays the same event log from the same seeds (deterministic on a virtual clock)', async () => {
    async function run(): Promise<string[]> {
      const world = memoryWorld({ latencyMs: (a, b) => (a < b ? 3 : 5) });
      const log: string[] = [];
      const nodes = [];
      for (let i = 1; i <= 6; i++) nodes.push(await world.node(`10.0.${i}.1`));
      nodes.forEach((m, i) => {
        m.on('established', (e) => log.push(`${world.clock.now()} ${i} up ${e.connection.remoteId!.slice(0, 6)} rtt=${e.connection.rttMs}`));
        m.on('closed', (e) => log.push(`${world.clock.now()} ${i} down ${e.reason}`));
        m.on('message', (e) => log.push(`${world.clock.now()} ${i} msg ${e.topic}`));
      });
      const dials = nodes.flatMap((m, i) => [outcome(m.dial(`10.0.${((i + 1) % 6) + 1}.1:7000`)), outcome(m.dial(`10.0.${((i + 2) % 6) + 1}.1:7000`))]);
      await runUntil(world.clock, Promise.all(dials));
      for (const m of nodes) m.broadcast(m.connections(), 'hi', Buffer.from('x'));
      await runFor(world.clock, 65_000);
      return log;
    }
    const first = await run();
    expect(first.length).toBeGreaterThan(20);
    expect(await run()).toEqual(first);
  });
});

describe('ConnectionManager over real loopback sockets', () => {
  const managers: ConnectionManager[] = [];
  afterEach(async () => {
    await Promise.all(managers.splice(0).map((m) => m.close()));
  });
  const make = async (encryption: 'tls' | 'none', extra: Partial<ConstructorParameters<typeof ConnectionManager>[0]> = {}) => {
    const m = new ConnectionManager({ identity: generateIdentity(), network: 'test', encryption, listen: '127.0.0.1:0', ...extra });
    managers.push(m);
    await m.start();
    return m;
  };

  for (const encryption of ['none', 'tls'] as const) {
    it(`connects, messages, requests and closes over ${encryption === 'tls' ? 'TLS 1.3' : 'plain TCP'}`, async () => {
      const a = await make(encryption);
      const b = await make(encryption);
      b.on('request', (e) => e.reply(Buffer.concat([e.payload, e.payload])));
      const got = new Promise<string>((resolve) => b.on('message', (e) => resolve(`${e.topic}:${Buffer.from(e.payload).toString()}`)));
      const established = new Promise<string>((resolve) => b.on('established', (e) => resolve(e.connection.direction)));
      const conn = await a.dial(b.listenAddresses[0]!);
      expect(conn.remoteId).toBe(b.identity.nodeId);
      expect(await established).toBe('inbound');
      expect(conn.send('chat', Buffer.from('hi'))).toBe(true);
      expect(await got).toBe('chat:hi');
      expect(Buffer.from(await conn.request('double', Buffer.from('ab'))).toString()).toBe('abab');
      const closed = new Promise<string>((resolve) => b.on('closed', (e) => resolve(`${e.reason}/${e.by}`)));
      await conn.disconnect('done');
      expect(await closed).toBe('done/remote');
    });
  }

  it('closes a listener that still has inbound peers: goodbyes first, then the listening socket', async () => {
    const server = await make('tls');
    const client = await make('tls');
    const closed = new Promise<string>((resolve) => client.on('closed', (e) => resolve(`${e.reason}/${e.by}`)));
    await client.dial(server.listenAddresses[0]!);
    await server.close();
    expect(await closed).toBe('shutdown/remote');
    expect(server.stats()).toMatchObject({ established: 0, inbound: 0, handshaking: 0 });
  });

  it('announces the bound port in HELLO and binds dials to a specific listening IP', async () => {
    const a = await make('none', { listen: '127.0.0.2:0' });
    const b = await make('none');
    const seen = new Promise<{ ip: string; port: number | undefined }>((resolve) =>
      b.on('established', (e) => resolve({ ip: e.connection.remoteEndpoint.ip, port: e.connection.hello!.listenPort })),
    );
    await a.dial(b.listenAddresses[0]!);
    expect(await seen).toEqual({ ip: '127.0.0.2', port: a.listenAddresses[0]!.port });
  });

  it('fails a plain-TCP dial to a TLS listener and the reverse, without a connection', async () => {
    const tlsNode = await make('tls');
    const plainNode = await make('none');
    await expect(plainNode.dial(tlsNode.listenAddresses[0]!, { timeoutMs: 2000 })).rejects.toBeInstanceOf(Error);
    await expect(tlsNode.dial(plainNode.listenAddresses[0]!, { timeoutMs: 2000 })).rejects.toBeInstanceOf(Error);
    expect(tlsNode.size + plainNode.size).toBe(0);
  });

  it('rejects a dial to a closed port with DialError(refused)', async () => {
    const a = await make('none');
    const b = await make('none');
    const port = b.listenAddresses[0]!.port;
    await b.close();
    await expect(a.dial({ ip: '127.0.0.1', port })).rejects.toMatchObject({ name: 'DialError', reason: 'refused' });
    await expect(a.dial({ ip: '127.0.0.1', port: 0 })).rejects.toBeInstanceOf(DialError);
  });

  it('refuses TLS inbound at accept time without starting TLS when the IP is banned', async () => {
    const rejected: string[] = [];
    const b = await make('tls', { isBanned: { ip: () => true } });
    b.on('rejected', (e) => rejected.push(`${e.stage}:${e.reason}`));
    const port = b.listenAddresses[0]!.port;
    // A raw TCP client sees the socket closed without a single byte (no TLS ServerHello).
    const bytes = await new Promise<number>((resolve) => {
      let n = 0;
      const s = connect({ port, host: '127.0.0.1' });
      s.on('data', (d) => (n += d.length));
      s.on('close', () => resolve(n));
      s.on('error', () => {});
      s.on('connect', () => s.write(Buffer.alloc(10)));
    });
    expect(bytes).toBe(0);
    expect(rejected).toEqual(['accept:banned']);
  });

  it('accepts a hand-written peer speaking the documented protocol', async () => {
    const b = await make('none');
    const peer = await RawPeer.connect(b.listenAddresses[0]!.port);
    const established = new Promise<string>((resolve) => b.on('established', (e) => resolve(e.connection.remoteId!)));
    await peer.handshake();
    expect(await established).toBe(peer.identity.nodeId);
    peer.destroy();
  });

  it('derives reproducible identities from seeds', () => {
    const seed = createRandom('x').bytes(32);
    expect(identityFromSeed(seed).nodeId).toBe(identityFromSeed(seed).nodeId);
  });

  it('gives the transport handshake the same timeout (a TLS client that never finishes)', async () => {
    const b = await make('tls', { handshakeTimeoutMs: 300 });
    const rejected = new Promise<string>((resolve) => b.on('rejected', (e) => resolve(`${e.stage}:${e.reason}`)));
    const s = connect({ port: b.listenAddresses[0]!.port, host: '127.0.0.1' });
    s.on('error', () => {});
    expect(await rejected).toBe('handshake:handshake-timeout');
    await new Promise<void>((resolve) => (s.destroyed ? resolve() : s.on('close', () => resolve())));
    expect(b.stats().inbound).toBe(0);
  });

  it('treats attempts that vanish during TLS as rejected and releases their slot', async () => {
    const b = await make('tls', { limits: { maxPerIpInbound: 1 } });
    const rejected = new Promise<string>((resolve) => b.on('rejected', (e) => resolve(`${e.stage}:${e.reason}`)));
    const s = connect({ port: b.listenAddresses[0]!.port, host: '127.0.0.1' });
    s.on('error', () => {});
    s.on('connect', () => s.end(Buffer.from('not a tls client hello at all, just text\r\n')));
    expect(await rejected).toMatch(/^handshake:/);
    const c = await make('tls');
    const established = new Promise((resolve) => b.on('established', resolve));
    await c.dial(b.listenAddresses[0]!);
    await established;
    expect(b.size).toBe(1);
  });
});
