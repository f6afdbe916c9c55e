// Fuzzing a live connection: ≥ 100,000 random and mutated frames through the real decoder, handshake and dispatch.
import { describe, expect, it } from 'vitest';
import { createRandom, type Random } from '../../src/core/random.js';
import { isOffence } from '../../src/core/reputation/penalties.js';
import { identityFromSeed } from '../../src/net/identity.js';
import { ConnectionManager } from '../../src/net/manager.js';
import { NO_CHANNEL_BINDING, type InboundAttempt, type Link, type LinkHandlers, type Transport } from '../../src/net/transport.js';
import { VirtualClock } from '../../src/platform/index.js';
import { encodeMessage, encodeRequest, encodeResponse } from '../../src/wire/app-codec.js';
import { MessageType, PROTOCOL_VERSION } from '../../src/wire/constants.js';
import { encodeAddr, encodeGetAddr, encodePing, encodePong } from '../../src/wire/control-codec.js';
import { FrameDecoder } from '../../src/wire/decoder.js';
import { encodeFrame, frameBytes } from '../../src/wire/frame.js';
import { authPayload, decodeHello, encodeAuth, encodeHello, networkIdOf } from '../../src/wire/handshake-codec.js';
import { decodeBody } from '../../src/wire/messages.js';
import { DisconnectCode } from '../../src/wire/reasons.js';

/** An in-test Link: bytes we feed go straight into the connection; what it writes is decoded and checked. */
class FuzzLink implements Link {
  readonly remote = { ip: '10.9.9.9', port: 40000 };
  readonly local = { ip: '10.0.0.1', port: 7000 };
  readonly channelBinding = NO_CHANNEL_BINDING;
  readonly writableLength = 0;
  readonly needDrain = false;
  closed = false;
  handlers: LinkHandlers | undefined;
  readonly sent: { type: number; body: Uint8Array }[] = [];
  #out = new FrameDecoder((type, body) => this.sent.push({ type, body: new Uint8Array(body) }), 0xffffffff);

  attach(h: LinkHandlers): void {
    this.handlers = h;
  }
  write(chunk: Uint8Array): boolean {
    this.#out.push(chunk);
    return true;
  }
  cork(): void {}
  uncork(): void {}
  end(): void {
    this.destroy();
  }
  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    queueMicrotask(() => this.handlers?.onClose(undefined));
  }
  feed(bytes: Uint8Array): void {
    if (!this.closed) this.handlers!.onData(bytes);
  }
}

const MAX_FRAME = 64 * 1024;
const TOPICS = ['blocks', 'tx', 'é', ''];

function validFrame(r: Random): Uint8Array {
  const payload = () => r.bytes(r.int(200));
  switch (r.int(9)) {
    case 0:
    case 1:
      return frameBytes(encodeMessage(TOPICS[r.int(TOPICS.length)]!, payload()));
    case 2:
      return frameBytes(encodeRequest(r.int(100), TOPICS[r.int(TOPICS.length)]!, payload()));
    case 3:
      return frameBytes(encodeResponse(r.int(100), r.int(3) as 0 | 1 | 2, payload()));
    case 4:
      return encodePing(BigInt(r.int(2 ** 32)));
    case 5:
      return encodePong(BigInt(r.int(2 ** 32)));
    case 6:
      return encodeGetAddr();
    case 7:
      return encodeAddr(Array.from({ length: r.int(5) }, () => ({ endpoint: { ip: `10.${r.int(256)}.${r.int(256)}.1`, port: r.int(65536) }, services: BigInt(r.int(1000)), time: r.int(2 ** 31) * 1000 })));
    default:
      return encodeFrame(0x80 + r.int(128), payload());
  }
}

/** Mutates the payload part of an application frame only (length kept consistent): the peer must cope, not die. */
function payloadMutation(r: Random): Uint8Array {
  const topic = TOPICS[r.int(TOPICS.length)]!;
  const base = r.int(2) === 0 ? encodeMessage(topic, r.bytes(r.int(200))) : encodeRequest(r.int(1000), topic, r.bytes(r.int(200)));
  const frame = Uint8Array.from(frameBytes(base));
  const fixed = frame[4] === MessageType.MESSAGE ? 5 + 1 + frame[5]! : 5 + 4 + 1 + frame[9]!;
  const payload = frame.subarray(fixed);
  for (let i = 0, n = r.int(4); i < n && payload.length > 0; i++) payload[r.int(payload.length)] = r.int(256);
  const cut = r.int(2) === 0 ? payload : payload.subarray(0, r.int(payload.length + 1));
  return encodeFrame(frame[4]!, Buffer.concat([frame.subarray(5, fixed), cut]));
}

/**
 * A random or mutated frame. Most are survivable (mutated payloads, extension types, stray
 * PONGs and RESPONSEs with random contents); one in sixteen breaks the stream or its rules
 * (flipped header and body bytes, cut or grown bodies, undefined types, raw noise).
 */
function hostileFrame(r: Random): Uint8Array {
  const pick = r.int(80);
  if (pick < 40) return payloadMutation(r);
  if (pick < 52) return encodeFrame(0x80 + r.int(128), r.bytes(r.int(64))); // extensions: ignored
  if (pick < 60) return encodeFrame(MessageType.PONG, r.bytes(8)); // unknown nonces: low penalty
  if (pick < 75) return encodeFrame(MessageType.RESPONSE, Buffer.concat([r.bytes(4), Uint8Array.of(r.int(3)), r.bytes(r.int(40))])); // unsolicited
  if (pick === 75) return r.bytes(1 + r.int(64)); // raw noise
  if (pick === 76) return encodeFrame(r.int(256), r.bytes(r.int(64))); // any type, random body
  const frame = Uint8Array.from(validFrame(r));
  if (pick === 77) {
    for (let i = 0, n = 1 + r.int(3); i < n; i++) frame[r.int(frame.length)] = r.int(256);
    return frame;
  }
  // Body cut or grown, with the length field fixed up so the stream stays in sync.
  const body = frame.subarray(5);
  return encodeFrame(frame[4]!, pick === 78 ? body.subarray(0, r.int(body.length + 1)) : Buffer.concat([body, r.bytes(1 + r.int(16))]));
}

describe('fuzz', () => {
  it('survives 100,000+ random and mutated frames on live connections with every outcome documented', async () => {
    const clock = new VirtualClock();
    const r = createRandom('fuzz');
    let onInbound!: (a: InboundAttempt) => void;
    const transport: Transport = {
      kind: 'memory',
      encrypted: false,
      listen: (endpoint, cb) => ((onInbound = cb), Promise.resolve({ endpoint, close: () => Promise.resolve() })),
      dial: () => Promise.reject(new Error('not used')),
    };
    const node = new ConnectionManager({ identity: identityFromSeed(r.bytes(32)), network: 'fuzz', transport, listen: '10.0.0.1:7000', scheduler: clock, random: createRandom('node'), maxFrameBytes: MAX_FRAME });
    await node.start();
    const reasons = new Set<string>();
    const offences = new Set<string>();
    let requests = 0;
    node.on('closed', (e) => reasons.add(e.reason));
    node.on('rejected', (e) => reasons.add(e.reason));
    node.on('misbehaviour', (e) => offences.add(e.offence));
    node.on('request', (e) => (requests++, e.reply(e.payload)));

    const peer = identityFromSeed(createRandom('peer').bytes(32));
    const networkId = networkIdOf('fuzz');
    const hello = encodeHello({ protocolVersion: PROTOCOL_VERSION, networkId, nodeId: peer.publicKey, nonce: new Uint8Array(32).fill(1), timestampMs: 0, listenPort: 0, services: 0n, userAgent: 'fuzzer' });

    async function openConnection(): Promise<FuzzLink> {
      const link = new FuzzLink();
      onInbound({ remote: link.remote, local: link.local, accept: () => Promise.resolve(link), refuse: () => link.destroy() });
      await Promise.resolve(); // accept() resolves
      await new Promise((resolve) => queueMicrotask(() => resolve(undefined))); // the node's HELLO is flushed
      const theirs = decodeHello(link.sent.find((f) => f.type === MessageType.HELLO)!.body);
      link.feed(Buffer.concat([hello, encodeAuth(peer.sign(authPayload(networkId, theirs.nonce, peer.publicKey, NO_CHANNEL_BINDING)))]));
      if (!node.get(peer.nodeId)?.isOpen) throw new Error('the fuzzing connection did not open');
      return link;
    }

    let link = await openConnection();
    let conn = node.get(peer.nodeId)!;
    let hostile = 0;
    let valid = 0;
    let connections = 1;
    const outbound: { type: number; body: Uint8Array }[] = [];
    while (hostile < 100_000) {
      // A burst of frames fed in random chunk splits; only frames fed in full to an open connection count.
      const frames: Uint8Array[] = [];
      const isHostile: boolean[] = [];
      for (let i = 0; i < 20; i++) {
        const h = r.int(5) !== 0;
        frames.push(h ? hostileFrame(r) : validFrame(r));
        isHostile.push(h);
      }
      const stream = Buffer.concat(frames);
      let fed = 0;
      while (fed < stream.length && conn.isOpen) {
        const n = 1 + r.int(512);
        link.feed(stream.subarray(fed, fed + n)); // must never throw
        fed = Math.min(stream.length, fed + n);
      }
      let end = 0;
      for (let i = 0; i < frames.length; i++) {
        end += frames[i]!.length;
        if (end > fed) break;
        if (isHostile[i]) hostile++;
        else valid++;
      }
      if (!conn.isOpen) {
        await new Promise((resolve) => setImmediate(resolve));
        outbound.push(...link.sent);
        link = await openConnection();
        conn = node.get(peer.nodeId)!;
        connections++;
      }
    }
    await new Promise((resolve) => setImmediate(resolve));
    outbound.push(...link.sent);

    const documented = new Set<string>([...Object.keys(DisconnectCode), 'connection-lost']);
    for (const reason of reasons) expect(documented.has(reason), reason).toBe(true);
    // Every offence the fuzzed bytes provoked is one of the penalty table's (nothing invented on the way).
    for (const o of offences) expect(isOffence(o), o).toBe(true);
    // What the node sent back is always well-formed.
    const unreadable = outbound.filter((f) => {
      try {
        decodeBody(f.type, f.body);
        return false;
      } catch {
        return true;
      }
    });
    expect(unreadable).toEqual([]);
    expect(outbound.length).toBeGreaterThan(connections * 2);
    expect(hostile).toBeGreaterThanOrEqual(100_000);
    expect(valid).toBeGreaterThan(10_000);
    expect(connections).toBeGreaterThan(100); // many ways to die were exercised
    expect(requests).toBeGreaterThan(0);
    expect(node.size).toBeLessThanOrEqual(1);
    expect(node.stats().inbound).toBe(node.size);
    await node.close();
  });
});
