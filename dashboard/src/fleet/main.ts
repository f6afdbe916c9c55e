// The fleet page: several nodes on any machines — the devnet page's graph and node table, with each
// node's alarms, fed by `peerwarden fleet` (which polls the nodes' APIs server-side), once per second.

import '../styles.css';
import { networkPage } from '../devnet/page.js';
import { buildTopology } from '../devnet/topology.js';
import { badge, h, setText } from '../lib/dom.js';
import { formatDuration, formatTime, shortId } from '../lib/format.js';
import type { FleetNodeJson, FleetSnapshotJson } from '../lib/types.js';

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

function boot(): Promise<void> {
  const page = networkPage({
    who: 'fleet',
    server: 'peerwarden fleet',
    graphTitle: 'Connections between them',
    graphFirst: false,
    columns: ['name', 'id', 'kind', 'health', 'alarms', 'hot/target', 'warm', 'inbound', 'addresses', 'last event'],
    legend: {
      intro: 'Edges are the connections between these nodes, from the node that dialled to the one that accepted (arrow); each half is coloured by how its end sees it: ',
      down: 'not answering',
      outro: ' · size by peers (all of them, not only these); click a node to open its dashboard.',
    },
  });
  return page.poll<FleetSnapshotJson>('/api/fleet', (snap) => {
    setText(page.summary, `${snap.verdict.answering} of ${snap.nodes.length} answering · polled ${formatDuration(Date.now() - snap.polledAt)} ago`);
    page.setVerdict(snap.verdict.ok, snap.verdict.ok ? `All ${snap.nodes.length} nodes answering and healthy, no alarms.` : snap.verdict.problems.join(' · '));
    // Watch APIs have no node id: they are in the table, not in the graph of node connections.
    const { vertices, edges } = buildTopology({ nodes: snap.nodes.filter((n) => n.mode !== 'observer') });
    page.graph.update(vertices, edges);
    page.setRows(snap.nodes.map(row));
  });
}

void boot();
