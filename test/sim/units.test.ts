import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify, formatNetGroup, netGroup } from '../../src/core/address/index.js';
import type { TableOccupancy } from '../../src/core/addrbook/index.js';
import { honestIp, hostileIp, isHostileGroup, isHostileIp, nodeIp, HONEST_GROUPS } from '../../src/sim/addresses.js';
import { bookShare } from '../../src/sim/book-share.js';
import { components, distribution, graphOf, pathStats } from '../../src/sim/graph.js';
import { mapLatency } from '../../src/sim/latency.js';
import { NETWORK_PARAMS, parseAssignments, resolveParams } from '../../src/sim/params.js';
import { SeriesRecorder } from '../../src/sim/series.js';
import { lineChart, niceStep } from '../../src/sim/svg.js';
import { wellFormedXml } from './helpers.js';

describe('address plan', () => {
  it('gives every node its own routable /16, and hostile addresses a range of their own', () => {
    const groups = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const ip = nodeIp(i);
      expect(classify(ip)).toBe('routable');
      expect(isHostileIp(ip)).toBe(false);
      groups.add(formatNetGroup(netGroup(ip, { allowLoopback: false, allowPrivate: false })));
    }
    expect(groups.size).toBe(3000);
    expect(HONEST_GROUPS).toBeGreaterThan(50_000);
    expect(classify(honestIp(HONEST_GROUPS - 1, 3))).toBe('routable');
    for (const [g, h] of [[0, 0], [255, 65_533], [3839, 7]] as const) {
      const ip = hostileIp(g, h);
      expect(classify(ip)).toBe('routable');
      expect(isHostileIp(ip)).toBe(true);
      expect(isHostileGroup(formatNetGroup(netGroup(ip, { allowLoopback: false, allowPrivate: false })))).toBe(true);
    }
    expect(() => hostileIp(3840)).toThrow(RangeError);
  });
});

describe('graph', () => {
  it('counts components and measures paths of known graphs', () => {
    // A path 0-1-2-3 and a separate edge 4-5.
    const g = graphOf(6, [[0, 1], [1, 2], [2, 3], [1, 0], [4, 5], [3, 3]]);
    expect(g.edges).toBe(4);
    const c = components(g);
    expect(c.count).toBe(2);
    expect(c.largest).toBe(4);
    const p = pathStats(g);
    expect(p.diameter).toBe(3);
    expect(p.exact).toBe(true);
    // Pairs of the path: 1,2,3,1,2,1 (each both ways) → mean 10/6.
    expect(p.meanPath).toBeCloseTo(10 / 6);
  });

  it('diameter from sampled sources never exceeds the exact one', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(39), fc.nat(39)), { maxLength: 120 }), (links) => {
        const g = graphOf(40, links);
        const exact = pathStats(g);
        const sampled = pathStats(g, 5);
        expect(sampled.diameter).toBeLessThanOrEqual(exact.diameter);
      }),
      { numRuns: 50 },
    );
  });

  it('distribution uses nearest ranks', () => {
    expect(distribution([5, 1, 4, 2, 3, 6, 7, 8, 9, 10])).toEqual({ min: 1, mean: 5.5, p50: 5, p90: 9, max: 10 });
    expect(distribution([])).toEqual({ min: 0, mean: 0, p50: 0, p90: 0, max: 0 });
  });
});

describe('book share', () => {
  const occ = (cells: number[], groups: string[]): TableOccupancy => {
    const full = new Int32Array(64 * Math.ceil(cells.length / 64)).fill(-1);
    full.set(cells);
    return { buckets: full.length / 64, slotsPerBucket: 64, groups, cells: full };
  };
  const view = (n: TableOccupancy, t: TableOccupancy) => ({ occupancy: (table: 'new' | 'tried') => (table === 'new' ? n : t) }) as never;

  it('weighs a pick by the empty slots before each occupied one, as select() walks a bucket', () => {
    // Bucket 0: hostile at slot 0, honest at slot 16 → starts 17..63 and 0 land on slot 0 (48 of 64).
    const cells = new Array<number>(64).fill(-1);
    cells[0] = 1;
    cells[16] = 0;
    const n = occ(cells, ['1.2.0.0/16', '240.1.0.0/16']);
    const empty = occ([], []);
    const s = bookShare(view(n, empty), isHostileGroup);
    expect(s.new).toEqual({ occupied: 2, hostile: 1, share: 0.5, pick: 48 / 64 });
    expect(s.tried.occupied).toBe(0);
    expect(s.select).toBe(48 / 64);
    // With a tried table all honest, selection is new/tried 50/50.
    const tried = occ([0, 0, 0], ['1.3.0.0/16']);
    expect(bookShare(view(n, tried), isHostileGroup).select).toBe(24 / 64);
  });
});

describe('parameters', () => {
  it('parses assignments by kind and reports every problem', () => {
    const problems: string[] = [];
    const a = parseAssignments('latencyMin=10ms, latencyMax=2s,loss=0.5, x', problems);
    const v = resolveParams(NETWORK_PARAMS, a, problems);
    expect(v).toEqual({ latencyMin: 10, latencyMax: 2000, loss: 0.5, byteLevel: false, checkBook: 1000, checkGovernor: 600_000 });
    expect(problems).toEqual(['--set: expected name=value, got "x"']);
    const bad: string[] = [];
    resolveParams(NETWORK_PARAMS, parseAssignments('loss=2,latencyMin=soon', bad), bad);
    expect(bad).toEqual(['latencyMin: invalid duration "soon": use a number with a unit, e.g. 500ms, 30s, 15m, 1h, 1h30m, 7d', 'loss must be between 0 and 0.5, got 2']);
  });
});

describe('latency', () => {
  it('is symmetric, within bounds, and the same for the same seed', () => {
    const a = mapLatency('s', { minMs: 5, maxMs: 150 });
    const b = mapLatency('s', { minMs: 5, maxMs: 150 });
    const c = mapLatency('other', { minMs: 5, maxMs: 150 });
    const ips = Array.from({ length: 30 }, (_, i) => nodeIp(i));
    let differs = false;
    for (const x of ips) {
      for (const y of ips) {
        const d = a(x, y);
        expect(d).toBe(a(y, x));
        expect(d).toBe(b(x, y));
        expect(d).toBeGreaterThanOrEqual(5);
        expect(d).toBeLessThanOrEqual(150);
        if (c(x, y) !== d) differs = true;
      }
    }
    expect(a(ips[0]!, ips[0]!)).toBe(5);
    expect(differs).toBe(true);
  });
});

describe('series and charts', () => {
  it('keeps columns aligned and rounds values', () => {
    const s = new SeriesRecorder();
    s.record(1000, { a: 1 / 3 });
    s.record(2000, { a: 0.5, b: 2 });
    expect(s.toJSON()).toEqual({ t: [1000, 2000], a: [0.3333, 0.5], b: [NaN, 2] });
    expect(s.points('b')).toEqual([[2000, 2]]);
    expect(s.last('a')).toBe(0.5);
  });

  it('picks nice steps', () => {
    expect(niceStep(1)).toBe(0.2);
    expect(niceStep(100)).toBe(20);
    expect(niceStep(7)).toBe(2);
    expect(niceStep(0)).toBe(1);
  });

  it('renders a well-formed SVG with escaped text, a path per line, gaps and markers', () => {
    const svg = lineChart({
      title: 'A <title> & "quotes"',
      yLabel: 'share',
      yFormat: 'percent',
      lines: [
        { name: 'one', points: [[0, 0], [60_000, 0.5], [120_000, NaN], [180_000, 1]] },
        { name: 'bound', points: [[0, 0.3], [180_000, 0.3]], dashed: true },
      ],
      markers: [{ atMs: 60_000, label: 'cut' }, { atMs: 61_000, label: 'healed <quickly>' }],
    });
    expect(wellFormedXml(svg)).toEqual([]);
    expect(svg).toContain('A &lt;title&gt; &amp; &quot;quotes&quot;');
    expect(svg).toContain('healed &lt;quickly&gt;');
    expect(svg.match(/<path /g)).toHaveLength(2);
    // The gap starts a new segment.
    expect(svg).toMatch(/<path d="M[^"]*L[^"]*M[^"]*"/);
    expect(svg).toContain('stroke-dasharray="6 4"');
    expect(svg).toContain('>100%<');
    expect(svg).toContain('>3m<');
    expect(lineChart({ title: 't', yLabel: 'y', lines: [] })).toBe(lineChart({ title: 't', yLabel: 'y', lines: [] }));
  });
});
