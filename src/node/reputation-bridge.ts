// Connects reputation to the rest of the node: penalties become events, disconnects and bans; bans are persisted and swept.

import { formatEndpoint, type Endpoint } from '../core/address/index.js';
import type { Scheduler, Timer } from '../core/clock.js';
import type { GovernorInput } from '../core/governor/index.js';
import { OFFENCES, type BanEntry, type Offence, type ReportKind, type ReportOutcome, type Reputation } from '../core/reputation/index.js';
import type { Store } from '../store/index.js';
import type { NodeCounters } from './counters.js';
import type { PeerLedger } from './peer-ledger.js';
import type { PeerEvent } from './types.js';

/** Expired bans are swept at least this often (and exactly when the next one expires). */
const SWEEP_EVERY_MS = 60_000;

export interface ReputationBridgeOptions {
  reputation: Reputation;
  store: Store;
  scheduler: Scheduler;
  counters: NodeCounters;
  ledger: PeerLedger;
  publish(e: PeerEvent): void;
  feed(input: GovernorInput): void;
  /** The endpoint a connected peer is at (for events), if connected. */
  endpointOf(id: string): string | undefined;
}

/**
 * Every report about a peer goes through here: the score moves, a `peer:penalized` event says why,
 * the governor is told to disconnect or that a ban was added, and bans are written to the store
 * before the call returns. Expired bans are swept on a timer and announced as `peer:unbanned`.
 */
export class ReputationBridge {
  #o: ReputationBridgeOptions;
  #timer: Timer | undefined;
  #timerAt = Infinity;
  #stopped = false;

  constructor(options: ReputationBridgeOptions) {
    this.#o = options;
  }

  /**
   * An offence the node's own layers detected: its severity is the penalty table's, nobody else's.
   * `closeUnauthenticated` closes a connection that misbehaved before its handshake (it has no
   * node id the governor could disconnect by).
   */
  offence(peer: { id?: string; endpoint?: Endpoint }, offence: Offence, detail = '', closeUnauthenticated?: () => void): ReportOutcome {
    return this.report(peer, OFFENCES[offence].penalty, offence, detail, closeUnauthenticated);
  }

  /**
   * Reports what a peer did with the severity the reporter chose (the application, through
   * node.reportPeer; the node's own layers use offence()) and acts on the outcome.
   */
  report(peer: { id?: string; endpoint?: Endpoint }, severity: ReportKind, reason: string, detail = '', closeUnauthenticated?: () => void): ReportOutcome {
    const o = this.#o;
    const outcome = o.reputation.report({ ...(peer.id !== undefined ? { id: peer.id } : {}), ...(peer.endpoint ? { ip: peer.endpoint.ip } : {}) }, severity, reason);
    const id = outcome.id;
    const endpoint = peer.endpoint ? formatEndpoint(peer.endpoint) : id !== undefined ? o.endpointOf(id) : undefined;
    if (severity === 'useful') {
      if (id !== undefined) {
        o.ledger.scoreChanged(id);
        o.feed({ type: 'messageReceived', id, useful: true });
      }
      return outcome;
    }
    o.counters.penalty(severity, reason);
    if (id !== undefined) {
      o.ledger.count(id, `penalty.${reason}`);
      o.ledger.scoreChanged(id);
    }
    const data: Record<string, string | number | boolean> = { severity, points: outcome.points, score: Math.round(outcome.score * 100) / 100, exempt: outcome.exempt };
    if (outcome.discouraged) data.discouraged = true;
    if (detail) data.detail = detail.slice(0, 200);
    o.publish({
      type: 'peer:penalized',
      at: o.scheduler.now(),
      ...(id !== undefined ? { id } : {}),
      ...(endpoint !== undefined ? { endpoint } : {}),
      reason: `${severity} offence: ${reason}${detail ? ` (${detail.slice(0, 120)})` : ''}`,
      data,
    });
    for (const ban of outcome.banned) this.#banned(ban, id !== undefined && ban.kind === 'id' ? endpoint : undefined);
    if (outcome.disconnect) {
      if (id !== undefined) o.feed({ type: 'disconnectRequested', id, cause: 'score', reason: `reputation: score ${outcome.score.toFixed(1)} after a ${severity} offence (${reason})` });
      else closeUnauthenticated?.();
    }
    return outcome;
  }

  /** An operator's ban (applies to static and trusted peers too). Persisted before it returns. */
  ban(target: string, opts: { reason: string; durationMs?: number }): BanEntry {
    const entry = this.#o.reputation.ban(target, opts);
    this.#banned(entry, entry.kind === 'id' ? this.#o.endpointOf(entry.target) : undefined);
    return entry;
  }

  /** Lifts a ban; false when there was none. Unbanning a node id pardons its score. */
  unban(target: string, reason = 'lifted by the operator'): boolean {
    const removed = this.#o.reputation.unban(target);
    if (!removed) return false;
    if (removed.kind === 'id') this.#o.ledger.scoreChanged(removed.target);
    this.#lifted(removed, reason);
    return true;
  }

  /** Sweeps expired bans now and then at every expiry (and every minute). */
  startSweeping(): void {
    this.#sweep();
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  #sweep(): void {
    if (this.#stopped) return;
    const o = this.#o;
    for (const ban of o.reputation.sweep()) this.#lifted(ban, 'the ban expired');
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#timerAt = Infinity;
    this.#arm();
  }

  /** (Re)arms the sweep for the next expiry, or a minute from now. */
  #arm(): void {
    if (this.#stopped) return;
    const o = this.#o;
    const now = o.scheduler.now();
    const next = o.reputation.bans.nextExpiry();
    const at = now + Math.max(1, Math.min(SWEEP_EVERY_MS, next === undefined ? SWEEP_EVERY_MS : next - now + 1));
    if (this.#timer && at >= this.#timerAt) return;
    this.#timer?.cancel();
    this.#timerAt = at;
    this.#timer = o.scheduler.after(at - now, () => {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      this.#sweep();
    });
  }

  #banned(ban: BanEntry, endpoint: string | undefined): void {
    const o = this.#o;
    o.store.putBan({ ...ban });
    o.counters.ban(true);
    const data: Record<string, string | number | boolean> = { target: ban.target, kind: ban.kind };
    if (ban.expiresAt !== undefined) data.expiresAt = ban.expiresAt;
    o.publish({
      type: 'peer:banned',
      at: o.scheduler.now(),
      ...(ban.kind === 'id' ? { id: ban.target } : {}),
      ...(ban.kind !== 'id' ? { endpoint: ban.target } : endpoint !== undefined ? { endpoint } : {}),
      reason: ban.reason,
      data,
    });
    o.feed({ type: 'banAdded', ban });
    if (this.#timer) this.#arm();
  }

  #lifted(ban: BanEntry, reason: string): void {
    const o = this.#o;
    o.store.deleteBan(ban.target);
    o.counters.ban(false);
    o.publish({
      type: 'peer:unbanned',
      at: o.scheduler.now(),
      ...(ban.kind === 'id' ? { id: ban.target } : { endpoint: ban.target }),
      reason,
      data: { target: ban.target, kind: ban.kind },
    });
    o.feed({ type: 'banRemoved', ban });
  }
}
