// Scenario "bootstrap": N nodes start from a few seeds; how fast they reach their targets and what network they form.

import { distribution, pathStats } from '../graph.js';
import { check, metric, type Scenario } from '../scenario.js';
import { SeriesRecorder } from '../series.js';
import { shapeOf, topologyOf } from '../topology.js';
import { falseAlarms, growNetwork, histogram, HONEST_PARAMS, mean, roundedDistribution, shapeRow, shareAtTarget } from './common.js';

export const bootstrap: Scenario = {
  name: 'bootstrap',
  title: 'Bootstrap from seeds',
  summary:
    'N nodes start, the seeds first and the others at random times within the join window, each knowing only the seeds. ' +
    'They learn addresses by peer exchange and fill their outbound slots. Reported: when every node met its targets ' +
    '(12 outbound, 8 of them hot), each node\'s time to targets, and the network formed: components, diameter, mean path, degrees.',
  defaultNodes: 500,
  minNodes: 2,
  defaultDurationMs: 30 * 60_000,
  params: {
    ...HONEST_PARAMS,
    sampleEvery: { kind: 'duration', default: 10_000, help: 'interval between samples of the series', min: 1000, max: 3_600_000 },
  },
  async run({ sim, nodes, durationMs, params, onProgress }) {
    const net = await growNetwork(sim, nodes, params);
    const series = new SeriesRecorder();
    let convergedAt: number | undefined;
    sim.sampleEvery(params.sampleEvery as number, () => {
      const shape = shapeOf(net.nodes, net.byId);
      const live = net.live();
      const atTarget = shareAtTarget(net, live) * (live.length / nodes);
      if (convergedAt === undefined && atTarget === 1) convergedAt = sim.elapsed;
      series.record(sim.elapsed, {
        ...shapeRow(shape),
        started: live.length / nodes,
        atTarget,
        meanKnown: mean(live.map((n) => n.node.addressBook.size())),
      });
    });
    await sim.runUntil(durationMs, onProgress ? { onProgress } : {});

    const topo = topologyOf(net.nodes, net.byId);
    const paths = pathStats(topo.graph);
    const first = net.nodes.map((n) => n.timesToTarget[0]).filter((t): t is number => t !== undefined);
    const ttt = distribution(first);
    const degree = topo.graph.adj.map((a) => a.length);
    // One automatic outbound peer per net group: count nodes whose outbound peers share a group.
    let sharedGroups = 0;
    for (const sn of topo.nodes) {
      const groups = sn.node.peers().filter((p) => p.direction === 'outbound' && p.purpose !== 'feeler').map((p) => p.netGroup);
      if (new Set(groups).size !== groups.length) sharedGroups++;
    }
    const atTargetEnd = shareAtTarget(net, topo.nodes);
    const timeline = [{ atMs: 0, event: `${net.seedEndpoints.length} seeds start` }, { atMs: params.joinWindow as number, event: 'last node has started' }];
    if (convergedAt !== undefined) timeline.push({ atMs: convergedAt, event: 'every node at its targets' });
    timeline.sort((a, b) => a.atMs - b.atMs);

    const alarms = falseAlarms(net);
    return {
      metrics: [
        metric('convergedAtMs', 'every node at targets after', convergedAt, 'ms', `first sample at which all ${nodes} nodes met their targets (sampled every ${(params.sampleEvery as number) / 1000} s)`),
        metric('timeToTargetP50Ms', 'time to targets, median', first.length ? ttt.p50 : null, 'ms', "from a node's start to 12 outbound / 8 hot (or connected to every other node)"),
        metric('timeToTargetP90Ms', 'time to targets, 90th percentile', first.length ? ttt.p90 : null, 'ms'),
        metric('timeToTargetMaxMs', 'time to targets, slowest node', first.length ? ttt.max : null, 'ms'),
        metric('atTargetEnd', 'nodes at targets at the end', atTargetEnd, 'share'),
        metric('components', 'connected components at the end', topo.components, 'count', '1: one network'),
        metric('diameter', 'diameter', paths.diameter, 'hops', paths.exact ? 'exact: breadth-first search from every node' : `lower bound from ${paths.sources} sources`),
        metric('meanPath', 'mean shortest path', paths.meanPath, 'hops'),
        metric('meanDegree', 'mean degree', mean(degree), 'number', 'connections per node (outbound + inbound, feelers excluded)'),
        metric('minDegree', 'smallest degree', degree.length ? Math.min(...degree) : 0, 'count'),
        metric('maxDegree', 'largest degree', degree.length ? Math.max(...degree) : 0, 'count', 'the seeds: every node dials them first'),
        metric('maxInbound', 'most inbound peers of a node', topo.inbound.length ? Math.max(...topo.inbound) : 0, 'count', 'limit 100'),
        metric('sharedGroupNodes', 'nodes with two outbound peers in one /16', sharedGroups, 'count', 'must be 0: one automatic outbound peer per net group'),
        alarms.metric,
        metric('problems', 'node errors', sim.problems.length, 'count'),
      ],
      checks: [
        check('every node reached its targets', first.length === nodes, `${first.length} of ${nodes} nodes met their targets at least once`),
        check('one connected network', topo.components === 1, `${topo.components} component(s) at the end`),
        check('outbound peers in distinct /16s', sharedGroups === 0, `${sharedGroups} node(s) with two outbound peers in one net group`),
        check('no node errors', sim.problems.length === 0, sim.problems.length ? sim.problems[0]!.message : 'none'),
        alarms.check,
      ],
      series,
      charts: [
        {
          id: 'targets',
          title: `Bootstrap of ${nodes} nodes: share started and at targets`,
          yLabel: 'share of nodes',
          yFormat: 'percent',
          yMin: 0,
          yMax: 1,
          lines: [
            { metric: 'started', label: 'started' },
            { metric: 'atTarget', label: 'at targets (12 out / 8 hot)' },
            { metric: 'largestComponent', label: 'in the largest component' },
          ],
        },
        {
          id: 'degree',
          title: 'Mean connections per node',
          yLabel: 'peers',
          lines: [
            { metric: 'meanOutbound', label: 'outbound' },
            { metric: 'meanInbound', label: 'inbound' },
          ],
        },
        { id: 'known', title: 'Addresses known per node (mean)', yLabel: 'addresses', lines: [{ metric: 'meanKnown', label: 'address book size' }] },
      ],
      timeline,
      details: {
        timeToTargetMs: roundedDistribution(first),
        degreeHistogram: histogram(degree),
        outboundHistogram: histogram(topo.outbound),
        inboundDistribution: roundedDistribution(topo.inbound),
        bookSizes: roundedDistribution(topo.nodes.map((n) => n.node.addressBook.size())),
        exchange: net.exchangeTotals(),
        addressPlan: net.plan?.summary() ?? null,
        edges: topo.graph.edges,
      },
    };
  },
};
