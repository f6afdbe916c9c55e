// Charts of the last hour, from the samples kept in the page: peers (stacked), traffic, dial outcomes, penalties.

import type { AppContext } from '../app/context.js';
import type { View } from '../app/view.js';
import { createTimeChart, type ChartSeries, type TimeChart } from '../lib/chart.js';
import { COLORS, paletteColor } from '../lib/colors.js';
import { h, setText } from '../lib/dom.js';
import { formatBytes } from '../lib/format.js';
import { keyedRates, rates, stackedPeers, timesOf } from '../lib/series.js';
import type { SampleJson } from '../lib/types.js';

interface ChartSpec {
  key: string;
  title: string;
  yLabel: string;
  /** The series and their values for these samples (the set of series may grow, e.g. a new dial outcome). */
  build(samples: SampleJson[]): { series: ChartSeries[]; values: (number | null)[][] };
}

const PEER_COLORS = [COLORS.hot, COLORS.warm, COLORS.inboundHot, COLORS.inboundWarm];

const SPECS: ChartSpec[] = [
  {
    key: 'peers',
    title: 'Peers by temperature and direction (stacked)',
    yLabel: 'peers',
    build(samples) {
      // Drawn top layer first so every filled area stays visible under the next one.
      const layers = stackedPeers(samples).reverse();
      const colors = [...PEER_COLORS].reverse();
      return {
        series: layers.map((l, i) => ({ label: l.label, color: colors[i]!, fill: true, format: (v: number) => v.toFixed(0) })),
        values: layers.map((l) => l.values),
      };
    },
  },
  {
    key: 'messages',
    title: 'Messages per second',
    yLabel: 'messages/s',
    build(samples) {
      return {
        series: [
          { label: 'in', color: COLORS.in },
          { label: 'out', color: COLORS.out },
        ],
        values: [rates(samples, (s) => s.messages.in), rates(samples, (s) => s.messages.out)],
      };
    },
  },
  {
    key: 'bytes',
    title: 'Bytes per second',
    yLabel: 'bytes/s',
    build(samples) {
      const format = (v: number) => `${formatBytes(v)}/s`;
      return {
        series: [
          { label: 'in', color: COLORS.in, format },
          { label: 'out', color: COLORS.out, format },
        ],
        values: [rates(samples, (s) => s.bytes.in), rates(samples, (s) => s.bytes.out)],
      };
    },
  },
  {
    key: 'dials',
    title: 'Dial outcomes per minute',
    yLabel: 'dials/min',
    build(samples) {
      const keyed = keyedRates(samples, (s) => s.dials);
      return { series: keyed.map((k, i) => ({ label: k.key, color: paletteColor(i) })), values: keyed.map((k) => k.values) };
    },
  },
  {
    key: 'penalties',
    title: 'Penalties per minute by reason',
    yLabel: 'penalties/min',
    build(samples) {
      const keyed = keyedRates(samples, (s) => s.penalties);
      return { series: keyed.map((k, i) => ({ label: k.key, color: paletteColor(i + 5) })), values: keyed.map((k) => k.values) };
    },
  },
];

export function createChartsView(ctx: AppContext): View {
  const note = h('p', { class: 'muted', 'data-field': 'samples' });
  const grid = h('div', { class: 'chart-grid' });
  const el = h('section', { class: 'view charts' }, note, grid);
  const charts = new Map<string, { chart: TimeChart; empty: HTMLElement }>();
  for (const spec of SPECS) {
    const box = h('div', { class: 'chart', 'data-chart': spec.key });
    const empty = h('p', { class: 'muted chart-empty', hidden: true }, 'None in the last hour.');
    grid.append(h('div', { class: 'panel' }, h('h2', {}, spec.title), box, empty));
    // Created once the view is in the page, so the charts can measure their width.
    charts.set(spec.key, { chart: undefined as unknown as TimeChart, empty });
  }
  let drawnKey = '';

  return {
    el,
    async refresh() {
      const samples = ctx.samples.samples();
      const key = `${samples.length}:${samples.at(-1)?.at ?? 0}`;
      if (key === drawnKey) return;
      const xs = timesOf(samples);
      for (const spec of SPECS) {
        const slot = charts.get(spec.key)!;
        const { series, values } = spec.build(samples);
        if (!slot.chart) slot.chart = createTimeChart(grid.querySelector<HTMLElement>(`[data-chart="${spec.key}"]`)!, series, spec.yLabel);
        slot.empty.hidden = series.length > 0;
        slot.chart.el.hidden = series.length === 0;
        slot.chart.setSeries(series);
        slot.chart.setData(xs, values);
      }
      drawnKey = key;
      const minutes = samples.length > 1 ? Math.round((samples.at(-1)!.at - samples[0]!.at) / 60_000) : 0;
      setText(note, `${samples.length} samples over the last ${minutes} min (one every 5 s, kept in this page and seeded from the node).`);
    },
  };
}
