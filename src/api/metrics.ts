// Prometheus plumbing: a registry with process metrics and counters mirrored from cumulative totals.

import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export const METRIC_PREFIX = 'peerwarden_';

/** A registry with Node's process metrics (CPU, memory, event-loop lag…), all prefixed peerwarden_. */
export function createRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX, eventLoopMonitoringPrecision: 20 });
  return registry;
}

type Labels = Record<string, string>;

/**
 * A counter whose value is read at scrape time from a cumulative total kept elsewhere (so the
 * source of truth stays in one place). `read` returns [labels, total] pairs.
 */
export function mirroredCounter(registry: Registry, name: string, help: string, labelNames: string[], read: () => [Labels, number][]): void {
  new Counter({
    name: METRIC_PREFIX + name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, value] of read()) if (value > 0) this.inc(labels, value);
    },
  });
}

/** A gauge read at scrape time; `read` returns [labels, value] pairs. */
export function readGauge(registry: Registry, name: string, help: string, labelNames: string[], read: () => [Labels, number][]): void {
  new Gauge({
    name: METRIC_PREFIX + name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, value] of read()) this.set(labels, value);
    },
  });
}
