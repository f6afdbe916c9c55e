// Unit tests of the dashboard's DOM-free modules: the SSE parser, kept samples and rates, heat colours, the devnet graph.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ForceLayout, REST_ENERGY } from '../../dashboard/src/devnet/force.js';
import { buildTopology } from '../../dashboard/src/devnet/topology.js';
import { ALARM_RATIO, heatColor, heatOf, slotsPerGroup, typicalCount } from '../../dashboard/src/lib/heat.js';
import { keyedRates, rates, SampleStore, stackedPeers, WINDOW_MS } from '../../dashboard/src/lib/series.js';
import { SseParser } from '../../dashboard/src/lib/sse-parser.js';
import type { DevnetSnapshotJson, SampleJson } from '../../dashboard/src/lib/types.js';

const sample = (at: number, n = 0, extra: Partial<SampleJson> = {}): SampleJson => ({
  at,
  peers: { outbound: { hot: 1, warm: 2 }, inbound: { hot: 3, warm: 4 } },
  messages: { in: n, out: 2 * n },
  bytes: { in: 10 * n, out: 20 * n },
  dials: {},
  penalties: {},
  ...extra,
});

describe('SseParser', () => {
  const stream = 'retry: 2000\n\n: ping\n\nid: 7\nevent: peer:connected\ndata: {"seq":7}\n\nevent: hello\ndata: {"lastSeq":7}\n\n';

  it('reads events, ids, retry and skips comments, however the bytes are split', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 6 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const parser = new SseParser();
        const out = [];
        let from = 0;
        for (const p of [...points, stream.length]) {
          out.push(...parser.push(stream.slice(from, p)));
          from = p;
        }
        expect(out).toEqual([
          { event: 'peer:connected', data: '{"seq":7}', id: '7' },
          { event: 'hello', data: '{"lastSeq":7}', id: '7' },
        ]);
        expect(parser.retryMs).toBe(2000);
      }),
    );
  });

  it('joins data lines, accepts CRLF, and names unnamed events "message"', () => {
    const parser = new SseParser();
    expect(parser.push('data: a\r\ndata: b\r\n\r\ndata:c\n\n')).toEqual([
      { event: 'message', data: 'a\nb', id: undefined },
      { event: 'message', data: 'c', id: undefined },
    ]);
  });
});

describe('SampleStore', () => {
  it('keeps recorded samples once, shows the live tail, and replaces the tail on the next answer', () => {
    const store = new SampleStore();
    expect(store.merge([sample(0), sample(5000), sample(7000)])).toBe(true);
    expect(store.samples().map((s) => s.at)).toEqual([0, 5000, 7000]);
    expect(store.lastRecordedAt).toBe(5000);
    // The next answer repeats the hour plus one new sample and a new tail.
    expect(store.merge([sample(0), sample(5000), sample(10_000), sample(11_000)])).toBe(true);
    expect(store.samples().map((s) => s.at)).toEqual([0, 5000, 10_000, 11_000]);
    expect(store.merge([sample(0), sample(5000), sample(10_000), sample(11_000)])).toBe(false);
  });

  it('drops samples older than the window', () => {
    const store = new SampleStore();
    store.merge([sample(0), sample(WINDOW_MS / 2), sample(WINDOW_MS + 10_000), sample(WINDOW_MS + 11_000)]);
    expect(store.samples().map((s) => s.at)).toEqual([WINDOW_MS / 2, WINDOW_MS + 10_000, WINDOW_MS + 11_000]);
  });
});

describe('series maths', () => {
  it('turns cumulative totals into rates per second, blank where the node restarted', () => {
    const s = [sample(0, 0), sample(5000, 10), sample(10_000, 30), sample(15_000, 2)];
    expect(rates(s, (x) => x.messages.in)).toEqual([null, 2, 4, null]);
    expect(rates(s, (x) => x.bytes.out)).toEqual([null, 40, 80, null]);
  });

  it('stacks peers bottom-up so the last layer is the total', () => {
    const layers = stackedPeers([sample(0)]);
    expect(layers.map((l) => [l.label, l.values[0]])).toEqual([
      ['outbound hot', 1],
      ['outbound warm', 3],
      ['inbound hot', 6],
      ['inbound warm', 10],
    ]);
  });

  it('gives per-minute rates for every key that ever appeared', () => {
    const s = [sample(0, 0, { dials: { started: 1 } }), sample(60_000, 0, { dials: { started: 4, failed: 2 } })];
    expect(keyedRates(s, (x) => x.dials)).toEqual([
      { key: 'failed', values: [null, 2] },
      { key: 'started', values: [null, 3] },
    ]);
  });
});

describe('heat map colours', () => {
  it('counts slots per group and finds the typical (median) group', () => {
    const counts = slotsPerGroup([0, 0, 1, -1, 2, 2, 2, -1], 3);
    expect(Array.from(counts)).toEqual([2, 1, 3]);
    expect(typicalCount(counts)).toBe(2);
    expect(typicalCount([0, 0])).toBe(0);
  });

  it('is calm for typical groups, alarming at ALARM_RATIO times typical, and never decreases with the count', () => {
    expect(heatOf(5, 5)).toBe(0);
    expect(heatOf(5 * ALARM_RATIO, 5)).toBe(1);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 100 }), (typical, count, more) => {
        const a = heatOf(count, typical);
        expect(a).toBeGreaterThanOrEqual(0);
        expect(a).toBeLessThanOrEqual(1);
        expect(heatOf(count + more, typical)).toBeGreaterThanOrEqual(a);
      }),
    );
    expect(heatColor(0)).toEqual([61, 155, 233]);
    expect(heatColor(1)).toEqual([229, 72, 77]);
  });
});

describe('devnet topology', () => {
  const id = (i: number) => String(i).repeat(64);
  const node = (index: number, peers: { id: string; direction: 'inbound' | 'outbound'; temperature: string }[], up = true) => ({
    index,
    ip: `127.${index}.0.1`,
    apiUrl: `http://127.${index}.0.1:1`,
    up,
    id: id(index),
    health: { status: 'healthy' as const, reason: '' },
    outbound: { hot: peers.filter((p) => p.direction === 'outbound').length, warm: 0 },
    inbound: { hot: peers.filter((p) => p.direction === 'inbound').length, warm: 0 },
    addresses: 0,
    peers,
  });

  it('makes one edge per connection, from dialler to acceptor, with both ends’ views', () => {
    const snap: DevnetSnapshotJson = {
      startedAt: 0,
      verdict: { ok: true, component: 3, problems: [] },
      nodes: [
        node(1, [{ id: id(2), direction: 'outbound', temperature: 'hot' }, { id: id(3), direction: 'inbound', temperature: 'warm' }, { id: id(9), direction: 'outbound', temperature: 'hot' }]),
        node(2, [{ id: id(1), direction: 'inbound', temperature: 'hot' }]),
        node(3, [{ id: id(1), direction: 'outbound', temperature: 'warm' }]),
      ],
    };
    const { vertices, edges } = buildTopology(snap);
    expect(vertices.map((v) => [v.index, v.peers])).toEqual([
      [1, 3],
      [2, 1],
      [3, 1],
    ]);
    expect(edges).toEqual([
      { key: '1>2', from: 1, to: 2, fromView: { direction: 'outbound', temperature: 'hot' }, toView: { direction: 'inbound', temperature: 'hot' }, paired: false },
      { key: '3>1', from: 3, to: 1, fromView: { direction: 'outbound', temperature: 'warm' }, toView: { direction: 'inbound', temperature: 'warm' }, paired: false },
    ]);
  });

  it('marks two connections between the same pair as paired', () => {
    const snap: DevnetSnapshotJson = {
      startedAt: 0,
      verdict: { ok: true, component: 2, problems: [] },
      nodes: [
        node(1, [{ id: id(2), direction: 'outbound', temperature: 'hot' }, { id: id(2), direction: 'inbound', temperature: 'hot' }]),
        node(2, []),
      ],
    };
    expect(buildTopology(snap).edges.map((e) => [e.key, e.paired])).toEqual([
      ['1>2', true],
      ['2>1', true],
    ]);
  });
});

describe('ForceLayout', () => {
  it('comes to rest inside the canvas with no vertex on top of another', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 30 }), (n, raw) => {
        const layout = new ForceLayout();
        const keys = Array.from({ length: n }, (_, i) => i + 1);
        layout.setVertices(keys, 900, 460);
        // A chain keeps the graph connected; random extra links on top.
        const links: [number, number][] = keys.slice(1).map((k) => [k - 1, k]);
        for (const [a, b] of raw) if (a % n !== b % n) links.push([(a % n) + 1, (b % n) + 1]);
        let energy = Infinity;
        for (let steps = 0; energy > REST_ENERGY && steps < 3000; steps++) energy = layout.step(links, 900, 460);
        expect(energy).toBeLessThanOrEqual(REST_ENERGY);
        const pts = [...layout.points.values()];
        for (const p of pts) {
          expect(p.x).toBeGreaterThanOrEqual(0);
          expect(p.x).toBeLessThanOrEqual(900);
          expect(p.y).toBeGreaterThanOrEqual(0);
          expect(p.y).toBeLessThanOrEqual(460);
        }
        for (let i = 0; i < pts.length; i++) for (let j = i + 1; j < pts.length; j++) expect(Math.hypot(pts[i]!.x - pts[j]!.x, pts[i]!.y - pts[j]!.y)).toBeGreaterThan(25);
      }),
      { numRuns: 40 },
    );
  });

  it('keeps positions of known vertices and forgets removed ones', () => {
    const layout = new ForceLayout();
    layout.setVertices([1, 2], 400, 400);
    const before = { ...layout.points.get(1)! };
    layout.setVertices([1, 3], 400, 400);
    expect(layout.points.get(1)).toEqual(before);
    expect([...layout.points.keys()].sort()).toEqual([1, 3]);
  });
});
