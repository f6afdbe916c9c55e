import { describe, expect, it } from 'vitest';
import type { ScenarioResult } from '../../src/sim/run.js';
import { metricOf, runSmall } from './helpers.js';

// The simulator's fast path hands decoded messages across and lets the network vouch for
// identities; the byte-level memory transport encodes every frame, sends bytes with a send window,
// decodes them, and signs handshakes with Ed25519. The policies above (governor, address book,
// peer exchange with its rate limits, reputation, connection limits) are the same code. So the
// same scenario run both ways must come to the same policy outcomes. The two runs are not
// identical — loss is drawn per message on one and per chunk on the other, so their random
// streams part early — and the comparison is statistical, with the tolerances below.

const SET = 'sampleEvery=1m';
/** Relative differences allowed between the two runs' means (and, looser, their spreads). */
const MEAN_TOLERANCE = 0.1;
const SPREAD_TOLERANCE = 0.25;

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-9);
const dist = (r: ScenarioResult, key: string) => r.details[key] as { count: number; mean: number; p50: number; p90: number; max: number };

describe('message-level fast path against the byte-level transport (bootstrap, 150 nodes, 10 min)', () => {
  it('reaches the same policy outcomes: targets, one network, degrees, book sizes, gossip volumes', async () => {
    const fast = (await runSmall('bootstrap', 150, 10 * 60_000, SET, 'honesty')).result;
    const bytes = (await runSmall('bootstrap', 150, 10 * 60_000, `${SET},byteLevel=true`, 'honesty')).result;
    for (const r of [fast, bytes]) {
      expect(r.checks.filter((c) => !c.ok)).toEqual([]);
      expect(metricOf(r, 'atTargetEnd')).toBe(1);
      expect(metricOf(r, 'components')).toBe(1);
      expect(metricOf(r, 'sharedGroupNodes')).toBe(0);
    }
    // Every node at 12 outbound at the end, both ways; the inbound side (who dialled whom) is random.
    expect(fast.details.outboundHistogram).toEqual(bytes.details.outboundHistogram);
    expect(rel(metricOf(fast, 'meanDegree')!, metricOf(bytes, 'meanDegree')!)).toBeLessThan(MEAN_TOLERANCE);
    const inFast = dist(fast, 'inboundDistribution');
    const inBytes = dist(bytes, 'inboundDistribution');
    expect(rel(inFast.p90, inBytes.p90)).toBeLessThan(SPREAD_TOLERANCE);
    expect(rel(metricOf(fast, 'maxInbound')!, metricOf(bytes, 'maxInbound')!)).toBeLessThan(SPREAD_TOLERANCE);
    expect(rel(metricOf(fast, 'diameter')!, metricOf(bytes, 'diameter')!)).toBeLessThanOrEqual(0.34);
    expect(rel(metricOf(fast, 'meanPath')!, metricOf(bytes, 'meanPath')!)).toBeLessThan(MEAN_TOLERANCE);
    // Address books: sizes at the end.
    const bookFast = dist(fast, 'bookSizes');
    const bookBytes = dist(bytes, 'bookSizes');
    expect(rel(bookFast.mean, bookBytes.mean)).toBeLessThan(MEAN_TOLERANCE);
    expect(rel(bookFast.p50, bookBytes.p50)).toBeLessThan(SPREAD_TOLERANCE);
    expect(rel(bookFast.p90, bookBytes.p90)).toBeLessThan(SPREAD_TOLERANCE);
    // Time to targets: medians within a quarter (one round trip more or less moves it by tens of ms).
    expect(rel(metricOf(fast, 'timeToTargetP50Ms')!, metricOf(bytes, 'timeToTargetP50Ms')!)).toBeLessThan(SPREAD_TOLERANCE);
    // Gossip: what peer exchange received, dropped at the rate limit, added and relayed.
    const ex = (r: ScenarioResult) => r.details.exchange as Record<string, number>;
    for (const k of ['addrReceived', 'addrAdded', 'addrRelayed', 'getaddrAnswered']) {
      expect(rel(ex(fast)[k]!, ex(bytes)[k]!), k).toBeLessThan(SPREAD_TOLERANCE);
    }
    // Handshakes ran both ways (the byte run signed and verified every one with Ed25519).
    expect(fast.network.dials).toBeGreaterThan(150 * 12);
    expect(rel(fast.network.links, bytes.network.links)).toBeLessThan(MEAN_TOLERANCE);
  }, 300_000);
});
