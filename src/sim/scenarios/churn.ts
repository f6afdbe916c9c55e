// Scenario "churn": nodes leave and come back (or are replaced by new ones) all the time; the network must stay connected and at targets.

import { check, metric, type Scenario } from '../scenario.js';
import { SeriesRecorder } from '../series.js';
import { components } from '../graph.js';
import { topologyOf } from '../topology.js';
import { falseAlarms, growNetwork, HONEST_PARAMS, mean, roundedDistribution, shapeRow, shareAtTarget } from './common.js';

export const churn: Scenario = {
  name: 'churn',
  title: 'Continuous churn',
  summary:
    'After a warm-up, nodes leave at random (a Poisson process at `rate` × N departures per hour; seeds stay). A leaving node says goodbye ' +
    'and stops; after an offline time it comes back with its address book and anchors, or (share `fresh`) never returns and a brand-new node ' +
    'with a new address and an empty book joins instead. Reported: whether the network stays in one piece, the share of settled nodes at ' +
    'their targets, and how long returning and new nodes take to reach their targets.',
  defaultNodes: 200,
  minNodes: 10,
  defaultDurationMs: 2 * 3_600_000,
  params: {
    ...HONEST_PARAMS,
    warmup: { kind: 'duration', default: 15 * 60_000, help: 'time before churn starts', min: 0, max: 7 * 86_400_000 },
    rate: { kind: 'number', default: 0.5, help: 'departures per hour, as a share of N (0.5: half the network leaves once an hour on average)', min: 0, max: 20 },
    offlineMin: { kind: 'duration', default: 5 * 60_000, help: 'shortest offline time', min: 0, max: 7 * 86_400_000 },
    offlineMax: { kind: 'duration', default: 30 * 60_000, help: 'longest offline time', min: 0, max: 7 * 86_400_000 },
    fresh: { kind: 'number', default: 0.3, help: 'share of departures replaced by a new node (new address, empty book) instead of returning', min: 0, max: 1 },
    settled: { kind: 'duration', default: 5 * 60_000, help: 'a node counts as settled once up this long', min: 0, max: 86_400_000 },
    sampleEvery: { kind: 'duration', default: 30_000, help: 'interval between samples', min: 1000, max: 3_600_000 },
  },
  validate(_nodes, durationMs, p) {
    const problems: string[] = [];
    if ((p.offlineMax as number) < (p.offlineMin as number)) problems.push('offlineMax must not be below offlineMin');
    if (durationMs <= (p.warmup as number)) problems.push(`the duration must exceed the warm-up (${(p.warmup as number) / 60_000} min)`);
    return problems;
  },
  async run({ sim, nodes, durationMs, params, onProgress }) {
    const net = await growNetwork(sim, nodes, params);
    const warmup = params.warmup as number;
    const settledMs = params.settled as number;
    const r = sim.random('churn');
    const counts = { departures: 0, returns: 0, fresh: 0 };
    const depart = async () => {
      const candidates = net.nodes.filter((n) => n.up && n.role !== 'seed' && sim.elapsed - n.upSince >= 60_000);
      if (candidates.length === 0) return;
      const sn = candidates[r.int(candidates.length)]!;
      counts.departures++;
      const offline = (params.offlineMin as number) + Math.floor(r.float() * ((params.offlineMax as number) - (params.offlineMin as number)));
      const replaced = r.float() < (params.fresh as number);
      await net.stop(sn);
      if (replaced) {
        counts.fresh++;
        const newcomer = await net.add();
        sim.after(offline, `new node ${newcomer.index} joins`, () => net.start(newcomer));
      } else {
        counts.returns++;
        sim.after(offline, `node ${sn.index} returns`, () => net.start(sn));
      }
    };
    // Departures as a Poisson process: exponential gaps with mean 1 / (rate × N per hour).
    const perMs = ((params.rate as number) * nodes) / 3_600_000;
    if (perMs > 0) {
      const next = () => sim.after(Math.max(1, Math.round(-Math.log(1 - r.float()) / perMs)), 'departure', () => {
        next();
        return depart();
      });
      sim.at(warmup, 'churn starts', next);
    }

    const series = new SeriesRecorder();
    const after = { samples: 0, connected: 0, minSettledConnected: 1, settledAtTarget: [] as number[] };
    sim.sampleEvery(params.sampleEvery as number, () => {
      const topo = topologyOf(net.nodes, net.byId);
      const comp = components(topo.graph);
      const settled = topo.nodes.map((sn, i) => [sn, i] as const).filter(([sn]) => sim.elapsed - sn.upSince >= settledMs);
      // The settled nodes' share in the largest component of the whole live network.
      const sizes = new Map<number, number>();
      for (const c of comp.of) sizes.set(c, (sizes.get(c) ?? 0) + 1);
      let big = -1;
      let bigSize = -1;
      for (const [c, s] of sizes) if (s > bigSize) [big, bigSize] = [c, s];
      const settledConnected = settled.length ? settled.filter(([, i]) => comp.of[i] === big).length / settled.length : 1;
      // No settled node yet (the first minutes): no value rather than a misleading 0.
      const settledAtTarget = settled.length ? shareAtTarget(net, settled.map(([sn]) => sn)) : NaN;
      if (sim.elapsed > warmup) {
        after.samples++;
        if (comp.count === 1) after.connected++;
        after.minSettledConnected = Math.min(after.minSettledConnected, settledConnected);
        if (settled.length) after.settledAtTarget.push(settledAtTarget);
      }
      series.record(sim.elapsed, {
        ...shapeRow(topo),
        liveShare: topo.nodes.length / nodes,
        atTarget: shareAtTarget(net, topo.nodes),
        settledAtTarget,
        settledConnected,
      });
    });
    await sim.runUntil(durationMs, onProgress ? { onProgress } : {});

    // Sessions begun after the warm-up that lasted at least `settled`: did they reach their targets, and how fast?
    const judged = net.sessions.filter((x) => x.startedAt > warmup && (x.endedAt ?? durationMs) - x.startedAt >= settledMs);
    const reachedTimes = (fresh: boolean) =>
      judged.filter((x) => (x.session === 1) === fresh && x.reachedAt !== undefined).map((x) => x.reachedAt! - x.startedAt);
    const returning = reachedTimes(false);
    const freshTimes = reachedTimes(true);
    const reachedShare = judged.length ? (returning.length + freshTimes.length) / judged.length : 1;
    const ret = roundedDistribution(returning);
    const fr = roundedDistribution(freshTimes);
    const minAtTarget = after.settledAtTarget.length ? Math.min(...after.settledAtTarget) : 1;
    const connectedShare = after.samples ? after.connected / after.samples : 1;

    const alarms = falseAlarms(net);
    return {
      metrics: [
        metric('departures', 'departures', counts.departures, 'count'),
        metric('returns', 'nodes that came back', counts.returns, 'count', 'with their address book and anchors'),
        metric('freshJoins', 'new nodes joining', counts.fresh, 'count', 'new address, empty book, seeds only'),
        metric('connectedSamples', 'samples with one connected network', connectedShare, 'share', 'after the warm-up; a node that just started and has not connected yet splits it for a moment'),
        metric('minSettledConnected', 'settled nodes in the largest component, worst sample', after.minSettledConnected, 'share'),
        metric('meanSettledAtTarget', 'settled nodes at targets, mean', mean(after.settledAtTarget), 'share', `nodes up for ${settledMs / 60_000} min or more, after the warm-up`),
        metric('minSettledAtTarget', 'settled nodes at targets, worst sample', minAtTarget, 'share', 'a departure takes peers from ~24 nodes at once; they refill within seconds'),
        metric('rejoinsReachedTargets', 'sessions after the warm-up that reached targets', reachedShare, 'share', `of ${judged.length} sessions that lasted ${settledMs / 60_000} min or more`),
        metric('returnTimeP50Ms', 'returning node: time to targets, median', returning.length ? ret.p50 : null, 'ms', 'anchors are dialled first'),
        metric('returnTimeP90Ms', 'returning node: time to targets, 90th percentile', returning.length ? ret.p90 : null, 'ms'),
        metric('freshTimeP50Ms', 'new node: time to targets, median', freshTimes.length ? fr.p50 : null, 'ms', 'from the seeds, as in bootstrap'),
        metric('freshTimeP90Ms', 'new node: time to targets, 90th percentile', freshTimes.length ? fr.p90 : null, 'ms'),
        alarms.metric,
        metric('problems', 'node errors', sim.problems.length, 'count'),
      ],
      checks: [
        check('settled nodes stay connected', after.minSettledConnected >= 0.99, `worst sample: ${(after.minSettledConnected * 100).toFixed(1)}% of settled nodes in the largest component`),
        check('nodes return to their targets', reachedShare >= 0.95, `${(reachedShare * 100).toFixed(1)}% of ${judged.length} sessions reached their targets`),
        check('settled nodes stay at targets', mean(after.settledAtTarget) >= 0.9, `mean ${(mean(after.settledAtTarget) * 100).toFixed(1)}%, worst ${(minAtTarget * 100).toFixed(1)}%`),
        check('no node errors', sim.problems.length === 0, sim.problems.length ? sim.problems[0]!.message : 'none'),
        alarms.check,
      ],
      series,
      charts: [
        {
          id: 'connectivity',
          title: `Churn (${params.rate} × N departures per hour): connectivity and targets`,
          yLabel: 'share',
          yFormat: 'percent',
          yMin: 0,
          yMax: 1,
          lines: [
            { metric: 'liveShare', label: 'live nodes (of N)' },
            { metric: 'largestComponent', label: 'live nodes in largest component' },
            { metric: 'settledAtTarget', label: 'settled nodes at targets' },
            { metric: 'atTarget', label: 'all live nodes at targets' },
          ],
        },
        {
          id: 'degree',
          title: 'Mean connections per live node',
          yLabel: 'peers',
          lines: [
            { metric: 'meanOutbound', label: 'outbound' },
            { metric: 'meanInbound', label: 'inbound' },
          ],
        },
      ],
      timeline: [{ atMs: warmup, event: 'churn starts' }],
      details: { returnTimeMs: ret, freshTimeMs: fr, counts },
    };
  },
};
