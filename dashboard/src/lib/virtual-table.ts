// A sortable table that draws only the rows in view, so thousands of rows scroll as smoothly as ten.

import { h, replaceChildren } from './dom.js';

export interface Column<T> {
  key: string;
  label: string;
  /** A CSS grid track, e.g. '8rem' or 'minmax(6rem, 1fr)'. */
  width: string;
  /** Orders two rows ascending; columns without one cannot be sorted. */
  compare?: (a: T, b: T) => number;
  /** Text (fast path) or a node for the cell. */
  render: (row: T) => string | Node;
  align?: 'right';
  title?: string;
}

export interface VirtualTableOptions<T> {
  columns: Column<T>[];
  rowKey: (row: T) => string;
  onRowClick?: (row: T) => void;
  /** Height of every row in CSS pixels: fixed, so a row's position is index × height. */
  rowHeight?: number;
  emptyText?: string;
  initialSort?: { key: string; descending: boolean };
  label: string;
}

/** A pooled row element remembers the item it shows, so an unchanged row is not redrawn. */
type PooledRow<T> = HTMLDivElement & { item?: T };

/** Rows drawn above and below the visible ones, so a fast scroll does not show gaps. */
const OVERSCAN = 8;

/** The smallest width of a grid track written as '8rem' or 'minmax(8rem, 1fr)', in rem (0 if unknown). */
function minRem(track: string): number {
  const m = /^(?:minmax\()?\s*([\d.]+)rem/.exec(track);
  return m ? Number(m[1]) : 0;
}

export class VirtualTable<T> {
  readonly el: HTMLDivElement;
  readonly #opts: VirtualTableOptions<T>;
  readonly #rowHeight: number;
  readonly #body: HTMLDivElement;
  readonly #spacer: HTMLDivElement;
  readonly #header: HTMLDivElement;
  readonly #empty: HTMLDivElement;
  readonly #pool: PooledRow<T>[] = [];
  #rows: T[] = [];
  #sorted: T[] = [];
  #sort: { key: string; descending: boolean } | undefined;
  #frame = 0;
  #selected: string | undefined;

  constructor(opts: VirtualTableOptions<T>) {
    this.#opts = opts;
    this.#rowHeight = opts.rowHeight ?? 30;
    this.#sort = opts.initialSort;
    const template = opts.columns.map((c) => c.width).join(' ');
    this.#header = h('div', { class: 'vt-row vt-head', role: 'row' });
    this.#header.style.gridTemplateColumns = template;
    this.#spacer = h('div', { class: 'vt-spacer' });
    this.#empty = h('div', { class: 'vt-empty' }, opts.emptyText ?? 'Nothing to show.');
    // The header sits inside the scrolling body (sticky), so it scrolls sideways with the rows.
    this.#body = h('div', { class: 'vt-body' }, h('div', { class: 'vt-headgroup', role: 'rowgroup' }, this.#header), this.#spacer, this.#empty);
    this.el = h('div', { class: 'vt', role: 'table', 'aria-label': opts.label }, this.#body);
    this.el.style.setProperty('--vt-columns', template);
    // Every row gets the same width (at least the sum of the columns' minimums), so the flexible
    // columns come out the same in every row and line up with the header.
    this.el.style.setProperty('--vt-min-width', `${opts.columns.reduce((sum, c) => sum + minRem(c.width), 0)}rem`);
    this.el.style.setProperty('--vt-row-height', `${this.#rowHeight}px`);
    this.#body.addEventListener('scroll', () => this.#schedule(), { passive: true });
    new ResizeObserver(() => this.#schedule()).observe(this.#body);
    this.#body.addEventListener('click', (e) => {
      const row = (e.target as Element).closest<HTMLElement>('.vt-row[data-index]');
      if (!row || !this.#opts.onRowClick) return;
      const item = this.#sorted[Number(row.dataset.index)];
      if (item !== undefined) this.#opts.onRowClick(item);
    });
    this.#drawHeader();
  }

  /** Replaces the rows (already filtered by the caller); keeps the sort order and the scroll position. */
  setRows(rows: T[]): void {
    this.#rows = rows;
    this.#resort();
  }

  /** The rows in the order shown. */
  get rows(): readonly T[] {
    return this.#sorted;
  }

  /** Marks one row (by key) as selected. */
  select(key: string | undefined): void {
    this.#selected = key;
    this.#draw();
  }

  sortBy(key: string, descending?: boolean): void {
    const same = this.#sort?.key === key;
    this.#sort = { key, descending: descending ?? (same ? !this.#sort!.descending : false) };
    this.#drawHeader();
    this.#resort();
  }

  #resort(): void {
    const column = this.#opts.columns.find((c) => c.key === this.#sort?.key);
    this.#sorted = this.#rows.slice();
    if (column?.compare) {
      const cmp = column.compare;
      const sign = this.#sort!.descending ? -1 : 1;
      this.#sorted.sort((a, b) => sign * cmp(a, b));
    }
    this.#spacer.style.height = `${this.#sorted.length * this.#rowHeight}px`;
    this.#empty.hidden = this.#sorted.length > 0;
    this.#draw();
  }

  #drawHeader(): void {
    replaceChildren(
      this.#header,
      ...this.#opts.columns.map((c) => {
        const active = this.#sort?.key === c.key;
        const cell = h(
          'div',
          {
            class: `vt-cell${c.align === 'right' ? ' right' : ''}${c.compare ? ' sortable' : ''}`,
            role: 'columnheader',
            title: c.title,
            'data-key': c.key,
            'aria-sort': active ? (this.#sort!.descending ? 'descending' : 'ascending') : c.compare ? 'none' : undefined,
            onclick: c.compare ? () => this.sortBy(c.key) : undefined,
          },
          c.label,
          active ? (this.#sort!.descending ? ' ▼' : ' ▲') : '',
        );
        return cell;
      }),
    );
  }

  #schedule(): void {
    if (this.#frame) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this.#draw();
    });
  }

  /**
   * Draws the rows between the scroll position and the bottom of the view. Row i always uses pool
   * element i mod pool size, so while scrolling only the rows coming into view are filled again.
   */
  #draw(): void {
    const height = this.#body.clientHeight || 600;
    const first = Math.max(0, Math.floor(this.#body.scrollTop / this.#rowHeight) - OVERSCAN);
    const last = Math.min(this.#sorted.length, Math.ceil((this.#body.scrollTop + height) / this.#rowHeight) + OVERSCAN);
    const needed = Math.ceil(height / this.#rowHeight) + 2 * OVERSCAN + 1;
    while (this.#pool.length < needed) {
      const row = h('div', { class: 'vt-row', role: 'row' }) as PooledRow<T>;
      this.#pool.push(row);
      this.#body.append(row);
    }
    const size = this.#pool.length;
    const used = new Set<number>();
    for (let index = first; index < last; index++) {
      const slot = index % size;
      used.add(slot);
      const row = this.#pool[slot] as PooledRow<T>;
      const item = this.#sorted[index]!;
      row.hidden = false;
      if (row.dataset.index !== String(index)) {
        row.dataset.index = String(index);
        row.style.transform = `translateY(${index * this.#rowHeight}px)`;
      }
      const key = this.#opts.rowKey(item);
      if (row.dataset.key !== key) row.dataset.key = key;
      row.classList.toggle('selected', key === this.#selected);
      row.classList.toggle('clickable', Boolean(this.#opts.onRowClick));
      // The same object in the same place: nothing to redraw.
      if (row.item !== item) {
        row.item = item;
        this.#fill(row, item);
      }
    }
    for (let slot = 0; slot < size; slot++) {
      if (used.has(slot)) continue;
      const row = this.#pool[slot] as PooledRow<T>;
      row.hidden = true;
      row.item = undefined;
      delete row.dataset.index;
    }
  }

  #fill(row: HTMLDivElement, item: T): void {
    const columns = this.#opts.columns;
    while (row.childElementCount < columns.length) row.append(h('div', { class: 'vt-cell', role: 'cell' }));
    for (let c = 0; c < columns.length; c++) {
      const cell = row.children[c] as HTMLElement;
      const col = columns[c]!;
      if (col.align === 'right') cell.classList.add('right');
      cell.dataset.key = col.key;
      const content = col.render(item);
      if (typeof content === 'string') {
        if (cell.childElementCount > 0 || cell.textContent !== content) cell.textContent = content;
      } else {
        replaceChildren(cell, content);
      }
    }
  }
}
