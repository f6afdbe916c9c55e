// Scenario "eclipse-study": the literature's eclipse attackers against the Core-equivalent configuration and peerwarden's defaults, same seed.

import type { NodeConfig } from '../../node/config.js';
import { check, metric, type Check, type ChartLineSpec, type Metric, type Scenario } from '../scenario.js';
import type { ParamValues } from '../params.js';
import { SeriesRecorder } from '../series.js';
import { ECLIPSE_PARAMS, runEclipse, type AlarmRecord, type EclipseCheckpoint } from './eclipse-run.js';

/** The horizons of the reference figures, from the attack's start. */
export const STUDY_HORIZONS: readonly (readonly [string, number])[] = [
  ['1h', 3_600_000],
  ['1d', 86_400_000],
  ['7d', 7 * 86_400_000],
  ['30d', 30 * 86_400_000],
];

/** One attacker (and victim) of the literature. */
export interface StudyCase {
  id: 'a' | 'b' | 'c' | 'd';
  title: string;
  attackerGroups: number;
  attackerPerGroup: number;
  /** Inbound connections: the sources the attacker's flood arrives from. */
  attackerInbound: number;
  /** ASes of the attacker's /16s (0: one per /16). */
  attackerAses: number;
  /** Background (honest addresses) and how many are in tried; undefined: the study's parameters. */
  background?: number;
  backgroundTried?: number;
}

/**
 * The attackers of the reference simulation of Core's addrman (Heilman et al. 2015 and its model
 * in the reference notes). The botnet's 4,600 addresses sit two to a /16 (2,300 /16s): the
 * simulator's hostile range has 3,840 /16s, and with one or two addresses per /16 the per-group
 * bucket limits never bind either way.
 */
export const STUDY_CASES: readonly StudyCase[] = [
  { id: 'a', title: '256 /16 × 64 on 16 sources', attackerGroups: 256, attackerPerGroup: 64, attackerInbound: 16, attackerAses: 0 },
  { id: 'b', title: '32 /16 × 256 on 32 sources, one AS', attackerGroups: 32, attackerPerGroup: 256, attackerInbound: 32, attackerAses: 1 },
  { id: 'c', title: 'botnet of 4,600 (2,300 /16 × 2) on 100 sources', attackerGroups: 2300, attackerPerGroup: 2, attackerInbound: 100, attackerAses: 0 },
  { id: 'd', title: 'sparse victim (2,000 new / 200 tried) against (b)', attackerGroups: 32, attackerPerGroup: 256, attackerInbound: 32, attackerAses: 1, background: 2000, backgroundTried: 200 },
];

export type StudyConfig = 'core' | 'defaults';

/** One row of the study's table. */
export interface StudyRow extends EclipseCheckpoint {
  case: StudyCase['id'];
  config: StudyConfig;
  /** Ms from the attack's start to the victim's first eclipse alarm, if it fired by this horizon. */
  alarmMs: number | null;
}

/** What the victim ran with, read back from the node (the Core-equivalent column must show every defence off). */
export interface StudyDefences {
  maxTriedPerSourceGroup: number;
  asmap: boolean;
}

const { attackerGroups: _g, attackerPerGroup: _p, attackerInbound: _i, attackerAses: _a, restart: _r, ...BASE_PARAMS } = ECLIPSE_PARAMS;

const scaled = (n: number, scale: number, min = 1) => Math.max(min, Math.round(n * scale));

/** The eclipse parameters of one case at `scale` (addresses and book sizes scaled; sources and rates kept). */
export function caseParams(c: StudyCase, p: ParamValues, config: StudyConfig): ParamValues {
  const scale = p.scale as number;
  const side = Math.sqrt(scale);
  return {
    ...p,
    attackerGroups: scaled(c.attackerGroups, side),
    attackerPerGroup: scaled(c.attackerPerGroup, side),
    attackerInbound: c.attackerInbound,
    attackerAses: c.attackerAses,
    background: scaled(c.background ?? (p.background as number), scale, 0),
    backgroundTried: scaled(c.backgroundTried ?? (p.backgroundTried as number), scale, 0),
    restart: false,
    // Core groups by /16: the Core-equivalent column never uses an asmap.
    asmap: config === 'core' ? false : p.asmap === true,
  };
}

/**
 * The victim's configuration in each column: Core's book (every defence off), or the node's
 * defaults (maxTriedPerSourceGroup=N, which also sets the honest nodes', overrides them to try candidates).
 */
export function victimConfigOf(config: StudyConfig, p: ParamValues): NodeConfig {
  if (config === 'core') return { maxTriedPerSourceGroup: 0 };
  const m = p.maxTriedPerSourceGroup as number;
  return m >= 0 ? { maxTriedPerSourceGroup: m } : {};
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export const eclipseStudy: Scenario = {
  name: 'eclipse-study',
  title: 'Eclipse against the literature: Core-equivalent vs peerwarden defaults',
  summary:
    "The eclipse scenario run for the literature's attackers — (a) 256 /16 × 64 on 16 sources, (b) 32 /16 × 256 on 32 sources in one AS, " +
    '(c) a 4,600-address botnet on 100 sources, (d) a sparse victim (2,000 new / 200 tried) against (b) — each twice on the same seed: ' +
    "the Core-equivalent configuration (book bit for bit Core's, /16 groups, every defence off) and peerwarden's defaults. Reported per case, " +
    "configuration and horizon (1h, 1d, 7d, 30d after the attack's start, those the run reaches, and the end): the attacker's share of tried " +
    "and new, p, p^8, its share of the victim's outbound peers, and the time to the victim's first eclipse alarm.",
  defaultNodes: 50,
  minNodes: 4,
  defaultDurationMs: 3_600_000 + 10 * 60_000,
  params: {
    ...BASE_PARAMS,
    caseA: { kind: 'bool', default: true, help: 'run (a): 256 /16 × 64 addresses on 16 inbound sources', min: 0, max: 1 },
    caseB: { kind: 'bool', default: true, help: 'run (b): 32 /16 × 256 on 32 sources, all in one AS', min: 0, max: 1 },
    caseC: { kind: 'bool', default: true, help: 'run (c): a botnet of 4,600 addresses (2,300 /16 × 2) on 100 sources', min: 0, max: 1 },
    caseD: { kind: 'bool', default: true, help: 'run (d): a sparse victim (2,000 new / 200 tried) against (b)', min: 0, max: 1 },
    scale: { kind: 'number', default: 1, help: 'scales attacker addresses and the background (tests: small books)', min: 0.0001, max: 1 },
  },
  validate(_nodes, durationMs, p) {
    const problems: string[] = [];
    if ((p.attackStart as number) >= durationMs) problems.push('attackStart must come before the end');
    if (![p.caseA, p.caseB, p.caseC, p.caseD].some((x) => x === true)) problems.push('choose at least one case');
    return problems;
  },
  async run({ nodes, durationMs, params, onProgress, simulation }) {
    const cases = STUDY_CASES.filter((c) => params[`case${c.id.toUpperCase()}`] === true);
    const configs: StudyConfig[] = ['core', 'defaults'];
    const runs = cases.length * configs.length;
    const rows: StudyRow[] = [];
    const defences: Record<string, StudyDefences> = {};
    const alarms: Record<string, AlarmRecord> = {};
    const extra: Record<string, unknown> = {};
    const bySample = new Map<number, Record<string, number>>();
    let problems = 0;
    let firstProblem = '';
    let k = 0;
    for (const c of cases) {
      for (const config of configs) {
        const label = `${c.id}-${config}`;
        // Same label for both columns: the same network, background, attacker and random streams.
        const sim = simulation(c.id);
        const p = caseParams(c, params, config);
        const offset = k * durationMs;
        const r = await runEclipse(sim, nodes, durationMs, p, {
          checkpoints: STUDY_HORIZONS,
          victimConfig: victimConfigOf(config, params),
          ...(onProgress ? { onProgress: (t: number) => onProgress((offset + t) / runs) } : {}),
        });
        k++;
        // Read back from the victim: the limit its configuration resolved to, and whether its book names groups by AS.
        defences[label] = {
          maxTriedPerSourceGroup: r.victim.node.config.maxTriedPerSourceGroup,
          asmap: r.victim.node.addressBook.stats().byGroup.some((g) => g.group.startsWith('AS')),
        };
        alarms[label] = r.alarm;
        const end = r.sampleAt(durationMs - r.attackStart, 'end');
        for (const row of [...r.checkpoints, ...(end ? [end] : [])]) {
          const fired = r.alarm.firstAfterAttackMs;
          rows.push({ case: c.id, config, ...row, alarmMs: fired !== null && fired <= row.afterMs ? fired : null });
        }
        const s = r.seriesData;
        for (let i = 0; i < s.t.length; i++) {
          const at = bySample.get(s.t[i]!) ?? {};
          at[`${label}_tried`] = s.triedShare![i]!;
          at[`${label}_select`] = s.select![i]!;
          bySample.set(s.t[i]!, at);
        }
        extra[label] = {
          addresses: r.attacker.addresses.length,
          attackerGroups: p.attackerGroups,
          attackerPerGroup: p.attackerPerGroup,
          background: p.background,
          backgroundTried: p.backgroundTried,
          honestOutboundMin: Number.isFinite(r.track.minHonestOutbound) ? r.track.minHonestOutbound : 0,
          outboundShareMax: r.track.maxOutboundShare,
          exchange: r.exchange,
          attacker: r.attacker.stats,
        };
        problems += sim.problems.length;
        if (!firstProblem && sim.problems.length) firstProblem = `${label}: ${sim.problems[0]!.message}`;
      }
    }

    const metrics: Metric[] = [];
    for (const row of rows) {
      const key = `${row.case}_${row.config}_${row.t}`;
      const what = `(${row.case}) ${row.config}, ${row.t}`;
      metrics.push(
        metric(`${key}_tried`, `${what}: attacker share of tried`, row.tried, 'share'),
        metric(`${key}_new`, `${what}: attacker share of new`, row.new, 'share'),
        metric(`${key}_p`, `${what}: p`, row.p, 'probability'),
        metric(`${key}_p8`, `${what}: p^8`, row.p8, 'probability'),
        metric(`${key}_outbound`, `${what}: attacker share of outbound peers`, row.outbound, 'share'),
        metric(`${key}_alarm`, `${what}: time to the first alarm`, row.alarmMs, 'ms', row.alarmMs === null ? 'not fired by then' : undefined),
      );
    }
    metrics.push(metric('problems', 'node errors, every run', problems, 'count'));

    const checks: Check[] = [];
    const coreOff = Object.entries(defences).filter(([l]) => l.endsWith('-core'));
    checks.push(
      check(
        'Core-equivalent runs have every defence off',
        coreOff.every(([, d]) => d.maxTriedPerSourceGroup === 0 && !d.asmap),
        coreOff.map(([l, d]) => `${l}: maxTriedPerSourceGroup ${d.maxTriedPerSourceGroup}, asmap ${d.asmap}`).join('; '),
      ),
    );
    // The goal is stated for 30 days of attack: shorter runs say nothing about it.
    for (const c of cases) {
      const core = rows.find((r) => r.case === c.id && r.config === 'core' && r.t === '30d');
      const ours = rows.find((r) => r.case === c.id && r.config === 'defaults' && r.t === '30d');
      if (!core || !ours) continue;
      checks.push(
        check(
          `(${c.id}) at 30 days, defaults give at most half the tried share and a tenth of the p^8 of Core`,
          ours.tried <= core.tried / 2 && ours.p8 <= core.p8 / 10,
          `tried ${pct(ours.tried)} vs ${pct(core.tried)}, p^8 ${ours.p8.toExponential(1)} vs ${core.p8.toExponential(1)}`,
        ),
      );
    }
    checks.push(check('no node errors', problems === 0, problems ? firstProblem : 'none'));

    const series = new SeriesRecorder();
    for (const t of [...bySample.keys()].sort((a, b) => a - b)) series.record(t, bySample.get(t)!);
    const lines = (what: 'tried' | 'select'): ChartLineSpec[] =>
      cases.flatMap((c) => configs.map((config) => ({ metric: `${c.id}-${config}_${what}`, label: `(${c.id}) ${config}`, ...(config === 'core' ? { dashed: true } : {}) })));
    return {
      metrics,
      checks,
      series,
      charts: [
        { id: 'tried', title: "Attacker share of the victim's tried table: Core-equivalent (dashed) vs defaults", yLabel: 'attacker share of tried', yFormat: 'percent', yMin: 0, yMax: 1, lines: lines('tried') },
        { id: 'select', title: 'p, the chance one selection returns the attacker: Core-equivalent (dashed) vs defaults', yLabel: 'p', yMin: 0, yMax: 1, lines: lines('select') },
      ],
      timeline: [{ atMs: params.attackStart as number, event: 'attack starts' }],
      details: {
        cases: cases.map((c) => ({ ...c })),
        table: rows,
        defences,
        alarms,
        runs: extra,
      },
    };
  },
};
