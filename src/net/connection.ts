// Connection: one authenticated peer link — decoder, handshake, outbound queue, keep-alive, requests, counters.

import type { Endpoint } from '../core/address/index.js';
import type { Scheduler, Timer } from '../core/clock.js';
import type { Random } from '../core/random.js';
import type { Offence } from '../core/reputation/penalties.js';
import { PeerGoneError } from '../core/requests/errors.js';
import { decodeMessage, decodeRequest, decodeResponse, encodeMessage, encodeRequest, encodeResponse } from '../wire/app-codec.js';
import { FIRST_EXTENSION_TYPE, MAX_ADDR_ENTRIES, MessageType, PRE_HANDSHAKE_MAX_FRAME_BYTES, ResponseStatus } from '../wire/constants.js';
import { decodeAddr, decodeGetAddr, decodePing, decodePong, encodeAddr, encodeGetAddr, encodePing, encodePong, type AddrEntry } from '../wire/control-codec.js';
import { FrameDecoder } from '../wire/decoder.js';
import { EncodeError, FrameTooLargeError, MalformedMessageError } from '../wire/errors.js';
import type { EncodedFrame } from '../wire/frame.js';
import { encodeAuth, encodeDisconnect, readDisconnect } from '../wire/handshake-codec.js';
import { topicText } from '../wire/topic.js';
import { reasonCode, reasonName, type DisconnectReason } from '../wire/reasons.js';
import type { CloseInfo, ResponseStatusName } from './close-info.js';
import { Handshake, type HandshakeOutcome, type HandshakeParams } from './handshake.js';
import { KeepAlive, type KeepAliveHooks } from './keepalive.js';
import { AUTH_WIRE_BYTES, addrWireBytes, disconnectWireBytes, FRAME, GETADDR_WIRE_BYTES, helloWireBytes, isMessageLink, NONCE_WIRE_BYTES, type WireMessage } from './message-link.js';
import { MessageWire, type FrameSink } from './message-wire.js';
import { OutboundQueue, type EnqueueResult, type Priority } from './outbound-queue.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, type RequestRouter } from './requests.js';
import type { SendBudget } from './send-budget.js';
import type { Link } from './transport.js';

export interface ConnectionConfig {
  /** Bound on a frame's length field after the handshake. */
  maxFrameBytes: number;
  /** Outbound bytes (queued + unsent) above which the peer is slow. */
  highWaterMark: number;
  pingIntervalMs: number;
  /** Unanswered pings in a row before disconnecting with 'ping-timeout'. */
  maxMissedPongs: number;
  /** How long a graceful close may take before the link is destroyed. */
  closeTimeoutMs: number;
  /** PINGs a peer may send per second, on average… */
  pingsPerSecond: number;
  /** …and in a burst. Honest peers ping every 30 s; the rest are answered by nobody and counted as a flood. */
  pingBurst: number;
}

/** Default PING allowance: 1 per second over a burst of 5 (an honest peer pings every 30 s). */
export const DEFAULT_PINGS_PER_SECOND = 1;
export const DEFAULT_PING_BURST = 5;
/** A flood of PINGs is reported as an offence at most this often, however many arrive. */
const PING_FLOOD_REPORT_MS = 1000;
/** How long a goodbye to a flooding peer may take before the link is cut. */
const FLOODER_CLOSE_MS = 200;

/** The manager's side of a connection: where a connection reports what happened (not part of the manager's public API). */
export interface ConnectionOwner {
  readonly scheduler: Scheduler;
  readonly random: Random;
  readonly config: ConnectionConfig;
  readonly requests: RequestRouter<Connection>;
  /** The node-wide budget every connection's outbound queue is charged to. */
  readonly budget?: SendBudget<Connection>;
  nextSerial(): number;
  onEstablished(conn: Connection): void;
  /** Once per connection, handshaking or not, as soon as it stops being live. */
  onClosed(conn: Connection, info: CloseInfo): void;
  onMessage(conn: Connection, topic: string, payload: Uint8Array): void;
  onRequest(conn: Connection, requestId: number, topic: string, payload: Uint8Array): void;
  /** An ADDR arrived; `bytes` is its size on the wire (length prefix included). */
  onAddr(conn: Connection, entries: AddrEntry[], bytes: number): void;
  onGetAddr(conn: Connection): void;
  /** The peer committed `offence` (the penalty table alone says how bad it is). */
  onMisbehaviour(conn: Connection, offence: Offence, detail: string): void;
}

/** What a peer said about itself in its HELLO, with the node id as hex (proven by AUTH). */
export interface PeerHello {
  nodeId: string;
  protocolVersion: number;
  listenPort: number;
  services: bigint;
  userAgent: string;
  timestampMs: number;
}

export type ConnectionState = 'handshaking' | 'open' | 'closing' | 'closed';

export interface SendOptions {
  /** 'low' marks gossip, the first thing dropped for a slow peer; default 'normal'. */
  priority?: Priority;
}

export interface RequestOptions {
  timeoutMs?: number;
}

const statusName: Record<ResponseStatusName, 0 | 1 | 2> = { ok: ResponseStatus.OK, error: ResponseStatus.ERROR, 'unknown-topic': ResponseStatus.UNKNOWN_TOPIC };

/** The largest u32 (ADDR times are u32 seconds on the wire). */
const MAX_U32 = 0xffffffff;

/**
 * Large ADDR messages sent again and again as the same array (a flood, a cached GETADDR answer)
 * are checked and measured once: on a message link the receiver gets the array itself, so an
 * array handed to sendAddr is not changed afterwards anyway.
 */
const largeAddr = new WeakMap<readonly AddrEntry[], { entries: readonly AddrEntry[]; size: number }>();
const LARGE_ADDR = 64;

/** The message an ADDR of `entries` becomes on a message link. */
function addrMessage(entries: readonly AddrEntry[]): WireMessage {
  if (entries.length < LARGE_ADDR) return { t: MessageType.ADDR, entries: wireTimes(entries), size: addrWireBytes(entries) };
  let known = largeAddr.get(entries);
  if (!known) largeAddr.set(entries, (known = { entries: wireTimes(entries), size: addrWireBytes(entries) }));
  return { t: MessageType.ADDR, entries: known.entries, size: known.size };
}

/** ADDR entries as the receiver would decode them: times in whole seconds, clamped to a u32 (the array itself when nothing changes). */
function wireTimes(entries: readonly AddrEntry[]): readonly AddrEntry[] {
  const exact = (t: number) => Math.min(MAX_U32, Math.max(0, Math.floor(t / 1000))) * 1000;
  let same = true;
  for (const e of entries) {
    if (e.time !== exact(e.time)) {
      same = false;
      break;
    }
  }
  return same ? entries : entries.map((e) => ({ endpoint: e.endpoint, services: e.services, time: exact(e.time) }));
}

/**
 * One connection. Created by the ConnectionManager around a Link; handshakes at once and is
 * handed to the application only once authenticated ('open'). Handles to a connection that has
 * gone stay safe: send() returns false, request() rejects with PeerGoneError.
 */
export class Connection {
  /** Unique within its manager, in creation order: a cheap, deterministic key for maps and logs. */
  readonly serial: number;
  readonly direction: 'inbound' | 'outbound';
  readonly remoteEndpoint: Endpoint;
  readonly localEndpoint: Endpoint;
  /** The peer's node id (64 hex), once authenticated. */
  remoteId: string | undefined;
  hello: PeerHello | undefined;
  /**
   * The first 6 bytes of the dialling side's HELLO nonce as a number, set at establishment: both
   * ends see the same value, so it tie-breaks two connections dialled by the same side.
   */
  dialerTieBreak = 0;
  /** When the handshake completed (ms, from the injected clock). */
  connectedAt: number | undefined;
  bytesIn = 0;
  messagesIn = 0;
  closeInfo: CloseInfo | undefined;
  /** Our HELLO nonce while the handshake runs (the manager watches for it coming back: a self-connection). */
  nonce: Uint8Array | undefined;

  #owner: ConnectionOwner;
  #link: Link;
  #decoder: FrameDecoder;
  #queue: FrameSink;
  /** On a message link (the simulator's): the same object as #queue, sending decoded messages. */
  #wire: MessageWire | undefined;
  #state: ConnectionState = 'handshaking';
  #handshake: Handshake | undefined;
  #handshakeTimer: Timer | undefined;
  #keepAlive: KeepAlive<Connection> | undefined;
  #closeTimer: Timer | undefined;
  #closedWaiters: ((info: CloseInfo) => void)[] | undefined;
  /** PING allowance (a token bucket in two numbers: it is consulted for every PING of a flood). */
  #pingTokens: number;
  #pingRefilledAt: number;
  /** PINGs over the allowance since the last report, and when that was. */
  #pingsOver = 0;
  #pingFloodReportedAt = -Infinity;
  /** Set while reading is paused because the peer flooded us (see #pingFlood); #flooded stays set once it happened. */
  #readPause: Timer | undefined;
  #flooded = false;

  constructor(owner: ConnectionOwner, link: Link, direction: 'inbound' | 'outbound', handshake: Omit<HandshakeParams, 'channelBinding' | 'nonce'>, handshakeDeadline: number) {
    this.#owner = owner;
    this.serial = owner.nextSerial();
    this.#link = link;
    this.direction = direction;
    this.remoteEndpoint = link.remote;
    this.localEndpoint = link.local;
    this.nonce = owner.random.bytes(32);
    const messages = isMessageLink(link) ? link : undefined;
    if (messages) this.#queue = this.#wire = new MessageWire(messages, owner.config.highWaterMark);
    else this.#queue = new OutboundQueue<Connection>(link, owner.config.highWaterMark, owner.budget, this);
    this.#pingTokens = owner.config.pingBurst;
    this.#pingRefilledAt = owner.scheduler.now();
    this.#decoder = new FrameDecoder(this.#onFrame, PRE_HANDSHAKE_MAX_FRAME_BYTES);
    this.#handshake = new Handshake({ ...handshake, nonce: this.nonce!, channelBinding: link.channelBinding, ...(messages ? { auth: messages.auth } : {}) });
    const wait = Math.max(0, handshakeDeadline - owner.scheduler.now());
    this.#handshakeTimer = owner.scheduler.after(wait, () => {
      this.#handshakeTimer = undefined;
      if (this.#state === 'handshaking') this.#fail('handshake-timeout', 'the handshake did not finish in time');
    });
    // HELLO first: attach() may deliver bytes that arrived earlier, and our AUTH must follow our HELLO.
    if (messages) {
      const hello = this.#handshake.helloFields;
      this.#wire!.sendControl({ t: MessageType.HELLO, hello, size: helloWireBytes(hello) });
      messages.attachMessages({ onMessage: this.#onWireMessage, onDrain: this.#onDrain, onClose: this.#onLinkClose });
      return;
    }
    this.#queue.enqueueControl(this.#handshake.hello);
    link.attach({ onData: this.#onData, onDrain: this.#onDrain, onClose: this.#onLinkClose });
  }

  /** Last measured PING→PONG round trip (ms); undefined until the first PONG. */
  get rttMs(): number | undefined {
    return this.#keepAlive?.rttMs;
  }

  /** Smallest round trip seen (ms): what eviction protects by. */
  get minRttMs(): number | undefined {
    return this.#keepAlive?.minRttMs;
  }

  /** When the last PONG arrived (ms, injected clock): the peer was alive and reading then. */
  get lastPongAt(): number | undefined {
    return this.#keepAlive?.lastPongAt;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** True while the connection is authenticated and not closing. */
  get isOpen(): boolean {
    return this.#state === 'open';
  }

  get bytesOut(): number {
    return this.#queue.bytesWritten;
  }

  get messagesOut(): number {
    return this.#queue.framesWritten;
  }

  /** Outbound bytes not yet sent (our queue, with the cost of its objects, plus the transport's buffer). */
  get pendingBytes(): number {
    return this.#queue.pendingBytes;
  }

  /** What this connection holds of the node-wide send budget (pendingBytes less shared broadcast payloads). */
  get chargedBytes(): number {
    return this.#queue.chargedBytes;
  }

  /**
   * Resolves when everything queued has been handed to the transport and it takes more: the way
   * to stream bulk data without growing the queue (send while pendingBytes is small, else await this).
   */
  drained(): Promise<void> {
    return this.#queue.whenDrained();
  }

  /** Gossip frames dropped because the peer was slow. */
  get droppedFrames(): number {
    return this.#queue.droppedFrames;
  }

  /** Requests we sent that await a response, and requests we received and have not answered. */
  get outstandingRequests(): { outbound: number; inbound: number } {
    const t = this.#owner.requests.tracker;
    return { outbound: t.outstanding(this), inbound: t.incoming(this) };
  }

  /** The endpoint the peer accepts connections on: its IP as we see it and the port from its HELLO. */
  get remoteListenEndpoint(): Endpoint | undefined {
    const port = this.hello?.listenPort;
    return port ? { ip: this.remoteEndpoint.ip, port } : undefined;
  }

  /** Resolves when the connection has ended (with why). */
  get closed(): Promise<CloseInfo> {
    if (this.#state === 'closed') return Promise.resolve(this.closeInfo!);
    return new Promise((resolve) => (this.#closedWaiters ??= []).push(resolve));
  }

  // ---- sending ----

  /** Sends a MESSAGE. False when not queued (connection not open, or gossip shed for a slow peer). */
  send(topic: string, payload: Uint8Array, options?: SendOptions): boolean {
    if (this.#state !== 'open') return false;
    const frame = encodeMessage(topic, payload);
    // A small frame travels as its bytes alone (one object less per message on the hot path).
    return this.sendFrame(frame.payload ? frame : frame.head, options?.priority);
  }

  /** Queues an already-encoded frame (shared by many connections in a broadcast), or a whole frame's bytes. */
  sendFrame(frame: EncodedFrame | Uint8Array, priority: Priority = 'normal'): boolean {
    if (this.#state !== 'open') return false;
    const size = frame instanceof Uint8Array ? frame.length : frame.size;
    if (size - 4 > this.#owner.config.maxFrameBytes) {
      throw new EncodeError(`a frame of ${size - 4} bytes exceeds maxFrameBytes (${this.#owner.config.maxFrameBytes}); split the payload`);
    }
    const result = this.#queue.enqueue(frame, priority);
    if (result === 'slow') this.#slow();
    return result === 'queued';
  }

  /** Sends a REQUEST and resolves with the response payload (see RequestTimeoutError, PeerGoneError, RemoteError). */
  request(topic: string, payload: Uint8Array, options?: RequestOptions): Promise<Uint8Array> {
    if (this.#state !== 'open') return Promise.reject(new PeerGoneError(this.remoteId, 'the connection is not open'));
    const timeoutMs = options?.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    let started: { requestId: number; response: Promise<Uint8Array> };
    try {
      started = this.#owner.requests.begin(this, topic, timeoutMs);
    } catch (err) {
      return Promise.reject(err);
    }
    let frame: EncodedFrame;
    try {
      frame = encodeRequest(started.requestId, topic, payload);
      if (frame.size - 4 > this.#owner.config.maxFrameBytes) throw new EncodeError(`a request of ${frame.size - 4} bytes exceeds maxFrameBytes`);
    } catch (err) {
      this.#owner.requests.tracker.settle(this, started.requestId, this.#owner.scheduler.now());
      started.response.catch(() => {});
      return Promise.reject(err);
    }
    const result = this.#queue.enqueue(frame, 'normal');
    if (result === 'slow') this.#slow();
    return started.response;
  }

  /** Sends ADDR (at most 1000 entries: EncodeError otherwise). */
  sendAddr(entries: readonly AddrEntry[]): boolean {
    if (this.#state !== 'open') return false;
    if (this.#wire) {
      if (entries.length > MAX_ADDR_ENTRIES) throw new EncodeError(`ADDR carries at most ${MAX_ADDR_ENTRIES} entries, got ${entries.length}; split it`);
      return this.#sent(this.#wire.send(addrMessage(entries)));
    }
    return this.#sendBytes(encodeAddr(entries), 'normal');
  }

  sendGetAddr(): boolean {
    if (this.#state !== 'open') return false;
    if (this.#wire) return this.#sent(this.#wire.send({ t: MessageType.GETADDR, size: GETADDR_WIRE_BYTES }));
    return this.#sendBytes(encodeGetAddr(), 'normal');
  }

  #sendBytes(bytes: Uint8Array, priority: Priority): boolean {
    return this.#sent(this.#queue.enqueue(bytes, priority));
  }

  #sent(result: EnqueueResult): boolean {
    if (result === 'slow') this.#slow();
    return result === 'queued';
  }

  #reply(requestId: number, payload: Uint8Array, status: ResponseStatusName): boolean {
    if (!this.#owner.requests.tracker.finishIncoming(this, requestId)) return false;
    if (this.#state !== 'open') return false;
    const code = statusName[status];
    if (code === undefined) throw new EncodeError(`reply status must be 'ok', 'error' or 'unknown-topic', got ${String(status)}`);
    const result = this.#queue.enqueue(encodeResponse(requestId, code, payload), 'normal');
    if (result === 'slow') this.#slow();
    return result === 'queued';
  }

  /** A reply function for request `requestId` (used by the manager's 'request' event). */
  replier(requestId: number): (payload: Uint8Array, status?: ResponseStatusName) => boolean {
    return (payload, status = 'ok') => this.#reply(requestId, payload, status);
  }

  // ---- closing ----

  /** Says goodbye (DISCONNECT with `reason`), flushes what is queued, then closes. */
  disconnect(reason: DisconnectReason = 'requested', message = ''): Promise<CloseInfo> {
    const done = this.closed;
    if (this.#state === 'handshaking' || this.#state === 'open') {
      this.#goodbye(reason, message, 'local');
    }
    return done;
  }

  /** Closes at once, discarding anything unsent. */
  destroy(reason: DisconnectReason = 'requested', message = ''): void {
    if (this.#state === 'handshaking' || this.#state === 'open') {
      this.#finish({ reason, code: reasonCode(reason), by: 'local', message });
    }
    this.#queue.clear();
    this.#link.destroy();
  }

  #goodbye(reason: DisconnectReason, message: string, by: 'local'): void {
    const code = reasonCode(reason);
    this.#finish({ reason, code, by, message });
    if (this.#wire) this.#wire.endWith({ t: MessageType.DISCONNECT, code, message, size: disconnectWireBytes(message) });
    else this.#queue.end(encodeDisconnect(code, message));
    this.#armCloseTimer();
  }

  #armCloseTimer(): void {
    if (this.#closeTimer || this.#state === 'closed') return;
    // A peer we stopped reading from because it flooded us will not read our goodbye either (and
    // its bytes pile up in the kernel meanwhile): give the DISCONNECT a moment to leave, no more.
    const wait = this.#flooded ? Math.min(FLOODER_CLOSE_MS, this.#owner.config.closeTimeoutMs) : this.#owner.config.closeTimeoutMs;
    this.#closeTimer = this.#owner.scheduler.after(wait, () => {
      this.#closeTimer = undefined;
      this.#queue.clear();
      this.#link.destroy();
    });
  }

  /**
   * Refuses/ends with a reason we decided; `offence` when the peer also misbehaved. The DISCONNECT
   * goes out first, so the peer learns the precise reason even when the penalty makes the owner
   * close the connection too (a second close is a no-op).
   */
  #fail(reason: DisconnectReason, detail: string, offence?: Offence): void {
    if (this.#state === 'handshaking' || this.#state === 'open') this.#goodbye(reason, detail, 'local');
    if (offence) this.#owner.onMisbehaviour(this, offence, detail);
  }

  #slow(): void {
    this.dropSlow(`more than ${this.#owner.config.highWaterMark} bytes waiting to be sent`);
  }

  /**
   * Drops a peer that does not read (its queue passed the high-water mark, or it holds the most of
   * an exhausted node-wide budget): a low offence, and the link is cut at once, since a peer that
   * does not read cannot receive a goodbye either.
   */
  dropSlow(detail: string): void {
    if (this.#state !== 'handshaking' && this.#state !== 'open') return;
    this.#owner.onMisbehaviour(this, 'slow', detail);
    this.destroy('slow', detail);
  }

  /** Marks the connection as no longer live and tells the owner, once. */
  #finish(info: CloseInfo): void {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    this.#state = 'closing';
    this.closeInfo = info;
    this.#handshakeTimer?.cancel();
    this.#handshakeTimer = undefined;
    this.#keepAlive?.stop();
    this.#readPause?.cancel();
    this.#readPause = undefined;
    this.#handshake = undefined;
    this.#decoder.stop();
    this.#owner.requests.dropPeer(this, `connection closed (${info.reason})`);
    this.#owner.onClosed(this, info);
  }

  // ---- receiving ----

  readonly #onData = (chunk: Uint8Array): void => {
    this.bytesIn += chunk.length;
    try {
      this.#decoder.push(chunk);
    } catch (err) {
      this.#onReceiveError(err);
    }
  };

  /** A message from a message link: decoded types are handled as their frames would be, frames go through the decoder. */
  readonly #onWireMessage = (m: WireMessage): void => {
    if (m.t === FRAME) {
      this.#onData(m.bytes);
      return;
    }
    this.bytesIn += m.size;
    this.messagesIn++;
    const state = this.#state;
    if (state === 'handshaking') {
      const hs = this.#handshake!;
      if (m.t === MessageType.HELLO) this.#onHandshakeOutcome(hs.acceptHello(m.hello));
      else if (m.t === MessageType.AUTH) this.#onHandshakeOutcome(hs.acceptAuth(m.signature));
      else if (m.t === MessageType.DISCONNECT) this.#onHandshakeOutcome({ kind: 'remote-refused', code: m.code, message: m.message });
      else this.#fail('message-before-auth', `message type 0x${m.t.toString(16).padStart(2, '0')} before the handshake was done`, 'handshake-violation');
      return;
    }
    if (state !== 'open') return;
    switch (m.t) {
      case MessageType.PING:
        this.#onPing(m.nonce);
        return;
      case MessageType.PONG:
        this.#keepAlive?.onPong(m.nonce);
        return;
      case MessageType.ADDR:
        this.#owner.onAddr(this, m.entries as AddrEntry[], m.size);
        return;
      case MessageType.GETADDR:
        this.#owner.onGetAddr(this);
        return;
      case MessageType.DISCONNECT:
        this.#onRemoteGoodbye(m.code, m.message);
        return;
      default:
        this.#fail('protocol-violation', 'a handshake message after the handshake', 'handshake-violation');
    }
  };

  readonly #onDrain = (): void => {
    this.#queue.flush();
  };

  readonly #onLinkClose = (error: Error | undefined): void => {
    this.#finish({ reason: 'connection-lost', code: 0, by: 'remote', message: error ? error.message : 'the connection closed without DISCONNECT', ...(error ? { error } : {}) });
    this.#state = 'closed';
    this.#closeTimer?.cancel();
    this.#closeTimer = undefined;
    this.#queue.clear();
    const waiters = this.#closedWaiters;
    this.#closedWaiters = undefined;
    if (waiters) for (const w of waiters) w(this.closeInfo!);
  };

  #onReceiveError(err: unknown): void {
    if (err instanceof FrameTooLargeError) {
      this.#fail('frame-too-large', err.message, 'oversized-frame');
    } else if (err instanceof MalformedMessageError) {
      this.#fail('malformed-message', err.message, err.offence);
    } else {
      // Our own bug, not the peer's fault: never crash the node over it, never penalise the peer.
      this.#fail('protocol-violation', `internal error: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  readonly #onFrame = (type: number, body: Uint8Array): void => {
    this.messagesIn++;
    if (this.#state === 'open') {
      this.#onOpenFrame(type, body);
    } else if (this.#state === 'handshaking') {
      this.#onHandshakeFrame(type, body);
    }
  };

  #onHandshakeFrame(type: number, body: Uint8Array): void {
    this.#onHandshakeOutcome(this.#handshake!.onFrame(type, body));
  }

  #onHandshakeOutcome(outcome: HandshakeOutcome): void {
    const hs = this.#handshake!;
    if (hs.signature) {
      // Our AUTH, once the peer's HELLO was accepted.
      if (this.#wire) this.#wire.sendControl({ t: MessageType.AUTH, signature: hs.signature, size: AUTH_WIRE_BYTES });
      else this.#queue.enqueueControl(hs.toSend ?? encodeAuth(hs.signature));
      hs.signature = undefined;
      hs.toSend = undefined;
    }
    switch (outcome.kind) {
      case 'continue':
        return;
      case 'refuse':
        this.#fail(outcome.reason, outcome.detail, outcome.offence);
        return;
      case 'remote-refused': {
        const reason = reasonName(outcome.code);
        this.#finish({ reason, code: outcome.code, by: 'remote', message: outcome.message });
        this.#queue.end();
        this.#armCloseTimer();
        return;
      }
      case 'established': {
        const h = outcome.hello;
        this.remoteId = outcome.nodeId;
        const dialerNonce = this.direction === 'outbound' ? this.nonce! : h.nonce;
        let tie = 0;
        for (let i = 0; i < 6; i++) tie = tie * 256 + dialerNonce[i]!;
        this.dialerTieBreak = tie;
        this.hello = { nodeId: outcome.nodeId, protocolVersion: h.protocolVersion, listenPort: h.listenPort, services: h.services, userAgent: h.userAgent, timestampMs: h.timestampMs };
        this.connectedAt = this.#owner.scheduler.now();
        this.#state = 'open';
        this.#handshake = undefined;
        this.#handshakeTimer?.cancel();
        this.#handshakeTimer = undefined;
        this.#decoder.setLimit(this.#owner.config.maxFrameBytes);
        this.#owner.onEstablished(this);
        this.nonce = undefined; // the manager is done with it; do not keep 32 bytes per connection
        if (this.#state === 'open') this.#startKeepAlive();
        return;
      }
    }
  }

  #onOpenFrame(type: number, body: Uint8Array): void {
    const owner = this.#owner;
    switch (type) {
      case MessageType.MESSAGE: {
        // decodeMessage inlined: the hottest path allocates only the payload view.
        const end = 1 + (body[0] ?? 0);
        const topic = body.length > 0 && end <= body.length ? topicText(body, 1, end) : undefined;
        if (topic === undefined) decodeMessage(body); // throws the precise MalformedMessageError
        owner.onMessage(this, topic!, body.subarray(end));
        return;
      }
      case MessageType.REQUEST: {
        const r = decodeRequest(body);
        const accepted = owner.requests.tracker.acceptIncoming(this, r.requestId);
        if (accepted === 'accepted') {
          owner.onRequest(this, r.requestId, r.topic, r.payload);
        } else if (accepted === 'over-limit') {
          owner.onMisbehaviour(this, 'too-many-requests', `more than ${owner.requests.tracker.maxOutstanding} requests in flight`);
          const result = this.#queue.enqueue(encodeResponse(r.requestId, ResponseStatus.ERROR, Buffer.from('too many requests in flight')), 'normal');
          if (result === 'slow') this.#slow();
        } else {
          owner.onMisbehaviour(this, 'duplicate-request-id', `request id ${r.requestId} is already being answered`);
        }
        return;
      }
      case MessageType.RESPONSE: {
        const r = decodeResponse(body);
        owner.requests.settle(this, r.requestId, r.status, r.payload);
        return;
      }
      case MessageType.PING:
        this.#onPing(decodePing(body));
        return;
      case MessageType.PONG:
        this.#keepAlive?.onPong(decodePong(body));
        return;
      case MessageType.ADDR:
        // The frame: length prefix, type byte, body.
        owner.onAddr(this, decodeAddr(body), 5 + body.length);
        return;
      case MessageType.GETADDR:
        decodeGetAddr(body);
        owner.onGetAddr(this);
        return;
      case MessageType.DISCONNECT: {
        // A garbled goodbye still ends the connection.
        const { code, message } = readDisconnect(body);
        this.#onRemoteGoodbye(code, message);
        return;
      }
      case MessageType.HELLO:
      case MessageType.AUTH:
        this.#fail('protocol-violation', 'a handshake message after the handshake', 'handshake-violation');
        return;
      default:
        if (type >= FIRST_EXTENSION_TYPE) return; // room for extensions: ignored
        this.#fail('unknown-message-type', `message type 0x${type.toString(16).padStart(2, '0')} is not defined`, 'unknown-message-type');
    }
  }

  #onPing(nonce: bigint): void {
    if (!this.#takePing()) return this.#pingFlood();
    if (this.#wire) this.#sent(this.#wire.sendControl({ t: MessageType.PONG, nonce, size: NONCE_WIRE_BYTES }));
    else this.#sent(this.#queue.enqueuePong(encodePong(nonce)));
  }

  #onRemoteGoodbye(code: number, message: string): void {
    this.#finish({ reason: reasonName(code), code, by: 'remote', message });
    this.#queue.clear();
    this.#link.end();
    this.#armCloseTimer();
  }

  /** Takes one PING from the allowance (refilled at pingsPerSecond up to pingBurst); false when there is none. */
  #takePing(): boolean {
    const { pingsPerSecond, pingBurst } = this.#owner.config;
    const now = this.#owner.scheduler.now();
    const elapsed = now - this.#pingRefilledAt;
    if (elapsed > 0) {
      this.#pingTokens = Math.min(pingBurst, this.#pingTokens + (elapsed / 1000) * pingsPerSecond);
      this.#pingRefilledAt = now;
    }
    if (this.#pingTokens < 1) return false;
    this.#pingTokens -= 1;
    return true;
  }

  /**
   * A PING over the allowance: not answered, counted, and reported as an offence at most once a
   * second. Reading from the peer also pauses until it has earned the next PING: decoding a flood
   * costs CPU every other peer and the API share, and a paused socket makes the flooder wait on
   * its own full window instead.
   */
  #pingFlood(): void {
    this.#pingsOver++;
    if (!this.#readPause && this.#link.pause && this.#state === 'open') {
      this.#flooded = true;
      this.#link.pause();
      this.#readPause = this.#owner.scheduler.after(Math.ceil(1000 / this.#owner.config.pingsPerSecond), () => {
        this.#readPause = undefined;
        if (this.#state === 'open') this.#link.resume?.();
      });
    }
    const now = this.#owner.scheduler.now();
    if (now - this.#pingFloodReportedAt < PING_FLOOD_REPORT_MS) return;
    const { pingsPerSecond, pingBurst } = this.#owner.config;
    const over = this.#pingsOver;
    this.#pingsOver = 0;
    this.#pingFloodReportedAt = now;
    this.#owner.onMisbehaviour(this, 'ping-flood', `${over} PING${over === 1 ? '' : 's'} over the limit of ${pingsPerSecond}/s (burst ${pingBurst}) left unanswered`);
  }

  // ---- keep-alive ----

  /** One hooks object for every connection: the keep-alive reaches our private parts through it. */
  static readonly #keepAliveHooks: KeepAliveHooks<Connection> = {
    sendPing(conn, nonce) {
      // On a message link the PING goes as its nonce; on bytes, as its frame.
      const wire = conn.#wire;
      const result = wire ? wire.sendControl({ t: MessageType.PING, nonce, size: NONCE_WIRE_BYTES }) : conn.#queue.enqueueControl(encodePing(nonce));
      if (result === 'slow') conn.#slow();
      return result === 'queued';
    },
    timedOut(conn, missed) {
      conn.#fail('ping-timeout', `${missed} pings in a row went unanswered`, 'ping-timeout');
    },
    unsolicitedPong(conn) {
      conn.#owner.onMisbehaviour(conn, 'unexpected-pong', 'a PONG whose nonce matches no PING we sent');
    },
  };

  #startKeepAlive(): void {
    this.#keepAlive = new KeepAlive(this, Connection.#keepAliveHooks, this.#owner);
    this.#keepAlive.start();
  }
}
