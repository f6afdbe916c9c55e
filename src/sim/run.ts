// Runs scenarios: builds the simulation, resolves parameters, collects the result, renders the charts, writes the files.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VERSION } from '../version.js';
import { MAX_SIM_NODES } from './addresses.js';
import { NETWORK_PARAMS, resolveParams, SimParamError, type ParamValues } from './params.js';
import type { Check, Metric, Scenario, TimelineEvent } from './scenario.js';
import type { SeriesData } from './series.js';
import { Simulation, SimInvariantError, type SimProblem } from './simulation.js';
import { lineChart } from './svg.js';

/** Identifies the layout of results.json. */
export const RESULTS_FORMAT = 'peerwarden-sim/1';

/** Problems listed in a result at most (the count is always complete). */
const MAX_PROBLEMS_LISTED = 20;

export interface ScenarioResult {
  scenario: string;
  title: string;
  seed: string;
  nodes: number;
  durationMs: number;
  parameters: ParamValues;
  metrics: Metric[];
  checks: Check[];
  timeline: TimelineEvent[];
  /** Chart files written next to results.json. */
  charts: string[];
  series: SeriesData;
  network: { dials: number; refused: number; lostDials: number; links: number };
  problems: { count: number; first: SimProblem[] };
  details: Record<string, unknown>;
}

export interface SimResults {
  format: string;
  version: string;
  seed: string;
  scenarios: ScenarioResult[];
}

/** What a run cost in real resources: not part of the results (they differ from run to run). */
export interface RunCost {
  scenario: string;
  wallMs: number;
  /** Virtual instants the event loop stopped at. */
  instants: number;
  heapUsedBytes: number;
}

export interface RunOptions {
  seed: string;
  nodes?: number;
  durationMs?: number;
  /** Raw `--set` assignments; those the scenario does not know are ignored here (the CLI checks them). */
  assignments?: ReadonlyMap<string, string>;
  /** Now and then: virtual time reached, the run's length, and the live nodes and events (messages delivered and timer instants) so far. */
  onProgress?(elapsedMs: number, durationMs: number, info: { nodes: number; events: number }): void;
}

/** A scenario's settings resolved and checked; throws SimParamError listing every problem. */
export function plan(scenario: Scenario, options: RunOptions): { nodes: number; durationMs: number; params: ParamValues; network: ParamValues } {
  const problems: string[] = [];
  const nodes = options.nodes ?? scenario.defaultNodes;
  const durationMs = options.durationMs ?? scenario.defaultDurationMs;
  const assignments = options.assignments ?? new Map<string, string>();
  const params = resolveParams(scenario.params, assignments, problems);
  const network = resolveParams(NETWORK_PARAMS, assignments, problems);
  if (!Number.isInteger(nodes) || nodes < scenario.minNodes) problems.push(`${scenario.name} needs at least ${scenario.minNodes} nodes, got ${nodes}`);
  if (!(durationMs > 0)) problems.push(`${scenario.name}: the duration must be positive`);
  if ((network.latencyMax as number) < (network.latencyMin as number)) problems.push('latencyMax must not be below latencyMin');
  if (params.distinctGroups === true && nodes > MAX_SIM_NODES) problems.push(`distinctGroups=true gives every node a /16 of its own: at most ${MAX_SIM_NODES} nodes, got ${nodes}`);
  if (typeof params.hot === 'number' && typeof params.outbound === 'number' && params.hot > params.outbound) {
    problems.push(`hot (${params.hot}) cannot exceed outbound (${params.outbound})`);
  }
  // Parameters that failed to parse stand at their defaults here, so the combined checks still make sense.
  problems.push(...(scenario.validate?.(nodes, durationMs, params) ?? []).map((p) => `${scenario.name}: ${p}`));
  if (problems.length > 0) throw new SimParamError(problems);
  return { nodes, durationMs, params, network };
}

/** The command that runs this scenario again with the same seed and settings. */
function reproduction(scenario: Scenario, options: RunOptions, nodes: number, durationMs: number): string {
  const set = [...(options.assignments ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join(',');
  const quote = (x: string) => (/^[A-Za-z0-9_./:=,-]+$/.test(x) ? x : `'${x.replace(/'/g, "'\\''")}'`);
  return `peerwarden sim ${scenario.name} --seed ${quote(options.seed)} --nodes ${nodes} --duration ${durationMs}ms${set ? ` --set ${quote(set)}` : ''}`;
}

/** Runs one scenario to the end. The result depends only on the scenario, the seed and the settings. */
export async function runScenario(scenario: Scenario, options: RunOptions): Promise<{ result: ScenarioResult; svgs: Map<string, string>; cost: RunCost }> {
  const { nodes, durationMs, params, network } = plan(scenario, options);
  const wallStart = performance.now();
  const simulationOf = (seed: string) =>
    new Simulation({
      seed,
      latency: { minMs: network.latencyMin as number, maxMs: network.latencyMax as number },
      lossRate: network.loss as number,
      transport: network.byteLevel === true ? 'bytes' : 'message',
      checks: { bookEvery: network.checkBook as number, governorEveryMs: network.checkGovernor as number },
    });
  const sim = simulationOf(`${options.seed}/${scenario.name}`);
  // Progress reports on the simulation running now: a scenario of several runs makes one per run.
  let current = sim;
  let outcome: Awaited<ReturnType<Scenario['run']>>;
  try {
    outcome = await scenario.run({
      sim,
      nodes,
      durationMs,
      params,
      simulation: (label) => (current = simulationOf(`${options.seed}/${scenario.name}/${label}`)),
      ...(options.onProgress ? { onProgress: (t: number) => options.onProgress!(t, durationMs, { nodes: current.liveNodes, events: current.events }) } : {}),
    });
  } catch (err) {
    if (err instanceof SimInvariantError) throw new SimInvariantError(err.atMs, err.context, `${err.detail}\n  reproduce with: ${reproduction(scenario, options, nodes, durationMs)}`);
    throw err;
  }
  const svgs = new Map<string, string>();
  for (const c of outcome.charts) {
    const file = `${scenario.name}-${c.id}.svg`;
    svgs.set(
      file,
      lineChart({
        title: c.title,
        yLabel: c.yLabel,
        lines: c.lines.map((l) => ({ name: l.label, points: outcome.series.points(l.metric), ...(l.dashed ? { dashed: true } : {}) })),
        markers: outcome.timeline.filter((e) => e.atMs > 0).map((e) => ({ atMs: e.atMs, label: e.event })),
        xMaxMs: durationMs,
        ...(c.yFormat ? { yFormat: c.yFormat } : {}),
        ...(c.yMin !== undefined ? { yMin: c.yMin } : {}),
        ...(c.yMax !== undefined ? { yMax: c.yMax } : {}),
      }),
    );
  }
  const result: ScenarioResult = {
    scenario: scenario.name,
    title: scenario.title,
    seed: options.seed,
    nodes,
    durationMs,
    parameters: { ...params, ...network },
    metrics: outcome.metrics,
    checks: outcome.checks,
    timeline: outcome.timeline,
    charts: [...svgs.keys()],
    series: outcome.series.toJSON(),
    network: { ...sim.net.stats },
    problems: { count: sim.problems.length, first: sim.problems.slice(0, MAX_PROBLEMS_LISTED) },
    details: outcome.details ?? {},
  };
  const cost: RunCost = { scenario: scenario.name, wallMs: performance.now() - wallStart, instants: sim.instants, heapUsedBytes: process.memoryUsage().heapUsed };
  return { result, svgs, cost };
}

export function resultsOf(seed: string, scenarios: ScenarioResult[]): SimResults {
  return { format: RESULTS_FORMAT, version: VERSION, seed, scenarios };
}

/** The results file's text: stable key order and layout, so equal runs give equal bytes. */
export function resultsJson(results: SimResults): string {
  return `${JSON.stringify(results, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}

/** Writes results.json, the charts and cost.json (wall time and memory: not reproducible, so kept apart) into `dir`. */
export function writeOutputs(dir: string, results: SimResults, svgs: ReadonlyMap<string, string>, costs: readonly RunCost[]): string[] {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    files.push(name);
  };
  write('results.json', resultsJson(results));
  for (const [name, svg] of svgs) write(name, svg);
  write('cost.json', `${JSON.stringify({ note: 'wall time and memory of this run; they vary between runs, results.json does not', costs }, null, 2)}\n`);
  return files;
}
