// The devnet page: a live graph of every node and a per-node summary table, refreshed once per second.

import '../styles.css';
import { getJson } from '../lib/api.js';
import { COLORS } from '../lib/colors.js';
import { badge, h, replaceChildren, setText } from '../lib/dom.js';
import { formatDuration, formatTime, shortId } from '../lib/format.js';
import type { DevnetNodeJson, DevnetSnapshotJson } from '../lib/types.js';
import { createGraph } from './graph.js';
import { buildTopology } from './topology.js';

const TICK_MS = 1000;

function legend(): HTMLElement {
  const item = (color: string, text: string) => {
    const swatch = h('span', { class: 'swatch line' });
    swatch.style.background = color;
    return h('span', { class: 'legend-item' }, swatch, text);
  };
  const dot = (color: string, text: string) => {
    const swatch = h('span', { class: 'swatch dot' });
    swatch.style.background = color;
    return h('span', { class: 'legend-item' }, swatch, text);
  };
  return h(
    'div',
    { class: 'legend muted' },
    'Each edge runs from the node that dialled to the one that accepted (arrow); each half is coloured by how its end sees it: ',
    item(COLORS.hot, 'outbound hot'),
    item(COLORS.warm, 'outbound warm'),
    item(COLORS.inboundHot, 'inbound hot'),
    item(COLORS.inboundWarm, 'inbound warm'),
    ' · nodes: ',
    dot(COLORS.healthy, 'healthy'),
    dot(COLORS.degraded, 'degraded'),
    dot(COLORS.isolated, 'isolated'),
    dot(COLORS.down, 'down'),
    ' · size by peers; click a node to open its dashboard.',
  );
}

function row(n: DevnetNodeJson): HTMLElement {
  const out = n.outbound;
  const inbound = n.inbound.hot + n.inbound.warm;
  return h(
    'tr',
    { 'data-node': n.index },
    h('td', { class: 'num' }, String(n.index)),
    h('td', { class: 'mono' }, n.id ? h('a', { href: `${n.apiUrl}/`, target: '_blank', rel: 'noopener' }, shortId(n.id)) : n.exitCode !== undefined ? `exited ${n.exitCode}` : 'starting…'),
    h('td', { class: 'mono' }, n.ip),
    h('td', {}, n.up ? badge(n.health?.status ?? 'unknown') : badge('down'), n.health && n.health.status !== 'healthy' ? h('span', { class: 'muted small' }, ` ${n.health.reason}`) : ''),
    h('td', { class: 'num', 'data-field': 'hot' }, `${out.hot}/${n.targets?.hot ?? '–'}`),
    h('td', { class: 'num', 'data-field': 'warm' }, String(out.warm)),
    h('td', { class: 'num', 'data-field': 'inbound' }, String(inbound)),
    h('td', { class: 'num' }, String(n.addresses)),
    h('td', { class: 'small' }, n.lastEvent ? `${formatTime(n.lastEvent.at)} ${n.lastEvent.kind.replace(/^peer:/, '')}: ${n.lastEvent.reason ?? ''}` : ''),
  );
}

async function boot(): Promise<void> {
  const root = document.getElementById('app')!;
  const verdict = h('div', { class: 'notice', role: 'status' });
  const graph = createGraph();
  const table = h('table', { class: 'grid-table', 'aria-label': 'devnet nodes' });
  const conn = h('span', { class: 'conn', 'data-state': 'connecting' }, 'connecting…');
  const uptime = h('span', { class: 'muted' });
  replaceChildren(
    root,
    h('header', { class: 'top' }, h('span', { class: 'brand' }, 'peerwarden'), h('span', { class: 'who' }, 'devnet'), uptime, h('span', { class: 'spacer' }), conn),
    verdict,
    h('main', {}, h('div', { class: 'panel' }, h('h2', {}, 'Network'), graph.el, legend()), h('div', { class: 'panel' }, h('h2', {}, 'Nodes'), table)),
  );

  const head = h('thead', {}, h('tr', {}, ...['#', 'id', 'IP', 'health', 'hot/target', 'warm', 'inbound', 'addresses', 'last event'].map((t) => h('th', {}, t))));
  const tick = async () => {
    const began = Date.now();
    try {
      const snap = await getJson<DevnetSnapshotJson>('/api/devnet');
      conn.dataset.state = 'live';
      setText(conn, 'live');
      const now = Date.now();
      setText(uptime, `${snap.nodes.length} nodes · up ${formatDuration(now - snap.startedAt)}`);
      verdict.className = `notice ${snap.verdict.ok ? 'ok' : 'warn'}`;
      setText(
        verdict,
        snap.verdict.ok
          ? `Network formed: every node at its targets or fully meshed, ${snap.verdict.component} of ${snap.nodes.length} nodes in one connected graph.`
          : `Not formed yet: ${snap.verdict.problems.join('; ')}`,
      );
      const { vertices, edges } = buildTopology(snap);
      graph.update(vertices, edges);
      // Replace the rows only when they changed, so a click on a link is never lost to a redraw.
      const body = h('tbody', {}, ...snap.nodes.map(row));
      if (body.innerHTML !== table.tBodies[0]?.innerHTML) replaceChildren(table, head, body);
    } catch (err) {
      conn.dataset.state = 'reconnecting';
      setText(conn, `devnet not answering — retrying… (${(err as Error).message})`);
    }
    setTimeout(() => void tick(), Math.max(0, TICK_MS - (Date.now() - began)));
  };
  await tick();
}

void boot();
