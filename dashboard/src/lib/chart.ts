// A uPlot time-series chart in the dashboard's theme that follows its container's width.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { COLORS, withAlpha } from './colors.js';

export interface ChartSeries {
  label: string;
  color: string;
  /** Fill the area under the line (for stacked peer counts). */
  fill?: boolean;
  /** Mark every data point (for sparse series such as a peer's score). */
  points?: boolean;
  /** Format the value in the legend. */
  format?: (v: number) => string;
}

export interface TimeChart {
  readonly el: HTMLElement;
  /** xs in seconds since the epoch; one array of values per series (null for a gap). */
  setData(xs: number[], ys: (number | null)[][]): void;
  /** Rebuilds the chart when the set of series changed (e.g. a new dial outcome appeared). */
  setSeries(series: ChartSeries[]): void;
  destroy(): void;
}

/** The shortest time span an x axis shows, in seconds. */
const MIN_SPAN_S = 60;

/** Tick labels: hours and minutes, with seconds when the ticks are less than a minute apart. */
function timeLabels(splits: number[]): string[] {
  const step = splits.length > 1 ? splits[1]! - splits[0]! : 60;
  const format: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hour12: false, ...(step < 60 ? { second: '2-digit' } : {}) };
  return splits.map((s) => new Date(s * 1000).toLocaleTimeString([], format));
}

function options(series: ChartSeries[], width: number, height: number, yLabel: string): uPlot.Options {
  const axis = { stroke: COLORS.muted, grid: { stroke: COLORS.grid, width: 1 }, ticks: { stroke: COLORS.grid, width: 1 } };
  return {
    width,
    height,
    cursor: { drag: { x: false, y: false } },
    legend: { live: true },
    // At least a minute of x axis, so a chart with a few seconds of data does not repeat its tick labels.
    scales: { x: { time: true, range: (_u, min, max) => (max - min < MIN_SPAN_S ? [max - MIN_SPAN_S, max] : [min, max]) }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
    axes: [
      // Plain hours and minutes, spaced so labels never overlap (uPlot's default stacks dates under times).
      { ...axis, space: 70, values: (_u, splits) => timeLabels(splits) },
      { ...axis, label: yLabel, labelSize: 18, size: 56 },
    ],
    series: [
      {},
      ...series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 1.5,
        fill: s.fill ? withAlpha(s.color, 0.55) : undefined,
        points: { show: s.points ?? false, size: 5 },
        spanGaps: false,
        value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '–' : s.format ? s.format(v) : v.toFixed(v < 10 ? 2 : 0)),
      })),
    ],
  };
}

/** Creates the chart inside `parent` (`height` in CSS pixels); it redraws at the new width when the container is resized. */
export function createTimeChart(parent: HTMLElement, series: ChartSeries[], yLabel: string, height = 200): TimeChart {
  let current = series;
  let data: uPlot.AlignedData = [[], ...series.map(() => [])];
  const width = () => Math.max(240, parent.clientWidth - 8);
  let plot = new uPlot(options(series, width(), height, yLabel), data, parent);
  const resize = new ResizeObserver(() => plot.setSize({ width: width(), height }));
  resize.observe(parent);
  return {
    el: parent,
    setData(xs, ys) {
      data = [xs, ...ys] as uPlot.AlignedData;
      plot.setData(data);
    },
    setSeries(next) {
      const same = next.length === current.length && next.every((s, i) => s.label === current[i]!.label);
      if (same) return;
      current = next;
      plot.destroy();
      data = [data[0], ...next.map(() => [])] as uPlot.AlignedData;
      plot = new uPlot(options(next, width(), height, yLabel), data, parent);
    },
    destroy() {
      resize.disconnect();
      plot.destroy();
    },
  };
}
