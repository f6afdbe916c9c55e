// Prints benchmark results as an aligned table, with each row's target and whether it was met.

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** The same measurement for the baseline (raw socket, libp2p-like reference…), if any. */
  baseline?: number;
  /** The target as text (">= 250000", "<= 2"), if any. */
  target?: string;
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(3);
}

function meets(value: number, target: string | undefined): string {
  if (!target) return '';
  const m = /^\s*(>=|<=|<|>)\s*([0-9.]+)\s*(%?)/.exec(target);
  if (!m) return '';
  const bound = Number(m[2]);
  const ok = m[1] === '>=' ? value >= bound : m[1] === '<=' ? value <= bound : m[1] === '<' ? value < bound : value > bound;
  return ok ? 'yes' : 'NO';
}

/** Prints `rows` under `title` as a table: measure, value, unit, baseline, target, met. */
export function printTable(title: string, rows: BenchRow[]): void {
  const header = ['measure', 'value', 'unit', 'baseline', 'target', 'met'];
  const body = rows.map((r) => [
    r.name,
    fmt(r.value),
    r.unit,
    r.baseline === undefined ? '' : fmt(r.baseline),
    r.target ?? '',
    meets(r.value, r.target),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log(`\n## ${title}\n`);
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? ':' : '') + '-'.repeat(w + 1 - (i === 0 ? 1 : 0)) + (i === 0 ? '-' : ':')).join('|')}|`);
  for (const row of body) console.log(line(row));
}

/** Runs `fn` repeatedly for about `ms` milliseconds and returns operations per second. */
export function opsPerSecond(fn: () => void, ms = 1000): number {
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 100; i++) fn();
    n += 100;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

/** Heap bytes in use after a full GC (needs node --expose-gc). */
export function heapUsedAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run benchmarks with node --expose-gc (npm run bench does)');
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}
