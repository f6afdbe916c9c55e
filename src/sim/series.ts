// Metric time series: one row of named values per sample, kept column by column for JSON and charts.

/** Rounds to a fixed number of decimals, so results files are short and compare exactly. */
export function round(x: number, decimals = 4): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** decimals;
  const r = Math.round(x * f) / f;
  return Object.is(r, -0) ? 0 : r;
}

/** Columns of samples: `t` (virtual ms since the start) and one array per metric, all the same length. */
export interface SeriesData {
  t: number[];
  [metric: string]: number[];
}

export class SeriesRecorder {
  readonly #t: number[] = [];
  readonly #columns = new Map<string, number[]>();

  /** Adds a sample. A metric missing from a row is recorded as NaN (null in JSON); a new metric is back-filled the same way. */
  record(atMs: number, row: Record<string, number>): void {
    const n = this.#t.length;
    this.#t.push(atMs);
    for (const [name, value] of Object.entries(row)) {
      let col = this.#columns.get(name);
      if (!col) {
        col = new Array<number>(n).fill(NaN);
        this.#columns.set(name, col);
      }
      col.push(round(value));
    }
    for (const col of this.#columns.values()) if (col.length === n) col.push(NaN);
  }

  get length(): number {
    return this.#t.length;
  }

  /** [t, value] pairs of one metric, skipping gaps. */
  points(metric: string): [number, number][] {
    const col = this.#columns.get(metric);
    if (!col) return [];
    const out: [number, number][] = [];
    col.forEach((v, i) => {
      if (Number.isFinite(v)) out.push([this.#t[i]!, v]);
    });
    return out;
  }

  values(metric: string): number[] {
    return this.#columns.get(metric) ?? [];
  }

  /** The last sample of a metric (NaN when none). */
  last(metric: string): number {
    const col = this.#columns.get(metric);
    return col && col.length ? col[col.length - 1]! : NaN;
  }

  toJSON(): SeriesData {
    const out: SeriesData = { t: [...this.#t] };
    for (const [name, col] of this.#columns) out[name] = [...col];
    return out;
  }
}
