// The message-level network: MemoryNetwork's model (latency, loss, partitions, a send window) carrying decoded messages, one delivery queue per instant.
//
// The simulator's fast path. Links are in-process and hand message objects across (see
// message-link.ts); everything below the protocol is modelled as MemoryNetwork models it: a dial
// takes a round trip, a SYN can be lost (the dial times out) or find nothing listening (refused),
// messages of a link arrive in order one latency later (a lost one 200 ms later, holding back those
// behind it, as TCP's retransmission does), a partition holds traffic until it heals, and what a
// link has sent and the peer has not yet received counts against a send window. What is cheaper:
// no bytes are encoded, copied or decoded; all deliveries due at one instant share one timer
// instead of one timer per chunk; latency is computed once per link; and identities are vouched
// for by the network (a keyed hash under the network's secret, issued only to the holder of the
// NodeIdentity object) instead of proven with Ed25519 signatures.

import { normalizeIp, type Endpoint } from '../core/address/index.js';
import type { Scheduler } from '../core/clock.js';
import { sha256 } from '../core/hash/index.js';
import type { Random } from '../core/random.js';
import type { HandshakeAuth } from './handshake.js';
import type { NodeIdentity } from './identity.js';
import { FRAME, type MessageLink, type MessageLinkHandlers, type WireMessage } from './message-link.js';
import { DEFAULT_DIAL_TIMEOUT_MS } from './tcp.js';
import { DialError, NO_CHANNEL_BINDING, type DialOptions, type InboundAttempt, type Link, type LinkHandlers, type Listener, type Transport } from './transport.js';

export interface MessageNetworkOptions {
  scheduler: Scheduler;
  /** Needed when lossRate > 0. */
  random?: Random;
  /** One-way delay in ms, fixed or per (from ip, to ip). Default 0. */
  latencyMs?: number | ((fromIp: string, toIp: string) => number);
  /** Probability in [0, 1) that a dial's SYN or a message is lost. Default 0. */
  lossRate?: number;
  /** Extra delay of a lost message, like TCP's retransmission timeout. Default 200 ms. */
  retransmitMs?: number;
  /** Wire bytes in flight before a link reports back-pressure, like a socket buffer. Default 256 KiB. */
  windowBytes?: number;
  /** 32 bytes keying the identity vouchers (default: fixed; they only have to be unforgeable from outside the network object). */
  vouchKey?: Uint8Array;
}

const UNSPECIFIED = new Set(['0.0.0.0', '::']);
const FIRST_EPHEMERAL_PORT = 49152;
const FIRST_LISTEN_PORT = 20000;
const VOUCH_DOMAIN = new TextEncoder().encode('peerwarden-sim-vouch-v1');

interface Listening {
  endpoint: Endpoint;
  onInbound: (attempt: InboundAttempt) => void;
}

/** A delivery due at one instant: the receiving end and what arrives (a message, or FIN/RST). */
const FIN = 1;
const RST = 2;
type Arrival = WireMessage | typeof FIN | typeof RST;

/**
 * Vouchers for identities: what the handshake's AUTH carries on this network. A voucher is
 * SHA-256(key ‖ public key ‖ the AUTH payload); only code holding a NodeIdentity (its private key)
 * can ask for one in its name, and it is bound to the connection's nonces as a signature is.
 */
class Vouchers implements HandshakeAuth {
  readonly #key: Uint8Array;
  constructor(key: Uint8Array) {
    this.#key = key;
  }

  #voucher(publicKey: Uint8Array, payload: Uint8Array): Uint8Array {
    const buf = new Uint8Array(VOUCH_DOMAIN.length + this.#key.length + publicKey.length + payload.length);
    let at = 0;
    for (const part of [VOUCH_DOMAIN, this.#key, publicKey, payload]) {
      buf.set(part, at);
      at += part.length;
    }
    return sha256(buf);
  }

  sign(identity: NodeIdentity, payload: Uint8Array): Uint8Array {
    return this.#voucher(identity.publicKey, payload);
  }

  verify(publicKey: Uint8Array, payload: Uint8Array, signature: Uint8Array): boolean {
    const expected = this.#voucher(publicKey, payload);
    if (signature.length !== expected.length) return false;
    let diff = 0;
    for (let i = 0; i < expected.length; i++) diff |= expected[i]! ^ signature[i]!;
    return diff === 0;
  }
}

/** A network of in-process hosts whose links carry messages. Each host gets a Transport bound to its IP with transport(ip). */
export class MessageNetwork {
  readonly scheduler: Scheduler;
  readonly windowBytes: number;
  readonly retransmitMs: number;
  readonly auth: HandshakeAuth;
  /** Counters for tests and simulations (the same as MemoryNetwork's), and deliveries made. */
  readonly stats = { dials: 0, refused: 0, lostDials: 0, links: 0, messages: 0 };
  #random: Random | undefined;
  #latency: number | ((fromIp: string, toIp: string) => number);
  #lossRate: number;
  #listeners = new Map<string, Listening>();
  #nextEphemeral = new Map<string, number>();
  #nextListenPort = new Map<string, number>();
  #partition: Map<string, number> | undefined;
  #held = new Set<MessageEnd>();
  #open = 0;
  /** Deliveries by due instant: receiving ends and arrivals in parallel arrays, in the order they were sent. */
  #due = new Map<number, { ends: MessageEnd[]; arrivals: Arrival[] }>();

  constructor(options: MessageNetworkOptions) {
    this.scheduler = options.scheduler;
    this.#random = options.random;
    this.#latency = options.latencyMs ?? 0;
    this.#lossRate = options.lossRate ?? 0;
    this.retransmitMs = options.retransmitMs ?? 200;
    this.windowBytes = options.windowBytes ?? 256 * 1024;
    this.auth = new Vouchers(options.vouchKey ?? new Uint8Array(32));
    if (this.#lossRate > 0 && !this.#random) throw new RangeError('a MessageNetwork with lossRate > 0 needs a random source');
    if (!(this.#lossRate >= 0 && this.#lossRate < 1)) throw new RangeError(`lossRate must be in [0, 1), got ${this.#lossRate}`);
  }

  latency(fromIp: string, toIp: string): number {
    return typeof this.#latency === 'number' ? this.#latency : this.#latency(fromIp, toIp);
  }

  lost(): boolean {
    return this.#lossRate > 0 && this.#random!.float() < this.#lossRate;
  }

  /** Splits the network: IPs in different groups cannot reach each other (IPs in no group reach everyone). */
  partition(groups: readonly (readonly string[])[]): void {
    this.#partition = new Map();
    groups.forEach((group, i) => group.forEach((ip) => this.#partition!.set(normalizeIp(ip), i)));
  }

  /** Ends a partition: held messages arrive now, in order (connections that timed out meanwhile stay closed). */
  heal(): void {
    this.#partition = undefined;
    const held = [...this.#held];
    this.#held.clear();
    for (const end of held) end.releaseHeld();
  }

  partitioned(a: string, b: string): boolean {
    if (!this.#partition) return false;
    const ga = this.#partition.get(a);
    const gb = this.#partition.get(b);
    return ga !== undefined && gb !== undefined && ga !== gb;
  }

  /** Link ends currently open (both ends count). */
  get openLinks(): number {
    return this.#open;
  }

  /** A Transport whose listeners and dials use `ip`. */
  transport(ip: string): Transport {
    const ownIp = normalizeIp(ip);
    return {
      kind: 'memory',
      encrypted: false,
      listen: (endpoint, onInbound) => {
        const bindIp = UNSPECIFIED.has(endpoint.ip) ? ownIp : normalizeIp(endpoint.ip);
        let port = endpoint.port;
        if (port === 0) {
          do port = this.#port(this.#nextListenPort, bindIp, FIRST_LISTEN_PORT);
          while (this.#listeners.has(`${bindIp}|${port}`));
        }
        const key = `${bindIp}|${port}`;
        if (this.#listeners.has(key)) return Promise.reject(new Error(`message network: ${bindIp}:${port} is already in use`));
        const listener: Listening = { endpoint: { ip: bindIp, port }, onInbound };
        this.#listeners.set(key, listener);
        const result: Listener = {
          endpoint: listener.endpoint,
          close: () => {
            if (this.#listeners.get(key) === listener) this.#listeners.delete(key);
            return Promise.resolve();
          },
        };
        return Promise.resolve(result);
      },
      dial: (endpoint, options) => this.#dial(ownIp, endpoint, options),
    };
  }

  #port(map: Map<string, number>, ip: string, first: number): number {
    const p = map.get(ip) ?? first;
    map.set(ip, p >= 65535 ? first : p + 1);
    return p;
  }

  #dial(fromIp: string, to: Endpoint, options: DialOptions = {}): Promise<Link> {
    this.stats.dials++;
    const target: Endpoint = { ip: normalizeIp(to.ip), port: to.port };
    const localIp = options.localIp ? normalizeIp(options.localIp) : fromIp;
    const timeoutMs = options.timeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS;
    return new Promise<Link>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        timeout.cancel();
        fn();
      };
      const timeout = this.scheduler.after(timeoutMs, () => {
        if (settled) return;
        settled = true;
        reject(new DialError(target, 'timeout', `no answer within ${timeoutMs} ms`));
      });
      const oneWay = this.latency(localIp, target.ip);
      this.scheduler.after(oneWay, () => {
        if (settled) return;
        if (this.partitioned(localIp, target.ip) || this.lost()) {
          this.stats.lostDials++;
          return;
        }
        const listener = this.#listeners.get(`${target.ip}|${target.port}`);
        const back = this.latency(target.ip, localIp);
        if (!listener) {
          this.stats.refused++;
          this.scheduler.after(back, () => settle(() => reject(new DialError(target, 'refused', 'connection refused (nothing listens there)'))));
          return;
        }
        const local: Endpoint = { ip: localIp, port: this.#port(this.#nextEphemeral, localIp, FIRST_EPHEMERAL_PORT) };
        const dialer = new MessageEnd(this, local, target, oneWay);
        const acceptor = new MessageEnd(this, target, local, back);
        dialer.peer = acceptor;
        acceptor.peer = dialer;
        this.stats.links++;
        this.#open += 2;
        this.scheduler.after(back, () => {
          if (settled) {
            dialer.destroy();
            return;
          }
          settle(() => resolve(dialer));
        });
        listener.onInbound({
          remote: local,
          local: target,
          accept: () => Promise.resolve(acceptor),
          refuse: (goodbye) => {
            if (goodbye) acceptor.send({ t: FRAME, bytes: goodbye, size: goodbye.length });
            acceptor.end();
          },
        });
      });
    });
  }

  /** Queues an arrival at `at` for `end`; all arrivals of one instant share one timer. */
  deliverAt(at: number, end: MessageEnd, arrival: Arrival): void {
    let slot = this.#due.get(at);
    if (!slot) {
      slot = { ends: [], arrivals: [] };
      this.#due.set(at, slot);
      this.scheduler.after(at - this.scheduler.now(), () => this.#fire(at));
    }
    slot.ends.push(end);
    slot.arrivals.push(arrival);
  }

  #fire(at: number): void {
    const slot = this.#due.get(at);
    if (!slot) return;
    this.#due.delete(at);
    const { ends, arrivals } = slot;
    for (let i = 0; i < ends.length; i++) ends[i]!.arrive(arrivals[i]!);
  }

  holdUntilHealed(end: MessageEnd): void {
    this.#held.add(end);
  }

  closed(end: MessageEnd): void {
    this.#held.delete(end);
    this.#open--;
  }
}

/** One end of a message link. */
export class MessageEnd implements MessageLink {
  readonly kind = 'message';
  readonly channelBinding = NO_CHANNEL_BINDING;
  peer!: MessageEnd;
  readonly auth: HandshakeAuth;
  #net: MessageNetwork;
  /** One-way latency towards the peer (ms). */
  #delay: number;
  #handlers: MessageLinkHandlers | undefined;
  /** Arrival time of the last thing sent: nothing may overtake it. */
  #lastAt = 0;
  /** Wire bytes sent and not yet received by the peer's owner. */
  #inFlight = 0;
  #needDrain = false;
  #ended = false;
  #closed = false;
  #finReceived = false;
  #paused = false;
  /** Messages that arrived before attach, while paused, or while the partition holds them, in order. */
  #held: WireMessage[] = [];
  /** Arrivals held back by a partition (this end is the receiver), in order. */
  #partitionHeld: Exclude<Arrival, typeof RST>[] | undefined;

  constructor(
    net: MessageNetwork,
    readonly local: Endpoint,
    readonly remote: Endpoint,
    delay: number,
  ) {
    this.#net = net;
    this.#delay = delay;
    this.auth = net.auth;
  }

  get writableLength(): number {
    return this.#inFlight;
  }

  get needDrain(): boolean {
    return this.#needDrain;
  }

  get closed(): boolean {
    return this.#closed;
  }

  attach(_handlers: LinkHandlers): void {
    throw new Error('a message link carries messages, not bytes: attach with attachMessages()');
  }

  write(_chunk: Uint8Array): boolean {
    throw new Error('a message link carries messages, not bytes: use send()');
  }

  cork(): void {}

  uncork(): void {}

  attachMessages(handlers: MessageLinkHandlers): void {
    this.#handlers = handlers;
    this.#deliverHeld();
  }

  send(message: WireMessage): void {
    if (this.#closed || this.#ended) return;
    this.#inFlight += message.size;
    if (this.#inFlight >= this.#net.windowBytes) this.#needDrain = true;
    this.#schedule(message, this.#net.lost() ? this.#net.retransmitMs : 0);
  }

  end(): void {
    if (this.#closed || this.#ended) return;
    this.#ended = true;
    this.#schedule(FIN, 0);
  }

  destroy(): void {
    if (this.#closed) return;
    // The peer learns of it one latency later, like a FIN/RST on the wire; what we sent and it has not received is lost.
    this.#net.deliverAt(this.#net.scheduler.now() + this.#delay, this.peer, RST);
    this.#close(undefined);
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#deliverHeld();
  }

  #schedule(arrival: Arrival, extra: number): void {
    const at = Math.max(this.#lastAt, this.#net.scheduler.now() + this.#delay + extra);
    this.#lastAt = at;
    this.#net.deliverAt(at, this.peer, arrival);
  }

  /** Something this end receives (called by the network at its due instant). */
  arrive(arrival: Arrival): void {
    if (this.#closed) return;
    if (arrival === RST) {
      this.#remoteClosed();
      return;
    }
    const net = this.#net;
    if (this.#partitionHeld || net.partitioned(this.remote.ip, this.local.ip)) {
      (this.#partitionHeld ??= []).push(arrival);
      net.holdUntilHealed(this);
      return;
    }
    this.#take(arrival);
  }

  /** The partition healed: what it held arrives now, in order. */
  releaseHeld(): void {
    const held = this.#partitionHeld;
    this.#partitionHeld = undefined;
    if (!held) return;
    for (const a of held) {
      if (this.#closed) return;
      this.#take(a);
    }
  }

  #take(arrival: Exclude<Arrival, typeof RST>): void {
    if (arrival === FIN) {
      // The sender's end closes once its FIN is through, as MemoryLink's does.
      this.peer.#close(undefined);
      this.#remoteClosed();
      return;
    }
    // A sender that closed abruptly (destroy) took what it had not delivered with it, as MemoryLink's outbox goes.
    if (this.peer.#closed) return;
    this.#net.stats.messages++;
    if (this.#paused || !this.#handlers) {
      this.#held.push(arrival);
      return;
    }
    this.peer.#acked(arrival.size);
    this.#handlers.onMessage(arrival);
  }

  #deliverHeld(): void {
    while (this.#held.length > 0 && !this.#paused && this.#handlers && !this.#closed) {
      const m = this.#held.shift()!;
      this.peer.#acked(m.size);
      this.#handlers.onMessage(m);
    }
    if (this.#finReceived && this.#held.length === 0 && this.#handlers) this.#close(undefined);
  }

  #acked(n: number): void {
    this.#inFlight -= n;
    if (this.#needDrain && this.#inFlight < this.#net.windowBytes / 2 && !this.#closed) {
      this.#needDrain = false;
      this.#handlers?.onDrain();
    }
  }

  #remoteClosed(): void {
    this.#finReceived = true;
    this.#deliverHeld();
  }

  #close(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#held = [];
    this.#partitionHeld = undefined;
    this.#net.closed(this);
    const h = this.#handlers;
    if (h) queueMicrotask(() => h.onClose(error));
  }
}
