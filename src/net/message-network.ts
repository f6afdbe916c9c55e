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

import type { Endpoint } from '../core/address/index.js';
import { sha256 } from '../core/hash/index.js';
import type { HandshakeAuth } from './handshake.js';
import type { NodeIdentity } from './identity.js';
import { FRAME, type MessageLink, type MessageLinkHandlers, type WireMessage } from './message-link.js';
import { SimulatedNetwork, type SimulatedNetworkOptions } from './simulated-network.js';
import { NO_CHANNEL_BINDING, type LinkHandlers } from './transport.js';

export interface MessageNetworkOptions extends SimulatedNetworkOptions {
  /** 32 bytes keying the identity vouchers (default: fixed; they only have to be unforgeable from outside the network object). */
  vouchKey?: Uint8Array;
}

const VOUCH_DOMAIN = new TextEncoder().encode('peerwarden-sim-vouch-v1');

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
export class MessageNetwork extends SimulatedNetwork<MessageEnd> {
  readonly auth: HandshakeAuth;
  /** Counters for tests and simulations (the same as MemoryNetwork's), and deliveries made. */
  override readonly stats = { dials: 0, refused: 0, lostDials: 0, links: 0, messages: 0 };
  #open = 0;
  /** Deliveries by due instant: receiving ends and arrivals in parallel arrays, in the order they were sent. */
  #due = new Map<number, DueSlot>();
  #spare: DueSlot[] = [];

  constructor(options: MessageNetworkOptions) {
    super('message network', options);
    this.auth = new Vouchers(options.vouchKey ?? new Uint8Array(32));
  }

  protected connect(local: Endpoint, remote: Endpoint, oneWay: number, back: number): [MessageEnd, MessageEnd] {
    const dialer = new MessageEnd(this, local, remote, oneWay);
    const acceptor = new MessageEnd(this, remote, local, back);
    dialer.peer = acceptor;
    acceptor.peer = dialer;
    this.#open += 2;
    return [dialer, acceptor];
  }

  protected refuse(acceptor: MessageEnd, goodbye: Uint8Array | undefined): void {
    if (goodbye) acceptor.send({ t: FRAME, bytes: goodbye, size: goodbye.length });
    acceptor.end();
  }

  protected release(end: MessageEnd): void {
    end.releaseHeld();
  }

  /** Link ends currently open (both ends count). */
  get openLinks(): number {
    return this.#open;
  }

  /** Queues an arrival at `at` for `end`; all arrivals of one instant share one timer. */
  deliverAt(at: number, end: MessageEnd, arrival: Arrival): void {
    let slot = this.#due.get(at);
    if (!slot) {
      slot = this.#spare.pop() ?? { ends: [], arrivals: [] };
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
    // A run has hundreds of millions of instants: their slots are reused, not collected.
    ends.length = 0;
    arrivals.length = 0;
    if (this.#spare.length < SPARE_SLOTS) this.#spare.push(slot);
  }

  closed(end: MessageEnd): void {
    this.unhold(end);
    this.#open--;
  }
}

interface DueSlot {
  ends: MessageEnd[];
  arrivals: Arrival[];
}
/** Delivery slots kept for reuse at most. */
const SPARE_SLOTS = 1024;

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
