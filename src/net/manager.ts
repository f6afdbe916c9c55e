// ConnectionManager: listens and dials, admits inbound peers within limits, one connection per node id, typed events.

import { classify, netGroup, parseEndpoint, type Endpoint, type EndpointLike } from '../core/address/index.js';
import type { Scheduler } from '../core/clock.js';
import type { Random } from '../core/random.js';
import type { Offence } from '../core/reputation/penalties.js';
import { cryptoRandom, systemScheduler } from '../platform/index.js';
import { VERSION } from '../version.js';
import { DEFAULT_MAX_FRAME_BYTES } from '../wire/constants.js';
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
import { Connection, DEFAULT_PING_BURST, DEFAULT_PINGS_PER_SECOND, type ConnectionConfig, type ConnectionOwner } from './connection.js';
import { ConnectionOptionsError, DuplicateConnectionError, HandshakeError, ManagerClosedError } from './errors.js';
import { TypedEmitter, type CloseInfo, type ConnectionManagerEvents } from './events.js';
import type { NodeIdentity } from './identity.js';
import { DEFAULT_HIGH_WATER_MARK } from './outbound-queue.js';
import { PendingPool } from './pending-pool.js';
import { DEFAULT_SEND_BUDGET_BYTES, SendBudget, type BudgetedQueue } from './send-budget.js';
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

/** The default net group of an IP as a map key: Bitcoin Core's /16 or /32, loopback spread like public addresses (devnets). */
const defaultGroupOf = (ip: string): string => Buffer.from(netGroup(ip, { allowLoopback: true, allowPrivate: true })).toString('hex');

/**
 * An inbound connection that has not authenticated: first a transport handshake (TLS), then our
 * HELLO/AUTH handshake on `conn`. It lives in the pending pool, never in an inbound slot.
 */
interface PendingHandshake {
  readonly attempt: InboundAttempt;
  readonly ip: string;
  conn: Connection | undefined;
  /** Cancels the transport-stage timer. */
  timer: { cancel(): void } | undefined;
}

/**
 * Owns every connection of a node. Inbound sockets are screened at accept (bans, per-IP limits)
 * before any TLS or handshake work, then wait in a small evictable pending pool until they
 * authenticate; only an authenticated peer takes an inbound slot (evicting someone when they are
 * full). Dials resolve with an authenticated Connection or reject with DialError, HandshakeError
 * (reason code inside), DuplicateConnectionError or ManagerClosedError. Every outbound queue is
 * charged to one node-wide send budget.
 */
export class ConnectionManager extends TypedEmitter<ConnectionManagerEvents> {
  readonly identity: NodeIdentity;
  readonly networkId: Uint8Array;
  readonly scheduler: Scheduler;
  readonly random: Random;
  readonly config: ConnectionConfig;
  readonly requests: RequestRouter<Connection>;
  readonly limits: InboundLimits;
  readonly transport: Transport;
  readonly budget: SendBudget<Connection>;
  #o: ConnectionManagerOptions;
  /** What connections call back into: private to this manager, so its methods are not public API. */
  #owner: ConnectionOwner;
  #handshakeTimeoutMs: number;
  #serial = 0;
  #listeners: Listener[] = [];
  #byId = new Map<string, Connection>();
  #all = new Set<Connection>();
  #pending: PendingPool<PendingHandshake>;
  #pendingByConn = new Map<Connection, PendingHandshake>();
  /** Handshakes from exempt (trusted) IPs: outside the pool's caps, but closed on shutdown like the rest. */
  #exemptPending = new Set<PendingHandshake>();
  #dialing = 0;
  /** Authenticated inbound connections, and per IP; outbound connections and dials. */
  #inbound = 0;
  #outbound = 0;
  #perIp = new Map<string, number>();
  /** Inbound connections that passed admission, so their close gives a slot back. */
  #slotted = new WeakSet<Connection>();
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
      pingsPerSecond: options.pingsPerSecond ?? DEFAULT_PINGS_PER_SECOND,
      pingBurst: options.pingBurst ?? DEFAULT_PING_BURST,
    };
    this.transport =
      options.transport ??
      ((options.encryption ?? 'tls') === 'tls' ? createTlsTransport({ scheduler: this.scheduler }) : createTcpTransport({ scheduler: this.scheduler }));
    this.requests = new RequestRouter<Connection>(
      this.scheduler,
      (conn, offence, requestId) => this.#onMisbehaviour(conn, offence, `request ${requestId}`),
      options.maxOutstandingRequests,
    );
    this.budget = new SendBudget<Connection>(options.sendBudgetBytes ?? DEFAULT_SEND_BUDGET_BYTES, (queues, excess) => this.#onBudgetExceeded(queues, excess));
    this.#pending = new PendingPool<PendingHandshake>({ maxPending: this.limits.maxPending, maxPendingPerIp: this.limits.maxPendingPerIp }, options.netGroupOf ?? defaultGroupOf);
    this.#listenPort = options.listenPort ?? 0;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    this.#owner = {
      scheduler: this.scheduler,
      random: this.random,
      config: this.config,
      requests: this.requests,
      budget: this.budget,
      nextSerial: () => ++self.#serial,
      onEstablished: (conn) => self.#onEstablished(conn),
      onClosed: (conn, info) => self.#onClosed(conn, info),
      onMessage: (conn, topic, payload) => self.emit('message', { connection: conn, topic, payload }),
      onRequest: (conn, requestId, topic, payload) => self.#onRequest(conn, requestId, topic, payload),
      onAddr: (conn, entries, bytes) => self.emit('addr', { connection: conn, entries, bytes }),
      onGetAddr: (conn) => self.emit('getaddr', { connection: conn }),
      onMisbehaviour: (conn, offence, detail) => self.#onMisbehaviour(conn, offence, detail),
    };
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
    for (const c of this.#all) if (c.state === 'handshaking' && c.direction === 'outbound') handshaking++;
    const pendingInbound = this.#pending.size + this.#exemptPending.size;
    return {
      established: this.#byId.size,
      inbound: this.#inbound,
      outbound: this.#outbound,
      handshaking: handshaking + pendingInbound + this.#dialing,
      pendingInbound,
      sendBudget: { usedBytes: this.budget.usedBytes, limitBytes: this.budget.limitBytes },
      listening: this.listenAddresses,
    };
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
    for (const p of [...this.#pending.items(), ...this.#exemptPending]) {
      if (!p.conn) this.#dropPending(p, undefined);
    }
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

  /**
   * A socket arrived. Cheap checks first (shutdown, bans, the per-IP limit), then it joins the
   * pending pool (perhaps evicting a squatter) and starts its handshakes. No inbound slot is taken
   * yet: that happens when it authenticates (#admit).
   */
  #onInbound(attempt: InboundAttempt): void {
    const { remote } = attempt;
    const refuse = (reason: DisconnectReason, detail: string) => {
      attempt.refuse(encodeDisconnect(reasonCode(reason), detail));
      this.emit('rejected', { remote, stage: 'accept', reason, by: 'local', detail });
    };
    if (this.#closed) return refuse('shutdown', 'the node is stopping');
    const ip = remote.ip;
    if (this.#o.isBanned?.ip?.(ip)) return refuse('banned', 'this address is banned');
    const pending: PendingHandshake = { attempt, ip, conn: undefined, timer: undefined };
    if (this.#o.isExempt?.(ip)) {
      this.#exemptPending.add(pending);
    } else {
      const fromIp = (this.#perIp.get(ip) ?? 0) + this.#pending.fromIp(ip);
      if (fromIp >= this.limits.maxPerIpInbound) return refuse('too-many-from-ip', `at most ${this.limits.maxPerIpInbound} connections from one address`);
      // A discouraged address gets no handshake work while the slots are full: it could only get in by eviction, which it may not cause.
      const full = this.#inbound >= this.limits.maxInbound || this.#inbound + this.#outbound >= this.limits.maxTotal;
      if (full && this.#o.isDiscouraged?.(ip)) return refuse('too-many-inbound', 'no free connection slot');
      const admission = this.#pending.admit(pending, ip);
      if (!admission.admitted) return refuse(admission.reason, `at most ${this.limits.maxPendingPerIp} unfinished handshakes from one address`);
      if (admission.evicted) this.#dropPending(admission.evicted, 'evicted');
    }
    const deadline = this.scheduler.now() + this.#handshakeTimeoutMs;
    // The transport's own handshake (TLS) counts against the handshake timeout too.
    pending.timer = this.scheduler.after(this.#handshakeTimeoutMs, () => {
      pending.timer = undefined;
      if (!pending.conn) this.#dropPending(pending, 'handshake-timeout');
    });
    attempt.accept().then(
      (link) => {
        pending.timer?.cancel();
        pending.timer = undefined;
        if (!this.#isPending(pending) || this.#closed) {
          link.destroy(); // timed out, evicted or shut down meanwhile
          if (this.#isPending(pending)) this.#forgetPending(pending);
          return;
        }
        const conn = this.#open(link, 'inbound', deadline);
        if (conn.state === 'handshaking') {
          pending.conn = conn;
          this.#pendingByConn.set(conn, pending);
        } else {
          this.#forgetPending(pending);
        }
      },
      (err: Error) => {
        pending.timer?.cancel();
        pending.timer = undefined;
        if (!this.#isPending(pending)) return;
        this.#forgetPending(pending);
        this.emit('rejected', { remote, stage: 'handshake', reason: 'connection-lost', by: 'remote', detail: err.message });
      },
    );
  }

  #isPending(p: PendingHandshake): boolean {
    return this.#pending.has(p) || this.#exemptPending.has(p);
  }

  #forgetPending(p: PendingHandshake): void {
    this.#pending.remove(p);
    this.#exemptPending.delete(p);
    if (p.conn) this.#pendingByConn.delete(p.conn);
  }

  /**
   * Ends a pending handshake: `reason` 'evicted' (room for a newcomer) or 'handshake-timeout' (the
   * transport handshake took too long), or undefined on shutdown (no event).
   */
  #dropPending(p: PendingHandshake, reason: 'evicted' | 'handshake-timeout' | undefined): void {
    if (p.conn) {
      // Past the transport stage: the connection's close reaches #onClosed, which reports it.
      if (reason === 'evicted') p.conn.destroy('evicted', 'the pending pool is full: making room for a newer arrival');
      return;
    }
    p.timer?.cancel();
    p.timer = undefined;
    this.#forgetPending(p);
    p.attempt.refuse(reason === 'evicted' ? encodeDisconnect(reasonCode('evicted'), 'the pending pool is full') : undefined);
    if (reason) {
      const detail = reason === 'evicted' ? 'unfinished handshake evicted: the pending pool is full' : 'the transport handshake did not finish in time';
      this.emit('rejected', { remote: p.attempt.remote, stage: 'handshake', reason, by: 'local', detail });
    }
  }

  /**
   * An inbound peer authenticated: it leaves the pending pool and needs a slot. Full slots make the
   * owner pick someone to evict (Core's eviction); with nobody to evict, the newcomer is refused.
   * Returns false when it was refused (and is being closed).
   */
  #admit(conn: Connection): boolean {
    const pending = this.#pendingByConn.get(conn);
    const exempt = pending !== undefined && this.#exemptPending.has(pending);
    if (pending) this.#forgetPending(pending);
    const ip = conn.remoteEndpoint.ip;
    if (!exempt) {
      const counts = { inbound: this.#inbound, total: this.#inbound + this.#outbound, fromIp: this.#perIp.get(ip) ?? 0 };
      const full = checkInbound(counts, this.limits);
      if (full === 'too-many-from-ip') return this.#refuseAuthenticated(conn, full, `at most ${this.limits.maxPerIpInbound} connections from one address`);
      if (full) {
        const victim = this.#o.isDiscouraged?.(ip) ? undefined : this.#o.selectEviction?.(conn.remoteEndpoint);
        if (!victim || !victim.isOpen) return this.#refuseAuthenticated(conn, full, 'no free connection slot');
        // The victim's slot is ours from now: give it back at once rather than when its close completes.
        this.#releaseSlot(victim);
        void victim.disconnect('evicted', 'making room for another peer');
      }
    }
    this.#inbound++;
    this.#perIp.set(ip, (this.#perIp.get(ip) ?? 0) + 1);
    this.#slotted.add(conn);
    return true;
  }

  #refuseAuthenticated(conn: Connection, reason: DisconnectReason, detail: string): false {
    void conn.disconnect(reason, detail);
    this.emit('rejected', { remote: conn.remoteEndpoint, stage: 'admission', reason, by: 'local', detail, ...(conn.remoteId ? { peer: conn.remoteId } : {}) });
    return false;
  }

  #releaseSlot(conn: Connection): void {
    if (!this.#slotted.delete(conn)) return;
    this.#inbound--;
    const ip = conn.remoteEndpoint.ip;
    const n = (this.#perIp.get(ip) ?? 1) - 1;
    if (n <= 0) this.#perIp.delete(ip);
    else this.#perIp.set(ip, n);
  }

  #open(link: Link, direction: 'inbound' | 'outbound', deadline: number): Connection {
    const o = this.#o;
    const conn = new Connection(
      this.#owner,
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

  /**
   * The node-wide send budget is spent: drop the peers holding the most until it is met again. A
   * peer that reads keeps its queue near empty, so those dropped are the ones not reading.
   */
  #onBudgetExceeded(queues: BudgetedQueue<Connection>[], excessBytes: number): void {
    let left = excessBytes;
    for (const q of queues) {
      if (left <= 0) break;
      const conn = q.subject;
      if (!conn || (conn.state !== 'open' && conn.state !== 'handshaking')) continue;
      left -= q.chargedBytes;
      conn.dropSlow(`the node-wide send budget (${this.budget.limitBytes} bytes) is spent and this peer holds the most (${q.chargedBytes} bytes)`);
    }
  }

  // ---- what connections report (through #owner) ----

  #onEstablished(conn: Connection): void {
    if (conn.nonce) this.#nonces.delete(nonceKey(conn.nonce));
    const id = conn.remoteId!;
    // One connection per node id first: a duplicate about to be closed must not cost anyone a slot.
    const existing = this.#byId.get(id);
    if (existing && existing !== conn) {
      const keepNew = this.#prefer(conn, existing);
      const loser = keepNew ? existing : conn;
      if (keepNew) this.#releaseSlot(existing);
      void loser.disconnect('duplicate', 'another connection to this node is kept');
      if (!keepNew) return;
    }
    if (conn.direction === 'inbound' && !this.#admit(conn)) return;
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

  #onClosed(conn: Connection, info: CloseInfo): void {
    this.#all.delete(conn);
    if (conn.nonce) this.#nonces.delete(nonceKey(conn.nonce));
    const pending = this.#pendingByConn.get(conn);
    if (pending) this.#forgetPending(pending);
    if (conn.direction === 'inbound') this.#releaseSlot(conn);
    else this.#outbound--;
    const id = conn.remoteId;
    if (id !== undefined && this.#byId.get(id) === conn) {
      this.#byId.delete(id);
      this.emit('closed', { connection: conn, ...info });
      return;
    }
    // Never announced: the handshake failed, it lost the one-per-node-id rule, or it found no slot.
    const waiter = this.#waiters.get(conn);
    if (waiter) {
      this.#waiters.delete(conn);
      waiter.reject(
        info.reason === 'duplicate'
          ? new DuplicateConnectionError(conn.remoteEndpoint, info, id ? this.get(id) : undefined)
          : new HandshakeError(conn.remoteEndpoint, info),
      );
    }
    if (conn.direction === 'inbound' && pending) {
      this.emit('rejected', { remote: conn.remoteEndpoint, stage: 'handshake', reason: info.reason, by: info.by, detail: info.message });
    }
  }

  #onRequest(conn: Connection, requestId: number, topic: string, payload: Uint8Array): void {
    const reply = conn.replier(requestId);
    if (this.listenerCount('request') === 0) {
      reply(new Uint8Array(0), 'unknown-topic');
      return;
    }
    this.emit('request', { connection: conn, requestId, topic, payload, reply });
  }

  #onMisbehaviour(conn: Connection, offence: Offence, detail: string): void {
    this.emit('misbehaviour', { connection: conn, peer: conn.remoteId, endpoint: conn.remoteEndpoint, offence, detail });
  }
}
