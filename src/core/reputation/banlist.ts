// BanList: bans on node ids, IPs and CIDR subnets with reasons and expiry; O(1) for ids and IPs, a prefix scan for subnets.
//
// Lookups: ids and IPs are keys of a Map. Subnets are grouped by prefix length, each group a Map
// from the masked network bytes to the ban, so a query masks the IP once per distinct prefix
// length in use (at most 129) instead of walking every subnet. Expiry comes from the injected
// clock: an expired ban stops matching at once, and `sweep()` removes it and reports it (so the
// node can emit `peer:unbanned` and delete the row). The serialised shape is exactly what the
// store persists: { target, kind, reason, createdAt, expiresAt? }.

import { PeerwardenError } from '../errors.js';
import type { Clock } from '../clock.js';
import { parseIpBytes, formatIpBytes } from '../address/index.js';
import { maskBytes, parseBanTarget, subnetOf, BanTargetError, type BanKind, type BanQuery, type BanTarget } from './ban-target.js';

/**
 * The longest ban a duration may ask for: 100 years. Longer durations are refused rather than
 * clamped, because they are almost always a mistake (a unit typo, or 1e308 ms from a script) and an
 * operator who wants a ban that never ends says so by giving no duration. The bound also keeps
 * `now + durationMs` a small exact integer: far inside Number.MAX_SAFE_INTEGER, Date's range and
 * SQLite's INTEGER, so expiry arithmetic and comparisons never lose precision or overflow.
 */
export const MAX_BAN_DURATION_MS = 100 * 365.25 * 86_400_000;

/**
 * Thrown for a ban duration that is not a positive number of ms of at most MAX_BAN_DURATION_MS.
 * Its code is 'ban-duration-invalid' (every peerwarden error extends PeerwardenError).
 */
export class BanDurationError extends PeerwardenError {
  readonly code = 'ban-duration-invalid';
  override readonly name = 'BanDurationError';
  constructor(readonly durationMs: number) {
    super(
      typeof durationMs !== 'number' || !(durationMs > 0)
        ? `a ban duration must be a positive number of ms, got ${typeof durationMs === 'string' ? JSON.stringify(durationMs) : String(durationMs)}`
        : `a ban lasts at most 100 years (${MAX_BAN_DURATION_MS} ms), got ${durationMs} ms: give a shorter duration, or none for a ban that lasts until it is lifted`,
    );
  }
}

/** Why `durationMs` cannot be a ban's length, or undefined when it can (Infinity means "until lifted"). */
export function checkBanDuration(durationMs: number): BanDurationError | undefined {
  if (durationMs === Infinity) return undefined;
  if (!(durationMs > 0) || !Number.isFinite(durationMs) || durationMs > MAX_BAN_DURATION_MS) return new BanDurationError(durationMs);
  return undefined;
}

/** One ban, in the shape the store persists. Times in ms; no `expiresAt` means until removed. */
export interface BanEntry {
  target: string;
  kind: BanKind;
  reason: string;
  createdAt: number;
  expiresAt?: number;
}

export interface BanOptions {
  reason: string;
  /** How long the ban lasts from now, at most MAX_BAN_DURATION_MS; omitted (or Infinity) means until removed. */
  durationMs?: number;
  /** An absolute expiry instead of a duration. */
  expiresAt?: number;
  /**
   * Only lengthen: if the target is already banned until later (or forever), keep that ban
   * untouched. Automatic bans use this (as Core's BanMan does); an operator's ban replaces.
   */
  extendOnly?: boolean;
}

function hexKey(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < 16; i++) s += (bytes[i]! < 16 ? '0' : '') + bytes[i]!.toString(16);
  return s;
}

function isExpired(e: BanEntry, now: number): boolean {
  return e.expiresAt !== undefined && e.expiresAt <= now;
}

function copy(e: BanEntry): BanEntry {
  return e.expiresAt === undefined
    ? { target: e.target, kind: e.kind, reason: e.reason, createdAt: e.createdAt }
    : { target: e.target, kind: e.kind, reason: e.reason, createdAt: e.createdAt, expiresAt: e.expiresAt };
}

export class BanList {
  private readonly clock: Clock;
  private readonly ids = new Map<string, BanEntry>();
  private readonly ips = new Map<string, BanEntry>();
  /** prefix bits → masked network (hex) → ban. */
  private readonly subnets = new Map<number, Map<string, BanEntry>>();
  /** Prefix lengths in use, longest first, so `find` reports the most specific subnet. */
  private prefixLengths: number[] = [];

  constructor(opts: { clock: Clock; entries?: readonly BanEntry[] }) {
    this.clock = opts.clock;
    for (const e of opts.entries ?? []) this.load(e);
  }

  /** Restores a persisted entry after checking it; throws BanTargetError naming the bad entry. */
  load(e: BanEntry): BanEntry {
    const t = parseBanTarget(e.target);
    if (t.kind !== e.kind || t.target !== e.target) {
      throw new BanTargetError(e.target, `stored as kind "${e.kind}" but it parses as ${t.kind} ${t.target}`);
    }
    if (typeof e.reason !== 'string' || !Number.isFinite(e.createdAt) || (e.expiresAt !== undefined && !Number.isFinite(e.expiresAt))) {
      throw new BanTargetError(e.target, 'the stored ban has a missing reason or a non-numeric time');
    }
    const entry = copy(e);
    this.put(entry);
    return copy(entry);
  }

  /**
   * Bans a target (text or parsed). Returns the ban now in force for it. Throws BanTargetError for
   * a bad target and BanDurationError for a duration that is not positive or above 100 years.
   */
  add(target: string | BanTarget, opts: BanOptions): BanEntry {
    const t = typeof target === 'string' ? parseBanTarget(target) : parseBanTarget(target.target);
    const now = this.clock.now();
    let expiresAt: number | undefined;
    if (opts.expiresAt !== undefined) {
      if (!Number.isFinite(opts.expiresAt)) throw new RangeError(`expiresAt must be a finite time in ms, got ${opts.expiresAt}`);
      expiresAt = opts.expiresAt;
    } else if (opts.durationMs !== undefined && opts.durationMs !== Infinity) {
      const problem = checkBanDuration(opts.durationMs);
      if (problem) throw problem;
      expiresAt = now + opts.durationMs;
    }
    const existing = this.getLive(t, now);
    if (opts.extendOnly && existing && (existing.expiresAt === undefined || (expiresAt !== undefined && existing.expiresAt >= expiresAt))) {
      return copy(existing);
    }
    const entry: BanEntry = { target: t.target, kind: t.kind, reason: opts.reason, createdAt: now };
    if (expiresAt !== undefined) entry.expiresAt = expiresAt;
    this.put(entry);
    return copy(entry);
  }

  /** Removes the ban on exactly this target (after canonicalising it); returns it, or undefined. */
  remove(target: string | BanTarget): BanEntry | undefined {
    const t = typeof target === 'string' ? parseBanTarget(target) : parseBanTarget(target.target);
    const e = this.getAny(t);
    if (!e) return undefined;
    this.delete(e);
    return copy(e);
  }

  /** The unexpired ban on exactly this target, or undefined. */
  get(target: string | BanTarget): BanEntry | undefined {
    const t = typeof target === 'string' ? parseBanTarget(target) : parseBanTarget(target.target);
    const e = this.getLive(t, this.clock.now());
    return e ? copy(e) : undefined;
  }

  /**
   * The unexpired ban that applies to a peer: its id, then its IP, then the most specific subnet
   * holding its IP. Undefined when none applies.
   */
  find(q: BanQuery): BanEntry | undefined {
    const now = this.clock.now();
    if (q.id !== undefined) {
      const e = this.ids.get(q.id.toLowerCase());
      if (e && !isExpired(e, now)) return copy(e);
    }
    if (q.ip === undefined || (this.ips.size === 0 && this.prefixLengths.length === 0)) return undefined;
    const bytes = parseIpBytes(q.ip);
    const e = this.ips.get(formatIpBytes(bytes));
    if (e && !isExpired(e, now)) return copy(e);
    for (const bits of this.prefixLengths) {
      const s = this.subnets.get(bits)!.get(hexKey(maskBytes(bytes, bits)));
      if (s && !isExpired(s, now)) return copy(s);
    }
    return undefined;
  }

  isBanned(q: BanQuery): boolean {
    return this.find(q) !== undefined;
  }

  /** Removes every expired ban and returns them (oldest expiry first). */
  sweep(): BanEntry[] {
    const now = this.clock.now();
    const expired: BanEntry[] = [];
    for (const e of this.all()) if (isExpired(e, now)) expired.push(e);
    for (const e of expired) this.delete(e);
    return expired.sort((a, b) => a.expiresAt! - b.expiresAt!).map(copy);
  }

  /** Every unexpired ban, newest first. */
  entries(): BanEntry[] {
    const now = this.clock.now();
    return this.all()
      .filter((e) => !isExpired(e, now))
      .sort((a, b) => b.createdAt - a.createdAt || (a.target < b.target ? -1 : 1))
      .map(copy);
  }

  /** The serialisable form: every ban held (expired ones not yet swept included). */
  toJSON(): BanEntry[] {
    return this.all().map(copy);
  }

  /** The earliest expiry among bans held, so the shell can schedule the next sweep. */
  nextExpiry(): number | undefined {
    let next: number | undefined;
    for (const e of this.all()) if (e.expiresAt !== undefined && (next === undefined || e.expiresAt < next)) next = e.expiresAt;
    return next;
  }

  /** Number of bans held (expired but unswept included). */
  get size(): number {
    let n = this.ids.size + this.ips.size;
    for (const m of this.subnets.values()) n += m.size;
    return n;
  }

  private all(): BanEntry[] {
    const out = [...this.ids.values(), ...this.ips.values()];
    for (const m of this.subnets.values()) out.push(...m.values());
    return out;
  }

  private getAny(t: BanTarget): BanEntry | undefined {
    if (t.kind === 'id') return this.ids.get(t.target);
    if (t.kind === 'ip') return this.ips.get(t.target);
    const sub = subnetOf(t.target);
    return this.subnets.get(sub.bits)?.get(hexKey(sub.network));
  }

  private getLive(t: BanTarget, now: number): BanEntry | undefined {
    const e = this.getAny(t);
    return e && !isExpired(e, now) ? e : undefined;
  }

  private put(e: BanEntry): void {
    if (e.kind === 'id') this.ids.set(e.target, e);
    else if (e.kind === 'ip') this.ips.set(e.target, e);
    else {
      const sub = subnetOf(e.target);
      let m = this.subnets.get(sub.bits);
      if (!m) {
        m = new Map();
        this.subnets.set(sub.bits, m);
        this.prefixLengths = [...this.subnets.keys()].sort((a, b) => b - a);
      }
      m.set(hexKey(sub.network), e);
    }
  }

  private delete(e: BanEntry): void {
    if (e.kind === 'id') this.ids.delete(e.target);
    else if (e.kind === 'ip') this.ips.delete(e.target);
    else {
      const sub = subnetOf(e.target);
      const m = this.subnets.get(sub.bits);
      if (!m) return;
      m.delete(hexKey(sub.network));
      if (m.size === 0) {
        this.subnets.delete(sub.bits);
        this.prefixLengths = [...this.subnets.keys()].sort((a, b) => b - a);
      }
    }
  }
}
