// The devnet page: a live graph of every node and a per-node summary table, refreshed once per second.

import '../styles.css';
import { badge, h, setText } from '../lib/dom.js';
import { formatDuration, formatTime, shortId } from '../lib/format.js';
import type { DevnetNodeJson, DevnetSnapshotJson } from '../lib/types.js';
import { networkPage } from './page.js';
import { buildTopology } from './topology.js';

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

function boot(): Promise<void> {
  const page = networkPage({
    who: 'devnet',
    server: 'devnet',
    graphTitle: 'Network',
    graphFirst: true,
    columns: ['#', 'id', 'IP', 'health', 'hot/target', 'warm', 'inbound', 'addresses', 'last event'],
    legend: {
      intro: 'Each edge runs from the node that dialled to the one that accepted (arrow); each half is coloured by how its end sees it: ',
      down: 'down',
      outro: ' · size by peers; click a node to open its dashboard.',
    },
  });
  return page.poll<DevnetSnapshotJson>('/api/devnet', (snap) => {
    setText(page.summary, `${snap.nodes.length} nodes · up ${formatDuration(Date.now() - snap.startedAt)}`);
    page.setVerdict(
      snap.verdict.ok,
      snap.verdict.ok
        ? `Network formed: every node at its targets or fully meshed, ${snap.verdict.component} of ${snap.nodes.length} nodes in one connected graph.`
        : `Not formed yet: ${snap.verdict.problems.join('; ')}`,
    );
    const { vertices, edges } = buildTopology(snap);
    page.graph.update(vertices, edges);
    page.setRows(snap.nodes.map(row));
  });
}

void boot();
