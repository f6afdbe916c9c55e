// Folds the governors' lines into a session's two tracks (outbound peer selection, inbound remote use) and decides when that ends it.
//
// One connection can be hot on both tracks: with duplex connections the node reuses an inbound
// connection for its own outbound use, so a track going cold closes the session only when the other
// track is not in use either.
import type { Cause, PeerEventLog } from './peer-event-log.js';
import { isActive, touch, type Session } from './session.js';
import type { ConnectionRef, Sessions } from './sessions.js';
import type { Direction, EventSource, LogEvent, ObservedState, RemoteChange } from './types.js';

type LineOf<T extends LogEvent['type']> = Extract<LogEvent, { type: T }>;

/** A track's new state; `impliedFrom` is the state before when the track was not seen yet. */
export interface TrackStep {
  direction: Direction;
  to: ObservedState;
  impliedFrom?: ObservedState | undefined;
}

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

const snakeCache = new Map<string, string>();

/** 'CoolingToCold' → 'cooling_to_cold' (a handful of distinct names, so memoised). */
function snake(name: string): string {
  let s = snakeCache.get(name);
  if (s === undefined) snakeCache.set(name, (s = name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()));
  return s;
}

export class TrackFolding {
  readonly #sessions: Sessions;
  readonly #log: PeerEventLog;

  constructor(parts: { sessions: Sessions; log: PeerEventLog }) {
    this.#sessions = parts.sessions;
    this.#log = parts.log;
  }

  /** An outbound-governor transition (StatusChanged). */
  outboundChange(e: LineOf<'statusChanged'>, source: EventSource): void {
    const s = this.#sessionFor(e, source);
    if (!s) return;
    const before = this.set(s, { direction: 'outbound', to: e.to, impliedFrom: e.from }, { at: e.at, change: e.change, reason: 'peer_selection', source });
    if (e.to === 'cold' && before !== undefined && before !== 'cold' && !isActive(s.inbound)) {
      this.#sessions.close(s, { at: e.at, change: e.change, reason: snake(e.change), source });
    }
  }

  /** An outbound-governor transition that failed (StatusChangeFailed). */
  outboundFailure(e: LineOf<'statusChangeFailed'>, source: EventSource): void {
    const cause = { at: e.at, change: e.change, reason: 'status_change_failed', source, detail: e.reason };
    if (e.change === 'ColdToWarm') {
      // The connection was never made: a failed attempt, not a session.
      this.#sessions.fail(e, { ...cause, reason: 'promotion_failed' });
      return;
    }
    // A failed promotion or demotion makes the governor drop the connection (the error closes the
    // mux), so the outbound track ends cold whatever the transition was meant to reach.
    const s = this.#sessions.find(e.local, e.remote);
    if (!s) return;
    touch(s, e.at);
    const before = this.set(s, { direction: 'outbound', to: 'cold' }, cause);
    if (before !== undefined && before !== 'cold' && !isActive(s.inbound)) this.#sessions.close(s, cause);
  }

  /** An inbound-governor event about how the remote uses the connection (PromotedToHotRemote…). */
  remoteChange(e: LineOf<'remoteChanged'>, source: EventSource): void {
    const s = this.#sessionFor(e, source);
    if (!s) return;
    const step = { direction: 'inbound', to: e.to, impliedFrom: REMOTE_IMPLIED_FROM[e.change] } as const;
    const before = this.set(s, step, { at: e.at, change: e.change, reason: 'inbound_governor', source });
    if (e.to !== 'cold') return;
    // CommitTr: the connection manager closes the connection. KeepTr: our outbound side keeps it.
    if (e.commit === true || (e.commit === undefined && before !== 'cold' && !isActive(s.outbound))) {
      this.#sessions.close(s, { at: e.at, change: e.change, reason: 'demoted_cold', source });
    }
  }

  /** An inbound-governor RemoteSt transition, which names only the remote end. */
  remoteTransition(e: LineOf<'remoteTransition'>, source: EventSource): void {
    const toName = e.to;
    const to = toName === undefined ? undefined : REMOTE_ST[toName];
    if (toName !== undefined && to === undefined) return; // a RemoteSt this version does not know
    let s = this.#sessions.find(undefined, e.remote);
    if (!s) {
      if (to !== 'warm' && to !== 'hot') return;
      s = this.#sessions.open({ local: undefined, remote: e.remote }, { at: e.at, change: toName!, reason: 'log', source });
    }
    touch(s, e.at);
    if (to !== undefined) {
      this.set(s, { direction: 'inbound', to }, { at: e.at, change: toName!, reason: 'inbound_governor', source });
      return;
    }
    // `to: null`: the inbound governor stopped tracking the connection.
    const before = this.set(s, { direction: 'inbound', to: 'cold' }, { at: e.at, change: 'Released', reason: 'inbound_governor', source });
    if (before !== undefined && !isActive(s.outbound)) this.#sessions.close(s, { at: e.at, change: 'Released', reason: 'demoted_cold', source });
  }

  /** Sets a track; logs a `changed` step if the state differs. Returns the previous state. */
  set(s: Session, step: TrackStep, cause: Cause): ObservedState | undefined {
    const current = s[step.direction];
    if (current?.state === step.to) return step.to;
    s[step.direction] = { state: step.to, since: cause.at, change: cause.change };
    this.#log.record(s, { kind: 'changed', direction: step.direction, from: current?.state ?? step.impliedFrom ?? 'unknown', to: step.to }, cause);
    return current?.state;
  }

  /**
   * The session a transition to `to` applies to: the known one, or a new one opened from the log —
   * except for a transition to cold: a demotion of a connection we never saw open tells us nothing
   * that is still true (undefined).
   */
  #sessionFor(e: ConnectionRef & { at: number; to: ObservedState; change: string }, source: EventSource): Session | undefined {
    let s = this.#sessions.find(e.local, e.remote);
    if (!s) {
      if (e.to === 'cold') return undefined;
      s = this.#sessions.open(e, { at: e.at, change: e.change, reason: 'log', source });
    }
    touch(s, e.at);
    return s;
  }
}
