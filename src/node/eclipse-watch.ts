// The eclipse alarm on a running node: gathers what the detectors need, runs them every minute, raises and clears alarms.

import { netGroupName, type NetGroupOptions } from '../core/address/index.js';
import { assessEclipse, DEFAULT_ALARM_THRESHOLDS, RELAY_MAX_ENTRIES, type AlarmFinding, type AlarmKind, type AlarmThresholds, type EclipseObservation, type UnsolicitedBulk } from '../core/alarm/eclipse.js';
import type { Scheduler, Timer } from '../core/clock.js';
import type { AddressBook } from '../core/addrbook/index.js';
import type { GovernorState } from '../core/governor/index.js';
import type { NodeAlarm } from './types.js';

/** How often the detectors run: alarms are about minutes-long shapes, not single messages. */
export const ALARM_CHECK_INTERVAL_MS = 60_000;
/** Unsolicited bulk messages remembered at most (older ones fall out of the window anyway). */
const MAX_UNSOLICITED_RECORDS = 4096;
/** Origins an operator vouches for: addresses from configuration are not "told by the network". */
const CONFIGURED_ORIGINS = new Set(['seed', 'dns', 'hub', 'manual']);
/** Vouched-for addresses remembered at most (seeds, hubs and manual peers are few). */
const MAX_VOUCHED = 4096;

/** What the watch reads from its node: the book, the governor's peers, and how to group an IP. */
export interface EclipseWatchParts {
  scheduler: Scheduler;
  book: AddressBook;
  governor: () => GovernorState;
  grouping: NetGroupOptions;
  /** Inbound peers' IPs right now. */
  inboundIps(): string[];
  /** An alarm was raised, changed or cleared. */
  publish(alarm: NodeAlarm, state: 'raised' | 'cleared'): void;
  thresholds?: Partial<AlarmThresholds>;
  checkIntervalMs?: number;
}

/**
 * Raises an alarm when a detector finds an eclipse's shape and clears it when the evidence goes
 * away. The node feeds it two things as they happen (GETADDR we sent, ADDR we received); the rest
 * it reads when it checks.
 */
export class EclipseWatch {
  readonly #p: EclipseWatchParts;
  readonly #t: AlarmThresholds;
  #startedAt = 0;
  /** Peers we asked for addresses and whose answer has not come yet: their next big ADDR is solicited. */
  readonly #asked = new Set<string>();
  #unsolicited: UnsolicitedBulk[] = [];
  /**
   * IPs of the seeds, DNS seeds, hubs and manual peers: what they tell us is as good as
   * configuration (a fresh node learns most of its first addresses from its seeds).
   */
  readonly #vouched = new Set<string>();
  readonly #active = new Map<AlarmKind, NodeAlarm>();
  #timer: Timer | undefined;
  #stopped = false;

  constructor(parts: EclipseWatchParts) {
    this.#p = parts;
    this.#t = { ...DEFAULT_ALARM_THRESHOLDS, ...parts.thresholds };
  }

  /** Alarms in force, oldest first. */
  active(): NodeAlarm[] {
    return [...this.#active.values()].sort((a, b) => a.since - b.since || (a.kind < b.kind ? -1 : 1));
  }

  start(): void {
    this.#startedAt = this.#p.scheduler.now();
    for (const e of this.#p.book.entries()) if (CONFIGURED_ORIGINS.has(e.origin)) this.vouch(e.endpoint.ip);
    this.#arm();
  }

  /** An address came from configuration (seed, DNS seed, hub, manual connection): trust what it tells us. */
  vouch(ip: string): void {
    if (this.#vouched.size < MAX_VOUCHED) this.#vouched.add(ip);
  }

  /** Whether `origin` is one of configuration's. */
  static isConfiguredOrigin(origin: string): boolean {
    return CONFIGURED_ORIGINS.has(origin);
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  /** We sent GETADDR to `peer`: its answer may carry up to 1000 entries. */
  askedForAddresses(peer: string): void {
    this.#asked.add(peer);
  }

  /** `peer` (at `ip`) sent an ADDR of `entries` entries. */
  addrReceived(peer: string, ip: string, entries: number): void {
    if (entries <= RELAY_MAX_ENTRIES) return;
    if (this.#asked.delete(peer)) return; // the answer we asked for
    this.#unsolicited.push({ peer, group: netGroupName(ip, this.#p.grouping), entries, at: this.#p.scheduler.now() });
    if (this.#unsolicited.length > MAX_UNSOLICITED_RECORDS) this.#unsolicited = this.#unsolicited.slice(-MAX_UNSOLICITED_RECORDS / 2);
  }

  peerGone(peer: string): void {
    this.#asked.delete(peer);
  }

  /** Runs every detector now; raises new alarms, updates those still in force, clears the rest. */
  check(): NodeAlarm[] {
    const now = this.#p.scheduler.now();
    this.#unsolicited = this.#unsolicited.filter((u) => now - u.at <= this.#t.floodWindowMs);
    const findings = assessEclipse(this.#observe(now), this.#t);
    const seen = new Set<AlarmKind>();
    for (const f of findings) {
      seen.add(f.kind);
      const prev = this.#active.get(f.kind);
      const alarm = toAlarm(f, prev?.since ?? now);
      this.#active.set(f.kind, alarm);
      if (!prev) this.#p.publish(alarm, 'raised');
    }
    for (const [kind, alarm] of this.#active) {
      if (seen.has(kind)) continue;
      this.#active.delete(kind);
      this.#p.publish(alarm, 'cleared');
    }
    return this.active();
  }

  #observe(now: number): EclipseObservation {
    const p = this.#p;
    const bookGroups = p.book.groupCounts();
    const inboundGroups = p.inboundIps().map((ip) => netGroupName(ip, p.grouping));
    const outboundSourceGroups: Array<string | undefined> = [];
    for (const peer of p.governor().peers.values()) {
      if (peer.direction !== 'outbound' || (peer.purpose !== 'outbound' && peer.purpose !== 'anchor')) continue;
      if (peer.connectedAt - this.#startedAt < this.#t.outboundSettleMs) continue;
      const entry = p.book.get(peer.endpoint);
      if (!entry || CONFIGURED_ORIGINS.has(entry.origin) || this.#vouched.has(entry.source)) outboundSourceGroups.push(undefined);
      else outboundSourceGroups.push(netGroupName(entry.source, p.grouping));
    }
    const crowdedIps = p.book.crowdedIps(this.#t.crowdedMinEntries).map((c) => ({ ...c, group: netGroupName(c.ip, p.grouping) }));
    const bookNew = p.book.size({ table: 'new' });
    const bookTried = p.book.size({ table: 'tried' });
    return { now, bookGroups, bookNew, bookTried, inboundGroups, outboundSourceGroups, unsolicited: this.#unsolicited, crowdedIps };
  }

  #arm(): void {
    if (this.#stopped) return;
    this.#timer = this.#p.scheduler.after(this.#p.checkIntervalMs ?? ALARM_CHECK_INTERVAL_MS, () => {
      this.#timer = undefined;
      this.check();
      this.#arm();
    });
  }
}

function toAlarm(f: AlarmFinding, since: number): NodeAlarm {
  return { kind: f.kind, message: f.message, groups: f.groups, evidence: f.evidence, since };
}
