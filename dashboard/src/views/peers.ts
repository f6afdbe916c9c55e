// Peers of a node: a filterable, sortable, virtualised table; a click opens the peer's panel.

import type { AppContext } from '../app/context.js';
import type { View } from '../app/view.js';
import { getJson } from '../lib/api.js';
import { badge, h, setText } from '../lib/dom.js';
import { countText, formatBytes, formatDuration, shortId } from '../lib/format.js';
import type { PeerInfoJson, PeersJson } from '../lib/types.js';
import { VirtualTable, type Column } from '../lib/virtual-table.js';
import { createPeerPanel } from './peer-panel.js';

/** Scores run from -100 to 100; the bar grows right (green) or left (red) from the middle. */
function scoreBar(score: number): HTMLElement {
  const bar = h('span', { class: `score-fill ${score < 0 ? 'neg' : 'pos'}` });
  const width = Math.min(50, Math.abs(score) / 2);
  bar.style.width = `${width}%`;
  bar.style.left = score < 0 ? `${50 - width}%` : '50%';
  return h('span', { class: 'score', title: `score ${score.toFixed(1)}` }, h('span', { class: 'score-track' }, bar), h('span', { class: 'score-num' }, score.toFixed(1)));
}

function flags(p: PeerInfoJson): HTMLElement {
  return h('span', { class: 'flags' }, p.busy && badge('busy'), p.static && badge('static'), p.trusted && badge('trusted'));
}

const byNumber = (get: (p: PeerInfoJson) => number | undefined) => (a: PeerInfoJson, b: PeerInfoJson) => (get(a) ?? Infinity) - (get(b) ?? Infinity);
const byText = (get: (p: PeerInfoJson) => string) => (a: PeerInfoJson, b: PeerInfoJson) => get(a).localeCompare(get(b));

/** Does the peer match the free-text filter (id, endpoint, net group, user agent, purpose)? */
export function matchesText(p: PeerInfoJson, text: string): boolean {
  if (!text) return true;
  const t = text.toLowerCase();
  return p.id.includes(t) || p.endpoint.includes(t) || p.netGroup.includes(t) || p.userAgent.toLowerCase().includes(t) || p.purpose.includes(t);
}

export function createPeersView(ctx: AppContext): View {
  let now = Date.now();
  const columns: Column<PeerInfoJson>[] = [
    { key: 'id', label: 'id', width: '9.5rem', compare: byText((p) => p.id), render: (p) => shortId(p.id) },
    { key: 'endpoint', label: 'endpoint', width: 'minmax(9rem, 1.2fr)', compare: byText((p) => p.endpoint), render: (p) => p.endpoint },
    { key: 'direction', label: 'direction', width: '6rem', compare: byText((p) => p.direction), render: (p) => badge(p.direction) },
    { key: 'temperature', label: 'temp.', width: '4.5rem', compare: byText((p) => p.temperature), render: (p) => badge(p.temperature) },
    { key: 'score', label: 'score', width: '8.5rem', compare: byNumber((p) => p.score), render: (p) => scoreBar(p.score) },
    { key: 'rtt', label: 'RTT', width: '4.5rem', align: 'right', compare: byNumber((p) => p.rttMs), render: (p) => (p.rttMs === undefined ? '–' : `${p.rttMs} ms`) },
    { key: 'bytesIn', label: 'in', width: '5rem', align: 'right', compare: byNumber((p) => p.bytesIn), render: (p) => formatBytes(p.bytesIn) },
    { key: 'bytesOut', label: 'out', width: '5rem', align: 'right', compare: byNumber((p) => p.bytesOut), render: (p) => formatBytes(p.bytesOut) },
    { key: 'connected', label: 'connected for', width: '6.5rem', align: 'right', compare: byNumber((p) => -p.connectedAt), render: (p) => formatDuration(now - p.connectedAt) },
    { key: 'flags', label: '', width: 'minmax(6rem, 1fr)', render: flags },
  ];
  const table = new VirtualTable<PeerInfoJson>({
    label: 'peers',
    columns,
    rowKey: (p) => p.id,
    onRowClick: (p) => ctx.go('peers', p.id),
    emptyText: 'No peers match.',
    initialSort: { key: 'connected', descending: true },
  });

  const text = h('input', { type: 'search', placeholder: 'filter: id, endpoint, net group, agent', 'aria-label': 'filter peers', class: 'grow' });
  const direction = h('select', { 'aria-label': 'direction' }, h('option', { value: '' }, 'any direction'), h('option', { value: 'outbound' }, 'outbound'), h('option', { value: 'inbound' }, 'inbound'));
  const temperature = h('select', { 'aria-label': 'temperature' }, h('option', { value: '' }, 'any temperature'), h('option', { value: 'hot' }, 'hot'), h('option', { value: 'warm' }, 'warm'));
  const count = h('span', { class: 'muted count', 'data-field': 'peer-count' });
  const error = h('div', { class: 'error', role: 'alert', hidden: true });
  const panel = createPeerPanel(ctx);
  const el = h('section', { class: 'view peers' }, h('div', { class: 'toolbar' }, text, direction, temperature, count), error, h('div', { class: 'split' }, table.el, panel.el));

  let all: PeerInfoJson[] = [];
  const applyFilter = () => {
    const rows = all.filter((p) => (!direction.value || p.direction === direction.value) && (!temperature.value || p.temperature === temperature.value) && matchesText(p, text.value.trim()));
    table.setRows(rows);
    setText(count, countText(rows.length, all.length, 'peer'));
  };
  for (const input of [text, direction, temperature]) input.addEventListener('input', applyFilter);

  return {
    el,
    async refresh() {
      try {
        const { peers } = await getJson<PeersJson>('/api/v1/peers');
        now = Date.now();
        for (const p of peers) ctx.scores.observe(p.id, p.score, now);
        all = peers;
        error.hidden = true;
        applyFilter();
      } catch (err) {
        error.hidden = false;
        setText(error, `Could not load the peers: ${(err as Error).message}`);
      }
      await panel.refresh();
    },
    route(param) {
      table.select(param);
      panel.show(param);
    },
  };
}
