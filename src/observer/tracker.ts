// The peer tracker: folds parsed log events (and socket observations) into per-connection sessions.
//
// A session is one TCP connection of the observed node, keyed by its local and remote endpoints. It
// has two independent tracks: the outbound governor's (peer selection: cold/warm/hot/cooling) and the
// inbound governor's (how the remote side uses our connection). One connection can be hot on both:
// with duplex connections the node reuses an inbound connection for its own outbound use, so the
// direction of the TCP handshake says little. Every change is emitted once as a typed event with a
// reason, and kept in a bounded per-session history. No I/O, no clock: times come from the events.
import { parseEndpoint, type Endpoint } from '../core/address/index.js';
import { connectionIdText, endpointText, UNKNOWN_LOCAL } from './endpoint-text.js';
import type {
  ConnectionManagerCounters,
  Direction,
  EventSource,
  HandshakeInfo,
  HistoryEntry,
  InboundGovernorCounters,
  LogEvent,
  NodeStatus,
  ObservedPeer,
  ObservedPeerEvent,
  ObservedState,
  OutboundChange,
  RemoteChange,
  ServerScope,
  TrackInfo,
} from './types.js';

export interface TrackerOptions {
  /**
   * History entries kept per session. 100 covers a long-lived peer's churn cycles (a promotion and
   * demotion pair roughly every hour) for days, at a few KB per peer.
   */
  historyLimit?: number;
  /**
   * Closed sessions kept for `peer(id)` lookups. 1000 is several hours of churn on a relay with the
   * default targets (about 30 established peers, 20 % replaced per ~1 h churn cycle, plus inbound).
   */
  closedLimit?: number;
}

const DEFAULT_HISTORY_LIMIT = 100;
const DEFAULT_CLOSED_LIMIT = 1000;

/** The state a remote (inbound-governor) transition implies when we have not seen the track before. */
const REMOTE_IMPLIED_FROM: Record<RemoteChange, ObservedState> = {
  PromotedToWarmRemote: 'cold',
  PromotedToHotRemote: 'warm',
  DemotedToWarmRemote: 'hot',
  DemotedToColdRemote: 'warm',
};

/** Inbound-governor RemoteSt names as track states (idle: connected, remote not using it yet). */
const REMOTE_ST: Record<string, ObservedState> = {
  RemoteHotSt: 'hot',
  RemoteWarmSt: 'warm',
  RemoteIdleSt: 'cold',
  RemoteColdSt: 'cold',
};

/** Connection-manager states after which the TCP connection is gone. */
const CM_GONE = new Set(['TerminatedSt', 'UnknownConnectionSt']);

const TEMPERATURE: Record<ObservedState, number> = { unknown: 0, cold: 1, cooling: 2, warm: 3, hot: 4 };

/** An observed peer as the tracker keeps it: the public fields (state and direction are derived) plus bookkeeping. */
interface Session extends Omit<ObservedPeer, 'state' | 'direction'> {
  remoteText: string;
  /** Reconciler bookkeeping: first check at which no socket matched (ms), cleared when one does. */
  socketMissingSince: number | undefined;
}

/** A track in use: the connection is established for that governor. */
function active(t: TrackInfo | undefined): boolean {
  return t !== undefined && (t.state === 'warm' || t.state === 'hot' || t.state === 'cooling');
}

function overallState(s: Session): ObservedState {
  const a = s.outbound?.state;
  const b = s.inbound?.state;
  if (a === undefined && b === undefined) return 'unknown';
  if (a === undefined) return b!;
  if (b === undefined) return a;
  return TEMPERATURE[a] >= TEMPERATURE[b] ? a : b;
}

function mainDirection(s: Session): Direction | undefined {
  if (active(s.outbound)) return 'outbound';
  if (active(s.inbound)) return 'inbound';
  if (s.outbound) return 'outbound';
  if (s.inbound) return 'inbound';
  return undefined;
}

const snakeCache = new Map<string, string>();

/** 'CoolingToCold' → 'cooling_to_cold' (a handful of distinct names, so memoised). */
function snake(name: string): string {
  let s = snakeCache.get(name);
  if (s === undefined) snakeCache.set(name, (s = name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()));
  return s;
}

export type PeerEventListener = (event: ObservedPeerEvent) => void;

/** The counters the node itself reported, with the log time of the report. */
export interface ReportedCounters {
  inboundGovernor: (InboundGovernorCounters & { at: number }) | undefined;
  connectionManager: (ConnectionManagerCounters & { at: number }) | undefined;
}

export class PeerTracker {
  readonly #historyLimit: number;
  readonly #closedLimit: number;
  readonly #open = new Map<string, Session>();
  /** Remote endpoint text → ids of open sessions to it (lines that name only the remote end). */
  readonly #byRemote = new Map<string, Set<string>>();
  /** Recently closed sessions, oldest first (Map keeps insertion order). */
  readonly #closed = new Map<string, Session>();
  readonly #listeners = new Set<PeerEventListener>();
  readonly #startedScopes = new Set<ServerScope>();
  #node: NodeStatus = {
    state: 'unknown',
    generation: 0,
    restarts: 0,
    lastStartedAt: undefined,
    lastStoppedAt: undefined,
    lastRestartAt: undefined,
    listening: [],
  };
  #reported: ReportedCounters = { inboundGovernor: undefined, connectionManager: undefined };

  constructor(options: TrackerOptions = {}) {
    this.#historyLimit = Math.max(1, options.historyLimit ?? DEFAULT_HISTORY_LIMIT);
    this.#closedLimit = Math.max(0, options.closedLimit ?? DEFAULT_CLOSED_LIMIT);
  }

  /** Subscribes to peer events; returns the unsubscribe function. */
  onEvent(listener: PeerEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Open sessions, oldest first. */
  peers(): ObservedPeer[] {
    return [...this.#open.values()].map((s) => snapshot(s, this.#historyLimit));
  }

  /** Recently closed sessions, oldest first. */
  closedPeers(): ObservedPeer[] {
    return [...this.#closed.values()].map((s) => snapshot(s, this.#historyLimit));
  }

  /** Number of open sessions (cheap; for metrics). */
  get size(): number {
    return this.#open.size;
  }

  /**
   * One session by id (`local-remote`), by the node's `"local remote"` form, or by the remote endpoint
   * alone (the most recently seen session to it). Open sessions first, then recently closed ones.
   */
  peer(key: string): ObservedPeer | undefined {
    const s = this.#lookup(key);
    return s && snapshot(s, this.#historyLimit);
  }

  nodeStatus(): NodeStatus {
    return { ...this.#node, listening: [...this.#node.listening] };
  }

  reportedCounters(): ReportedCounters {
    const { inboundGovernor, connectionManager } = this.#reported;
    return {
      inboundGovernor: inboundGovernor && { ...inboundGovernor },
      connectionManager: connectionManager && { ...connectionManager },
    };
  }

  /** Folds one parsed log event in. `source` is 'backfill' when replaying older logs for a peer. */
  apply(e: LogEvent, source: EventSource = 'log'): void {
    switch (e.type) {
      case 'statusChanged':
        return this.#outboundChange(e.local, e.remote, e.change, e.from, e.to, e.at, source);
      case 'statusChangeFailed':
        return this.#outboundFailure(e.local, e.remote, e.change, e.reason, e.at, source);
      case 'remoteChanged':
        return this.#remoteChange(e.local, e.remote, e.change, e.to, e.commit, e.at, source);
      case 'remoteTransition':
        return this.#remoteTransition(e.remote, e.to, e.at, source);
      case 'connectionTransition': {
        const s = this.#find(undefined, e.remote);
        if (!s) return;
        this.#touch(s, e.at);
        if (e.to === undefined || CM_GONE.has(e.to)) this.#close(s, 'connection_terminated', e.to ?? 'Transition', e.at, source);
        return;
      }
      case 'newConnection': {
        const s = this.#find(e.local, e.remote) ?? this.#openSession(e.local, e.remote, e.at, 'new_connection', 'NewConnection', source);
        this.#touch(s, e.at);
        s.provenance = e.provenance ?? s.provenance;
        return;
      }
      case 'handshakeSucceeded': {
        const s = this.#find(e.local, e.remote) ?? this.#openSession(e.local, e.remote, e.at, 'handshake', 'HandshakeSuccess', source);
        this.#touch(s, e.at);
        s.handshake = { versionNumber: e.versionNumber, diffusionMode: e.diffusionMode, peerSharing: e.peerSharing };
        return;
      }
      case 'handshakeFailed':
        return this.#failed(e.local, e.remote, 'handshake_error', 'Handshake', e.reason, e.at, source);
      case 'connectFailed':
        return this.#failed(e.local, e.remote, 'connect_error', 'ConnectError', e.reason, e.at, source);
      case 'connectionEnded': {
        const s = this.#find(e.local, e.remote);
        if (s) this.#close(s, e.cause, e.cause, e.at, source, e.detail);
        return;
      }
      case 'inboundGovernorCounters':
        this.#reported.inboundGovernor = { ...e.counters, at: e.at };
        return;
      case 'connectionManagerCounters':
        this.#reported.connectionManager = { ...e.counters, at: e.at };
        return;
      case 'serverStarted':
        return this.#serverStarted(e.scope, e.addresses, e.at, source);
      case 'serverStopped':
      case 'connectionManagerShutdown':
        return this.#nodeStopped(e.type === 'serverStopped' ? 'Stopped' : 'Shutdown', e.at, source);
    }
  }

  // --- Socket reconciliation (see reconcile.ts) ---

  /** Open sessions' ids and endpoints, for matching against the kernel's sockets. */
  openConnections(): { id: string; local: Endpoint | undefined; remote: Endpoint }[] {
    return [...this.#open.values()].map((s) => ({ id: s.id, local: s.local, remote: s.remote }));
  }

  /** Records that a socket backs this session now. */
  socketSeen(id: string, now: number): void {
    const s = this.#open.get(id);
    if (!s) return;
    s.lastSocketAt = now;
    s.lastSeen = Math.max(s.lastSeen, now);
    s.socketMissingSince = undefined;
  }

  /** Records that no socket backs this session; returns since when it has been missing. */
  socketMissing(id: string, now: number): number | undefined {
    const s = this.#open.get(id);
    if (!s) return undefined;
    s.socketMissingSince ??= now;
    return s.socketMissingSince;
  }

  /** Opens a session in state `unknown` for a socket the log never mentioned; returns its id. */
  openFromSocket(local: Endpoint, remote: Endpoint, now: number): string {
    const s = this.#openSession(local, remote, now, 'socket', 'socket', 'socket');
    s.lastSocketAt = now;
    return s.id;
  }

  /** Closes an open session (reconciler: `no_socket`). */
  close(id: string, reason: string, at: number, source: EventSource, detail?: string): boolean {
    const s = this.#open.get(id);
    if (!s) return false;
    this.#close(s, reason, reason, at, source, detail);
    return true;
  }

  /**
   * Adopts track states learned from older logs for a session that was `unknown` (see
   * Observer's backfill search). Each adopted track is a `changed` event with reason `backfill`.
   */
  adoptTracks(id: string, found: { outbound?: TrackInfo; inbound?: TrackInfo; provenance?: string; handshake?: HandshakeInfo }, at: number): void {
    const s = this.#open.get(id);
    if (!s) return;
    for (const direction of ['outbound', 'inbound'] as const) {
      const t = found[direction];
      if (t && !s[direction]) this.#setTrack(s, direction, t.state, t.change, 'backfill', at, 'backfill', 'unknown', `seen in older logs at ${new Date(t.since).toISOString()}`);
    }
    s.provenance ??= found.provenance;
    s.handshake ??= found.handshake;
  }

  /** Adds a note to a session's history without changing it (e.g. "searched older logs: nothing"). */
  note(id: string, at: number, change: string, reason: string, source: EventSource, detail?: string): void {
    const s = this.#open.get(id);
    if (!s) return;
    const to = overallState(s);
    this.#remember(s, entry('changed', at, undefined, to, to, change, reason, source, detail));
  }

  // --- Internals ---

  #outboundChange(
    local: Endpoint | undefined,
    remote: Endpoint,
    change: OutboundChange,
    from: ObservedState,
    to: ObservedState,
    at: number,
    source: EventSource,
  ): void {
    const s = this.#sessionFor(local, remote, to, change, at, source);
    if (!s) return;
    const before = this.#setTrack(s, 'outbound', to, change, 'peer_selection', at, source, from);
    if (to === 'cold' && before !== undefined && before !== 'cold' && !active(s.inbound)) {
      this.#close(s, snake(change), change, at, source);
    }
  }

  /**
   * The session a transition to `to` applies to, seen at `at`: the known one, or a new one opened
   * from the log — except for a transition to cold: a demotion of a connection we never saw open
   * tells us nothing that is still true (undefined).
   */
  #sessionFor(local: Endpoint | undefined, remote: Endpoint, to: ObservedState, change: OutboundChange | RemoteChange, at: number, source: EventSource): Session | undefined {
    let s = this.#find(local, remote);
    if (!s) {
      if (to === 'cold') return undefined;
      s = this.#openSession(local, remote, at, 'log', change, source);
    }
    this.#touch(s, at);
    return s;
  }

  #outboundFailure(local: Endpoint | undefined, remote: Endpoint, change: OutboundChange, reason: string, at: number, source: EventSource): void {
    if (change === 'ColdToWarm') {
      // The connection was never made: a failed attempt, not a session.
      this.#failed(local, remote, 'promotion_failed', change, reason, at, source);
      return;
    }
    // A failed promotion or demotion makes the governor drop the connection (the error closes the
    // mux), so the outbound track ends cold whatever the transition was meant to reach.
    const s = this.#find(local, remote);
    if (!s) return;
    this.#touch(s, at);
    const before = this.#setTrack(s, 'outbound', 'cold', change, 'status_change_failed', at, source, undefined, reason);
    if (before !== undefined && before !== 'cold' && !active(s.inbound)) this.#close(s, 'status_change_failed', change, at, source, reason);
  }

  #remoteChange(
    local: Endpoint | undefined,
    remote: Endpoint,
    change: RemoteChange,
    to: ObservedState,
    commit: boolean | undefined,
    at: number,
    source: EventSource,
  ): void {
    const s = this.#sessionFor(local, remote, to, change, at, source);
    if (!s) return;
    const before = this.#setTrack(s, 'inbound', to, change, 'inbound_governor', at, source, REMOTE_IMPLIED_FROM[change]);
    if (to !== 'cold') return;
    // CommitTr: the connection manager closes the connection. KeepTr: our outbound side keeps it.
    if (commit === true || (commit === undefined && before !== 'cold' && !active(s.outbound))) {
      this.#close(s, 'demoted_cold', change, at, source);
    }
  }

  #remoteTransition(remote: Endpoint, toName: string | undefined, at: number, source: EventSource): void {
    const to = toName === undefined ? undefined : REMOTE_ST[toName];
    if (toName !== undefined && to === undefined) return; // a RemoteSt this version does not know
    let s = this.#find(undefined, remote);
    if (!s) {
      if (to !== 'warm' && to !== 'hot') return;
      s = this.#openSession(undefined, remote, at, 'log', toName!, source);
    }
    this.#touch(s, at);
    if (to !== undefined) {
      this.#setTrack(s, 'inbound', to, toName!, 'inbound_governor', at, source);
      return;
    }
    // `to: null`: the inbound governor stopped tracking the connection.
    const before = this.#setTrack(s, 'inbound', 'cold', 'Released', 'inbound_governor', at, source);
    if (before !== undefined && !active(s.outbound)) this.#close(s, 'demoted_cold', 'Released', at, source);
  }

  #failed(local: Endpoint | undefined, remote: Endpoint, reason: string, change: string, detail: string, at: number, source: EventSource): void {
    const existing = this.#find(local, remote);
    const resolvedLocal = existing?.local ?? local ?? this.#defaultLocal(remote);
    const event: ObservedPeerEvent = {
      kind: 'failed',
      at,
      id: existing?.id ?? connectionIdText(resolvedLocal, remote),
      local: resolvedLocal,
      remote,
      direction: 'outbound',
      from: undefined,
      to: 'cold',
      change,
      reason,
      source,
      detail,
    };
    if (existing) {
      this.#touch(existing, at);
      this.#remember(existing, entryOf(event));
    }
    this.#emit(event);
  }

  #serverStarted(scope: ServerScope, addresses: Endpoint[], at: number, source: EventSource): void {
    // A new node run: the first start we see, a start after a stop, or a second start of the same
    // server without a stop in between (a crash leaves no Stopped line).
    const newRun = this.#node.state !== 'running' || this.#startedScopes.has(scope);
    if (newRun) {
      const isRestart = this.#node.generation > 0 || this.#open.size > 0;
      this.#closeAll('node_restart', 'Started', at, source);
      this.#startedScopes.clear();
      this.#node.generation++;
      if (isRestart) {
        this.#node.restarts++;
        this.#node.lastRestartAt = at;
      }
    }
    this.#startedScopes.add(scope);
    this.#node.state = 'running';
    this.#node.lastStartedAt = at;
    if (scope === 'n2n') this.#node.listening = addresses;
  }

  #nodeStopped(change: string, at: number, source: EventSource): void {
    this.#closeAll('node_restart', change, at, source);
    this.#startedScopes.clear();
    if (this.#node.state !== 'stopped') this.#node.lastStoppedAt = at;
    this.#node.state = 'stopped';
  }

  #closeAll(reason: string, change: string, at: number, source: EventSource): void {
    for (const s of [...this.#open.values()]) this.#close(s, reason, change, at, source);
  }

  /** The listening address to assume as our end when a line names only the remote end. */
  #defaultLocal(remote: Endpoint): Endpoint | undefined {
    const v6 = remote.ip.includes(':');
    const candidates = this.#node.listening.filter((l) => l.ip.includes(':') === v6 && l.ip !== '0.0.0.0' && l.ip !== '::');
    return candidates.length === 1 ? candidates[0] : undefined;
  }

  #find(local: Endpoint | undefined, remote: Endpoint): Session | undefined {
    const remoteText = endpointText(remote);
    if (local) {
      const exact = this.#open.get(`${endpointText(local)}-${remoteText}`);
      if (exact) return exact;
      // A session opened from a line without our end: now we know it.
      const anonymous = this.#open.get(`${UNKNOWN_LOCAL}-${remoteText}`);
      if (anonymous) this.#rekey(anonymous, local);
      return anonymous;
    }
    const ids = this.#byRemote.get(remoteText);
    if (!ids) return undefined;
    let best: Session | undefined;
    for (const id of ids) {
      const s = this.#open.get(id)!;
      if (!best || s.lastSeen > best.lastSeen) best = s;
    }
    return best;
  }

  #lookup(key: string): Session | undefined {
    const k = canonicalKey(key);
    const hit = this.#open.get(k) ?? this.#closed.get(k);
    if (hit) return hit;
    // The remote endpoint alone: the most recently seen session to it, open ones first.
    let best: Session | undefined;
    for (const pool of [this.#open, this.#closed]) {
      for (const s of pool.values()) if (s.remoteText === k && (!best || s.lastSeen > best.lastSeen)) best = s;
      if (best) return best;
    }
    return undefined;
  }

  #rekey(s: Session, local: Endpoint): void {
    this.#unindex(s);
    s.local = local;
    s.id = connectionIdText(local, s.remote);
    this.#index(s);
  }

  #index(s: Session): void {
    this.#open.set(s.id, s);
    let ids = this.#byRemote.get(s.remoteText);
    if (!ids) this.#byRemote.set(s.remoteText, (ids = new Set()));
    ids.add(s.id);
  }

  #unindex(s: Session): void {
    this.#open.delete(s.id);
    const ids = this.#byRemote.get(s.remoteText);
    ids?.delete(s.id);
    if (ids?.size === 0) this.#byRemote.delete(s.remoteText);
  }

  #openSession(local: Endpoint | undefined, remote: Endpoint, at: number, reason: string, change: string, source: EventSource): Session {
    const resolvedLocal = local ?? this.#defaultLocal(remote);
    const id = connectionIdText(resolvedLocal, remote);
    // The same connection seen again after it closed (e.g. two relays on fixed ports): keep its history.
    const previous = this.#closed.get(id);
    if (previous) this.#closed.delete(id);
    const s: Session = {
      id,
      local: resolvedLocal,
      remote,
      remoteText: endpointText(remote),
      outbound: undefined,
      inbound: undefined,
      provenance: undefined,
      handshake: undefined,
      since: at,
      lastSeen: at,
      lastLogAt: source === 'socket' ? undefined : at,
      lastSocketAt: undefined,
      generation: this.#node.generation,
      closed: undefined,
      history: previous ? previous.history : [],
      socketMissingSince: undefined,
    };
    this.#index(s);
    this.#record(s, entry('opened', at, undefined, undefined, 'unknown', change, reason, source, undefined));
    return s;
  }

  /** Sets a track; emits `changed` if the state differs. Returns the previous state. */
  #setTrack(
    s: Session,
    direction: Direction,
    to: ObservedState,
    change: string,
    reason: string,
    at: number,
    source: EventSource,
    impliedFrom?: ObservedState,
    detail?: string,
  ): ObservedState | undefined {
    const current = s[direction];
    if (current?.state === to) return to;
    s[direction] = { state: to, since: at, change };
    this.#record(s, entry('changed', at, direction, current?.state ?? impliedFrom ?? 'unknown', to, change, reason, source, detail));
    return current?.state;
  }

  #close(s: Session, reason: string, change: string, at: number, source: EventSource, detail?: string): void {
    const from = overallState(s);
    const direction = mainDirection(s);
    this.#unindex(s);
    for (const d of ['outbound', 'inbound'] as const) if (s[d] && s[d].state !== 'cold') s[d] = { state: 'cold', since: at, change };
    s.closed = { at, reason };
    this.#record(s, entry('closed', at, direction, from, 'cold', change, reason, source, detail));
    if (this.#closedLimit === 0) return;
    this.#closed.set(s.id, s);
    if (this.#closed.size > this.#closedLimit) this.#closed.delete(this.#closed.keys().next().value!);
  }

  #touch(s: Session, at: number): void {
    if (s.lastLogAt === undefined || at > s.lastLogAt) s.lastLogAt = at;
    if (at > s.lastSeen) s.lastSeen = at;
  }

  /** Adds to the session's history and emits the event. */
  #record(s: Session, entry: HistoryEntry): void {
    this.#remember(s, entry);
    if (this.#listeners.size === 0) return;
    // Built field by field: a spread (and `delete`) costs more than the rest of the event path.
    const event: ObservedPeerEvent = {
      kind: entry.kind,
      at: entry.at,
      id: s.id,
      local: s.local,
      remote: s.remote,
      direction: entry.direction,
      from: entry.from,
      to: entry.to,
      change: entry.change,
      reason: entry.reason,
      source: entry.source,
    };
    if (entry.detail !== undefined) event.detail = entry.detail;
    this.#emit(event);
  }

  #remember(s: Session, entry: HistoryEntry): void {
    s.history.push(entry);
    // Trim in batches so a long-lived peer does not pay an O(n) shift on every event.
    if (s.history.length > this.#historyLimit * 1.25 + 1) s.history.splice(0, s.history.length - this.#historyLimit);
  }

  #emit(event: ObservedPeerEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}

/** Accepts `local-remote`, `"local remote"` or a remote endpoint, in any valid spelling. */
function canonicalKey(key: string): string {
  const k = key.trim().replace(' ', '-');
  try {
    const dash = k.indexOf('-');
    if (dash < 0) return endpointText(parseEndpoint(k));
    const local = k.slice(0, dash);
    const remote = endpointText(parseEndpoint(k.slice(dash + 1)));
    return `${local === UNKNOWN_LOCAL ? local : endpointText(parseEndpoint(local))}-${remote}`;
  } catch {
    return k;
  }
}

function entry(
  kind: HistoryEntry['kind'],
  at: number,
  direction: Direction | undefined,
  from: ObservedState | undefined,
  to: ObservedState,
  change: string,
  reason: string,
  source: EventSource,
  detail: string | undefined,
): HistoryEntry {
  const e: HistoryEntry = { at, kind, direction, from, to, change, reason, source };
  if (detail !== undefined) e.detail = detail;
  return e;
}

function entryOf(e: ObservedPeerEvent): HistoryEntry {
  return entry(e.kind, e.at, e.direction, e.from, e.to, e.change, e.reason, e.source, e.detail);
}

function snapshot(s: Session, historyLimit: number): ObservedPeer {
  const history = s.history.slice(-historyLimit);
  return {
    id: s.id,
    local: s.local,
    remote: s.remote,
    state: s.closed ? 'cold' : overallState(s),
    direction: mainDirection(s),
    outbound: s.outbound && { ...s.outbound },
    inbound: s.inbound && { ...s.inbound },
    provenance: s.provenance,
    handshake: s.handshake && { ...s.handshake },
    since: s.since,
    lastSeen: s.lastSeen,
    lastLogAt: s.lastLogAt,
    lastSocketAt: s.lastSocketAt,
    generation: s.generation,
    closed: s.closed && { ...s.closed },
    history: history.map((h) => ({ ...h })),
  };
}
