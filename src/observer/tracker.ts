// The peer tracker: folds parsed log events (and socket observations) into per-connection sessions.
//
// A session is one TCP connection of the observed node, keyed by its local and remote endpoints. It
// has two independent tracks: the outbound governor's (peer selection: cold/warm/hot/cooling) and the
// inbound governor's (how the remote side uses our connection). Every change is emitted once as a
// typed event with a reason, and kept in a bounded per-session history. No I/O, no clock: times come
// from the events. This class routes each line to the part whose job it is:
// - session-index.ts: sessions by connection id and remote endpoint, open and recently closed;
// - sessions.ts: opening, closing and failing sessions (and the connection-level lines that do it);
// - track-folding.ts: the governors' lines folded into the outbound and inbound tracks;
// - peer-event-log.ts: the per-session history and the peer events;
// - node-lifecycle.ts: the node's runs and restarts, which close every session.
import type { Endpoint } from '../core/address/index.js';
import { NodeLifecycle } from './node-lifecycle.js';
import { PeerEventLog, type Cause, type PeerEventListener } from './peer-event-log.js';
import { overallState, snapshot } from './session.js';
import { SessionIndex } from './session-index.js';
import { Sessions } from './sessions.js';
import { TrackFolding } from './track-folding.js';
import type {
  ConnectionManagerCounters,
  EventSource,
  HandshakeInfo,
  InboundGovernorCounters,
  LogEvent,
  NodeStatus,
  ObservedPeer,
  TrackInfo,
} from './types.js';

export type { PeerEventListener } from './peer-event-log.js';

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

/** The counters the node itself reported, with the log time of the report. */
export interface ReportedCounters {
  inboundGovernor: (InboundGovernorCounters & { at: number }) | undefined;
  connectionManager: (ConnectionManagerCounters & { at: number }) | undefined;
}

/** Track states learned from older logs for a session known only from its socket. */
export interface FoundTracks {
  outbound?: TrackInfo;
  inbound?: TrackInfo;
  provenance?: string;
  handshake?: HandshakeInfo;
}

export class PeerTracker {
  readonly #index: SessionIndex;
  readonly #log: PeerEventLog;
  readonly #node = new NodeLifecycle();
  readonly #sessions: Sessions;
  readonly #tracks: TrackFolding;
  #reported: ReportedCounters = { inboundGovernor: undefined, connectionManager: undefined };

  constructor(options: TrackerOptions = {}) {
    this.#index = new SessionIndex(Math.max(0, options.closedLimit ?? DEFAULT_CLOSED_LIMIT));
    this.#log = new PeerEventLog(Math.max(1, options.historyLimit ?? DEFAULT_HISTORY_LIMIT));
    this.#sessions = new Sessions({ index: this.#index, log: this.#log, node: this.#node });
    this.#tracks = new TrackFolding({ sessions: this.#sessions, log: this.#log });
  }

  /** Subscribes to peer events; returns the unsubscribe function. */
  onEvent(listener: PeerEventListener): () => void {
    return this.#log.onEvent(listener);
  }

  /** Open sessions, oldest first. */
  peers(): ObservedPeer[] {
    return [...this.#index.open()].map((s) => snapshot(s, this.#log.historyLimit));
  }

  /** Recently closed sessions, oldest first. */
  closedPeers(): ObservedPeer[] {
    return [...this.#index.closed()].map((s) => snapshot(s, this.#log.historyLimit));
  }

  /** Number of open sessions (cheap; for metrics). */
  get size(): number {
    return this.#index.size;
  }

  /**
   * One session by id (`local-remote`), by the node's `"local remote"` form, or by the remote endpoint
   * alone (the most recently seen session to it). Open sessions first, then recently closed ones.
   */
  peer(key: string): ObservedPeer | undefined {
    const s = this.#index.lookup(key);
    return s && snapshot(s, this.#log.historyLimit);
  }

  nodeStatus(): NodeStatus {
    return this.#node.status();
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
        return this.#tracks.outboundChange(e, source);
      case 'statusChangeFailed':
        return this.#tracks.outboundFailure(e, source);
      case 'remoteChanged':
        return this.#tracks.remoteChange(e, source);
      case 'remoteTransition':
        return this.#tracks.remoteTransition(e, source);
      case 'connectionTransition':
      case 'newConnection':
      case 'handshakeSucceeded':
      case 'handshakeFailed':
      case 'connectFailed':
      case 'connectionEnded':
        return this.#sessions.apply(e, source);
      case 'inboundGovernorCounters':
        this.#reported.inboundGovernor = { ...e.counters, at: e.at };
        return;
      case 'connectionManagerCounters':
        this.#reported.connectionManager = { ...e.counters, at: e.at };
        return;
      case 'serverStarted': {
        if (this.#node.startsNewRun(e.scope)) {
          const restart = this.#node.generation > 0 || this.#index.size > 0;
          this.#sessions.closeAll({ at: e.at, change: 'Started', reason: 'node_restart', source });
          this.#node.beginRun(e.at, restart);
        }
        this.#node.started(e.scope, e.addresses, e.at);
        return;
      }
      case 'serverStopped':
      case 'connectionManagerShutdown':
        this.#sessions.closeAll({ at: e.at, change: e.type === 'serverStopped' ? 'Stopped' : 'Shutdown', reason: 'node_restart', source });
        this.#node.stopped(e.at);
        return;
    }
  }

  // --- Socket reconciliation (see reconcile.ts) and older-log searches (see Observer) ---

  /** Open sessions' ids and endpoints, for matching against the kernel's sockets. */
  openConnections(): { id: string; local: Endpoint | undefined; remote: Endpoint }[] {
    return [...this.#index.open()].map((s) => ({ id: s.id, local: s.local, remote: s.remote }));
  }

  /** Records that a socket backs this session now. */
  socketSeen(id: string, now: number): void {
    const s = this.#index.get(id);
    if (!s) return;
    s.lastSocketAt = now;
    s.lastSeen = Math.max(s.lastSeen, now);
    s.socketMissingSince = undefined;
  }

  /** Records that no socket backs this session; returns since when it has been missing. */
  socketMissing(id: string, now: number): number | undefined {
    const s = this.#index.get(id);
    if (!s) return undefined;
    s.socketMissingSince ??= now;
    return s.socketMissingSince;
  }

  /** Opens a session in state `unknown` for a socket the log never mentioned; returns its id. */
  openFromSocket(local: Endpoint, remote: Endpoint, now: number): string {
    const s = this.#sessions.open({ local, remote }, { at: now, change: 'socket', reason: 'socket', source: 'socket' });
    s.lastSocketAt = now;
    return s.id;
  }

  /** Closes an open session (reconciler: `no_socket`, which is both its reason and its change). */
  close(id: string, ending: Omit<Cause, 'change'>): boolean {
    const s = this.#index.get(id);
    if (!s) return false;
    this.#sessions.close(s, { at: ending.at, change: ending.reason, reason: ending.reason, source: ending.source, detail: ending.detail });
    return true;
  }

  /**
   * Adopts track states learned from older logs for a session that was `unknown` (see
   * Observer's backfill search). Each adopted track is a `changed` event with reason `backfill`.
   */
  adoptTracks(id: string, found: FoundTracks, at: number): void {
    const s = this.#index.get(id);
    if (!s) return;
    for (const direction of ['outbound', 'inbound'] as const) {
      const t = found[direction];
      if (!t || s[direction]) continue;
      const detail = `seen in older logs at ${new Date(t.since).toISOString()}`;
      this.#tracks.set(s, { direction, to: t.state, impliedFrom: 'unknown' }, { at, change: t.change, reason: 'backfill', source: 'backfill', detail });
    }
    s.provenance ??= found.provenance;
    s.handshake ??= found.handshake;
  }

  /** Adds a note to a session's history without changing it or emitting anything (e.g. "searched older logs: nothing"). */
  note(id: string, cause: Cause): void {
    const s = this.#index.get(id);
    if (!s) return;
    const to = overallState(s);
    this.#log.remember(s, { kind: 'changed', direction: undefined, from: to, to }, cause);
  }
}
