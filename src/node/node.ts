// The Node: peerwarden's library API (docs/node.md) over one session at a time — thin, each call handed to the module that owns it.

import { formatEndpoint, parseEndpoint, type EndpointLike } from '../core/address/index.js';
import type { Scheduler } from '../core/clock.js';
import { inspectGovernor, type GovernorView } from '../core/governor/index.js';
import type { Random } from '../core/random.js';
import { isPenalty, type BanEntry, type Penalty, type ReportOutcome } from '../core/reputation/index.js';
import { checkBanDuration } from '../core/reputation/banlist.js';
import { PeerGoneError } from '../core/requests/errors.js';
import { TypedEmitter, type NodeIdentity } from '../net/index.js';
import type { StoredEvent } from '../store/index.js';
import { bookView } from './book-view.js';
import type { ResolvedConfig, Targets } from './config.js';
import { ConnectError, NodeStateError, ReadyTimeoutError } from './errors.js';
import { computeHealth } from './health.js';
import type { HistoryQuery } from './history.js';
import { HandlerRegistry, type RequestHandler } from './requests.js';
import type { NodeRuntime } from './runtime.js';
import { NodeSession } from './session.js';
import { collectStats, type NodeStats } from './stats.js';
import type { AddressBookView, NodeEvents, NodeHealth, PeerInfo } from './types.js';

export interface BroadcastOptions {
  /** Peers to skip: a node id or several (typically the one the message came from). */
  except?: string | readonly string[];
  /** 'hot' (default): peers carrying application traffic; 'all': every connected peer. */
  to?: 'hot' | 'all';
}

const isNodeIdText = (s: string) => /^[0-9a-f]{64}$/.test(s);

/**
 * Something that runs alongside a node from start to stop — the HTTP API, when the library's
 * createNode starts one. `start` returns a value the node hands out under the attachment's name
 * (`node.api` for 'api'). A failing start is reported as a 'node:error' event and the node runs on
 * without it: an optional extra must never take the peer-to-peer node down.
 */
export interface NodeAttachment {
  readonly name: string;
  start(node: Node): Promise<unknown>;
  stop(): Promise<void>;
}

/** A node's runtime plus what runs alongside it (attachments live here, not in NodeRuntime, which the session also reads). */
export interface NodeOptions extends NodeRuntime {
  /** Started after the node, stopped before it (see NodeAttachment). */
  attachments?: NodeAttachment[];
}

/**
 * A peer-to-peer node. Create it with `createNode(config)`, then `start()`; it keeps itself
 * connected to a diverse set of peers until `stop()`. A stopped node can be started again (its
 * state is reloaded from the store).
 */
export class Node {
  readonly config: ResolvedConfig;
  #runtime: NodeOptions;
  #identity: NodeIdentity;
  #scheduler: Scheduler;
  #random: Random;
  #emitter = new TypedEmitter<NodeEvents>();
  #handlers = new HandlerRegistry();
  #session: NodeSession | undefined;
  #starting: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  /** What each running attachment handed out (see NodeAttachment), by name. */
  #attached = new Map<string, unknown>();

  constructor(config: ResolvedConfig, runtime: NodeOptions, identity: NodeIdentity, scheduler: Scheduler, random: Random) {
    this.config = config;
    this.#runtime = runtime;
    this.#identity = identity;
    this.#scheduler = scheduler;
    this.#random = random;
  }

  /** The node id: 64 lowercase hex characters (the Ed25519 public key). */
  get id(): string {
    return this.#identity.nodeId;
  }

  /** Where the node listens (real ports once started), as "ip:port". */
  get listenAddresses(): string[] {
    const s = this.#live();
    return s ? s.cm.listenAddresses.map((e) => formatEndpoint(e)) : [];
  }

  get isRunning(): boolean {
    return this.#live() !== undefined;
  }

  /** When the current run started (ms), or undefined while stopped. */
  get startedAt(): number | undefined {
    return this.#live()?.startedAt;
  }

  /**
   * The HTTP API while it runs: its base URL and the bearer token for changes. Started by the
   * library's createNode when the config has an `api` section (`api: {}` for the defaults);
   * undefined otherwise.
   */
  get api(): { url: string; token: string } | undefined {
    return this.#attached.get('api') as { url: string; token: string } | undefined;
  }

  /** The connection targets and limits in force. */
  get targets(): Targets {
    return { ...this.config.targets };
  }

  async start(): Promise<void> {
    if (this.#session && !this.#session.stopped) return this.#starting;
    if (this.#stopping) await this.#stopping;
    this.#starting = (async () => {
      const session = await NodeSession.open({
        config: this.config,
        runtime: this.#runtime,
        identity: this.#identity,
        scheduler: this.#scheduler,
        random: this.#random,
        emitter: this.#emitter,
        handlers: this.#handlers,
      });
      this.#session = session;
      try {
        await session.start();
      } catch (err) {
        this.#session = undefined;
        await session.stop().catch(() => {});
        throw err;
      }
      for (const a of this.#runtime.attachments ?? []) {
        try {
          this.#attached.set(a.name, await a.start(this));
        } catch (err) {
          this.#emitter.emit('node:error', { at: this.#scheduler.now(), context: a.name, error: err as Error });
        }
      }
      this.#emitter.emit('node:started', { at: this.#scheduler.now(), id: this.id, listenAddresses: this.listenAddresses });
    })();
    try {
      await this.#starting;
    } finally {
      this.#starting = undefined;
    }
  }

  /** Says goodbye to every peer, saves anchors, flushes and closes the store. */
  async stop(): Promise<void> {
    if (this.#starting) await this.#starting.catch(() => {});
    const s = this.#session;
    if (!s || s.stopped) return this.#stopping;
    const attached = (this.#runtime.attachments ?? []).filter((a) => this.#attached.has(a.name));
    this.#attached.clear();
    this.#stopping = Promise.all(attached.map((a) => a.stop().catch(() => {})))
      .then(() => s.stop())
      .then(() => {
        this.#emitter.emit('node:stopped', { at: this.#scheduler.now() });
      });
    try {
      await this.#stopping;
    } finally {
      this.#stopping = undefined;
    }
  }

  // ---------------------------------------------------------------- peers

  peers(): PeerInfo[] {
    return this.#live()?.table.list() ?? [];
  }

  peer(id: string): PeerInfo | undefined {
    const s = this.#live();
    const rec = s?.table.get(id);
    return s && rec ? s.table.info(rec) : undefined;
  }

  /**
   * Connects to `endpoint` (an operator's connection: hot, outside the targets). With `static`,
   * it is kept connected from now on. Resolves when the handshake is done; rejects with
   * ConnectError when the dial fails (a static peer is retried in the background anyway).
   */
  connect(endpoint: EndpointLike, opts: { static?: boolean } = {}): Promise<PeerInfo> {
    const s = this.#require();
    const ep = parseEndpoint(endpoint);
    const key = formatEndpoint(ep);
    const existing = s.table.findByEndpoint(key);
    if (existing) {
      if (opts.static) s.driver.feed({ type: 'connectRequested', endpoint: ep, static: true });
      return Promise.resolve(s.table.info(existing));
    }
    if (s.gossipable(ep)) {
      s.book.add([{ endpoint: ep, time: s.scheduler.now(), origin: 'manual' }], ep.ip, 0);
    }
    return new Promise<PeerInfo>((resolve, reject) => {
      const off = [
        this.on('peer:connected', (e) => {
          if (e.endpoint !== key || e.direction !== 'outbound') return;
          done();
          // The governor promotes it in the same step: answer once that step is over.
          queueMicrotask(() => {
            const info = e.id !== undefined ? this.peer(e.id) : undefined;
            if (info) resolve(info);
            else reject(new ConnectError(key, 'the connection closed right after the handshake'));
          });
        }),
        this.on('peer:dial-failed', (e) => {
          if (e.endpoint !== key) return;
          done();
          reject(new ConnectError(key, e.reason));
        }),
        this.on('node:stopped', () => {
          done();
          reject(new ConnectError(key, 'the node stopped'));
        }),
      ];
      const done = () => off.forEach((f) => f());
      s.driver.feed({ type: 'connectRequested', endpoint: ep, ...(opts.static ? { static: true } : {}) });
    });
  }

  /** Closes the connection to a peer (a static peer is redialled after its backoff). False when not connected. */
  disconnect(id: string, reason = 'requested by the operator'): boolean {
    const s = this.#live();
    const rec = s?.table.get(id);
    if (!s || !rec) return false;
    s.driver.feed({ type: 'disconnectRequested', id: rec.id, cause: 'requested', reason });
    return true;
  }

  /** Marks a peer busy (e.g. downloading from it): never demoted, churned or evicted while busy. */
  setBusy(id: string, busy: boolean): boolean {
    const s = this.#live();
    const rec = s?.table.get(id);
    if (!s || !rec) return false;
    rec.busy = busy;
    s.driver.feed({ type: 'peerBusy', id: rec.id, busy });
    return true;
  }

  /** The application's verdict on a peer: 'useful' (+1, capped) or a penalty with its reason. */
  reportPeer(id: string, kind: 'useful' | Penalty, reason: string): ReportOutcome {
    const s = this.#require();
    if (kind !== 'useful' && !isPenalty(kind)) throw new TypeError(`reportPeer: kind must be 'useful', 'fatal', 'high', 'mid' or 'low', got ${JSON.stringify(kind)}`);
    const lower = id.toLowerCase();
    if (!isNodeIdText(lower)) throw new TypeError(`reportPeer: ${JSON.stringify(id)} is not a node id (64 hex characters)`);
    const rec = s.table.get(lower);
    return s.bridge.report({ id: lower, ...(rec ? { endpoint: rec.connection.remoteEndpoint } : {}) }, kind, reason);
  }

  // ---------------------------------------------------------------- bans

  /**
   * Bans a node id, an IP or a CIDR subnet (persisted before this returns); matching peers are closed.
   * `durationMs` is at most MAX_BAN_DURATION_MS (100 years); omit it for a ban until lifted. Throws
   * BanDurationError for a duration out of range and BanTargetError for a bad target.
   */
  ban(target: string, opts: { durationMs?: number; reason: string }): BanEntry {
    // Checked before anything else so a bad duration is reported the same way whether the node runs or not.
    const badDuration = opts?.durationMs === undefined ? undefined : checkBanDuration(opts.durationMs);
    if (badDuration) throw badDuration;
    const s = this.#require();
    const reason = opts?.reason || 'banned by the operator';
    return s.bridge.ban(target, { reason, ...(opts?.durationMs !== undefined ? { durationMs: opts.durationMs } : {}) });
  }

  /** Lifts a ban; false when there was none. */
  unban(target: string): boolean {
    return this.#require().bridge.unban(target);
  }

  bans(): BanEntry[] {
    return this.#live()?.reputation.bans.entries() ?? [];
  }

  // ---------------------------------------------------------------- traffic

  /** Queues one MESSAGE, encoded once, on every hot peer (or every peer); returns how many. */
  broadcast(topic: string, payload: Uint8Array, opts: BroadcastOptions = {}): number {
    const s = this.#live();
    if (!s) return 0;
    const except = new Set(typeof opts.except === 'string' ? [opts.except] : (opts.except ?? []));
    const targets = [...s.table.connections(opts.to ?? 'hot')].filter((c) => !except.has(c.remoteId!));
    const n = s.cm.broadcast(targets, topic, payload);
    s.counters.broadcast(n);
    for (let i = 0; i < n; i++) s.counters.message('out', 'message', 4 + 1 + 1 + Buffer.byteLength(topic) + payload.length);
    return n;
  }

  /** Sends one MESSAGE to one peer; false when it is not connected (or shed as a slow peer's gossip). */
  send(id: string, topic: string, payload: Uint8Array): boolean {
    const s = this.#live();
    const rec = s?.table.get(id);
    if (!s || !rec) return false;
    const ok = rec.connection.send(topic, payload);
    if (ok) s.counters.message('out', 'message', 4 + 1 + 1 + Buffer.byteLength(topic) + payload.length);
    return ok;
  }

  /** Sends a REQUEST; rejects with RequestTimeoutError, PeerGoneError or RemoteError. */
  request(id: string, topic: string, payload: Uint8Array, opts: { timeoutMs?: number } = {}): Promise<Uint8Array> {
    const s = this.#live();
    const rec = s?.table.get(id);
    if (!s || !rec) return Promise.reject(new PeerGoneError(id, 'not connected'));
    return s.requests.request(rec.connection, topic, payload, opts.timeoutMs);
  }

  /** Answers REQUESTs on `topic` (a throw answers status 1); returns a function that removes the handler. */
  handle(topic: string, fn: RequestHandler): () => void {
    return this.#handlers.set(topic, fn);
  }

  // ---------------------------------------------------------------- events and views

  /** Subscribes to a typed event; returns a function that unsubscribes. */
  on<K extends keyof NodeEvents>(event: K, listener: (e: NodeEvents[K]) => void): () => void {
    return this.#emitter.on(event, listener);
  }

  off<K extends keyof NodeEvents>(event: K, listener: (e: NodeEvents[K]) => void): void {
    this.#emitter.off(event, listener);
  }

  once<K extends keyof NodeEvents>(event: K, listener: (e: NodeEvents[K]) => void): () => void {
    const off = this.#emitter.on(event, (e) => {
      off();
      listener(e);
    });
    return off;
  }

  /** The address book, read only (empty while stopped). */
  get addressBook(): AddressBookView {
    return bookView(() => this.#live()?.book);
  }

  stats(): NodeStats {
    return collectStats(this, this.#live());
  }

  health(): NodeHealth {
    return computeHealth(this.#live(), this.config.targets);
  }

  /** The governor's state as JSON: peers by temperature, dials, backoff, anchors, timers. */
  inspectGovernor(): GovernorView | undefined {
    const s = this.#live();
    return s ? inspectGovernor(s.governor, s.scheduler.now()) : undefined;
  }

  /**
   * The stored history of a peer, oldest first: by node id (its events and those of the endpoints
   * it was seen at: where its address was learned, dials) or by endpoint ("ip:port").
   */
  history(idOrEndpoint: string, query: HistoryQuery = {}): StoredEvent[] {
    const s = this.#live();
    if (!s) return [];
    const key = idOrEndpoint.toLowerCase();
    if (isNodeIdText(key)) {
      const endpoints = new Set<string>();
      const stored = s.ledger.get(key);
      if (stored?.lastEndpoint) endpoints.add(stored.lastEndpoint);
      const rec = s.table.get(key);
      if (rec) {
        endpoints.add(formatEndpoint(rec.connection.remoteEndpoint));
        const listen = rec.connection.remoteListenEndpoint;
        if (listen) endpoints.add(formatEndpoint(listen));
      }
      return s.history.query({ id: key, endpoints: [...endpoints] }, query);
    }
    return s.history.query({ endpoints: [formatEndpoint(parseEndpoint(idOrEndpoint))] }, query);
  }

  /**
   * Resolves once at least `minPeers` peers are connected (default 1). With `timeoutMs`, rejects
   * with ReadyTimeoutError if that does not happen in time; the node keeps trying either way.
   */
  ready(opts: { minPeers?: number; timeoutMs?: number } = {}): Promise<void> {
    const minPeers = opts.minPeers ?? 1;
    const count = () => this.#live()?.table.size ?? 0;
    if (count() >= minPeers) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = opts.timeoutMs !== undefined ? this.#scheduler.after(opts.timeoutMs, () => {
        off();
        reject(new ReadyTimeoutError(minPeers, count(), opts.timeoutMs!));
      }) : undefined;
      const off = this.on('peer:connected', () => {
        // The peer is in the table once the governor's event is out: check on the next microtask.
        queueMicrotask(() => {
          if (count() < minPeers) return;
          off();
          timer?.cancel();
          resolve();
        });
      });
    });
  }

  #live(): NodeSession | undefined {
    const s = this.#session;
    return s && !s.stopped ? s : undefined;
  }

  #require(): NodeSession {
    const s = this.#live();
    if (!s) throw new NodeStateError('the node is not running: call await node.start() first');
    return s;
  }
}
