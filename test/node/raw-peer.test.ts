// A hand-written peer (raw TCP, written from docs/protocol.md) against a real node: each refusal
// arrives as a DISCONNECT with its own reason code, even when a penalty follows.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNode, type Node } from '../../src/node/index.js';
import { rawFrame } from '../helpers/raw-frame.js';

const IP = '127.70.0.1';
let node: Node;
let port: number;

beforeAll(async () => {
  node = await createNode({ network: 'rawnet', dataDir: null, listen: `${IP}:0`, encryption: 'none', allowLoopback: true, api: false });
  await node.start();
  port = Number(node.listenAddresses[0]!.split(':')[1]);
});
afterAll(() => node.stop());

const netId = createHash('sha256').update('peerwarden/rawnet').digest();


/** A fresh identity and a well-formed HELLO for it. */
function identity() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const nodeId = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const nonce = Buffer.alloc(32, 7);
  const time = Buffer.alloc(8);
  time.writeBigUInt64BE(BigInt(Date.now()));
  const ua = Buffer.from('raw/1');
  const hello = Buffer.concat([Buffer.from([0, 1]), netId, nodeId, nonce, time, Buffer.from([0, 0]), Buffer.alloc(8), Buffer.from([ua.length]), ua]);
  return { nodeId, privateKey, hello: rawFrame(0x01, hello) };
}

interface Peer {
  socket: Socket;
  frames: { type: number; body: Buffer }[];
  /** Resolves with the DISCONNECT's reason code (or undefined when the socket closed without one). */
  disconnected: Promise<number | undefined>;
  waitFor(type: number): Promise<Buffer>;
}

function rawPeer(): Promise<Peer> {
  return new Promise((resolve) => {
    const socket = connect(port, IP);
    const frames: Peer['frames'] = [];
    const waiters: (() => void)[] = [];
    let buf = Buffer.alloc(0);
    let code: number | undefined;
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
        const len = buf.readUInt32BE(0);
        const f = { type: buf[4]!, body: buf.subarray(5, 4 + len) };
        buf = buf.subarray(4 + len);
        frames.push(f);
        if (f.type === 0x07) code = f.body.readUInt16BE(0);
        waiters.splice(0).forEach((w) => w());
      }
    });
    const disconnected = new Promise<number | undefined>((r) => socket.on('close', () => r(code)));
    socket.on('error', () => {});
    socket.on('connect', () =>
      resolve({
        socket,
        frames,
        disconnected,
        waitFor: (type) =>
          new Promise((r) => {
            const check = () => {
              const f = frames.find((x) => x.type === type);
              if (f) r(f.body);
              else waiters.push(check);
            };
            check();
          }),
      }),
    );
  });
}

describe('a raw peer refused by a node', () => {
  it('a bad signature: 0x13 bad-signature', async () => {
    const p = await rawPeer();
    const me = identity();
    p.socket.write(me.hello);
    await p.waitFor(0x01);
    p.socket.write(rawFrame(0x02, Buffer.alloc(64, 1)));
    expect(await p.disconnected).toBe(0x13);
  });

  it('a message before AUTH: 0x15 message-before-auth', async () => {
    const p = await rawPeer();
    p.socket.write(identity().hello);
    await p.waitFor(0x01);
    p.socket.write(rawFrame(0x03, Buffer.alloc(8)));
    expect(await p.disconnected).toBe(0x15);
  });

  it('a second HELLO: 0x16 duplicate-hello; AUTH before HELLO: 0x17', async () => {
    const p = await rawPeer();
    const me = identity();
    p.socket.write(me.hello);
    await p.waitFor(0x01);
    p.socket.write(me.hello);
    expect(await p.disconnected).toBe(0x16);
    const q = await rawPeer();
    q.socket.write(rawFrame(0x02, Buffer.alloc(64)));
    expect(await q.disconnected).toBe(0x17);
  });

  it('a frame over 256 bytes before the handshake: 0x20 frame-too-large', async () => {
    const p = await rawPeer();
    p.socket.write(rawFrame(0x01, Buffer.alloc(300)));
    expect(await p.disconnected).toBe(0x20);
  });

  it('after the handshake, an ADDR with 1001 entries: 0x21 malformed-message, penalised as book flooding', async () => {
    const p = await rawPeer();
    const me = identity();
    p.socket.write(me.hello);
    const theirs = await p.waitFor(0x01);
    const signed = Buffer.concat([Buffer.from('peerwarden-auth-v1'), netId, theirs.subarray(66, 98), me.nodeId, Buffer.alloc(32)]);
    p.socket.write(rawFrame(0x02, sign(null, signed, me.privateKey)));
    await p.waitFor(0x02);
    const count = Buffer.alloc(2);
    count.writeUInt16BE(1001);
    p.socket.write(rawFrame(0x06, count));
    expect(await p.disconnected).toBe(0x21);
    const penalty = node.history(me.nodeId.toString('hex')).find((e) => e.kind === 'peer:penalized');
    expect(penalty?.reason).toMatch(/high offence: addr-too-many/);
  });
});
