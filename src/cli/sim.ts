// `peerwarden sim`: runs simulator scenarios, prints a summary table (progress on a terminal), writes results.json and SVG charts.

import { resolve } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { formatDuration, parseDuration } from '../core/duration.js';
import { formatMetric } from '../sim/format.js';
import { NETWORK_PARAMS, paramsHelp, parseAssignments, SimParamError } from '../sim/params.js';
import { plan, resultsJson, resultsOf, runScenario, writeOutputs, type RunCost, type ScenarioResult } from '../sim/run.js';
import { SimInvariantError } from '../sim/simulation.js';
import type { Scenario } from '../sim/scenario.js';
import { DEFAULT_SCENARIOS, SCENARIOS, findScenario } from '../sim/scenarios/index.js';
import { flagsHelp, parseArgs, type FlagSpec } from './args.js';
import type { CliIo } from './io.js';
import { formatBytes, renderTable } from './table.js';

/**
 * The most nodes the CLI accepts: the address plan has 20,000 /16s for honest nodes (Zipf plan:
 * far fewer than one per node; distinctGroups=true needs one each), and each node takes about 0.5 MB.
 */
export const MAX_CLI_NODES = 50_000;
export const DEFAULT_OUT_DIR = 'sim-results';
/** Heap a simulated node takes at most in the runs measured (books of a few thousand addresses), with V8's slack. */
const HEAP_PER_NODE_BYTES = 600 * 1024;

const FLAGS: Record<string, FlagSpec> = {
  nodes: { kind: 'int', value: 'N', short: 'n', help: 'honest nodes to simulate (default: per scenario)' },
  seed: { kind: 'string', value: 'S', short: 's', help: 'random seed; the same seed gives the same results, byte for byte (default 1)' },
  duration: { kind: 'string', value: 'DURATION', short: 'd', help: 'virtual time to simulate, e.g. 30m, 6h, 7d (default: per scenario)' },
  out: { kind: 'string', value: 'DIR', short: 'o', help: `where results.json and the charts go (default ./${DEFAULT_OUT_DIR})` },
  json: { kind: 'bool', help: 'print results.json to stdout instead of the summary' },
  set: { kind: 'string', value: 'K=V,…', help: 'scenario parameters, e.g. --set attackerGroups=16,loss=0.01 (see --list)' },
  list: { kind: 'bool', help: 'list the scenarios and their parameters' },
  strict: { kind: 'bool', help: 'exit 1 when a scenario check fails' },
  progress: { kind: 'bool', help: 'show progress (default: when stderr is a terminal)' },
  help: { kind: 'bool', short: 'h', help: 'show this help' },
};

const HELP = `Usage: peerwarden sim [scenario|all] [--nodes N] [--seed S] [--duration 30m] [--out DIR] [--json]

Runs real peerwarden nodes — governor, address book, reputation, peer exchange, connections —
by the thousand in one process, on a virtual clock and a memory network with latency and loss.
Without a scenario (or with all), runs ${DEFAULT_SCENARIOS.map((s) => s.name).join(', ')}; eclipse-study runs only when named.

Options:
${flagsHelp(FLAGS)}

"peerwarden sim --list" shows what each scenario does and its parameters.
`;

function listText(): string {
  const parts = SCENARIOS.map(
    (s) =>
      `${s.name} — ${s.title} (default ${s.defaultNodes} nodes, ${formatDuration(s.defaultDurationMs)})\n${wrap(s.summary, 96, '  ')}\n  parameters (--set name=value):\n${paramsHelp(s.params)}`,
  );
  return `${parts.join('\n\n')}\n\nnetwork (every scenario):\n${paramsHelp(NETWORK_PARAMS)}\n`;
}

function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width - indent.length) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

/** 1234567 → "1.2M". */
function formatRate(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)}k`;
  return n.toFixed(0);
}

function summaryText(r: ScenarioResult, cost: RunCost): string {
  const rows = r.metrics.map((m) => [m.label, formatMetric(m), m.note ?? '']);
  const checks = r.checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'}  ${c.name}: ${c.detail}`);
  return (
    `\n${r.scenario} — ${r.title}: ${r.nodes} nodes, ${formatDuration(r.durationMs)} virtual, seed ${r.seed} (${(cost.wallMs / 1000).toFixed(1)} s)\n` +
    renderTable(['metric', 'value', 'meaning'], rows) +
    `${checks.join('\n')}\n`
  );
}

export async function runSim(argv: string[], io: CliIo): Promise<number> {
  const { flags, positionals, problems } = parseArgs(argv, FLAGS);
  if (flags.help) {
    io.out(HELP);
    return 0;
  }
  if (flags.list) {
    io.out(listText());
    return 0;
  }
  let scenarios: readonly Scenario[] = DEFAULT_SCENARIOS;
  if (positionals.length > 1) problems.push(`one scenario at most, got ${positionals.length}: ${positionals.join(' ')}`);
  const name = positionals[0];
  if (name !== undefined && name !== 'all') {
    const s = findScenario(name);
    if (s) scenarios = [s];
    else problems.push(`unknown scenario ${JSON.stringify(name)}: choose one of ${SCENARIOS.map((x) => x.name).join(', ')} or all`);
  }
  const nodes = flags.nodes as number | undefined;
  if (nodes !== undefined && (nodes < 1 || nodes > MAX_CLI_NODES)) problems.push(`--nodes must be 1-${MAX_CLI_NODES}, got ${nodes}`);
  let durationMs: number | undefined;
  if (typeof flags.duration === 'string') {
    try {
      durationMs = parseDuration(flags.duration);
      if (durationMs <= 0) problems.push('--duration must be positive');
    } catch (err) {
      problems.push(`--duration: ${(err as Error).message}`);
    }
  }
  const seed = (flags.seed as string | undefined) ?? '1';
  if (seed.trim() === '') problems.push('--seed must not be empty');
  const assignments = typeof flags.set === 'string' ? parseAssignments(flags.set, problems) : new Map<string, string>();
  for (const key of assignments.keys()) {
    if (key in NETWORK_PARAMS || scenarios.some((s) => key in s.params)) continue;
    const known = [...new Set(scenarios.flatMap((s) => Object.keys(s.params)))].join(', ');
    problems.push(`--set: unknown parameter ${JSON.stringify(key)} (known here: ${known}, ${Object.keys(NETWORK_PARAMS).join(', ')})`);
  }
  // Check every selected scenario's settings before running any of them.
  if (problems.length === 0 || problems.every((p) => !p.startsWith('unknown scenario'))) {
    for (const s of scenarios) {
      try {
        plan(s, { seed, ...(nodes !== undefined ? { nodes } : {}), ...(durationMs !== undefined ? { durationMs } : {}), assignments });
      } catch (err) {
        if (err instanceof SimParamError) problems.push(...err.problems.filter((p) => !problems.includes(p)));
        else throw err;
      }
    }
  }
  if (problems.length > 0) {
    io.err(`peerwarden sim: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n  - ${problems.join('\n  - ')}\nRun "peerwarden sim --help" for usage, "peerwarden sim --list" for scenarios and parameters.\n`);
    return 2;
  }

  // A large network needs more heap than V8 gives by default (about 4 GiB): say so before running out.
  const largest = Math.max(...scenarios.map((x) => nodes ?? x.defaultNodes));
  const heapLimit = getHeapStatistics().heap_size_limit;
  if (largest * HEAP_PER_NODE_BYTES > heapLimit) {
    io.err(`peerwarden sim: ${largest} nodes may need more than the ${formatBytes(heapLimit)} of heap this process may use; run with NODE_OPTIONS=--max-old-space-size=7168 (MiB) or more\n`);
  }
  const json = flags.json === true;
  const progress = (flags.progress as boolean | undefined) ?? (Boolean(process.stderr.isTTY) && !json);
  const outDir = resolve((flags.out as string | undefined) ?? DEFAULT_OUT_DIR);
  const results: ScenarioResult[] = [];
  const svgs = new Map<string, string>();
  const costs: RunCost[] = [];
  for (const s of scenarios) {
    const started = performance.now();
    let lastDraw = 0;
    let lastEvents = 0;
    let lastAt = started;
    const onProgress = progress
      ? (elapsed: number, total: number, info?: { nodes: number; events: number }) => {
          const now = performance.now();
          if (now - lastDraw < 200 && elapsed < total) return;
          lastDraw = now;
          const pct = Math.min(100, (elapsed / total) * 100);
          let extra = '';
          if (info) {
            // A scenario of several runs starts each with a fresh count: no negative rate at the switch.
            const rate = now > lastAt && info.events >= lastEvents ? ((info.events - lastEvents) * 1000) / (now - lastAt) : 0;
            extra = `, ${info.nodes.toLocaleString('en-US')} nodes, ${formatRate(rate)} events/s`;
            lastEvents = info.events;
            lastAt = now;
          }
          io.err(`\r\x1b[K  ${s.name}: ${formatDuration(elapsed)} of ${formatDuration(total)} virtual (${pct.toFixed(0)}%)${extra}, ${((now - started) / 1000).toFixed(1)} s`);
        }
      : undefined;
    let run: Awaited<ReturnType<typeof runScenario>>;
    try {
      run = await runScenario(s, { seed, ...(nodes !== undefined ? { nodes } : {}), ...(durationMs !== undefined ? { durationMs } : {}), assignments, ...(onProgress ? { onProgress } : {}) });
    } catch (err) {
      if (progress) io.err('\r\x1b[K');
      if (err instanceof SimInvariantError) io.err(`peerwarden sim: scenario ${s.name} stopped: ${err.message}\n`);
      else io.err(`peerwarden sim: scenario ${s.name} failed: ${(err as Error).stack ?? String(err)}\n`);
      return 1;
    }
    if (progress) io.err('\r\x1b[K');
    results.push(run.result);
    costs.push(run.cost);
    for (const [file, svg] of run.svgs) svgs.set(file, svg);
    if (!json) io.out(summaryText(run.result, run.cost));
  }
  const all = resultsOf(seed, results);
  let files: string[];
  try {
    files = writeOutputs(outDir, all, svgs, costs);
  } catch (err) {
    io.err(`peerwarden sim: could not write the results to ${outDir}: ${(err as Error).message}\n`);
    return 1;
  }
  const failed = results.flatMap((r) => r.checks.filter((c) => !c.ok).map((c) => `${r.scenario}: ${c.name}`));
  if (json) io.out(resultsJson(all));
  else {
    const rows = results.map((r, i) => [
      r.scenario,
      String(r.nodes),
      formatDuration(r.durationMs),
      `${(costs[i]!.wallMs / 1000).toFixed(1)} s`,
      `${r.checks.filter((c) => c.ok).length}/${r.checks.length}`,
    ]);
    io.out(`\n${renderTable(['scenario', 'nodes', 'virtual', 'wall', 'checks'], rows)}`);
    io.out(`results: ${outDir}/results.json, ${files.filter((f) => f.endsWith('.svg')).length} charts; peak memory ${formatBytes(process.resourceUsage().maxRSS * 1024)}\n`);
    if (failed.length > 0) io.out(`checks that failed:\n  - ${failed.join('\n  - ')}\n`);
  }
  return flags.strict === true && failed.length > 0 ? 1 : 0;
}
