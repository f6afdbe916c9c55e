// Pieces every scenario shares: the honest network's parameters, growing it from seeds, and standard samples.

import { Asmap, type AsmapEntry } from '../../core/address/index.js';
import { AddressPlan } from '../address-plan.js';
import { distribution, type Distribution } from '../graph.js';
import { HonestNetwork, type HonestNetworkOptions, type SimNode } from '../honest.js';
import type { ParamSpecs, ParamValues } from '../params.js';
import type { Simulation } from '../simulation.js';
import type { Shape, Topology } from '../topology.js';
import { check, metric, type Check, type Metric } from '../scenario.js';

/** Parameters of the honest network (every scenario has one). */
export const HONEST_PARAMS: ParamSpecs = {
  seeds: { kind: 'int', default: 3, help: 'seed nodes: every node is configured with their addresses and starts from them', min: 1, max: 50 },
  joinWindow: { kind: 'duration', default: 120_000, help: 'non-seed nodes start at uniformly random times within this window (seeds at 0)', min: 0, max: 86_400_000 },
  outbound: { kind: 'int', default: 12, help: "nodes' outbound target (warm + hot); smaller suits networks of a few dozen nodes", min: 1, max: 125 },
  hot: { kind: 'int', default: 8, help: "nodes' hot outbound target (at most the outbound target)", min: 0, max: 125 },
  ases: { kind: 'int', default: 2500, help: 'ASes honest nodes are drawn from (Zipf-sized; about the number of ASes that host reachable Bitcoin nodes)', min: 1, max: 20_000 },
  asZipf: { kind: 'number', default: 1, help: 'AS sizes: a node picks the AS of rank r with probability ∝ r^-asZipf (0: uniform)', min: 0, max: 4 },
  perPrefix: { kind: 'int', default: 64, help: 'nodes an AS puts in one /16 before it opens the next', min: 1, max: 65_534 },
  distinctGroups: { kind: 'bool', default: false, help: 'every node in its own /16 and AS instead of the Zipf plan', min: 0, max: 1 },
  asmap: { kind: 'bool', default: false, help: "nodes group peers by AS (an asmap of the plan's ASes) instead of by /16", min: 0, max: 1 },
  maxTriedPerSourceGroup: {
    kind: 'int',
    default: -1,
    help: "nodes' tried-table entries per source group (-1: the node's default; 0: no limit, Core's book)",
    min: -1,
    max: 100_000,
  },
};

/** The address plan the honest parameters describe, drawn from the simulation's seed. */
export function planOf(sim: Simulation, count: number, p: ParamValues): AddressPlan {
  return new AddressPlan(sim.random('address-plan'), {
    ases: p.ases as number,
    zipf: p.asZipf as number,
    perPrefix: p.perPrefix as number,
    distinct: p.distinctGroups === true,
    nodes: count,
  });
}

/** The node configuration the honest parameters ask for. */
export function targetsOf(p: ParamValues): { targets: { hot: number; outbound: number }; maxTriedPerSourceGroup?: number } {
  const limit = p.maxTriedPerSourceGroup;
  return { targets: { hot: p.hot as number, outbound: p.outbound as number }, ...(typeof limit === 'number' && limit >= 0 ? { maxTriedPerSourceGroup: limit } : {}) };
}

/**
 * Creates `count` honest nodes and schedules their start: seeds at 0, the others uniformly over
 * the join window. Resolves once every node exists (none has started: the clock has not moved).
 */
export async function growNetwork(
  sim: Simulation,
  count: number,
  params: ParamValues,
  options: Partial<HonestNetworkOptions> & { prefixes?: readonly AsmapEntry[] } = {},
): Promise<HonestNetwork> {
  const seeds = Math.min(params.seeds as number, count);
  const plan = planOf(sim, count, params);
  const { prefixes, ...rest } = options;
  let runtime = rest.runtime;
  if (params.asmap === true) {
    // The map covers every planned node and the hostile and background prefixes the scenario names.
    for (let i = 0; i < count; i++) plan.ip(i);
    plan.addPrefixes(prefixes ?? []);
    runtime = { ...runtime, asmap: Asmap.fromBytes(plan.asmap()) };
  }
  const net = new HonestNetwork(sim, { seeds, config: targetsOf(params), plan, ...rest, ...(runtime ? { runtime } : {}) });
  const joinWindow = params.joinWindow as number;
  const r = sim.random('joins');
  for (let i = 0; i < count; i++) {
    const sn = await net.add();
    const at = sn.role === 'seed' ? 0 : Math.floor(r.float() * joinWindow);
    sim.at(at, `starting node ${i}`, () => net.start(sn));
  }
  return net;
}

/** Share of `nodes` meeting their targets now (`reachable`: how many others each can reach, default every live node). */
export function shareAtTarget(net: HonestNetwork, nodes: readonly SimNode[], reachable?: number): number {
  if (nodes.length === 0) return 0;
  let n = 0;
  for (const sn of nodes) if (net.atTarget(sn, reachable)) n++;
  return n / nodes.length;
}

export const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** The standard row of network-shape numbers for a series sample. */
export function shapeRow(t: Topology | Shape): Record<string, number> {
  if ('graph' in t) {
    return { live: t.nodes.length, components: t.components, largestComponent: t.largestShare, meanOutbound: mean(t.outbound), meanInbound: mean(t.inbound) };
  }
  return { live: t.live, components: t.components, largestComponent: t.largestShare, meanOutbound: t.meanOutbound, meanInbound: t.meanInbound };
}

/** A distribution with every value rounded (for the results file). */
export function roundedDistribution(values: readonly number[]): Distribution & { count: number } {
  const d = distribution(values);
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { count: values.length, min: r(d.min), mean: r(d.mean), p50: r(d.p50), p90: r(d.p90), max: r(d.max) };
}

/** A histogram of small non-negative integers: index = value, entry = how many. */
export function histogram(values: readonly number[]): number[] {
  const h: number[] = [];
  for (const v of values) {
    while (h.length <= v) h.push(0);
    h[v]!++;
  }
  return h;
}

/**
 * The honest nodes' eclipse alarms as a metric and a check: with no attacker in the run, every
 * alarm is a false one, and the alarm promises none.
 */
export function falseAlarms(net: HonestNetwork): { metric: Metric; check: Check } {
  const a = net.alarms;
  const kinds = Object.entries(a.byKind).map(([k, n]) => `${k} ×${n}`).join(', ');
  return {
    metric: metric('falseAlarms', 'eclipse alarms raised (false: no attacker)', a.raised, 'count', 'must be 0'),
    check: check('no false eclipse alarm', a.raised === 0, a.raised === 0 ? `none on ${net.nodes.length} nodes` : `${a.raised} on ${a.nodes} node(s): ${kinds}`),
  };
}
