// ConnectionManager: listens and dials, admits inbound peers within limits, one connection per node id, typed events.

import { classify, parseEndpoint, type Endpoint, type EndpointLike } from '../core/address/index.js';
import type { Scheduler } from '../core/clock.js';
import type { Random } from '../core/random.js';
import { cryptoRandom, systemScheduler } from '../platform/index.js';
import { VERSION } from '../version.js';
import { DEFAULT_MAX_FRAME_BYTES } from '../wire/constants.js';
import type { AddrEntry } from '../wire/control-codec.js';
import { encodeDisconnect, networkIdOf } from '../wire/handshake-codec.js';
import { reasonCode, type DisconnectReason } from '../wire/reasons.js';
import { DEFAULT_LIMITS, checkInbound, type InboundLimits } from './admission.js';
import {
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_MAX_MISSED_PONGS,
  DEFAULT_PING_INTERVAL_MS,
  validateOptions,
  type ConnectionManagerOptions,
  type DialCallOptions,
  type ManagerStats,
} from './manager-options.js';
import { broadcast, type BroadcastOptions } from './broadcast.js';
import { Connection, type ConnectionConfig, type ConnectionOwner } from './connection.js';
import { ConnectionOptionsError, DuplicateConnectionError, HandshakeError, ManagerClosedError } from './errors.js';
import { TypedEmitter, type CloseInfo, type ConnectionManagerEvents, type Severity } from './events.js';
import type { NodeIdentity } from './identity.js';
import { DEFAULT_HIGH_WATER_MARK } from './outbound-queue.js';
import { RequestRouter } from './requests.js';
import { createTcpTransport } from './tcp.js';
import { createTlsTransport } from './tls.js';
import { DialError, type InboundAttempt, type Link, type Listener, type Transport } from './transport.js';

interface DialWaiter {
  resolve: (c: Connection) => void;
  reject: (e: Error) => void;
}

// The option types live with their validation; re-exported so './manager.js' stays a complete entry point.
export type { ConnectionManagerOptions, DialCallOptions, ManagerStats } from './manager-options.js';
export { DEFAULT_CLOSE_TIMEOUT_MS, DEFAULT_HANDSHAKE_TIMEOUT_MS, DEFAULT_MAX_MISSED_PONGS, DEFAULT_PING_INTERVAL_MS } from './manager-options.js';

/** A nonce as a map key (latin1: one character per byte, cheaper than hex). */
const nonceKey = (nonce: Uint8Array): string => Buffer.from(nonce.buffer, nonce.byteOffset, nonce.byteLength).toString('latin1');

const isUnspecified = (ip: string) => ip === '0.0.0.0' || ip === '::';

/**
 * Owns every connection of a node. Inbound sockets are admitted (ban, per-IP and slot limits)
 * before any TLS or handshake work; dials resolve with an authenticated Connection or reject with
 * DialError, HandshakeError (reason code inside), DuplicateConnectionError or ManagerClosedError.
 */
export class ConnectionManager extends TypedEmitter<ConnectionManagerEvents> implements ConnectionOwner {
  readonly identity: NodeIdentity;
  readonly networkId: Uint8Array;
  readonly scheduler: Scheduler;
  readonly random: Random;
  readonly config: ConnectionConfig;
  readonly requests: RequestRouter<Connection>;
  readonly limits: InboundLimits;
  readonly transport: Transport;
  #o: ConnectionManagerOptions;
  #handshakeTimeoutMs: number;
  #serial = 0;
  #listeners: Listener[] = [];
  #byId = new Map<string, Connection>();
  #all = new Set<Connection>();
  #accepting = new Set<InboundAttempt>();
  #dialing = 0;
  #inbound = 0;
  #outbound = 0;
  #perIp = new Map<string, number>();
  #nonces = new Set<string>();
  #waiters = new Map<Connection, DialWaiter>();
  #closed = false;
  #listenPort = 0;

  constructor(options: ConnectionManagerOptions) {
    super();
    const problems = validateOptions(options);
    if (problems.length > 0) throw new ConnectionOptionsError(problems);
    this.#o = options;
    this.identity = options.identity;
    this.networkId = networkIdOf(options.network);
    this.scheduler = options.scheduler ?? systemScheduler;
    this.random = options.random ?? cryptoRandom;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.#handshakeTimeoutMs = options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
    this.config = {
      maxFrameBytes: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      highWaterMark: options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK,
      pingIntervalMs: options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
      maxMissedPongs: options.maxMissedPongs ?? DEFAULT_MAX_MISSED_PONGS,
      closeTimeoutMs: options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS,
    };
    this.transport =
      options.transport ??
      ((options.encryption ?? 'tls') === 'tls' ? createTlsTransport({ scheduler: this.scheduler }) : createTcpTransport({ scheduler: this.scheduler }));
    this.requests = new RequestRouter<Connection>(
      this.scheduler,
      (conn, reason, requestId) => this.onMisbehaviour(conn, 'low', reason, `request ${requestId}`),
      options.maxOutstandingRequests,
    );
    this.#listenPort = options.listenPort ?? 0;
  }

  /** Starts listening on every `listen` endpoint; returns the bound endpoints. */
  async start(): Promise<Endpoint[]> {
    if (this.#closed) throw new ManagerClosedError();
    const wanted = this.#o.listen === undefined ? [] : Array.isArray(this.#o.listen) ? this.#o.listen : [this.#o.listen];
    for (const l of wanted) {
      const listener = await this.transport.listen(parseEndpoint(l), (attempt) => this.#onInbound(attempt));
      this.#listeners.push(listener);
    }
    if (this.#o.listenPort === undefined && this.#listeners[0]) this.#listenPort = this.#listeners[0].endpoint.port;
    return this.listenAddresses;
  }

  get listenAddresses(): Endpoint[] {
    return this.#listeners.map((l) => l.endpoint);
  }

  /** The port announced in our HELLO. */
  get listenPort(): number {
    return this.#listenPort;
  }

  /** Authenticated, open connections (a snapshot-safe live view: closed ones are never yielded). */
  *connections(): IterableIterator<Connection> {
    for (const c of this.#byId.values()) if (c.isOpen) yield c;
  }

  /** The open connection to `nodeId`, if any (O(1)). */
  get(nodeId: string): Connection | undefined {
    const c = this.#byId.get(nodeId);
    return c?.isOpen ? c : undefined;
  }

  get size(): number {
    return this.#byId.size;
  }

  stats(): ManagerStats {
    let handshaking = 0;
    for (const c of this.#all) if (c.state === 'handshaking') handshaking++;
    return { established: this.#byId.size, inbound: this.#inbound, outbound: this.#outbound, handshaking: handshaking + this.#accepting.size + this.#dialing, listening: this.listenAddresses };
  }

  /** Encodes once and queues on every open target; returns how many queued it. */
  broadcast(targets: Iterable<Connection>, topic: string, payload: Uint8Array, options?: BroadcastOptions): number {
    return broadcast(targets, topic, payload, options);
  }

  /** Dials `endpoint` and resolves once the peer is authenticated. */
  async dial(target: EndpointLike, options: DialCallOptions = {}): Promise<Connection> {
    if (this.#closed) throw new ManagerClosedError();
    const endpoint = parseEndpoint(target);
    if (endpoint.port === 0) throw new DialError(endpoint, 'unreachable', 'port 0 is never dialled');
    if (this.#o.isBanned?.ip?.(endpoint.ip)) throw new DialError(endpoint, 'banned', 'the address is banned');
    const timeoutMs = options.timeoutMs ?? this.#handshakeTimeoutMs;
    const deadline = this.scheduler.now() + timeoutMs;
    this.#dialing++;
    this.#outbound++;
    let link: Link;
    try {
      link = await this.transport.dial(endpoint, { timeoutMs, ...this.#localIpFor(endpoint) });
    } catch (err) {
      this.#dialing--;
      this.#outbound--;
      throw err;
    }
    this.#dialing--;
    if (this.#closed) {
      this.#outbound--;
      link.destroy();
      throw new ManagerClosedError();
    }
    return new Promise<Connection>((resolve, reject) => {
      const conn = this.#open(link, 'outbound', deadline);
      if (conn.state === 'handshaking') this.#waiters.set(conn, { resolve, reject });
      else reject(new HandshakeError(endpoint, conn.closeInfo ?? { reason: 'connection-lost', code: 0, by: 'remote', message: 'closed' }));
    });
  }

  /** Gracefully disconnects the connection to `nodeId`; false if there is none. */
  disconnect(nodeId: string, reason: DisconnectReason = 'requested', message = ''): boolean {
    const c = this.get(nodeId);
    if (!c) return false;
    void c.disconnect(reason, message);
    return true;
  }

  /** Stops listening, says goodbye ('shutdown') to every peer and waits (bounded) for the links to close. */
  async close(reason: DisconnectReason = 'shutdown'): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Stop accepting now, but wait for the listeners only after the goodbyes: a TCP server's
    // close() completes when its last connection has ended.
    const listenersClosed = Promise.all(this.#listeners.map((l) => l.close()));
    for (const attempt of this.#accepting) {
      attempt.refuse();
      this.#releaseInbound(attempt.remote.ip);
    }
    this.#accepting.clear();
    await Promise.all([...this.#all].map((c) => c.disconnect(reason)));
    await listenersClosed;
    this.requests.stop();
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  #localIpFor(target: Endpoint): { localIp?: string } {
    if (this.#o.bindDials === false) return {};
    const own = this.#listeners[0]?.endpoint;
    if (!own || isUnspecified(own.ip) || this.transport.kind === 'memory') return {};
    const family = (ip: string) => (ip.includes(':') ? 6 : 4);
    const loop = (ip: string) => classify(ip) === 'loopback';
    if (family(own.ip) !== family(target.ip) || loop(own.ip) !== loop(target.ip)) return {};
    return { localIp: own.ip };
  }

  #onInbound(attempt: InboundAttempt): void {
    const { remote } = attempt;
    const refuse = (reason: DisconnectReason, detail: string) => {
      attempt.refuse(encodeDisconnect(reasonCode(reason), detail));
      this.emit('rejected', { remote, stage: 'accept', reason, by: 'local', detail });
    };
    if (this.#closed) return refuse('shutdown', 'the node is stopping');
    const ip = remote.ip;
    if (this.#o.isBanned?.ip?.(ip)) return refuse('banned', 'this address is banned');
    if (!this.#o.isExempt?.(ip)) {
      const counts = { inbound: this.#inbound, total: this.#inbound + this.#outbound, fromIp: this.#perIp.get(ip) ?? 0 };
      const full = checkInbound(counts, this.limits);
      if (full === 'too-many-from-ip') return refuse(full, `at most ${this.limits.maxPerIpInbound} connections from one address`);
      if (full) {
        const victim = this.#o.isDiscouraged?.(ip) ? undefined : this.#o.selectEviction?.(remote);
        if (!victim || !victim.isOpen) return refuse(full, 'no free connection slot');
        void victim.disconnect('evicted', 'making room for another peer');
      }
    }
    this.#inbound++;
    this.#perIp.set(ip, (this.#perIp.get(ip) ?? 0) + 1);
    const deadline = this.scheduler.now() + this.#handshakeTimeoutMs;
    this.#accepting.add(attempt);
    // The transport's own handshake (TLS) counts against the handshake timeout too.
    const timer = this.scheduler.after(this.#handshakeTimeoutMs, () => {
      if (this.#accepting.delete(attempt)) {
        attempt.refuse();
        this.#releaseInbound(ip);
        this.emit('rejected', { remote, stage: 'handshake', reason: 'handshake-timeout', by: 'local', detail: 'the transport handshake did not finish in time' });
      }
    });
    attempt.accept().then(
      (link) => {
        timer.cancel();
        if (!this.#accepting.delete(attempt)) {
          link.destroy(); // timed out or refused meanwhile
          return;
        }
        if (this.#closed) {
          link.destroy();
          this.#releaseInbound(ip);
          return;
        }
        this.#open(link, 'inbound', deadline);
      },
      (err: Error) => {
        timer.cancel();
        if (!this.#accepting.delete(attempt)) return;
        this.#releaseInbound(ip);
        this.emit('rejected', { remote, stage: 'handshake', reason: 'connection-lost', by: 'remote', detail: err.message });
      },
    );
  }

  #releaseInbound(ip: string): void {
    this.#inbound--;
    const n = (this.#perIp.get(ip) ?? 1) - 1;
    if (n <= 0) this.#perIp.delete(ip);
    else this.#perIp.set(ip, n);
  }

  #open(link: Link, direction: 'inbound' | 'outbound', deadline: number): Connection {
    const o = this.#o;
    const conn = new Connection(
      this,
      link,
      direction,
      {
        identity: this.identity,
        networkId: this.networkId,
        timestampMs: this.scheduler.now(),
        listenPort: this.#listenPort,
        services: o.services ?? 0n,
        userAgent: o.userAgent ?? `peerwarden/${VERSION}`,
        isOwnNonce: (nonce) => this.#nonces.has(nonceKey(nonce)),
        isBannedId: (id) => o.isBanned?.id?.(id) ?? false,
      },
      deadline,
    );
    if (conn.state === 'handshaking') {
      this.#all.add(conn);
      this.#nonces.add(nonceKey(conn.nonce!));
    }
    return conn;
  }

  // ---- ConnectionOwner ----

  nextSerial(): number {
    return ++this.#serial;
  }

  onEstablished(conn: Connection): void {
    if (conn.nonce) this.#nonces.delete(nonceKey(conn.nonce));
    const id = conn.remoteId!;
    const existing = this.#byId.get(id);
    if (existing && existing !== conn) {
      const keepNew = this.#prefer(conn, existing);
      const loser = keepNew ? existing : conn;
      void loser.disconnect('duplicate', 'another connection to this node is kept');
      if (!keepNew) return;
    }
    this.#byId.set(id, conn);
    const waiter = this.#waiters.get(conn);
    if (waiter) {
      this.#waiters.delete(conn);
      waiter.resolve(conn);
    }
    this.emit('established', { connection: conn });
  }

  /**
   * True when `a` should be kept over `b` (two connections to one node): keep the one dialled by
   * the lower node id; if one side dialled both, the one whose dialler's nonce starts lower. Both ends
   * compute the same answer, so they close the same connection.
   */
  #prefer(a: Connection, b: Connection): boolean {
    const own = this.identity.nodeId;
    const remote = a.remoteId!;
    const dialer = (c: Connection) => (c.direction === 'outbound' ? own : remote);
    if (dialer(a) !== dialer(b)) return dialer(a) === (own < remote ? own : remote);
    return a.dialerTieBreak < b.dialerTieBreak;
  }

  onClosed(conn: Connection, info: CloseInfo): void {
    this.#all.delete(conn);
    if (conn.nonce) this.#nonces.delete(nonceKey(conn.nonce));
    if (conn.direction === 'inbound') this.#releaseInbound(conn.remoteEndpoint.ip);
    else this.#outbound--;
    const id = conn.remoteId;
    if (id !== undefined && this.#byId.get(id) === conn) {
      this.#byId.delete(id);
      this.emit('closed', { connection: conn, ...info });
      return;
    }
    // Never announced: the handshake failed, or it lost the one-per-node-id rule.
    const waiter = this.#waiters.get(conn);
    if (waiter) {
      this.#waiters.delete(conn);
      waiter.reject(
        info.reason === 'duplicate'
          ? new DuplicateConnectionError(conn.remoteEndpoint, info, id ? this.get(id) : undefined)
          : new HandshakeError(conn.remoteEndpoint, info),
      );
    }
    if (conn.direction === 'inbound') {
      this.emit('rejected', { remote: conn.remoteEndpoint, stage: 'handshake', reason: info.reason, by: info.by, detail: info.message });
    }
  }

  onMessage(conn: Connection, topic: string, payload: Uint8Array): void {
    this.emit('message', { connection: conn, topic, payload });
  }

  onRequest(conn: Connection, requestId: number, topic: string, payload: Uint8Array): void {
    const reply = conn.replier(requestId);
    if (this.listenerCount('request') === 0) {
      reply(new Uint8Array(0), 'unknown-topic');
      return;
    }
    this.emit('request', { connection: conn, requestId, topic, payload, reply });
  }

  onAddr(conn: Connection, entries: AddrEntry[]): void {
    this.emit('addr', { connection: conn, entries });
  }

  onGetAddr(conn: Connection): void {
    this.emit('getaddr', { connection: conn });
  }

  onMisbehaviour(conn: Connection, severity: Severity, reason: string, detail: string): void {
    this.emit('misbehaviour', { connection: conn, peer: conn.remoteId, endpoint: conn.remoteEndpoint, severity, reason, detail });
  }
}
