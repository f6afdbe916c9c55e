// The frame shared by the devnet and fleet pages: header, verdict, node graph with its legend, node table, and the once-a-second poll.

import { getJson } from '../lib/api.js';
import { COLORS } from '../lib/colors.js';
import { h, replaceChildren, setText } from '../lib/dom.js';
import { createGraph } from './graph.js';

const TICK_MS = 1000;

/** The graph's legend: edge colours by how each end sees the connection, node colours by health. */
function legend(intro: string, downLabel: string, outro: string): HTMLElement {
  const swatch = (color: string, text: string, kind: 'line' | 'dot') => {
    const s = h('span', { class: `swatch ${kind}` });
    s.style.background = color;
    return h('span', { class: 'legend-item' }, s, text);
  };
  return h(
    'div',
    { class: 'legend muted' },
    intro,
    swatch(COLORS.hot, 'outbound hot', 'line'),
    swatch(COLORS.warm, 'outbound warm', 'line'),
    swatch(COLORS.inboundHot, 'inbound hot', 'line'),
    swatch(COLORS.inboundWarm, 'inbound warm', 'line'),
    ' · nodes: ',
    swatch(COLORS.healthy, 'healthy', 'dot'),
    swatch(COLORS.degraded, 'degraded', 'dot'),
    swatch(COLORS.isolated, 'isolated', 'dot'),
    swatch(COLORS.down, downLabel, 'dot'),
    outro,
  );
}

export interface NetworkPageOptions {
  /** The page's name in the header ("devnet", "fleet"). */
  who: string;
  /** What serves the snapshots, for "… not answering" ("devnet", "peerwarden fleet"). */
  server: string;
  graphTitle: string;
  /** The graph panel before the table (devnet) or after it (fleet). */
  graphFirst: boolean;
  /** Column headings of the node table. */
  columns: readonly string[];
  legend: { intro: string; down: string; outro: string };
}

export interface NetworkPage {
  verdict: HTMLElement;
  graph: ReturnType<typeof createGraph>;
  /** The header's line beside the page name. */
  summary: HTMLElement;
  /** Shows the verdict in its colour. */
  setVerdict(ok: boolean, text: string): void;
  /** Puts these rows in the table, only when they changed: a click on a link is never lost to a redraw. */
  setRows(rows: HTMLElement[]): void;
  /** Fetches `url` now and once a second, handing each answer to `show`; says "live" or why not in the header. */
  poll<T>(url: string, show: (snap: T) => void): Promise<void>;
}

export function networkPage(o: NetworkPageOptions): NetworkPage {
  const root = document.getElementById('app')!;
  const verdict = h('div', { class: 'notice', role: 'status' });
  const graph = createGraph();
  const table = h('table', { class: 'grid-table', 'aria-label': `${o.who} nodes` });
  const conn = h('span', { class: 'conn', 'data-state': 'connecting' }, 'connecting…');
  const summary = h('span', { class: 'muted' });
  const graphPanel = h('div', { class: 'panel' }, h('h2', {}, o.graphTitle), graph.el, legend(o.legend.intro, o.legend.down, o.legend.outro));
  const tablePanel = h('div', { class: 'panel' }, h('h2', {}, 'Nodes'), table);
  replaceChildren(
    root,
    h('header', { class: 'top' }, h('span', { class: 'brand' }, 'peerwarden'), h('span', { class: 'who' }, o.who), summary, h('span', { class: 'spacer' }), conn),
    verdict,
    h('main', {}, ...(o.graphFirst ? [graphPanel, tablePanel] : [tablePanel, graphPanel])),
  );
  const head = h('thead', {}, h('tr', {}, ...o.columns.map((t) => h('th', {}, t))));
  return {
    verdict,
    graph,
    summary,
    setVerdict(ok, text) {
      verdict.className = `notice ${ok ? 'ok' : 'warn'}`;
      setText(verdict, text);
    },
    setRows(rows) {
      const body = h('tbody', {}, ...rows);
      if (body.innerHTML !== table.tBodies[0]?.innerHTML) replaceChildren(table, head, body);
    },
    async poll<T>(url: string, show: (snap: T) => void) {
      const tick = async () => {
        const began = Date.now();
        try {
          const snap = await getJson<T>(url);
          conn.dataset.state = 'live';
          setText(conn, 'live');
          show(snap);
        } catch (err) {
          conn.dataset.state = 'reconnecting';
          setText(conn, `${o.server} not answering — retrying… (${(err as Error).message})`);
        }
        setTimeout(() => void tick(), Math.max(0, TICK_MS - (Date.now() - began)));
      };
      await tick();
    },
  };
}
