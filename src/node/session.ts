// One run of a node (start → stop): builds and wires store, book, reputation, governor, connections and discovery.

import { formatEndpoint, isAcceptable, normalizeIp, parseEndpoint, type Asmap, type Endpoint } from '../core/address/index.js';
import type { AddressBook } from '../core/addrbook/index.js';
import type { Scheduler, Timer } from '../core/clock.js';
import { createGovernorState, isExemptPeer, wantsOutbound, type GovernorState } from '../core/governor/index.js';
import type { Random } from '../core/random.js';
import { BanList, Reputation } from '../core/reputation/index.js';
import { createBookSink, Discovery, PeerExchange, systemResolver, type HostResolver } from '../discovery/index.js';
import { ConnectionManager, type Connection, type NodeIdentity, type TypedEmitter } from '../net/index.js';
import { BookPersister, loadAddressBook, MemoryStore, openStore, type Store } from '../store/index.js';
import { admissionOptions } from './admission.js';
import { loadAsmapFile } from './asmap-file.js';
import { ListenError } from './errors.js';
import type { ResolvedConfig } from './config.js';
import { NodeCounters } from './counters.js';
import { DialTracker } from './dials.js';
import { executeEffects } from './effects.js';
import { GovernorDriver } from './governor-driver.js';
import { EventHistory } from './history.js';
import { wireNetEvents, type ConnectionRole } from './net-events.js';
import { PeerLedger } from './peer-ledger.js';
import { resolvePeerRefs } from './peer-refs.js';
import { PeerTable } from './peer-table.js';
import { RefusalLog } from './refusals.js';
import { EclipseWatch } from './eclipse-watch.js';
import { ReputationBridge } from './reputation-bridge.js';
import { RequestService, type HandlerRegistry } from './requests.js';
import type { NodeRuntime } from './runtime.js';
import type { NodeEvents, PeerEvent } from './types.js';
import { VisitTracker } from './visits.js';

/** Book, peers and events are written at least this often (a crash loses at most the last second, docs/persistence.md). */
export const DEFAULT_FLUSH_INTERVAL_MS = 1000;

export interface SessionInit {
  config: ResolvedConfig;
  runtime: NodeRuntime;
  identity: NodeIdentity;
  scheduler: Scheduler;
  random: Random;
  emitter: TypedEmitter<NodeEvents>;
  handlers: HandlerRegistry;
}

const isWildcard = (ip: string) => ip === '0.0.0.0' || ip === '::';

/**
 * Everything one run of a node owns. `NodeSession.open` loads the store and builds the parts;
 * `start` listens and begins; `stop` says goodbye, saves anchors and flushes. The parts are
 * public to the node's own modules (effects, events, admission), not to applications.
 */
export class NodeSession {
  readonly config: ResolvedConfig;
  readonly runtime: NodeRuntime;
  readonly identity: NodeIdentity;
  readonly scheduler: Scheduler;
  readonly random: Random;
  readonly emitter: TypedEmitter<NodeEvents>;
  readonly resolver: HostResolver;
  readonly store: Store;
  readonly book: AddressBook;
  readonly reputation: Reputation;
  readonly governor: GovernorState;
  readonly driver: GovernorDriver;
  readonly cm: ConnectionManager;
  readonly table: PeerTable;
  readonly counters = new NodeCounters();
  readonly history: EventHistory;
  readonly ledger: PeerLedger;
  readonly bridge: ReputationBridge;
  readonly exchange: PeerExchange;
  readonly discovery: Discovery;
  readonly dials: DialTracker;
  readonly visits: VisitTracker;
  readonly requests: RequestService;
  readonly refusals: RefusalLog;
  /** The eclipse alarm (undefined when the runtime turned it off). */
  readonly eclipse: EclipseWatch | undefined;
  /** The AS map peers are grouped by, if one is configured. */
  readonly asmap: Asmap | undefined;
  readonly roles = new WeakMap<Connection, ConnectionRole>();
  /** Bytes of connections that have closed (live ones are read from the connections). */
  readonly closedBytes = { in: 0, out: 0 };
  startedAt = 0;
  #ownsStore: boolean;
  #persister: BookPersister;
  #flushTimer: Timer | undefined;
  #stopped = false;

  private constructor(init: SessionInit, store: Store, ownsStore: boolean, peers: Awaited<ReturnType<typeof resolvePeerRefs>>, asmap: Asmap | undefined) {
    const { config, runtime, scheduler, random } = init;
    this.config = config;
    this.runtime = runtime;
    this.identity = init.identity;
    this.scheduler = scheduler;
    this.random = random;
    this.emitter = init.emitter;
    this.resolver = runtime.resolver ?? systemResolver;
    this.store = store;
    this.#ownsStore = ownsStore;
    const { allowLoopback, allowPrivate, targets } = config;

    this.asmap = asmap;
    const grouping = { allowLoopback, allowPrivate, ...(asmap ? { asmap } : {}) };
    this.book = loadAddressBook(store, { clock: scheduler, random, ...grouping, ...runtime.addressBook });
    const bans = new BanList({ clock: scheduler, entries: store.bans() });
    this.governor = createGovernorState(
      {
        ...runtime.governor,
        targets: { hot: targets.hot, outbound: targets.outbound, maxInbound: targets.maxInbound, maxTotal: targets.maxTotal },
        maxInboundPerIp: targets.maxInboundPerIp,
        staticPeers: peers.staticPeers,
        trustedPeers: peers.trustedPeers,
        self: config.listen.filter((e) => !isWildcard(e.ip) && e.port !== 0),
        ...grouping,
      },
      scheduler,
      random,
      { anchors: store.anchors().map((a) => a.endpoint) },
    );
    const governor = this.governor;
    this.reputation = new Reputation({ clock: scheduler, bans, isExempt: (p) => isExemptPeer(governor, p) });
    this.#restoreScores();

    this.table = new PeerTable(() => this.governor, (id) => this.reputation.score(id), grouping);
    this.history = new EventHistory(store);
    this.ledger = new PeerLedger(store, scheduler, (id) => this.reputation.score(id));

    const transport = runtime.transport ?? (runtime.network ? runtime.network.transport(this.#memoryIp()) : undefined);
    const c = runtime.connections ?? {};
    this.cm = new ConnectionManager({
      identity: this.identity,
      network: config.network,
      encryption: config.encryption,
      ...(transport ? { transport } : {}),
      listen: config.listen,
      scheduler,
      random,
      userAgent: config.userAgent,
      ...(runtime.services !== undefined ? { services: runtime.services } : {}),
      ...(c.handshakeTimeoutMs !== undefined ? { handshakeTimeoutMs: c.handshakeTimeoutMs } : {}),
      ...(c.pingIntervalMs !== undefined ? { pingIntervalMs: c.pingIntervalMs } : {}),
      ...(c.maxMissedPongs !== undefined ? { maxMissedPongs: c.maxMissedPongs } : {}),
      ...(c.closeTimeoutMs !== undefined ? { closeTimeoutMs: c.closeTimeoutMs } : {}),
      ...(c.maxFrameBytes !== undefined ? { maxFrameBytes: c.maxFrameBytes } : {}),
      ...(c.highWaterMark !== undefined ? { highWaterMark: c.highWaterMark } : {}),
      ...(c.pingsPerSecond !== undefined ? { pingsPerSecond: c.pingsPerSecond } : {}),
      ...(c.pingBurst !== undefined ? { pingBurst: c.pingBurst } : {}),
      sendBudgetBytes: config.limits.sendBudgetBytes,
      ...admissionOptions(this),
    });

    this.driver = new GovernorDriver({
      state: governor,
      scheduler,
      random,
      context: {
        addresses: this.book,
        bans: this.reputation,
        isDiscouraged: (ip) => this.reputation.isDiscouraged(ip),
        scoreOf: (id) => this.reputation.score(id),
      },
      execute: (effects) => executeEffects(this, effects),
      onError: (err, input) => this.reportError(`governor input ${input.type}`, err),
    });
    const feed = this.driver.feed.bind(this.driver);
    this.refusals = new RefusalLog(scheduler, (e) => this.publish(e));
    const alarmTuning = runtime.eclipseAlarm;
    this.eclipse =
      alarmTuning === false
        ? undefined
        : new EclipseWatch({
            scheduler,
            book: this.book,
            governor: () => this.governor,
            grouping,
            inboundIps: () => [...this.table.records()].filter((r) => r.connection.direction === 'inbound').map((r) => r.connection.remoteEndpoint.ip),
            publish: (alarm, state) => {
              this.counters.alarm(alarm.kind, state);
              this.emitter.emit('node:alarm', { at: scheduler.now(), state, alarm });
            },
            ...(alarmTuning?.thresholds ? { thresholds: alarmTuning.thresholds } : {}),
            ...(alarmTuning?.checkIntervalMs !== undefined ? { checkIntervalMs: alarmTuning.checkIntervalMs } : {}),
          });
    this.bridge = new ReputationBridge({
      reputation: this.reputation,
      store,
      scheduler,
      counters: this.counters,
      ledger: this.ledger,
      publish: (e) => this.publish(e),
      feed,
      endpointOf: (id) => {
        const rec = this.table.get(id);
        return rec ? formatEndpoint(rec.connection.remoteEndpoint) : undefined;
      },
    });

    const sink = createBookSink({
      book: this.book,
      accept: (ep) => this.gossipable(ep) && !this.isSelf(ep),
      onDiscovered: (endpoint, p, time) => {
        this.counters.learned(p.origin, 1);
        if (EclipseWatch.isConfiguredOrigin(p.origin)) this.eclipse?.vouch(endpoint.ip);
        this.publish({
          type: 'peer:discovered',
          at: scheduler.now(),
          endpoint: formatEndpoint(endpoint),
          reason: `learned from ${p.from}`,
          data: { origin: p.origin, source: p.source, heardAt: time, ...(p.peerId !== undefined ? { from: p.peerId } : {}) },
        });
      },
      // News of addresses matters to the governor only while it has outbound slots to fill.
      onLearned: (count, p) => {
        if (wantsOutbound(this.driver.state)) feed({ type: 'addressesLearned', count, source: p.origin });
      },
    });
    this.exchange = new PeerExchange({
      sink,
      book: this.book,
      clock: scheduler,
      random,
      isBanned: (ip) => this.reputation.isBanned({ ip }),
      isDiscouraged: (ip) => this.reputation.isDiscouraged(ip),
      report: (id, offence, detail) => {
        const rec = this.table.get(id);
        this.bridge.offence({ id, ...(rec ? { endpoint: rec.connection.remoteEndpoint } : {}) }, offence, detail);
      },
      allowLoopback,
      allowPrivate,
      selfEndpoints: () => this.selfEndpoints(),
      hub: config.hub,
    });
    const dialTimeoutMs = c.dialTimeoutMs ?? c.handshakeTimeoutMs;
    this.dials = new DialTracker(this.cm, feed, this.counters, dialTimeoutMs);
    this.visits = new VisitTracker(this.cm, scheduler, this.counters, dialTimeoutMs, (key) => this.dials.has(key) || this.table.findByEndpoint(key) !== undefined);
    this.discovery = new Discovery({
      seeds: config.seeds,
      dnsSeeds: config.dnsSeeds,
      hubs: config.hubs,
      localProbe: config.localProbe,
      resolver: this.resolver,
      scheduler,
      random,
      sink,
      visitor: this.visits,
      selfEndpoints: () => this.selfEndpoints(),
      lowWater: Math.max(8, 2 * targets.outbound),
      ...runtime.discovery,
      onEvent: (e) => this.emitter.emit('discovery', e),
    });
    this.requests = new RequestService({
      handlers: init.handlers,
      scheduler,
      counters: this.counters,
      completed: (e) => this.emitter.emit('request:completed', e),
    });
    this.#persister = new BookPersister(this.book, store, scheduler);
    wireNetEvents(this);
    for (const p of peers.problems) this.reportError('static/trusted peers', new Error(p));
  }

  /** Opens the store (or uses the injected one), loads book, bans, scores and anchors, builds the parts. */
  static async open(init: SessionInit): Promise<NodeSession> {
    const { config, runtime } = init;
    // The map first: a bad file is a configuration problem, reported before any data is touched.
    const asmap = runtime.asmap ?? (config.asmap !== null ? loadAsmapFile(config.asmap) : undefined);
    const peers = await resolvePeerRefs(config.staticPeers, config.trustedPeers, runtime.resolver ?? systemResolver);
    let store: Store;
    let owns = true;
    if (runtime.store) {
      store = runtime.store;
      owns = false;
    } else if (config.dataDir === null) {
      store = new MemoryStore(runtime.eventCap !== undefined ? { eventCap: runtime.eventCap } : {});
    } else {
      store = openStore(config.dataDir, {
        ...(runtime.resetAddressBook ? { resetAddressBook: true } : {}),
        ...(runtime.onAddressBookReset ? { onReset: runtime.onAddressBookReset } : {}),
        ...(runtime.eventCap !== undefined ? { eventCap: runtime.eventCap } : {}),
      });
    }
    try {
      return new NodeSession(init, store, owns, peers, asmap);
    } catch (err) {
      if (owns) store.close();
      throw err;
    }
  }

  /** Listens, sweeps expired bans, makes the first governor tick (anchors first), starts discovery. */
  async start(): Promise<void> {
    let listening: Endpoint[];
    try {
      listening = await this.cm.start();
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new ListenError(this.config.listen.map((l) => formatEndpoint(l)), e.code, e.message);
    }
    for (const ep of listening) if (!isWildcard(ep.ip) && ep.port !== 0) this.governor.selfKeys.add(formatEndpoint(ep));
    this.startedAt = this.scheduler.now();
    this.bridge.startSweeping();
    this.eclipse?.start();
    this.driver.start();
    this.#armFlush();
    void this.discovery.start().catch((err: Error) => this.reportError('discovery', err));
  }

  /** Goodbye to every peer, anchors saved, store flushed (and closed when the session opened it). */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.discovery.stop();
    this.bridge.stop();
    this.driver.feed({ type: 'shutdown' });
    // ConnectionManager.close() waits for its listeners before saying goodbye, and a TCP server's
    // close waits for its connections: say goodbye to every peer at once, or two nodes stopping
    // together would each wait for the other.
    const closing = this.cm.close('shutdown');
    for (const c of [...this.cm.connections()]) void c.disconnect('shutdown');
    await closing;
    this.refusals.stop();
    this.eclipse?.stop();
    this.driver.stop();
    this.#flushTimer?.cancel();
    this.#flushTimer = undefined;
    this.guard('final flush', () => {
      this.#persister.close();
      this.ledger.flush();
      this.history.flush();
    });
    if (this.#ownsStore) this.guard('closing the store', () => this.store.close());
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Publishes a peer event: its own name, the catch-all 'peer:event', and the peer history. */
  publish(e: PeerEvent): void {
    this.history.record(e);
    this.emitter.emit(e.type, e);
    this.emitter.emit('peer:event', e);
  }

  /** Runs a background chore; a failure is reported as 'node:error', never thrown. */
  guard(context: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.reportError(context, err as Error);
    }
  }

  reportError(context: string, error: Error): void {
    this.emitter.emit('node:error', { at: this.scheduler.now(), context, error });
  }

  /** Whether an address may be stored or gossiped: not port 0, acceptable, not banned or discouraged. */
  gossipable(ep: Endpoint): boolean {
    return this.exchange.isGossipable(ep);
  }

  isSelf(ep: Endpoint): boolean {
    const keys = this.governor.selfKeys;
    if (keys.size !== this.#selfIpsOf) {
      // Our keys are few and change only when a listener starts; their IPs tell nearly every
      // gossiped address apart from ours without formatting it.
      this.#selfIps = new Set([...keys].map((k) => parseEndpoint(k).ip));
      this.#selfIpsOf = keys.size;
    }
    return this.#selfIps.has(normalizeIp(ep.ip)) && keys.has(formatEndpoint(ep));
  }
  #selfIps = new Set<string>();
  #selfIpsOf = 0;

  /** Our listening endpoints worth announcing: specific IPs of an acceptable class, real ports. */
  selfEndpoints(): Endpoint[] {
    const opts = { allowLoopback: this.config.allowLoopback, allowPrivate: this.config.allowPrivate };
    return this.cm.listenAddresses.filter((e) => !isWildcard(e.ip) && e.port !== 0 && isAcceptable(e.ip, opts));
  }

  /** Writes book, peers and events; runs every flush interval. */
  flush(): void {
    this.#persister.flush();
    this.ledger.flush();
    this.history.flush();
  }

  #armFlush(): void {
    const every = Math.max(1, this.runtime.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS);
    this.#flushTimer = this.scheduler.after(every, () => {
      this.#flushTimer = undefined;
      if (this.#stopped) return;
      this.guard('writing to the store', () => this.flush());
      this.#armFlush();
    });
  }

  #restoreScores(): void {
    const now = this.scheduler.now();
    for (const p of this.store.peers()) {
      if (p.score === 0 || !Number.isFinite(p.score)) continue;
      const ban = this.reputation.bans.get({ kind: 'id', target: p.id });
      const frozenUntil = ban ? (ban.expiresAt ?? Infinity) : undefined;
      this.reputation.scores.restore(p.id, { value: p.score, at: Math.min(p.scoreAt, now), ...(frozenUntil !== undefined ? { frozenUntil } : {}) });
    }
  }

  #memoryIp(): string {
    const ip = this.config.listen[0]?.ip;
    if (ip === undefined || isWildcard(ip)) throw new Error('a node on a memory network needs a specific listen IP (listen: "10.0.0.1:7000")');
    return ip;
  }
}
