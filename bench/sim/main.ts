// Simulator cost: wall time per virtual hour and memory for 1,000 and 2,000 real nodes bootstrapping and running.
//
// Each size runs in its own child process (so one's heap does not weigh on the other's figures):
// the bootstrap scenario at default settings (3 seeds, joins over 2 min, targets 12/8, latency
// 5–150 ms, loss 0.1 %), sampled every minute. SIM_BENCH_NODES="1000,2000" and SIM_BENCH_HOURS=1
// change what is measured.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseAssignments } from '../../src/sim/params.js';
import { runScenario } from '../../src/sim/run.js';
import { bootstrap } from '../../src/sim/scenarios/bootstrap.js';
import { heapUsedAfterGc, printTable, type BenchRow } from '../table.js';

const FIRST_PHASE_MS = 10 * 60_000;

interface Measured {
  nodes: number;
  hours: number;
  wallMs: number;
  firstPhaseWallMs: number;
  instants: number;
  heapBytes: number;
  maxRssBytes: number;
  convergedAtMs: number | null;
  components: number | null;
}

async function measureOne(nodes: number, hours: number): Promise<Measured> {
  const durationMs = hours * 3_600_000;
  const start = performance.now();
  let firstPhaseWallMs = NaN;
  // The heap is measured at the last progress call, while every node is still alive (the GC's own time is not counted).
  let heapBytes = NaN;
  let gcMs = 0;
  const problems: string[] = [];
  const { result, cost } = await runScenario(bootstrap, {
    seed: 'bench',
    nodes,
    durationMs,
    assignments: parseAssignments('sampleEvery=1m', problems),
    onProgress: (elapsed) => {
      if (Number.isNaN(firstPhaseWallMs) && elapsed >= FIRST_PHASE_MS) firstPhaseWallMs = performance.now() - start;
      if (elapsed >= durationMs) {
        const t = performance.now();
        heapBytes = heapUsedAfterGc();
        gcMs += performance.now() - t;
      }
    },
  });
  const m = (k: string) => result.metrics.find((x) => x.key === k)?.value ?? null;
  return {
    nodes,
    hours,
    wallMs: cost.wallMs - gcMs,
    firstPhaseWallMs,
    instants: cost.instants,
    heapBytes,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    convergedAtMs: m('convergedAtMs'),
    components: m('components'),
  };
}

const one = process.argv.indexOf('--one');
if (one >= 0) {
  const [nodes, hours] = [Number(process.argv[one + 1]), Number(process.argv[one + 2])];
  process.stdout.write(`RESULT ${JSON.stringify(await measureOne(nodes, hours))}\n`);
} else {
  const sizes = (process.env.SIM_BENCH_NODES ?? '1000,2000').split(',').map(Number);
  const hours = Number(process.env.SIM_BENCH_HOURS ?? '1');
  const rows: BenchRow[] = [];
  for (const nodes of sizes) {
    const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--one', String(nodes), String(hours)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 24,
    });
    const line = child.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) throw new Error(`the ${nodes}-node run failed (exit ${child.status ?? child.signal})`);
    const r = JSON.parse(line.slice(7)) as Measured;
    const perHour = r.wallMs / 1000 / r.hours;
    const steadyPerHour = ((r.wallMs - r.firstPhaseWallMs) / 1000) * (3_600_000 / (r.hours * 3_600_000 - FIRST_PHASE_MS));
    rows.push(
      { name: `${nodes} nodes: wall time per virtual hour (bootstrap included)`, value: perHour, unit: 's' },
      { name: `${nodes} nodes: first 10 virtual minutes (joins, bootstrap)`, value: r.firstPhaseWallMs / 1000, unit: 's' },
      { name: `${nodes} nodes: steady state, per virtual hour`, value: steadyPerHour, unit: 's' },
      { name: `${nodes} nodes: event-loop instants per virtual hour`, value: r.instants / r.hours, unit: 'instants' },
      { name: `${nodes} nodes: heap after GC at the end (all nodes alive)`, value: r.heapBytes / 2 ** 20, unit: 'MiB' },
      { name: `${nodes} nodes: heap per node`, value: r.heapBytes / 2 ** 10 / nodes, unit: 'KiB' },
      { name: `${nodes} nodes: peak RSS`, value: r.maxRssBytes / 2 ** 20, unit: 'MiB' },
      { name: `${nodes} nodes: every node at targets after`, value: (r.convergedAtMs ?? NaN) / 1000, unit: 's virtual' },
      { name: `${nodes} nodes: components at the end`, value: r.components ?? NaN, unit: '', target: '<= 1' },
    );
  }
  printTable(`sim: bootstrap of real nodes, ${hours} virtual hour(s), default policy`, rows);
}
