// What a scenario is: its parameters and defaults, and what it reports — metrics, checks, series, charts, a timeline.

import type { ParamSpecs, ParamValues } from './params.js';
import type { SeriesRecorder } from './series.js';
import type { Simulation } from './simulation.js';

/** How a metric's value reads: 'ms' durations, 'share' fractions shown as percentages, plain numbers otherwise. */
export type MetricUnit = 'ms' | 'share' | 'count' | 'hops' | 'probability' | 'number';

export interface Metric {
  /** camelCase key, stable across runs (tests and scripts read it). */
  key: string;
  label: string;
  /** null: did not happen within the run (e.g. the network never healed). */
  value: number | null;
  unit: MetricUnit;
  /** One sentence on what the number means, or what it is compared with. */
  note?: string;
}

/** A qualitative expectation (converged, connected, share below a bound…) and whether it held. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ChartLineSpec {
  /** A series metric. */
  metric: string;
  label: string;
  dashed?: boolean;
}

export interface ChartSpec {
  /** File name part: "<scenario>-<id>.svg". */
  id: string;
  title: string;
  yLabel: string;
  lines: ChartLineSpec[];
  yFormat?: 'number' | 'percent';
  yMin?: number;
  yMax?: number;
}

export interface TimelineEvent {
  atMs: number;
  event: string;
}

export interface ScenarioContext {
  sim: Simulation;
  /** Honest nodes to simulate. */
  nodes: number;
  durationMs: number;
  params: ParamValues;
  onProgress?(elapsedMs: number): void;
  /**
   * A fresh simulation with the same network settings, seeded from the run's seed and `label`
   * (scenarios that compare several runs use it: the same label gives the same network and attacker).
   */
  simulation(label: string): Simulation;
}

export interface ScenarioOutcome {
  metrics: Metric[];
  checks: Check[];
  series: SeriesRecorder;
  charts: ChartSpec[];
  timeline: TimelineEvent[];
  /** Scenario-specific data for the results file (distributions, literature figures…). */
  details?: Record<string, unknown>;
}

export interface Scenario {
  name: string;
  title: string;
  /** One paragraph: what is simulated and what to look at. */
  summary: string;
  defaultNodes: number;
  /** The smallest network the scenario makes sense for. */
  minNodes: number;
  defaultDurationMs: number;
  params: ParamSpecs;
  /** Problems with this combination of settings (beyond each parameter's own range). */
  validate?(nodes: number, durationMs: number, params: ParamValues): string[];
  run(ctx: ScenarioContext): Promise<ScenarioOutcome>;
}

/** A metric row (value rounded for the results file). */
export function metric(key: string, label: string, value: number | null | undefined, unit: MetricUnit, note?: string): Metric {
  const v = value === undefined || value === null || !Number.isFinite(value) ? null : unit === 'ms' || unit === 'count' ? Math.round(value) : Number(value.toPrecision(6));
  return { key, label, value: v, unit, ...(note !== undefined ? { note } : {}) };
}

export const check = (name: string, ok: boolean, detail: string): Check => ({ name, ok, detail });
