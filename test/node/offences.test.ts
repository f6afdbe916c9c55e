// Every offence of the penalty table, provoked by a raw peer sending the bad bytes, ends in the table's penalty (memory network, virtual clock).
import { describe, expect, it } from 'vitest';
import { OFFENCES, PENALTY_POINTS, type Offence } from '../../src/core/reputation/penalties.js';
import { generateIdentity, identityFromSeed, type NodeIdentity } from '../../src/net/identity.js';
import type { Link } from '../../src/net/transport.js';
import type { Node } from '../../src/node/node.js';
import type { PeerEvent } from '../../src/node/types.js';
import { encodeRequest, encodeResponse, decodeRequest } from '../../src/wire/app-codec.js';
import { MessageType, PROTOCOL_VERSION } from '../../src/wire/constants.js';
import { encodeGetAddr, encodePing, encodePong } from '../../src/wire/control-codec.js';
import { FrameDecoder } from '../../src/wire/decoder.js';
import { frameBytes } from '../../src/wire/frame.js';
import { authPayload, decodeHello, encodeAuth, encodeHello, networkIdOf } from '../../src/wire/handshake-codec.js';
import { createRandom } from '../../src/core/random.js';
import { oversizedAddrFrame, truncatedAddrFrame } from '../integration/attacker.js';
import { runFor, settle, world, type World } from './helpers.js';
import { rawFrame } from '../helpers/raw-frame.js';

const NODE_IP = '10.1.0.1';

/** A peer that speaks the protocol by hand on a memory link: it sends exactly the bytes a test gives it. */
class RawMemoryPeer {
  readonly frames: { type: number; body: Uint8Array }[] = [];
  closed = false;
  readonly #decoder = new FrameDecoder((type, body) => this.frames.push({ type, body: new Uint8Array(body) }), 1 << 24);

  private constructor(
    readonly link: Link,
    readonly identity: NodeIdentity,
  ) {
    link.attach({ onData: (d) => this.#decoder.push(d), onDrain: () => {}, onClose: () => (this.closed = true) });
  }

  static async connect(w: World, ip: string, identity: NodeIdentity = generateIdentity()): Promise<RawMemoryPeer> {
    const link = await settle(w.clock, w.net.transport(ip).dial({ ip: NODE_IP, port: 7000 }));
    return new RawMemoryPeer(link, identity);
  }

  write(bytes: Uint8Array): void {
    this.link.write(bytes);
  }

  /** HELLO, then AUTH once the node's HELLO is here; `badSignature` signs the wrong bytes. */
  async handshake(w: World, badSignature = false): Promise<void> {
    const networkId = networkIdOf('test');
    this.write(encodeHello({ protocolVersion: PROTOCOL_VERSION, networkId, nodeId: this.identity.publicKey, nonce: new Uint8Array(32).fill(7), timestampMs: w.clock.now(), listenPort: 0, services: 0n, userAgent: 'raw' }));
    await runFor(w.clock, 20);
    const hello = this.frames.find((f) => f.type === MessageType.HELLO);
    if (!hello) throw new Error('no HELLO from the node');
    const signed = authPayload(networkId, decodeHello(hello.body).nonce, this.identity.publicKey, new Uint8Array(32));
    if (badSignature) signed[0]! ^= 1;
    this.write(encodeAuth(this.identity.sign(signed)));
    await runFor(w.clock, 20);
  }

  /** The node's REQUEST frames so far, decoded. */
  requests(): { requestId: number; topic: string }[] {
    return this.frames.filter((f) => f.type === MessageType.REQUEST).map((f) => decodeRequest(f.body));
  }
}


/** How to make the node detect each offence; `ip` lets inbound/outbound differ (all raw peers dial in). */
const provoke: Record<Offence, (w: World, node: Node, p: RawMemoryPeer) => Promise<void>> = {
  'bad-signature': async (w, _n, p) => p.handshake(w, true),
  'malformed-message': async (w, _n, p) => {
    await p.handshake(w);
    p.write(frameBytes(truncatedAddrFrame(w.clock.now())));
  },
  'oversized-frame': async (w, _n, p) => {
    await p.handshake(w);
    p.write(Uint8Array.of(0x7f, 0xff, 0xff, 0xff, MessageType.MESSAGE));
  },
  'handshake-violation': async (w, _n, p) => {
    await p.handshake(w);
    p.write(encodeHello({ protocolVersion: PROTOCOL_VERSION, networkId: networkIdOf('test'), nodeId: p.identity.publicKey, nonce: new Uint8Array(32), timestampMs: 0, listenPort: 0, services: 0n, userAgent: '' }));
  },
  'addr-too-many': async (w, _n, p) => {
    await p.handshake(w);
    p.write(frameBytes(oversizedAddrFrame(Math.floor(w.clock.now() / 1000))));
  },
  'unknown-message-type': async (w, _n, p) => {
    await p.handshake(w);
    p.write(rawFrame(0x50));
  },
  'too-many-requests': async (w, node, p) => {
    node.handle('slow', () => new Promise<Uint8Array>(() => {})); // never answers
    await p.handshake(w);
    for (let i = 1; i <= 65; i++) p.write(frameBytes(encodeRequest(i, 'slow', new Uint8Array(0))));
  },
  'duplicate-request-id': async (w, node, p) => {
    node.handle('slow', () => new Promise<Uint8Array>(() => {}));
    await p.handshake(w);
    p.write(frameBytes(encodeRequest(1, 'slow', new Uint8Array(0))));
    p.write(frameBytes(encodeRequest(1, 'slow', new Uint8Array(0))));
  },
  'ping-flood': async (w, _n, p) => {
    await p.handshake(w);
    for (let i = 0; i < 20; i++) p.write(encodePing(BigInt(i)));
  },
  'repeated-getaddr': async (w, _n, p) => {
    await p.handshake(w);
    p.write(encodeGetAddr());
    await runFor(w.clock, 10);
    p.write(encodeGetAddr());
  },
  'unsolicited-response': async (w, _n, p) => {
    await p.handshake(w);
    p.write(frameBytes(encodeResponse(4242, 0, new Uint8Array(0))));
  },
  'late-response': async (w, node, p) => {
    await p.handshake(w);
    node.request(p.identity.nodeId, 'ask', new Uint8Array(0), { timeoutMs: 100 }).catch(() => {});
    await runFor(w.clock, 200); // the request times out (request-timeout)…
    p.write(frameBytes(encodeResponse(p.requests()[0]!.requestId, 0, new Uint8Array(0)))); // …then its answer comes
  },
  'request-timeout': async (w, node, p) => {
    await p.handshake(w);
    node.request(p.identity.nodeId, 'ask', new Uint8Array(0), { timeoutMs: 100 }).catch(() => {});
    await runFor(w.clock, 200);
  },
  'ping-timeout': async (w, _n, p) => {
    await p.handshake(w); // and never answers a PING: the node pings every 30 s, gives up after 3 misses
    await runFor(w.clock, 100_000);
  },
  'unexpected-pong': async (w, _n, p) => {
    await p.handshake(w);
    p.write(encodePong(123456789n));
  },
  slow: async (w, node, p) => {
    await p.handshake(w);
    (p.link as unknown as { pause(): void }).pause(); // stops reading
    const payload = new Uint8Array(64 * 1024);
    for (let i = 0; i < 100 && node.peer(p.identity.nodeId); i++) node.send(p.identity.nodeId, 'bulk', payload);
  },
};

describe('the penalty table is what the node applies', () => {
  for (const offence of Object.keys(OFFENCES) as Offence[]) {
    const severity = OFFENCES[offence].penalty;
    it(`${offence}: a raw peer's bytes end in a ${severity} penalty (${PENALTY_POINTS[severity]})`, async () => {
      const w = world(`offence/${offence}`);
      const node = await w.node(NODE_IP, {}, { connections: { highWaterMark: 1024 * 1024, maxFrameBytes: 256 * 1024 } });
      const penalties: PeerEvent[] = [];
      node.on('peer:penalized', (e) => penalties.push(e));
      await node.start();
      const peer = await RawMemoryPeer.connect(w, '10.2.0.1', identityFromSeed(createRandom(`raw/${offence}`).bytes(32)));
      await provoke[offence](w, node, peer);
      await runFor(w.clock, 50);
      const mine = penalties.filter((e) => e.reason.startsWith(`${severity} offence: ${offence}`));
      expect(mine.length, `penalties seen: ${penalties.map((e) => e.reason).join('; ')}`).toBeGreaterThanOrEqual(1);
      if (offence === 'bad-signature') {
        // Before the handshake there is no proven node id to score: the address is discouraged instead.
        expect(mine[0]!.data).toMatchObject({ severity, points: 0, discouraged: true });
        expect(mine[0]!.id).toBeUndefined();
      } else {
        expect(mine[0]!.data).toMatchObject({ severity, points: PENALTY_POINTS[severity] });
        expect(mine[0]!.id).toBe(peer.identity.nodeId);
      }
      await settle(w.clock, node.stop());
    });
  }
});
