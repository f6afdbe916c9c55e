// Opening, closing and failing sessions, including what connection-manager and handshake lines say: each step indexed and logged.
import type { Endpoint } from '../core/address/index.js';
import { connectionIdText, endpointText } from './endpoint-text.js';
import type { NodeLifecycle } from './node-lifecycle.js';
import type { Cause, PeerEventLog, Step } from './peer-event-log.js';
import { mainDirection, overallState, touch, type Session } from './session.js';
import type { SessionIndex } from './session-index.js';
import type { EventSource, LogEvent, ObservedPeerEvent } from './types.js';

/** A connection as a log line names it: `local` is missing when the line names only the remote end. */
export interface ConnectionRef {
  local: Endpoint | undefined;
  remote: Endpoint;
}

/** Lines about the TCP connection itself: they open, close or fail sessions but set no track. */
export type ConnectionLine = Extract<
  LogEvent,
  { type: 'connectionTransition' | 'newConnection' | 'handshakeSucceeded' | 'handshakeFailed' | 'connectFailed' | 'connectionEnded' }
>;

/** What a session's opening was: nothing known yet. */
const OPENED: Step = { kind: 'opened', direction: undefined, from: undefined, to: 'unknown' };

/** Connection-manager states after which the TCP connection is gone. */
const CM_GONE = new Set(['TerminatedSt', 'UnknownConnectionSt']);

/** A failed attempt's reason and change, by line type. */
const FAILED = {
  handshakeFailed: { reason: 'handshake_error', change: 'Handshake' },
  connectFailed: { reason: 'connect_error', change: 'ConnectError' },
} as const;

export class Sessions {
  readonly #index: SessionIndex;
  readonly #log: PeerEventLog;
  readonly #node: NodeLifecycle;

  constructor(parts: { index: SessionIndex; log: PeerEventLog; node: NodeLifecycle }) {
    this.#index = parts.index;
    this.#log = parts.log;
    this.#node = parts.node;
  }

  /** The open session a line names (see SessionIndex.find). */
  find(local: Endpoint | undefined, remote: Endpoint): Session | undefined {
    return this.#index.find(local, remote);
  }

  /** Opens a session in state `unknown`; without our end, the node's one listening address is assumed. */
  open(conn: ConnectionRef, cause: Cause): Session {
    const local = conn.local ?? this.#node.defaultLocal(conn.remote);
    const id = connectionIdText(local, conn.remote);
    // The same connection seen again after it closed (e.g. two relays on fixed ports): keep its history.
    const previous = this.#index.takeClosed(id);
    const s: Session = {
      id,
      local,
      remote: conn.remote,
      remoteText: endpointText(conn.remote),
      outbound: undefined,
      inbound: undefined,
      provenance: undefined,
      handshake: undefined,
      since: cause.at,
      lastSeen: cause.at,
      lastLogAt: cause.source === 'socket' ? undefined : cause.at,
      lastSocketAt: undefined,
      generation: this.#node.generation,
      closed: undefined,
      history: previous ? previous.history : [],
      socketMissingSince: undefined,
    };
    this.#index.add(s);
    this.#log.record(s, OPENED, cause);
    return s;
  }

  /** Closes a session: both tracks go cold, and it stays findable among the recently closed. */
  close(s: Session, cause: Cause): void {
    const from = overallState(s);
    const direction = mainDirection(s);
    this.#index.remove(s);
    for (const d of ['outbound', 'inbound'] as const) if (s[d] && s[d].state !== 'cold') s[d] = { state: 'cold', since: cause.at, change: cause.change };
    s.closed = { at: cause.at, reason: cause.reason };
    this.#log.record(s, { kind: 'closed', direction, from, to: 'cold' }, cause);
    this.#index.keepClosed(s);
  }

  closeAll(cause: Cause): void {
    for (const s of [...this.#index.open()]) this.close(s, cause);
  }

  /** A connection attempt that failed: a `failed` event, not a session (kept in one that exists). */
  fail(conn: ConnectionRef, cause: Cause & { detail: string }): void {
    const existing = this.#index.find(conn.local, conn.remote);
    const local = existing?.local ?? conn.local ?? this.#node.defaultLocal(conn.remote);
    const event: ObservedPeerEvent = {
      kind: 'failed',
      at: cause.at,
      id: existing?.id ?? connectionIdText(local, conn.remote),
      local,
      remote: conn.remote,
      direction: 'outbound',
      from: undefined,
      to: 'cold',
      change: cause.change,
      reason: cause.reason,
      source: cause.source,
      detail: cause.detail,
    };
    if (existing) touch(existing, cause.at);
    this.#log.recordFailure(existing, event);
  }

  /** Folds one line about the TCP connection in. */
  apply(e: ConnectionLine, source: EventSource): void {
    switch (e.type) {
      case 'connectionTransition': {
        const s = this.#index.find(undefined, e.remote);
        if (!s) return;
        touch(s, e.at);
        if (e.to === undefined || CM_GONE.has(e.to)) this.close(s, { at: e.at, change: e.to ?? 'Transition', reason: 'connection_terminated', source });
        return;
      }
      case 'newConnection': {
        const s = this.#index.find(e.local, e.remote) ?? this.open(e, { at: e.at, change: 'NewConnection', reason: 'new_connection', source });
        touch(s, e.at);
        s.provenance = e.provenance ?? s.provenance;
        return;
      }
      case 'handshakeSucceeded': {
        const s = this.#index.find(e.local, e.remote) ?? this.open(e, { at: e.at, change: 'HandshakeSuccess', reason: 'handshake', source });
        touch(s, e.at);
        s.handshake = { versionNumber: e.versionNumber, diffusionMode: e.diffusionMode, peerSharing: e.peerSharing };
        return;
      }
      case 'handshakeFailed':
      case 'connectFailed': {
        const { reason, change } = FAILED[e.type];
        return this.fail(e, { at: e.at, change, reason, source, detail: e.reason });
      }
      case 'connectionEnded': {
        const s = this.#index.find(e.local, e.remote);
        if (s) this.close(s, { at: e.at, change: e.cause, reason: e.cause, source, detail: e.detail });
        return;
      }
    }
  }
}
