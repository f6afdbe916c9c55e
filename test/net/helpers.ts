// Test helpers for the connection layer: virtual-time runners, memory-network managers and a raw protocol peer.
import { connect, type Socket } from 'node:net';
import { createRandom } from '../../src/core/random.js';
import { ConnectionManager, type ConnectionManagerOptions } from '../../src/net/manager.js';
import { MemoryNetwork, type MemoryNetworkOptions } from '../../src/net/memory.js';
import { generateIdentity, identityFromSeed, type NodeIdentity } from '../../src/net/identity.js';
import { VirtualClock } from '../../src/platform/index.js';
import { FrameDecoder } from '../../src/wire/decoder.js';
import { authPayload, encodeAuth, encodeHello, networkIdOf, decodeHello } from '../../src/wire/handshake-codec.js';
import { MessageType, PROTOCOL_VERSION } from '../../src/wire/constants.js';
import { NO_CHANNEL_BINDING } from '../../src/net/transport.js';

/**
 * Waits in real time until `check` holds: until it returns true, or, for a check written with
 * expect(), until it stops throwing. Fails after `limitMs` naming `what`, with the last assertion's
 * message. For conditions on real sockets, instead of a fixed sleep that hopes they hold by then.
 */
export async function eventually(check: () => boolean | void, what: string, limitMs = 10_000): Promise<void> {
  const end = Date.now() + limitMs;
  for (;;) {
    let failure: unknown;
    try {
      if (check() !== false) return;
    } catch (e) {
      failure = e;
    }
    if (Date.now() >= end) {
      const detail = failure instanceof Error ? `: ${failure.message}` : '';
      throw new Error(`timed out after ${limitMs} ms waiting for ${what}${detail}`, { cause: failure });
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Lets every pending microtask and immediate run (memory links move only with the clock). */
export const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Advances a virtual clock by `ms`, timer by timer, letting promise continuations run in between. */
export async function runFor(clock: VirtualClock, ms: number): Promise<void> {
  const end = clock.now() + ms;
  await tick();
  for (;;) {
    const next = clock.nextDue();
    if (next === undefined || next > end) break;
    clock.advanceTo(next);
    await tick();
  }
  clock.advanceTo(end);
  await tick();
}

/** Runs the clock until `p` settles (at most `limitMs` of virtual time). */
export async function runUntil<T>(clock: VirtualClock, p: Promise<T>, limitMs = 60_000): Promise<T> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  const end = clock.now() + limitMs;
  await tick();
  while (!done && clock.now() < end) {
    const next = clock.nextDue();
    if (next === undefined || next > end) {
      clock.advanceTo(end);
    } else {
      clock.advanceTo(next);
    }
    await tick();
  }
  return p;
}

export interface MemoryWorld {
  clock: VirtualClock;
  net: MemoryNetwork;
  node(ip: string, options?: Partial<ConnectionManagerOptions> & { seed?: number }): Promise<ConnectionManager>;
}

/** A memory network on a virtual clock; node(ip) makes a listening manager on ip:7000 with a seeded identity. */
export function memoryWorld(netOptions: Partial<MemoryNetworkOptions> = {}): MemoryWorld {
  const clock = new VirtualClock();
  const net = new MemoryNetwork({ scheduler: clock, latencyMs: 1, random: createRandom('net'), ...netOptions });
  let seed = 1;
  return {
    clock,
    net,
    async node(ip, options = {}) {
      const s = options.seed ?? seed++;
      const m = new ConnectionManager({
        identity: identityFromSeed(createRandom(`id-${s}`).bytes(32)),
        network: 'test',
        transport: net.transport(ip),
        listen: `${ip}:7000`,
        scheduler: clock,
        random: createRandom(`rand-${s}`),
        ...options,
      });
      await m.start();
      return m;
    },
  };
}

/** A protocol peer written by hand over a raw TCP socket, for feeding a node bad input. */
export class RawPeer {
  readonly frames: { type: number; body: Uint8Array }[] = [];
  readonly identity: NodeIdentity;
  closed = false;
  #decoder = new FrameDecoder((type, body) => this.frames.push({ type, body: new Uint8Array(body) }), 0xffffffff);
  #waiters: (() => void)[] = [];

  private constructor(
    readonly socket: Socket,
    identity?: NodeIdentity,
  ) {
    this.identity = identity ?? generateIdentity();
    socket.on('data', (d) => {
      this.#decoder.push(d);
      this.#wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
    socket.on('error', () => {});
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  static connect(port: number, host = '127.0.0.1', identity?: NodeIdentity): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host });
      s.once('connect', () => resolve(new RawPeer(s, identity)));
      s.once('error', reject);
    });
  }

  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Waits until `pred` holds (checked after every arrival and at close). */
  async until(pred: () => boolean, what = 'condition', limitMs = 10_000): Promise<void> {
    const end = Date.now() + limitMs;
    while (!pred()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  async waitClosed(): Promise<void> {
    await this.until(() => this.closed, 'close');
  }

  frameOf(type: number): Uint8Array | undefined {
    return this.frames.find((f) => f.type === type)?.body;
  }

  /** Sends HELLO, waits for the node's HELLO, sends a valid AUTH (no TLS: zero channel binding). */
  async handshake(network = 'test', nonce = new Uint8Array(32).fill(9)): Promise<void> {
    const networkId = networkIdOf(network);
    this.write(
      encodeHello({ protocolVersion: PROTOCOL_VERSION, networkId, nodeId: this.identity.publicKey, nonce, timestampMs: Date.now(), listenPort: 0, services: 0n, userAgent: 'raw' }),
    );
    await this.until(() => this.frameOf(MessageType.HELLO) !== undefined, 'HELLO');
    const theirs = decodeHello(this.frameOf(MessageType.HELLO)!);
    this.write(encodeAuth(this.identity.sign(authPayload(networkId, theirs.nonce, this.identity.publicKey, NO_CHANNEL_BINDING))));
    await this.until(() => this.frameOf(MessageType.AUTH) !== undefined, 'AUTH');
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Collects a manager's events into arrays, by name. */
export function record(m: ConnectionManager) {
  const log = {
    established: [] as unknown[],
    closed: [] as { reason: string; by: string; code: number }[],
    rejected: [] as { reason: string; stage: string; by: string }[],
    misbehaviour: [] as { offence: string; peer: string | undefined }[],
    messages: [] as { topic: string; payload: Uint8Array }[],
  };
  m.on('established', (e) => log.established.push(e));
  m.on('closed', (e) => log.closed.push(e));
  m.on('rejected', (e) => log.rejected.push(e));
  m.on('misbehaviour', (e) => log.misbehaviour.push(e));
  m.on('message', (e) => log.messages.push({ topic: e.topic, payload: new Uint8Array(e.payload) }));
  return log;
}
