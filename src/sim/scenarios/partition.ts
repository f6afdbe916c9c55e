// Scenario "partition": the network is cut in two halves, each must keep working; after the cut heals, the halves must merge again.

import { check, metric, type Scenario } from '../scenario.js';
import { SeriesRecorder } from '../series.js';
import { topologyOf } from '../topology.js';
import { falseAlarms, growNetwork, HONEST_PARAMS, shapeRow, shareAtTarget } from './common.js';

export const partition: Scenario = {
  name: 'partition',
  title: 'Partition and heal',
  summary:
    'After a warm-up the memory network is split in two halves (even and odd nodes): nothing crosses the cut, so the links across it ' +
    'die of unanswered pings (3 × 30 s) and dials across it time out. Each half must refill its slots from its own side. When the cut ' +
    'heals nothing forces the halves together: they merge as churn (every 55 ± 10 min, 20 % of peers) and feelers pick addresses from ' +
    'the other side again. Reported: how fast the split completes, whether the halves stay at targets, and how long healing and mixing take.',
  defaultNodes: 200,
  minNodes: 16,
  defaultDurationMs: 2 * 3_600_000,
  params: {
    ...HONEST_PARAMS,
    warmup: { kind: 'duration', default: 15 * 60_000, help: 'time before the cut', min: 60_000, max: 7 * 86_400_000 },
    partitionFor: { kind: 'duration', default: 20 * 60_000, help: 'how long the cut lasts', min: 60_000, max: 7 * 86_400_000 },
    sampleEvery: { kind: 'duration', default: 30_000, help: 'interval between samples', min: 1000, max: 3_600_000 },
  },
  validate(_nodes, durationMs, p) {
    const cut = (p.warmup as number) + (p.partitionFor as number);
    return durationMs <= cut ? [`the duration must exceed warm-up + partition (${cut / 60_000} min); healing needs time after that`] : [];
  },
  async run({ sim, nodes, durationMs, params, onProgress }) {
    const net = await growNetwork(sim, nodes, params);
    const warmup = params.warmup as number;
    const healAt = warmup + (params.partitionFor as number);
    const sideOf = (index: number) => index % 2;
    sim.at(warmup, 'partition', () => {
      const halves: string[][] = [[], []];
      for (const sn of net.nodes) halves[sideOf(sn.index)]!.push(sn.ip);
      sim.net.partition(halves);
    });
    sim.at(healAt, 'heal', () => sim.net.heal());

    const series = new SeriesRecorder();
    const marks = {
      crossBefore: NaN,
      splitAt: undefined as number | undefined,
      healedAt: undefined as number | undefined,
      mixedAt: undefined as number | undefined,
      atTargetDuring: [] as number[],
      componentsEndOfCut: NaN,
    };
    sim.sampleEvery(params.sampleEvery as number, () => {
      const t = sim.elapsed;
      const topo = topologyOf(net.nodes, net.byId);
      let cross = 0;
      topo.graph.adj.forEach((adj, i) => {
        for (const j of adj) if (j > i && sideOf(topo.nodes[i]!.index) !== sideOf(topo.nodes[j]!.index)) cross++;
      });
      const crossShare = topo.graph.edges ? cross / topo.graph.edges : 0;
      const sides = [0, 1].map((s) => topo.nodes.filter((sn) => sideOf(sn.index) === s));
      // During the cut a node can reach only its own half: connected to all of it is as good as it gets.
      const cut = t > warmup && t <= healAt;
      const atTarget = sides.map((side) => shareAtTarget(net, side, cut ? side.length - 1 : undefined));
      if (t <= warmup) marks.crossBefore = crossShare;
      if (t > warmup && t <= healAt) {
        if (marks.splitAt === undefined && cross === 0) marks.splitAt = t;
        if (marks.splitAt !== undefined) marks.atTargetDuring.push(Math.min(...atTarget));
        marks.componentsEndOfCut = topo.components;
      }
      if (t > healAt) {
        if (marks.healedAt === undefined && topo.components === 1) marks.healedAt = t;
        if (marks.mixedAt === undefined && crossShare >= marks.crossBefore / 2) marks.mixedAt = t;
      }
      series.record(t, { ...shapeRow(topo), crossEdges: cross, crossShare, atTargetEven: atTarget[0]!, atTargetOdd: atTarget[1]! });
    });
    await sim.runUntil(durationMs, onProgress ? { onProgress } : {});

    const since = (x: number | undefined, from: number) => (x === undefined ? null : x - from);
    const endAtTarget = marks.atTargetDuring.length ? marks.atTargetDuring[marks.atTargetDuring.length - 1]! : 0;
    const crossEnd = series.last('crossShare');
    const timeline = [
      { atMs: warmup, event: 'cut' },
      { atMs: healAt, event: 'healed' },
    ];
    if (marks.healedAt !== undefined) timeline.push({ atMs: marks.healedAt, event: 'one network again' });
    const alarms = falseAlarms(net);
    return {
      metrics: [
        metric('crossShareBefore', 'links across the (future) cut before it', marks.crossBefore, 'share', 'a random graph split in two halves has about half its links across'),
        metric('splitAfterMs', 'last link across the cut gone after', since(marks.splitAt, warmup), 'ms', 'cross links die of 3 unanswered pings (30 s apart)'),
        metric('componentsEndOfCut', 'components at the end of the cut', marks.componentsEndOfCut, 'count', '2: the halves, each in one piece'),
        metric('atTargetEndOfCut', 'nodes at targets at the end of the cut (worse half)', endAtTarget, 'share', 'each half refilled its slots from its own side (or connected to all of it)'),
        metric('healAfterMs', 'one network again after', since(marks.healedAt, healAt), 'ms', 'from the end of the cut to a single component'),
        metric('mixedAfterMs', 'links across back to half their old share after', since(marks.mixedAt, healAt), 'ms', 'churn replaces 20 % of peers every 55 ± 10 min'),
        metric('crossShareEnd', 'links across the old cut at the end', crossEnd, 'share'),
        alarms.metric,
        metric('problems', 'node errors', sim.problems.length, 'count'),
      ],
      checks: [
        check('the cut split the network', marks.splitAt !== undefined && marks.componentsEndOfCut === 2, marks.splitAt === undefined ? 'links across the cut survived it' : `split after ${Math.round((marks.splitAt - warmup) / 1000)} s into ${marks.componentsEndOfCut} components`),
        check('both halves kept their targets', endAtTarget >= 0.9, `${(endAtTarget * 100).toFixed(1)}% of the worse half at targets at the end of the cut`),
        check('the network healed', marks.healedAt !== undefined, marks.healedAt === undefined ? 'still split at the end' : `one component ${Math.round((marks.healedAt - healAt) / 60_000)} min after the heal`),
        check('no node errors', sim.problems.length === 0, sim.problems.length ? sim.problems[0]!.message : 'none'),
        alarms.check,
      ],
      series,
      charts: [
        {
          id: 'cross',
          title: 'Links across the cut',
          yLabel: 'share of all links',
          yFormat: 'percent',
          yMin: 0,
          lines: [{ metric: 'crossShare', label: 'links across the cut' }],
        },
        {
          id: 'components',
          title: 'Connected components',
          yLabel: 'components',
          yMin: 0,
          lines: [{ metric: 'components', label: 'components' }],
        },
        {
          id: 'targets',
          title: 'Nodes at targets, per half',
          yLabel: 'share of the half',
          yFormat: 'percent',
          yMin: 0,
          yMax: 1,
          lines: [
            { metric: 'atTargetEven', label: 'even half' },
            { metric: 'atTargetOdd', label: 'odd half' },
          ],
        },
      ],
      timeline,
    };
  },
};
