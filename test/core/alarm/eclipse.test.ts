import { describe, expect, it } from 'vitest';
import {
  assessEclipse,
  DEFAULT_ALARM_THRESHOLDS as T,
  detectAddrFlood,
  detectBookSkew,
  detectCrowdedIps,
  detectInboundConcentration,
  detectOutboundSources,
  type EclipseObservation,
} from '../../../src/core/alarm/eclipse.js';

const base = (o: Partial<EclipseObservation> = {}): EclipseObservation => ({
  now: 10_000_000,
  bookGroups: [],
  bookNew: 0,
  bookTried: 0,
  inboundGroups: [],
  outboundSourceGroups: [],
  unsolicited: [],
  crowdedIps: [],
  ...o,
});

/** A Zipf-like honest spread: group i holds about `top / (i + 1)` entries. */
const zipf = (groups: number, top: number) => Array.from({ length: groups }, (_, i) => `g${i}`).flatMap((g, i) => Array.from({ length: Math.max(1, Math.round(top / (i + 1))) }, () => g));

describe('eclipse detectors', () => {
  it('addr-flood: unasked bulk ADDR from two peers totalling a full message fires; one peer, old messages or small totals do not', () => {
    const now = 10_000_000;
    const push = (peer: string, entries: number, ago = 0) => ({ peer, group: `grp-${peer}`, entries, at: now - ago });
    expect(detectAddrFlood(base({ unsolicited: [push('a', 600), push('b', 500)] }))?.evidence).toMatchObject({ peers: 2, entries: 1100 });
    expect(detectAddrFlood(base({ unsolicited: [push('a', 1000), push('a', 1000)] }))).toBeUndefined();
    expect(detectAddrFlood(base({ unsolicited: [push('a', 400), push('b', 500)] }))).toBeUndefined();
    expect(detectAddrFlood(base({ unsolicited: [push('a', 600), push('b', 500, T.floodWindowMs + 1)] }))).toBeUndefined();
  });

  it('inbound-concentration: more than half of 16+ inbound peers from one group fires; a Zipf-spread inbound set does not', () => {
    const attacked = [...Array.from({ length: 9 }, () => 'AS666'), ...Array.from({ length: 7 }, (_, i) => `h${i}`)];
    const f = detectInboundConcentration(base({ inboundGroups: attacked }));
    expect(f).toMatchObject({ kind: 'inbound-concentration', groups: ['AS666'], evidence: { inbound: 16, fromTopGroup: 9 } });
    expect(detectInboundConcentration(base({ inboundGroups: attacked.slice(0, 15) }))).toBeUndefined(); // fewer than 16
    // An honest node's inbound peers in a network where the biggest host holds a third of the nodes.
    const honest = zipf(40, 12).slice(0, 60);
    expect(detectInboundConcentration(base({ inboundGroups: honest }))).toBeUndefined();
  });

  it('book-skew: one group with over 30 % of a table and 3x the next fires; a Zipf-shaped book does not', () => {
    const groups = [{ group: 'AS666', new: 900, tried: 0 }, ...Array.from({ length: 30 }, (_, i) => ({ group: `h${i}`, new: 50, tried: 10 }))];
    const f = detectBookSkew(base({ bookGroups: groups, bookNew: 2400, bookTried: 300 }));
    expect(f).toMatchObject({ kind: 'book-skew', groups: ['AS666'], evidence: { table: 'new', fromTopGroup: 900 } });
    // The same book too small to judge.
    expect(detectBookSkew(base({ bookGroups: groups, bookNew: 999, bookTried: 300 }))).toBeUndefined();
    const counts = new Map<string, number>();
    for (const g of zipf(300, 1500)) counts.set(g, (counts.get(g) ?? 0) + 1);
    const honest = [...counts].map(([group, n]) => ({ group, new: n, tried: Math.round(n / 10) }));
    const total = honest.reduce((a, g) => a + g.new, 0);
    expect(detectBookSkew(base({ bookGroups: honest, bookNew: total, bookTried: Math.round(total / 10) }))).toBeUndefined();
  });

  it('outbound-sources: most outbound peers told by one group fires; configured origins do not count', () => {
    const told = [...Array.from({ length: 7 }, () => 'AS666'), 'h1', 'h2'];
    expect(detectOutboundSources(base({ outboundSourceGroups: told }))).toMatchObject({ groups: ['AS666'], evidence: { outbound: 9, fromTopSource: 7 } });
    // At bootstrap every outbound address came from the seeds, which the operator configured: no alarm.
    expect(detectOutboundSources(base({ outboundSourceGroups: [...Array.from({ length: 10 }, () => undefined), 'h1'] }))).toBeUndefined();
    expect(detectOutboundSources(base({ outboundSourceGroups: ['a', 'a', 'a', 'a', 'a', 'b', 'c', 'd'] }))).toBeUndefined(); // 62 %
  });

  it('crowded-ips: two or more IPs behind 10+ book entries each fire; one such IP, or a few ports per IP, do not', () => {
    const ip = (n: number, entries: number) => ({ ip: `198.51.${n}.7`, group: `AS6450${n}`, entries });
    expect(detectCrowdedIps(base({ crowdedIps: [ip(1, 25), ip(2, 25), ip(3, 12)] }))).toMatchObject({ kind: 'crowded-ips', evidence: { ips: 3, entries: 62, mostBehindOneIp: 25 } });
    // One crowded host could be a test rig; entries below the threshold are not crowded.
    expect(detectCrowdedIps(base({ crowdedIps: [ip(1, 40)] }))).toBeUndefined();
    expect(detectCrowdedIps(base({ crowdedIps: [ip(1, T.crowdedMinEntries - 1), ip(2, T.crowdedMinEntries - 1)] }))).toBeUndefined();
    expect(detectCrowdedIps(base({ crowdedIps: [ip(1, T.crowdedMinEntries), ip(2, T.crowdedMinEntries)] }))?.groups).toHaveLength(2);
  });

  it('assessEclipse runs every detector and reports in a fixed order', () => {
    const o = base({
      inboundGroups: Array.from({ length: 20 }, () => 'AS666'),
      unsolicited: [
        { peer: 'a', group: 'AS666', entries: 1000, at: 10_000_000 },
        { peer: 'b', group: 'AS666', entries: 1000, at: 10_000_000 },
      ],
    });
    expect(assessEclipse(o).map((f) => f.kind)).toEqual(['addr-flood', 'inbound-concentration']);
    expect(assessEclipse(base())).toEqual([]);
  });
});
