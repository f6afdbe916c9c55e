// Peers of an observed cardano-node: state per track (outbound, inbound), direction, and each connection's history.

import type { AppContext } from '../app/context.js';
import type { View } from '../app/view.js';
import { getJson } from '../lib/api.js';
import { badge, h, replaceChildren, setText } from '../lib/dom.js';
import { countText, formatTime } from '../lib/format.js';
import type { ObservedPeerDetailJson, ObservedPeerJson, ObservedPeersJson, TrackJson } from '../lib/types.js';
import { VirtualTable, type Column } from '../lib/virtual-table.js';
import { renderTimeline } from './timeline.js';

function track(t: TrackJson | undefined): HTMLElement | string {
  return t ? h('span', { title: `${t.change} at ${formatTime(t.since)}` }, badge(t.state), ` ${t.change}`) : '–';
}

const byText = (get: (p: ObservedPeerJson) => string) => (a: ObservedPeerJson, b: ObservedPeerJson) => get(a).localeCompare(get(b));
const byNumber = (get: (p: ObservedPeerJson) => number) => (a: ObservedPeerJson, b: ObservedPeerJson) => get(a) - get(b);

/** Hotter states sort first. */
const RANK: Record<string, number> = { hot: 0, warm: 1, cooling: 2, cold: 3, unknown: 4 };

export function createObservedPeersView(ctx: AppContext): View {
  const columns: Column<ObservedPeerJson>[] = [
    { key: 'remote', label: 'remote', width: 'minmax(10rem, 1.2fr)', compare: byText((p) => p.remote), render: (p) => p.remote },
    { key: 'local', label: 'local', width: 'minmax(9rem, 1fr)', compare: byText((p) => p.local ?? ''), render: (p) => p.local ?? '*' },
    { key: 'state', label: 'state', width: '6rem', compare: byNumber((p) => RANK[p.state] ?? 9), render: (p) => badge(p.state) },
    { key: 'direction', label: 'direction', width: '6rem', compare: byText((p) => p.direction ?? ''), render: (p) => (p.direction ? badge(p.direction) : '–') },
    { key: 'outbound', label: 'outbound track', width: 'minmax(9rem, 1fr)', compare: byNumber((p) => RANK[p.outbound?.state ?? ''] ?? 9), render: (p) => track(p.outbound) },
    { key: 'inbound', label: 'inbound track', width: 'minmax(10rem, 1fr)', compare: byNumber((p) => RANK[p.inbound?.state ?? ''] ?? 9), render: (p) => track(p.inbound) },
    { key: 'since', label: 'opened', width: '9.5rem', compare: byNumber((p) => p.since), render: (p) => formatTime(p.since) },
    { key: 'lastSeen', label: 'last seen', width: '9.5rem', compare: byNumber((p) => p.lastSeen), render: (p) => formatTime(p.lastSeen) },
    { key: 'closed', label: 'closed', width: 'minmax(7rem, 1fr)', render: (p) => (p.closed ? `${p.closed.reason}` : '') },
  ];
  const table = new VirtualTable<ObservedPeerJson>({
    label: 'observed peers',
    columns,
    rowKey: (p) => p.id,
    onRowClick: (p) => ctx.go('peers', p.id),
    emptyText: 'No peers observed (yet).',
    initialSort: { key: 'state', descending: false },
  });
  const text = h('input', { type: 'search', placeholder: 'filter: endpoint', 'aria-label': 'filter peers', class: 'grow' });
  const state = h('select', { 'aria-label': 'state' }, h('option', { value: '' }, 'any state'), ...['hot', 'warm', 'cooling', 'cold', 'unknown'].map((s) => h('option', { value: s }, s)));
  const direction = h('select', { 'aria-label': 'direction' }, h('option', { value: '' }, 'any direction'), h('option', { value: 'outbound' }, 'outbound'), h('option', { value: 'inbound' }, 'inbound'));
  const closed = h('input', { type: 'checkbox', 'aria-label': 'include closed sessions' });
  const count = h('span', { class: 'muted count', 'data-field': 'peer-count' });
  const error = h('div', { class: 'error', role: 'alert', hidden: true });

  const title = h('h2', { class: 'mono' });
  const facts = h('dl', { class: 'facts compact' });
  const timeline = h('ol', { class: 'timeline', 'aria-label': 'peer history' });
  const panel = h(
    'aside',
    { class: 'panel peer-panel', hidden: true, 'aria-label': 'peer' },
    h('div', { class: 'panel-head' }, title, h('button', { type: 'button', class: 'icon', 'aria-label': 'close', onclick: () => ctx.go('peers') }, '×')),
    facts,
    h('h3', {}, 'History'),
    timeline,
  );
  const el = h(
    'section',
    { class: 'view peers' },
    h('div', { class: 'toolbar' }, text, state, direction, h('label', { class: 'check' }, closed, ' closed sessions too'), count),
    error,
    h('div', { class: 'split' }, table.el, panel),
  );

  let all: ObservedPeerJson[] = [];
  let selected: string | undefined;
  let drawnHistory = '';
  const applyFilter = () => {
    const t = text.value.trim();
    const rows = all.filter((p) => (!state.value || p.state === state.value) && (!direction.value || p.direction === direction.value) && (!t || p.id.includes(t)));
    table.setRows(rows);
    setText(count, countText(rows.length, all.length, 'peer'));
  };
  for (const input of [text, state, direction]) input.addEventListener('input', applyFilter);
  closed.addEventListener('change', () => void load());

  const showPeer = (p: ObservedPeerJson) => {
    setText(title, p.remote);
    replaceChildren(
      facts,
      h('dt', {}, 'connection'),
      h('dd', { class: 'mono' }, p.id),
      h('dt', {}, 'state'),
      h('dd', {}, badge(p.state), p.closed ? ` — closed ${formatTime(p.closed.at)}: ${p.closed.reason}` : ''),
      h('dt', {}, 'direction'),
      h('dd', {}, p.direction ?? 'unknown', p.provenance ? ` (TCP opened: ${p.provenance.toLowerCase()})` : ''),
      h('dt', {}, 'outbound track'),
      h('dd', {}, p.outbound ? `${p.outbound.state} since ${formatTime(p.outbound.since)} (${p.outbound.change})` : 'not used by peer selection'),
      h('dt', {}, 'inbound track'),
      h('dd', {}, p.inbound ? `${p.inbound.state} since ${formatTime(p.inbound.since)} (${p.inbound.change})` : 'not used by the inbound governor'),
      h('dt', {}, 'session'),
      h('dd', {}, `since ${formatTime(p.since)}, last seen ${formatTime(p.lastSeen)}`),
    );
    const key = `${p.id}:${p.history.length}:${p.history.at(-1)?.at ?? 0}`;
    if (key === drawnHistory) return;
    drawnHistory = key;
    renderTimeline(
      timeline,
      [...p.history].reverse().map((e) => ({
        at: e.at,
        kind: e.kind,
        text: `${e.direction ? `${e.direction}: ` : ''}${e.from ? `${e.from} → ` : ''}${e.to} (${e.change}) — ${e.reason}`,
        data: { source: e.source, ...(e.detail ? { detail: e.detail } : {}) },
      })),
    );
  };

  const load = async () => {
    try {
      ({ peers: all } = await getJson<ObservedPeersJson>(`/api/v1/peers${closed.checked ? '?includeClosed=true' : ''}`));
      error.hidden = true;
      applyFilter();
    } catch (err) {
      error.hidden = false;
      setText(error, `Could not load the peers: ${(err as Error).message}`);
    }
    if (!selected) return;
    const listed = all.find((p) => p.id === selected);
    if (listed) return showPeer(listed);
    try {
      const { peer } = await getJson<ObservedPeerDetailJson>(`/api/v1/peers/${encodeURIComponent(selected)}`);
      showPeer(peer);
    } catch (err) {
      setText(title, selected);
      replaceChildren(facts, h('dd', { class: 'error' }, `Could not load this peer: ${(err as Error).message}`));
    }
  };

  return {
    el,
    refresh: load,
    route(param) {
      selected = param;
      drawnHistory = '';
      panel.hidden = param === undefined;
      table.select(param);
      if (param) void load();
    },
  };
}
