// The fleet page: several nodes on any machines — the devnet page's graph and node table, with each
// node's alarms, fed by `peerwarden fleet` (which polls the nodes' APIs server-side), once per second.

import '../styles.css';
import { createGraph } from '../devnet/graph.js';
import { buildTopology } from '../devnet/topology.js';
import { getJson } from '../lib/api.js';
import { COLORS } from '../lib/colors.js';
import { badge, h, replaceChildren, setText } from '../lib/dom.js';
import { formatDuration, formatTime, shortId } from '../lib/format.js';
import type { FleetNodeJson, FleetSnapshotJson } from '../lib/types.js';

const TICK_MS = 1000;

function legend(): HTMLElement {
  const swatch = (color: string, text: string, kind: 'line' | 'dot') => {
    const s = h('span', { class: `swatch ${kind}` });
    s.style.background = color;
    return h('span', { class: 'legend-item' }, s, text);
  };
  return h(
    'div',
    { class: 'legend muted' },
    'Edges are the connections between these nodes, from the node that dialled to the one that accepted (arrow); each half is coloured by how its end sees it: ',
    swatch(COLORS.hot, 'outbound hot', 'line'),
    swatch(COLORS.warm, 'outbound warm', 'line'),
    swatch(COLORS.inboundHot, 'inbound hot', 'line'),
    swatch(COLORS.inboundWarm, 'inbound warm', 'line'),
    ' · nodes: ',
    swatch(COLORS.healthy, 'healthy', 'dot'),
    swatch(COLORS.degraded, 'degraded', 'dot'),
    swatch(COLORS.isolated, 'isolated', 'dot'),
    swatch(COLORS.down, 'not answering', 'dot'),
    ' · size by peers (all of them, not only these); click a node to open its dashboard.',
  );
}

function row(n: FleetNodeJson): HTMLElement {
  const observer = n.mode === 'observer';
  const link = h('a', { href: `${n.apiUrl}/`, target: '_blank', rel: 'noopener' }, n.name);
  const alarms = n.alarms.length
    ? h('span', { class: 'badge degraded', title: n.alarms.map((a) => `${a.kind}: ${a.message}`).join('\n') }, String(n.alarms.length))
    : h('span', { class: 'muted' }, '0');
  return h(
    'tr',
    { 'data-node': n.index },
    h('td', {}, link),
    h('td', { class: 'mono' }, n.id ? shortId(n.id) : ''),
    h('td', {}, observer ? 'watch' : (n.mode ?? '')),
    h('td', {}, n.up ? badge(n.health?.status ?? 'unknown') : badge('down'), n.up ? (n.health && n.health.status !== 'healthy' ? h('span', { class: 'muted small' }, ` ${n.health.reason}`) : '') : h('span', { class: 'muted small' }, ` ${n.error ?? ''}`)),
    h('td', { class: 'num', 'data-field': 'alarms' }, alarms),
    h('td', { class: 'num', 'data-field': 'hot' }, observer ? String(n.observed?.hot ?? 0) : `${n.outbound.hot}/${n.targets?.hot ?? '–'}`),
    h('td', { class: 'num', 'data-field': 'warm' }, observer ? String(n.observed?.warm ?? 0) : String(n.outbound.warm)),
    h('td', { class: 'num', 'data-field': 'inbound' }, observer ? '' : String(n.inbound.hot + n.inbound.warm)),
    h('td', { class: 'num' }, observer ? `${n.observed?.total ?? 0} observed` : String(n.addresses)),
    h('td', { class: 'small' }, n.lastEvent ? `${formatTime(n.lastEvent.at)} ${n.lastEvent.kind.replace(/^peer:/, '')}: ${n.lastEvent.reason ?? ''}` : ''),
  );
}

async function boot(): Promise<void> {
  const root = document.getElementById('app')!;
  const verdict = h('div', { class: 'notice', role: 'status' });
  const graph = createGraph();
  const table = h('table', { class: 'grid-table', 'aria-label': 'fleet nodes' });
  const conn = h('span', { class: 'conn', 'data-state': 'connecting' }, 'connecting…');
  const summary = h('span', { class: 'muted' });
  replaceChildren(
    root,
    h('header', { class: 'top' }, h('span', { class: 'brand' }, 'peerwarden'), h('span', { class: 'who' }, 'fleet'), summary, h('span', { class: 'spacer' }), conn),
    verdict,
    h('main', {}, h('div', { class: 'panel' }, h('h2', {}, 'Nodes'), table), h('div', { class: 'panel' }, h('h2', {}, 'Connections between them'), graph.el, legend())),
  );
  const head = h('thead', {}, h('tr', {}, ...['name', 'id', 'kind', 'health', 'alarms', 'hot/target', 'warm', 'inbound', 'addresses', 'last event'].map((t) => h('th', {}, t))));

  const tick = async () => {
    const began = Date.now();
    try {
      const snap = await getJson<FleetSnapshotJson>('/api/fleet');
      conn.dataset.state = 'live';
      setText(conn, 'live');
      setText(summary, `${snap.verdict.answering} of ${snap.nodes.length} answering · polled ${formatDuration(Date.now() - snap.polledAt)} ago`);
      verdict.className = `notice ${snap.verdict.ok ? 'ok' : 'warn'}`;
      setText(verdict, snap.verdict.ok ? `All ${snap.nodes.length} nodes answering and healthy, no alarms.` : snap.verdict.problems.join(' · '));
      // Watch APIs have no node id: they are in the table, not in the graph of node connections.
      const nodes = snap.nodes.filter((n) => n.mode !== 'observer');
      const { vertices, edges } = buildTopology({ nodes });
      graph.update(vertices, edges);
      // Replace the rows only when they changed, so a click on a link is never lost to a redraw.
      const body = h('tbody', {}, ...snap.nodes.map(row));
      if (body.innerHTML !== table.tBodies[0]?.innerHTML) replaceChildren(table, head, body);
    } catch (err) {
      conn.dataset.state = 'reconnecting';
      setText(conn, `peerwarden fleet not answering — retrying… (${(err as Error).message})`);
    }
    setTimeout(() => void tick(), Math.max(0, TICK_MS - (Date.now() - began)));
  };
  await tick();
}

void boot();
