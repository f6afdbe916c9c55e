// Line charts of metrics over virtual time as standalone SVG files, written by hand (no dependencies).

import { formatDuration } from '../core/duration.js';

export interface ChartLine {
  name: string;
  /** [virtual ms since the start, value]; a non-finite value breaks the line. */
  points: ReadonlyArray<readonly [number, number]>;
  /** Draw dashed (for bounds and reference levels). */
  dashed?: boolean;
}

export interface ChartMarker {
  atMs: number;
  label: string;
}

export interface ChartOptions {
  title: string;
  yLabel: string;
  lines: readonly ChartLine[];
  /** Vertical lines at events (partition, heal, attack start…). */
  markers?: readonly ChartMarker[];
  /** Fixed axis bounds; by default 0 (or the smallest value) to the largest value. */
  yMin?: number;
  yMax?: number;
  /** 'percent' labels 0.25 as 25 %. */
  yFormat?: 'number' | 'percent';
  /** The x axis ends here (default: the last point). */
  xMaxMs?: number;
  width?: number;
  height?: number;
}

/** Colour-blind-friendly palette (Okabe–Ito), darkest first. */
const COLORS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000', '#f0e442'];

/** Steps for the time axis: whole seconds, minutes, hours and days. */
const TIME_STEPS_MS = [1, 2, 5, 10, 15, 30].map((s) => s * 1000)
  .concat([1, 2, 5, 10, 15, 30].map((m) => m * 60_000))
  .concat([1, 2, 3, 6, 12].map((h) => h * 3_600_000))
  .concat([1, 2, 7, 14, 30].map((d) => d * 86_400_000));

/** Estimated width of a 12 px character of the chart's sans-serif font. */
const CHAR_WIDTH = 6.6;

const escapeXml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
const f1 = (x: number) => (Math.round(x * 10) / 10).toFixed(1);

/** A "nice" step (1, 2 or 5 × 10^k) that cuts `span` into at most `maxTicks` parts. */
export function niceStep(span: number, maxTicks = 6): number {
  if (!(span > 0)) return 1;
  const raw = span / maxTicks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

function formatValue(v: number, step: number, format: 'number' | 'percent'): string {
  if (format === 'percent') {
    const pct = v * 100;
    const decimals = Math.max(0, -Math.floor(Math.log10(step * 100) + 1e-9));
    return `${pct.toFixed(decimals)}%`;
  }
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return Math.abs(v) >= 10_000 ? v.toExponential(1) : v.toFixed(decimals);
}

/** Renders a line chart as a complete SVG document. */
export function lineChart(o: ChartOptions): string {
  const width = o.width ?? 760;
  const height = o.height ?? 380;
  const left = 70;
  const right = 20;
  // Legend entries flow left to right and wrap (text width estimated: no font metrics in a plain writer).
  const legend: { x: number; row: number }[] = [];
  {
    let x = 0;
    let row = 0;
    for (const line of o.lines) {
      const w = 24 + Math.ceil(line.name.length * CHAR_WIDTH) + 18;
      if (x > 0 && x + w > width - left - right) {
        x = 0;
        row++;
      }
      legend.push({ x, row });
      x += w;
    }
  }
  const legendRows = legend.length ? legend[legend.length - 1]!.row + 1 : 0;
  const top = 44 + 18 * legendRows;
  const bottom = 46;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const format = o.yFormat ?? 'number';

  let xMax = o.xMaxMs ?? 0;
  let yLo = Infinity;
  let yHi = -Infinity;
  for (const line of o.lines) {
    for (const [x, y] of line.points) {
      if (o.xMaxMs === undefined) xMax = Math.max(xMax, x);
      if (Number.isFinite(y)) {
        yLo = Math.min(yLo, y);
        yHi = Math.max(yHi, y);
      }
    }
  }
  if (!(xMax > 0)) xMax = 1000;
  if (!Number.isFinite(yLo)) [yLo, yHi] = [0, 1];
  let yMin = o.yMin ?? Math.min(0, yLo);
  let yMax = o.yMax ?? yHi;
  if (yMax <= yMin) yMax = yMin + (yMin === 0 ? 1 : Math.abs(yMin));
  const yStep = niceStep(yMax - yMin);
  if (o.yMin === undefined) yMin = Math.floor(yMin / yStep) * yStep;
  if (o.yMax === undefined) yMax = Math.ceil(yMax / yStep) * yStep;

  const sx = (x: number) => left + (x / xMax) * plotW;
  const sy = (y: number) => top + plotH - ((y - yMin) / (yMax - yMin)) * plotH;
  const xStep = TIME_STEPS_MS.find((s) => xMax / s <= 8) ?? TIME_STEPS_MS[TIME_STEPS_MS.length - 1]!;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<title>${escapeXml(o.title)}</title>`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${left}" y="22" font-size="15" font-weight="600" fill="#222">${escapeXml(o.title)}</text>`);

  // Legend.
  o.lines.forEach((line, i) => {
    const x = left + legend[i]!.x;
    const y = 40 + legend[i]!.row * 18;
    const color = COLORS[i % COLORS.length]!;
    out.push(`<line x1="${x}" y1="${y - 4}" x2="${x + 18}" y2="${y - 4}" stroke="${color}" stroke-width="2.5"${line.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    out.push(`<text x="${x + 24}" y="${y}" fill="#333">${escapeXml(line.name)}</text>`);
  });

  // Grid and axes.
  out.push(`<g stroke="#e4e4e4" stroke-width="1">`);
  for (let y = yMin; y <= yMax + yStep / 1e6; y += yStep) out.push(`<line x1="${left}" y1="${f1(sy(y))}" x2="${left + plotW}" y2="${f1(sy(y))}"/>`);
  for (let x = 0; x <= xMax; x += xStep) out.push(`<line x1="${f1(sx(x))}" y1="${top}" x2="${f1(sx(x))}" y2="${top + plotH}"/>`);
  out.push(`</g>`);
  out.push(`<g fill="#555" font-size="11">`);
  for (let y = yMin; y <= yMax + yStep / 1e6; y += yStep) {
    out.push(`<text x="${left - 6}" y="${f1(sy(y) + 4)}" text-anchor="end">${escapeXml(formatValue(y, yStep, format))}</text>`);
  }
  for (let x = 0; x <= xMax; x += xStep) out.push(`<text x="${f1(sx(x))}" y="${top + plotH + 16}" text-anchor="middle">${escapeXml(formatDuration(x))}</text>`);
  out.push(`</g>`);
  out.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`);
  out.push(`<text x="${left + plotW / 2}" y="${height - 8}" text-anchor="middle" fill="#333">virtual time</text>`);
  out.push(`<text transform="translate(16 ${f1(top + plotH / 2)}) rotate(-90)" text-anchor="middle" fill="#333">${escapeXml(o.yLabel)}</text>`);

  // Event markers; labels that would overlap go one row lower.
  const rowEnds: number[] = [];
  for (const m of o.markers ?? []) {
    if (m.atMs < 0 || m.atMs > xMax) continue;
    const px = sx(m.atMs);
    const x = f1(px);
    out.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${top + plotH}" stroke="#888" stroke-width="1" stroke-dasharray="3 3"/>`);
    const textW = m.label.length * CHAR_WIDTH * 0.85;
    // Labels near the right edge are written to the left of their line.
    const leftward = px + 3 + textW > left + plotW;
    const from = leftward ? px - 3 - textW : px + 3;
    let row = rowEnds.findIndex((end) => end < from);
    if (row < 0) row = rowEnds.length;
    rowEnds[row] = from + textW + 4;
    out.push(
      `<text x="${f1(leftward ? px - 3 : px + 3)}" y="${top + 12 + 12 * row}" fill="#666" font-size="10"${leftward ? ' text-anchor="end"' : ''}>${escapeXml(m.label)}</text>`,
    );
  }

  // The lines, clipped to the plot.
  out.push(`<clipPath id="plot"><rect x="${left}" y="${top}" width="${plotW}" height="${plotH}"/></clipPath>`);
  out.push(`<g clip-path="url(#plot)" fill="none" stroke-width="2" stroke-linejoin="round">`);
  o.lines.forEach((line, i) => {
    const color = COLORS[i % COLORS.length]!;
    let d = '';
    let pen = false;
    for (const [x, y] of line.points) {
      if (!Number.isFinite(y)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${f1(sx(x))} ${f1(sy(y))}`;
      pen = true;
    }
    if (d) out.push(`<path d="${d}" stroke="${color}"${line.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
  });
  out.push(`</g>`);
  out.push(`</svg>`);
  return out.join('\n') + '\n';
}
