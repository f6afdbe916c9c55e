// The eclipse alarm's detectors: pure functions from what a node sees of its book and peers to the shapes an eclipse takes.
//
// Heilman et al. (2015) list anomaly detection as countermeasure 10 and note that Bitcoin Core
// does not have it. An eclipse leaves marks a node can see on its own: addresses pushed at it
// unasked, many connections from one network, one network filling its address book, and outbound
// peers that all came from the same tellers. Each detector below looks for one of those marks with
// thresholds set well above what an honest network of the same size produces (the reasoning is
// next to each constant), so an alarm is worth a person's attention. The node runs them every
// minute (src/node/eclipse-watch.ts); nothing here reads a clock or draws randomness.

/** What an alarm is about. */
export type AlarmKind = 'addr-flood' | 'inbound-concentration' | 'book-skew' | 'outbound-sources' | 'crowded-ips';

export const ALARM_KINDS: readonly AlarmKind[] = ['addr-flood', 'inbound-concentration', 'book-skew', 'outbound-sources', 'crowded-ips'];

/** One detector's finding: what it saw, the groups involved, and the numbers behind it. */
export interface AlarmFinding {
  kind: AlarmKind;
  /** One sentence for people: what was seen and why it matters. */
  message: string;
  /** The net groups (or ASes, "AS13335") involved, most implicated first. */
  groups: string[];
  evidence: Record<string, number | string>;
}

/** An ADDR message we did not ask for that carried more than RELAY_MAX_ENTRIES entries. */
export interface UnsolicitedBulk {
  /** The sender's node id and net group. */
  peer: string;
  group: string;
  entries: number;
  at: number;
}

/** What the node sees, assembled once per check. */
export interface EclipseObservation {
  now: number;
  /** Address-book entries per net group (AS with a map), both tables. */
  bookGroups: ReadonlyArray<{ group: string; new: number; tried: number }>;
  bookNew: number;
  bookTried: number;
  /** Net groups of the inbound peers, one per peer. */
  inboundGroups: readonly string[];
  /**
   * For each automatic outbound peer: the group of whoever told us its address (undefined when it
   * came from configuration — seeds, static peers, hubs — which the operator vouches for).
   */
  outboundSourceGroups: ReadonlyArray<string | undefined>;
  /** Unsolicited bulk ADDR messages, the recent ones (older ones are ignored here). */
  unsolicited: readonly UnsolicitedBulk[];
  /** IPs the book holds at least `crowdedMinEntries` endpoints of, with their groups, most first. */
  crowdedIps: ReadonlyArray<{ ip: string; group: string; entries: number }>;
}

/**
 * The thresholds. Every one is a multiple of what honest behaviour produces, so that an honest
 * network — including one where a few hosting providers hold most nodes — never raises an alarm.
 */
export interface AlarmThresholds {
  /**
   * Honest peers send more than 10 addresses only to answer our GETADDR (relays and self-
   * announcements are at most 10 entries, which is what makes them relayable). An ADDR of more,
   * unasked, is pushing addresses at us. Counted over this window…
   */
  floodWindowMs: number;
  /** …from at least this many distinct peers (one could be a misbehaving implementation)… */
  floodMinPeers: number;
  /** …totalling at least this many entries (a full ADDR's worth: a real attempt to fill the book). */
  floodMinEntries: number;
  /**
   * Inbound peers arrive from wherever honest nodes are: one group holds the share of the
   * network it hosts. With at least `inboundMinPeers` inbound peers, one group holding more than
   * `inboundMaxShare` of them is more than any hosting network of an honest network holds.
   */
  inboundMinPeers: number;
  inboundMaxShare: number;
  /**
   * One group holding more than `skewMaxShare` of a table (with at least `skewMinNew` / `skewMinTried`
   * entries, so that small books do not count) and `skewRatio` times the next largest group. Honest
   * books follow the network: the biggest hosting network leads, but not by a multiple of the next.
   */
  skewMaxShare: number;
  skewRatio: number;
  skewMinNew: number;
  skewMinTried: number;
  /**
   * Of at least `outboundMinPeers` automatic outbound peers whose addresses came from the network
   * (not from configuration), more than `outboundMaxShare` told by one group: honest outbound peers
   * are picked from a book many peers filled, so their tellers are as varied as the book's.
   */
  outboundMinPeers: number;
  outboundMaxShare: number;
  /**
   * Only outbound peers connected at least this long after the node started count. A node's first
   * book is the answers to its first few GETADDRs — often one peer's answer is most of it — so
   * the peers it picks in its first hour were told by a handful of peers by construction (at 1,000
   * simulated honest nodes, 1 node in 90 had 9–11 of its first 11–12 outbound peers told by one
   * group). Peers picked later, as churn and feelers replace them, come from a book that many peers
   * have filled; they are the ones whose tellers say something.
   */
  outboundSettleMs: number;
  /**
   * A node is one IP and one port; honest operators run a few nodes behind one IP at most (a
   * second port, a relay beside a producer). A sybil swarm runs dozens of node ids per IP to make
   * cheap identities. At least `crowdedMinIps` IPs with `crowdedMinEntries` or more endpoints each
   * in the book is a swarm (one such IP could be a test rig or a misconfigured host).
   */
  crowdedMinEntries: number;
  crowdedMinIps: number;
}

export const DEFAULT_ALARM_THRESHOLDS: Readonly<AlarmThresholds> = Object.freeze({
  floodWindowMs: 10 * 60_000,
  floodMinPeers: 2,
  floodMinEntries: 1000,
  inboundMinPeers: 16,
  inboundMaxShare: 0.5,
  skewMaxShare: 0.3,
  skewRatio: 3,
  skewMinNew: 1000,
  skewMinTried: 200,
  outboundMinPeers: 8,
  outboundMaxShare: 0.75,
  outboundSettleMs: 60 * 60_000,
  crowdedMinEntries: 10,
  crowdedMinIps: 2,
});

/** How many entries a relayable ADDR may carry: more, unasked, is a push. */
export const RELAY_MAX_ENTRIES = 10;

const pct = (x: number) => `${Math.round(x * 100)} %`;

/** Counts per key, largest first (ties by key, so the result is deterministic). */
function ranked(keys: Iterable<string>): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Unsolicited bulk ADDR from several peers at once. */
export function detectAddrFlood(o: EclipseObservation, t: AlarmThresholds = DEFAULT_ALARM_THRESHOLDS): AlarmFinding | undefined {
  const recent = o.unsolicited.filter((u) => o.now - u.at <= t.floodWindowMs);
  const perPeer = new Map<string, { group: string; entries: number }>();
  let entries = 0;
  for (const u of recent) {
    const p = perPeer.get(u.peer) ?? { group: u.group, entries: 0 };
    p.entries += u.entries;
    perPeer.set(u.peer, p);
    entries += u.entries;
  }
  if (perPeer.size < t.floodMinPeers || entries < t.floodMinEntries) return undefined;
  const groups = ranked([...perPeer.values()].map((p) => p.group)).map(([g]) => g);
  return {
    kind: 'addr-flood',
    message: `${perPeer.size} peers pushed ${entries} addresses at us unasked in the last ${t.floodWindowMs / 60_000} minutes (honest peers send more than ${RELAY_MAX_ENTRIES} only when asked): someone is trying to fill the address book`,
    groups,
    evidence: { peers: perPeer.size, entries, messages: recent.length, windowMinutes: t.floodWindowMs / 60_000 },
  };
}

/** Inbound slots filled from one group. */
export function detectInboundConcentration(o: EclipseObservation, t: AlarmThresholds = DEFAULT_ALARM_THRESHOLDS): AlarmFinding | undefined {
  const n = o.inboundGroups.length;
  if (n < t.inboundMinPeers) return undefined;
  const [top] = ranked(o.inboundGroups);
  if (!top || top[1] / n <= t.inboundMaxShare) return undefined;
  return {
    kind: 'inbound-concentration',
    message: `${top[1]} of ${n} inbound peers (${pct(top[1] / n)}) come from ${top[0]}: one network is taking the inbound slots`,
    groups: [top[0]],
    evidence: { inbound: n, fromTopGroup: top[1], share: Math.round((top[1] / n) * 1000) / 1000 },
  };
}

/** One group holding far more of a table than any other. */
export function detectBookSkew(o: EclipseObservation, t: AlarmThresholds = DEFAULT_ALARM_THRESHOLDS): AlarmFinding | undefined {
  for (const table of ['tried', 'new'] as const) {
    const total = table === 'new' ? o.bookNew : o.bookTried;
    if (total < (table === 'new' ? t.skewMinNew : t.skewMinTried)) continue;
    let first: { group: string; n: number } | undefined;
    let second = 0;
    for (const g of o.bookGroups) {
      const n = g[table];
      if (!first || n > first.n || (n === first.n && g.group < first.group)) {
        if (first) second = Math.max(second, first.n);
        first = { group: g.group, n };
      } else second = Math.max(second, n);
    }
    if (!first) continue;
    const share = first.n / total;
    if (share <= t.skewMaxShare || first.n < t.skewRatio * Math.max(1, second)) continue;
    return {
      kind: 'book-skew',
      message: `${first.group} holds ${first.n} of ${total} ${table}-table entries (${pct(share)}), ${(first.n / Math.max(1, second)).toFixed(1)}x the next group: one network is filling the address book`,
      groups: [first.group],
      evidence: { table, entries: total, fromTopGroup: first.n, share: Math.round(share * 1000) / 1000, nextGroup: second },
    };
  }
  return undefined;
}

/** Outbound peers whose addresses were all told by the same group. */
export function detectOutboundSources(o: EclipseObservation, t: AlarmThresholds = DEFAULT_ALARM_THRESHOLDS): AlarmFinding | undefined {
  const told = o.outboundSourceGroups.filter((g): g is string => g !== undefined);
  if (told.length < t.outboundMinPeers) return undefined;
  const [top] = ranked(told);
  if (!top || top[1] / told.length <= t.outboundMaxShare) return undefined;
  return {
    kind: 'outbound-sources',
    message: `${top[1]} of ${told.length} outbound peers were addresses told to us by ${top[0]}: whoever chose our peers is one network`,
    groups: [top[0]],
    evidence: { outbound: told.length, fromTopSource: top[1], share: Math.round((top[1] / told.length) * 1000) / 1000 },
  };
}

/** Several IPs each behind many endpoints in the book: a swarm of cheap identities. */
export function detectCrowdedIps(o: EclipseObservation, t: AlarmThresholds = DEFAULT_ALARM_THRESHOLDS): AlarmFinding | undefined {
  const crowded = o.crowdedIps.filter((c) => c.entries >= t.crowdedMinEntries);
  if (crowded.length < t.crowdedMinIps) return undefined;
  const entries = crowded.reduce((n, c) => n + c.entries, 0);
  const groups = ranked(crowded.map((c) => c.group)).map(([g]) => g);
  return {
    kind: 'crowded-ips',
    message: `${crowded.length} IPs stand behind ${entries} addresses in the book (${crowded[0]!.ip} behind ${crowded[0]!.entries}): someone is running many node identities on few hosts`,
    groups,
    evidence: { ips: crowded.length, entries, mostBehindOneIp: crowded[0]!.entries },
  };
}

/** Every detector, in a fixed order. */
export function assessEclipse(o: EclipseObservation, t: AlarmThresholds = DEFAULT_ALARM_THRESHOLDS): AlarmFinding[] {
  const out: AlarmFinding[] = [];
  for (const f of [detectAddrFlood(o, t), detectInboundConcentration(o, t), detectBookSkew(o, t), detectOutboundSources(o, t), detectCrowdedIps(o, t)]) if (f) out.push(f);
  return out;
}
