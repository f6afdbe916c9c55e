// The live event feed (server-sent events, seeded with the recent history), filtered by kind and peer.

import type { AppContext } from '../app/context.js';
import type { View } from '../app/view.js';
import { h, replaceChildren, setText } from '../lib/dom.js';
import { countText, formatTime, shortId } from '../lib/format.js';
import type { EventJson } from '../lib/types.js';
import { VirtualTable } from '../lib/virtual-table.js';

function summary(data: Record<string, unknown> | undefined): string {
  if (!data) return '';
  return Object.entries(data)
    .filter(([, v]) => v !== undefined && v !== null && typeof v !== 'object')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}

export function createEventsView(ctx: AppContext): View {
  const kind = h('select', { 'aria-label': 'event kind' }, h('option', { value: '' }, 'every kind'));
  const peer = h('input', { type: 'search', placeholder: 'peer id or endpoint', 'aria-label': 'filter by peer', class: 'grow' });
  const count = h('span', { class: 'muted count', 'data-field': 'event-count' });
  const table = new VirtualTable<EventJson>({
    label: 'events',
    rowKey: (e) => String(e.seq),
    onRowClick: (e) => e.peer && ctx.go('peers', e.peer),
    emptyText: 'No events yet: they appear here as they happen.',
    initialSort: { key: 'seq', descending: true },
    columns: [
      { key: 'seq', label: '#', width: '4rem', align: 'right', compare: (a, b) => a.seq - b.seq, render: (e) => String(e.seq) },
      { key: 'at', label: 'time', width: '9.5rem', compare: (a, b) => a.at - b.at || a.seq - b.seq, render: (e) => formatTime(e.at) },
      { key: 'kind', label: 'kind', width: '8rem', compare: (a, b) => a.kind.localeCompare(b.kind), render: (e) => h('span', { class: `kind kind-${e.kind.replace(/^peer:/, '')}` }, e.kind.replace(/^peer:/, '')) },
      { key: 'peer', label: 'peer', width: '9.5rem', render: (e) => shortId(e.peer) },
      { key: 'endpoint', label: 'endpoint', width: '10rem', render: (e) => e.endpoint ?? '' },
      { key: 'reason', label: 'reason', width: 'minmax(12rem, 2fr)', render: (e) => h('span', { title: summary(e.data) }, e.reason ?? '') },
      { key: 'data', label: 'details', width: 'minmax(8rem, 1fr)', render: (e) => h('span', { class: 'muted' }, summary(e.data)) },
    ],
  });
  const el = h('section', { class: 'view events' }, h('div', { class: 'toolbar' }, kind, peer, count), table.el);
  const kinds = new Set<string>();
  let drawn = -1;

  const draw = () => {
    const all = ctx.events.all();
    for (const e of all) {
      if (kinds.has(e.kind)) continue;
      kinds.add(e.kind);
      const selected = kind.value;
      replaceChildren(kind, h('option', { value: '' }, 'every kind'), ...[...kinds].sort().map((k) => h('option', { value: k, selected: k === selected }, k.replace(/^peer:/, ''))));
    }
    const k = kind.value;
    const p = peer.value.trim().toLowerCase();
    const rows = all.filter((e) => (!k || e.kind === k) && (!p || (e.peer ?? '').toLowerCase().includes(p) || (e.endpoint ?? '').includes(p)));
    table.setRows(rows);
    setText(count, countText(rows.length, all.length, 'event'));
    drawn = ctx.events.version;
  };
  kind.addEventListener('change', draw);
  peer.addEventListener('input', draw);

  return {
    el,
    async refresh() {
      // Events arrive as they happen; the table is redrawn at most once per refresh, and only if new ones came.
      if (drawn !== ctx.events.version) draw();
    },
    route(param) {
      if (param !== undefined) {
        peer.value = param;
        draw();
      }
    },
  };
}
