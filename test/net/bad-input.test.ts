// Hostile and broken peers over real loopback sockets: each ends in its documented outcome, and the node keeps serving others.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateIdentity } from '../../src/net/identity.js';
import { ConnectionManager } from '../../src/net/manager.js';
import type { Connection } from '../../src/net/connection.js';
import { encodeMessage, encodeResponse } from '../../src/wire/app-codec.js';
import { MessageType, PROTOCOL_VERSION } from '../../src/wire/constants.js';
import { encodePong } from '../../src/wire/control-codec.js';
import { encodeFrame, frameBytes } from '../../src/wire/frame.js';
import { decodeDisconnect, encodeHello, networkIdOf } from '../../src/wire/handshake-codec.js';
import { DisconnectCode, type DisconnectReason } from '../../src/wire/reasons.js';
import { eventually, RawPeer } from './helpers.js';

const MAX_FRAME = 64 * 1024;
const HIGH_WATER = 1024 * 1024;

// Each case gets its own node, honest peer and event logs (beforeEach), so no case sees another's
// peers or events, and each can run alone.
let node: ConnectionManager;
let honest: ConnectionManager;
let honestConn: Connection;
let misbehaviour: { peer: string | undefined; offence: string }[];
let messages: string[];
let closed: { id: string | undefined; reason: string }[];
/** The raw peers a case opened, destroyed after it whatever happened. */
let raws: RawPeer[];

beforeEach(async () => {
  misbehaviour = [];
  messages = [];
  closed = [];
  raws = [];
  node = new ConnectionManager({
    identity: generateIdentity(),
    network: 'test',
    encryption: 'none',
    listen: '127.0.0.1:0',
    maxFrameBytes: MAX_FRAME,
    highWaterMark: HIGH_WATER,
    handshakeTimeoutMs: 500,
    closeTimeoutMs: 500,
    limits: { maxPerIpInbound: 1000, maxInbound: 1000, maxTotal: 1000 },
  });
  await node.start();
  node.on('misbehaviour', (e) => misbehaviour.push({ peer: e.peer, offence: e.offence }));
  node.on('message', (e) => messages.push(`${e.topic}:${e.payload.length}`));
  node.on('closed', (e) => closed.push({ id: e.connection.remoteId, reason: e.reason }));
  node.on('request', (e) => e.reply(e.payload));
  honest = new ConnectionManager({ identity: generateIdentity(), network: 'test', encryption: 'none' });
  honestConn = await honest.dial(node.listenAddresses[0]!);
});

afterEach(async () => {
  for (const p of raws) p.destroy();
  await honest.close();
  await node.close();
});

/**
 * The honest peer is still connected and served (a request round-trips), and once the bad peers'
 * connections have wound down it is the only connection the node holds: nothing half-open is left.
 */
async function nodeStillServes(): Promise<void> {
  expect(honestConn.isOpen).toBe(true);
  const answer = await honestConn.request('echo', Buffer.from('still here'));
  expect(Buffer.from(answer).toString()).toBe('still here');
  await eventually(() => {
    expect([...node.connections()].map((c) => c.remoteId)).toEqual([honest.identity.nodeId]);
    expect(node.stats()).toMatchObject({ established: 1, handshaking: 0, inbound: 1, outbound: 0 });
  }, 'the node to hold only the honest connection');
}

async function peer(handshake = true): Promise<RawPeer> {
  const p = await RawPeer.connect(node.listenAddresses[0]!.port);
  raws.push(p);
  if (handshake) await p.handshake();
  return p;
}

/** Waits for the node's DISCONNECT and the close; returns the reason code received. */
async function expectGoodbye(p: RawPeer, reason: DisconnectReason): Promise<void> {
  await p.waitClosed();
  const bye = p.frameOf(MessageType.DISCONNECT);
  expect(bye, `a DISCONNECT (${reason}) before the close`).toBeDefined();
  expect(decodeDisconnect(bye!).code).toBe(DisconnectCode[reason]);
}

const misbehaviourOf = (p: RawPeer) => misbehaviour.filter((m) => m.peer === p.identity.nodeId).map((m) => m.offence);

describe('bad input over TCP', () => {
  it('garbage before the handshake: a huge length is frame-too-large, a small unknown frame is message-before-auth', async () => {
    const a = await peer(false);
    a.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    await expectGoodbye(a, 'frame-too-large');
    const b = await peer(false);
    b.write(Uint8Array.of(0, 0, 0, 2, 0x33, 0x44));
    await expectGoodbye(b, 'message-before-auth');
    await nodeStillServes();
  });

  it('a length field of 4 GiB after the handshake: high penalty, DISCONNECT frame-too-large, close', async () => {
    const p = await peer();
    p.write(Uint8Array.of(0xff, 0xff, 0xff, 0xff, MessageType.MESSAGE));
    await expectGoodbye(p, 'frame-too-large');
    expect(misbehaviourOf(p)).toEqual(['oversized-frame']);
    await nodeStillServes();
  });

  it('a frame of exactly maxFrameBytes is accepted; maxFrameBytes + 1 is refused', async () => {
    const p = await peer();
    const fits = encodeMessage('big', new Uint8Array(MAX_FRAME - 1 - 1 - 3)); // length = type + n + topic + payload
    expect(fits.size - 4).toBe(MAX_FRAME);
    p.write(frameBytes(fits));
    await p.until(() => messages.includes(`big:${MAX_FRAME - 5}`), 'the maximum-size message');
    p.write(frameBytes(encodeMessage('big', new Uint8Array(MAX_FRAME - 4))));
    await expectGoodbye(p, 'frame-too-large');
    await nodeStillServes();
  });

  it('truncated bodies are malformed-message (high), whatever the type', async () => {
    for (const frame of [
      encodeFrame(MessageType.MESSAGE, Uint8Array.of(200, 0x61, 0x62)), // topic longer than the body
      encodeFrame(MessageType.REQUEST, Uint8Array.of(0, 0)), // no room for the request id
      encodeFrame(MessageType.PING, Uint8Array.of(1, 2, 3)), // nonce cut short
      encodeFrame(MessageType.ADDR, Uint8Array.of(0, 1, 4, 1, 2)), // one entry, cut
    ]) {
      const p = await peer();
      p.write(frame);
      await expectGoodbye(p, 'malformed-message');
      expect(misbehaviourOf(p)).toEqual(['malformed-message']);
    }
    await nodeStillServes();
  });

  it('an ADDR with count 65535 is malformed (nothing allocated for it)', async () => {
    const p = await peer();
    p.write(encodeFrame(MessageType.ADDR, Buffer.concat([Uint8Array.of(0xff, 0xff), Buffer.alloc(100)])));
    await expectGoodbye(p, 'malformed-message');
    await nodeStillServes();
  });

  it('a HELLO with a 255-byte user agent: over the 256-byte pre-handshake limit, or malformed when cut to fit', async () => {
    const hello = encodeHello({ protocolVersion: PROTOCOL_VERSION, networkId: networkIdOf('test'), nodeId: generateIdentity().publicKey, nonce: new Uint8Array(32).fill(3), timestampMs: 0, listenPort: 0, services: 0n, userAgent: '' });
    const fixed = hello.subarray(5, -1); // the body up to the user-agent length byte
    const full = await peer(false);
    full.write(encodeFrame(MessageType.HELLO, Buffer.concat([fixed, Uint8Array.of(255), Buffer.alloc(255, 0x41)])));
    await expectGoodbye(full, 'frame-too-large');
    const cut = await peer(false);
    cut.write(encodeFrame(MessageType.HELLO, Buffer.concat([fixed, Uint8Array.of(255), Buffer.alloc(60, 0x41)])));
    await expectGoodbye(cut, 'malformed-message');
    await nodeStillServes();
  });

  it('a PONG with an unknown nonce and a RESPONSE to no request cost a low penalty each, nothing more', async () => {
    const p = await peer();
    p.write(encodePong(0xdeadbeefn));
    p.write(frameBytes(encodeResponse(12345, 0, Buffer.from('unasked'))));
    p.write(frameBytes(encodeMessage('after', Buffer.from('ok'))));
    await p.until(() => messages.includes('after:2'), 'the message after');
    expect(misbehaviourOf(p)).toEqual(['unexpected-pong', 'unsolicited-response']);
    expect(node.get(p.identity.nodeId)?.isOpen).toBe(true);
    p.destroy();
    await nodeStillServes();
  });

  it('ignores extension types (≥ 0x80) but refuses undefined types below 0x80 and a HELLO after the handshake', async () => {
    const p = await peer();
    p.write(encodeFrame(0x80, Buffer.from('future feature')));
    p.write(frameBytes(encodeMessage('after-ext', Buffer.from('ok'))));
    await p.until(() => messages.includes('after-ext:2'), 'the message after the extension');
    p.write(encodeFrame(0x33, new Uint8Array(4)));
    await expectGoodbye(p, 'unknown-message-type');
    const q = await peer();
    q.write(encodeHello({ protocolVersion: 1, networkId: networkIdOf('test'), nodeId: q.identity.publicKey, nonce: new Uint8Array(32), timestampMs: 0, listenPort: 0, services: 0n, userAgent: '' }));
    await expectGoodbye(q, 'protocol-violation');
    await nodeStillServes();
  });

  it('slowloris: a connection that sends nothing, or half a HELLO, is cut at the handshake timeout', async () => {
    const silent = await peer(false);
    const half = await peer(false);
    half.write(encodeHello({ protocolVersion: 1, networkId: networkIdOf('test'), nodeId: half.identity.publicKey, nonce: new Uint8Array(32), timestampMs: 0, listenPort: 0, services: 0n, userAgent: '' }).subarray(0, 40));
    await expectGoodbye(silent, 'handshake-timeout');
    await expectGoodbye(half, 'handshake-timeout');
    expect(node.stats().handshaking).toBe(0);
    await nodeStillServes();
  });

  it('a peer that never reads: gossip is shed, then it is disconnected as slow with memory bounded', async () => {
    const p = await peer();
    p.socket.pause();
    const conn = node.get(p.identity.nodeId)!;
    const chunk = new Uint8Array(32 * 1024);
    let maxPending = 0;
    for (let i = 0; i < 20_000 && conn.droppedFrames === 0; i++) {
      conn.send('gossip', chunk, { priority: 'low' });
      maxPending = Math.max(maxPending, conn.pendingBytes);
      if (i % 16 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(conn.droppedFrames).toBeGreaterThan(0);
    expect(conn.isOpen).toBe(true);
    for (let i = 0; i < 20_000 && conn.isOpen; i++) {
      conn.send('blocks', chunk);
      maxPending = Math.max(maxPending, conn.pendingBytes);
      if (i % 16 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(conn.isOpen).toBe(false);
    expect(closed.filter((c) => c.id === p.identity.nodeId).map((c) => c.reason)).toEqual(['slow']);
    expect(maxPending).toBeLessThanOrEqual(HIGH_WATER + chunk.length);
    p.destroy();
    await nodeStillServes();
  });
});
