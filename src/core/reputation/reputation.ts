// Reputation: turns reports about peers into scores, disconnect advice, automatic bans, IP bans and discouragement.
//
// One object the node asks "this peer did X": it updates the score, and says what follows —
// disconnect (score ≤ -20), ban the node id for an hour (score ≤ -50, its score frozen for the
// ban), ban the IP (more than 5 node ids banned from it: one host minting identities), discourage
// the address (a serious offence). Static and trusted peers are exempt from everything automatic
// (their scores are still kept, so the operator can see them); manual bans apply to everyone.

import type { Clock } from '../clock.js';
import { normalizeIp } from '../address/index.js';
import { BanList, type BanEntry } from './banlist.js';
import { parseBanTarget, type BanQuery, type BanTarget } from './ban-target.js';
import { DiscouragementSet } from './discouragement.js';
import { pointsFor, USEFUL_SCORE_CAP, type ReportKind } from './penalties.js';
import { BAN_THRESHOLD, DEFAULT_BAN_DURATION_MS, DISCONNECT_THRESHOLD, ScoreBook } from './score.js';

/** More than this many node ids banned from one IP bans the IP (Lighthouse's BANNED_PEERS_PER_IP_THRESHOLD). */
export const IP_BAN_ID_THRESHOLD = 5;

/** A peer as reputation sees it: its node id (once authenticated) and the IP it connected from. */
export interface PeerRef {
  id?: string;
  ip?: string;
}

export interface ReputationOptions {
  clock: Clock;
  bans?: BanList;
  scores?: ScoreBook;
  discouraged?: DiscouragementSet;
  banDurationMs?: number;
  disconnectThreshold?: number;
  banThreshold?: number;
  ipBanIdThreshold?: number;
  /** Static and trusted peers: true exempts the peer from automatic disconnects, bans and discouragement. */
  isExempt?: (peer: PeerRef) => boolean;
}

/** What a report led to. The caller acts on `disconnect` and persists/emits `banned`. */
export interface ReportOutcome {
  id?: string;
  ip?: string;
  kind: ReportKind;
  reason: string;
  /** Points applied (0 when the report had no id to score). */
  points: number;
  /** Score before and after (0/0 without an id). */
  before: number;
  score: number;
  exempt: boolean;
  /** Close the connection: the score is at or below the disconnect threshold, the peer is banned, or it misbehaved before authenticating. */
  disconnect: boolean;
  /** Bans this report created (the node id; possibly its IP too). */
  banned: BanEntry[];
  /** True when this report newly discouraged the peer's address. */
  discouraged: boolean;
}

export class Reputation {
  readonly bans: BanList;
  readonly scores: ScoreBook;
  readonly discouraged: DiscouragementSet;
  private readonly clock: Clock;
  private readonly banDurationMs: number;
  private readonly disconnectThreshold: number;
  private readonly banThreshold: number;
  private readonly ipBanIdThreshold: number;
  private readonly isExempt: (peer: PeerRef) => boolean;
  /** IP → node ids banned while seen on it. Counted live against the ban list. */
  private readonly bannedIdsByIp = new Map<string, Set<string>>();

  constructor(opts: ReputationOptions) {
    this.clock = opts.clock;
    this.bans = opts.bans ?? new BanList({ clock: opts.clock });
    this.scores = opts.scores ?? new ScoreBook();
    this.discouraged = opts.discouraged ?? new DiscouragementSet();
    this.banDurationMs = opts.banDurationMs ?? DEFAULT_BAN_DURATION_MS;
    this.disconnectThreshold = opts.disconnectThreshold ?? DISCONNECT_THRESHOLD;
    this.banThreshold = opts.banThreshold ?? BAN_THRESHOLD;
    this.ipBanIdThreshold = opts.ipBanIdThreshold ?? IP_BAN_ID_THRESHOLD;
    this.isExempt = opts.isExempt ?? (() => false);
    if (!(this.banThreshold <= this.disconnectThreshold)) {
      throw new RangeError(`banThreshold (${this.banThreshold}) must not be above disconnectThreshold (${this.disconnectThreshold})`);
    }
  }

  /** The current score of a node id. */
  score(id: string): number {
    return this.scores.get(id.toLowerCase(), this.clock.now());
  }

  /**
   * Records what a peer did. With an id the score moves and thresholds apply; without one (the
   * handshake has not finished) a penalty can only discourage the address and close the connection.
   */
  report(peer: PeerRef, kind: ReportKind, reason: string): ReportOutcome {
    const now = this.clock.now();
    const id = peer.id?.toLowerCase();
    const ip = peer.ip !== undefined ? normalizeIp(peer.ip) : undefined;
    const exempt = this.isExempt({ id, ip });
    const out: ReportOutcome = { kind, reason, points: 0, before: 0, score: 0, exempt, disconnect: false, banned: [], discouraged: false };
    if (id !== undefined) out.id = id;
    if (ip !== undefined) out.ip = ip;
    if (id === undefined) {
      if (kind !== 'useful' && !exempt) {
        out.disconnect = true;
        if (ip !== undefined) out.discouraged = this.discouraged.add(ip, `${kind} offence before the handshake: ${reason}`, now);
      }
      return out;
    }
    const points = pointsFor(kind);
    const { before, after } = this.scores.add(id, points, now, USEFUL_SCORE_CAP);
    out.points = points;
    out.before = before;
    out.score = after;
    if (kind === 'useful' || exempt) return out;
    const alreadyBanned = this.bans.find({ id }) !== undefined;
    out.disconnect = after <= this.disconnectThreshold || alreadyBanned;
    if (ip !== undefined && (kind === 'fatal' || kind === 'high' || after <= this.disconnectThreshold)) {
      out.discouraged = this.discouraged.add(ip, `${kind} offence: ${reason}`, now);
    }
    if (after <= this.banThreshold && !alreadyBanned) {
      const ban = this.bans.add(
        { kind: 'id', target: id },
        {
          reason: `score ${after.toFixed(1)} reached the ban threshold ${this.banThreshold} after a ${kind} offence: ${reason}`,
          durationMs: this.banDurationMs,
          extendOnly: true,
        },
      );
      this.scores.freeze(id, ban.expiresAt ?? Infinity, now);
      out.banned.push(ban);
      out.disconnect = true;
    }
    if (ip !== undefined && (out.banned.length > 0 || alreadyBanned)) out.banned.push(...this.noteBannedIdAt(id, ip));
    return out;
  }

  /**
   * Tells reputation a banned node id showed up on `ip` (e.g. refused in a handshake). Returns the
   * IP ban this caused, if any. Ids that are not banned are ignored.
   */
  observe(peer: { id: string; ip: string }): BanEntry[] {
    const id = peer.id.toLowerCase();
    if (!this.bans.find({ id })) return [];
    return this.noteBannedIdAt(id, normalizeIp(peer.ip));
  }

  /** An operator's ban: applies to exempt peers too. `ip` (optional) links a banned id to the IP it used. */
  ban(target: string | BanTarget, opts: { reason: string; durationMs?: number; ip?: string }): BanEntry {
    const t = typeof target === 'string' ? parseBanTarget(target) : target;
    const entry = this.bans.add(t, { reason: opts.reason, durationMs: opts.durationMs });
    if (t.kind === 'id' && opts.ip !== undefined) this.link(t.target, normalizeIp(opts.ip));
    return entry;
  }

  /** Lifts a ban. Unbanning a node id is a pardon: its score goes back to 0. */
  unban(target: string | BanTarget): BanEntry | undefined {
    const t = typeof target === 'string' ? parseBanTarget(target) : target;
    const removed = this.bans.remove(t);
    if (removed?.kind === 'id') {
      this.scores.set(removed.target, 0, this.clock.now());
      this.unlink(removed.target);
    }
    return removed;
  }

  isBanned(q: BanQuery): boolean {
    return this.bans.isBanned(q);
  }

  isDiscouraged(ip: string): boolean {
    return this.discouraged.has(ip);
  }

  /** True when this id's score says it should not stay connected (never for exempt peers). */
  shouldDisconnect(peer: PeerRef): boolean {
    if (peer.id === undefined || this.isExempt(peer)) return false;
    return this.score(peer.id) <= this.disconnectThreshold || this.bans.isBanned({ id: peer.id });
  }

  /** Removes expired bans (returned, for `peer:unbanned` events and the store) and forgets scores that decayed to 0. */
  sweep(): BanEntry[] {
    const expired = this.bans.sweep();
    for (const e of expired) if (e.kind === 'id') this.unlink(e.target);
    this.scores.prune(this.clock.now());
    return expired;
  }

  private link(id: string, ip: string): void {
    let set = this.bannedIdsByIp.get(ip);
    if (!set) {
      set = new Set();
      this.bannedIdsByIp.set(ip, set);
    }
    set.add(id);
  }

  private unlink(id: string): void {
    for (const [ip, set] of this.bannedIdsByIp) {
      if (set.delete(id) && set.size === 0) this.bannedIdsByIp.delete(ip);
    }
  }

  private noteBannedIdAt(id: string, ip: string): BanEntry[] {
    this.link(id, ip);
    const set = this.bannedIdsByIp.get(ip)!;
    let live = 0;
    for (const other of [...set]) {
      if (this.bans.find({ id: other })) live++;
      else set.delete(other);
    }
    if (live <= this.ipBanIdThreshold || this.isExempt({ ip })) return [];
    if (this.bans.get({ kind: 'ip', target: ip })) return [];
    return [
      this.bans.add(
        { kind: 'ip', target: ip },
        { reason: `${live} banned node ids came from this IP (more than ${this.ipBanIdThreshold})`, durationMs: this.banDurationMs, extendOnly: true },
      ),
    ];
  }
}
