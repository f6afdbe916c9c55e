// Human-readable metric values for summaries and docs: durations, percentages, probabilities.

import { formatDuration } from '../core/duration.js';
import type { Metric } from './scenario.js';

/** 0.0341 → "3.41%", 1.6e-9 → "1.6e-9", 93_000 (ms) → "1m33s". */
export function formatMetric(m: Pick<Metric, 'value' | 'unit'>): string {
  const v = m.value;
  if (v === null) return '—';
  switch (m.unit) {
    case 'ms':
      if (v < 1000) return `${v}ms`;
      // Seconds with a decimal below a minute: "1.4s" says more than "1s" for a time to targets.
      return v < 60_000 ? `${(v / 1000).toFixed(1)}s` : formatDuration(v);
    case 'share':
      return `${(v * 100).toFixed(v !== 0 && Math.abs(v) < 0.001 ? 3 : 1)}%`;
    case 'probability':
      return v === 0 ? '0' : v >= 0.001 ? v.toFixed(3) : v.toExponential(1);
    case 'count':
      return String(v);
    case 'hops':
      return Number.isInteger(v) ? String(v) : v.toFixed(2);
    default:
      return Number.isInteger(v) ? String(v) : String(Number(v.toFixed(2)));
  }
}
