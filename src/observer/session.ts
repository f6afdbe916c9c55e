// One observed connection as the tracker keeps it, and what is derived from it: overall state, main direction, snapshot.
import type { Direction, ObservedPeer, ObservedState, TrackInfo } from './types.js';

/** An observed peer as the tracker keeps it: the public fields (state and direction are derived) plus bookkeeping. */
export interface Session extends Omit<ObservedPeer, 'state' | 'direction'> {
  remoteText: string;
  /** Reconciler bookkeeping: first check at which no socket matched (ms), cleared when one does. */
  socketMissingSince: number | undefined;
}

const TEMPERATURE: Record<ObservedState, number> = { unknown: 0, cold: 1, cooling: 2, warm: 3, hot: 4 };

/** A track in use: the connection is established for that governor. */
export function isActive(t: TrackInfo | undefined): boolean {
  return t !== undefined && (t.state === 'warm' || t.state === 'hot' || t.state === 'cooling');
}

/** The hotter of the two tracks, or `unknown` when neither is known. */
export function overallState(s: Session): ObservedState {
  const a = s.outbound?.state;
  const b = s.inbound?.state;
  if (a === undefined && b === undefined) return 'unknown';
  if (a === undefined) return b!;
  if (b === undefined) return a;
  return TEMPERATURE[a] >= TEMPERATURE[b] ? a : b;
}

/** The track in use (outbound first), else the track that is known at all. */
export function mainDirection(s: Session): Direction | undefined {
  if (isActive(s.outbound)) return 'outbound';
  if (isActive(s.inbound)) return 'inbound';
  if (s.outbound) return 'outbound';
  if (s.inbound) return 'inbound';
  return undefined;
}

/** Records that a log line showed the session at `at` (lines can arrive out of order across rotated files). */
export function touch(s: Session, at: number): void {
  if (s.lastLogAt === undefined || at > s.lastLogAt) s.lastLogAt = at;
  if (at > s.lastSeen) s.lastSeen = at;
}

/** A copy for callers: the last `historyLimit` history entries (the live history is trimmed in batches). */
export function snapshot(s: Session, historyLimit: number): ObservedPeer {
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
