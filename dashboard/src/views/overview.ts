// Overview of a node: identity, health with its reason, and peer counts by temperature × direction against targets.

import type { AppContext } from '../app/context.js';
import type { View } from '../app/view.js';
import { badge, h, replaceChildren } from '../lib/dom.js';
import { formatBytes, formatDuration, formatTime } from '../lib/format.js';
import type { NodeStatusJson } from '../lib/types.js';

/** A bar of `value` against `target`, full when at or above it. */
function meter(value: number, target: number): HTMLElement {
  const fill = h('span', { class: 'meter-fill' });
  fill.style.width = `${target > 0 ? Math.min(100, (100 * value) / target) : 0}%`;
  return h('span', { class: `meter${value >= target ? ' full' : ''}`, title: `${value} of ${target}` }, fill);
}

function card(label: string, value: string | Node, sub?: string | Node): HTMLElement {
  return h('div', { class: 'card' }, h('div', { class: 'card-label' }, label), h('div', { class: 'card-value' }, value), sub ? h('div', { class: 'card-sub muted' }, sub) : undefined);
}

function countCell(name: string, value: number): HTMLElement {
  return h('td', { class: 'num', 'data-count': name }, String(value));
}

export function createOverview(ctx: AppContext): View {
  const el = h('section', { class: 'view overview' });

  const render = (s: NodeStatusJson) => {
    const out = s.peers.outbound;
    const inn = s.peers.inbound;
    const outTotal = out.hot + out.warm;
    const inTotal = inn.hot + inn.warm;
    const total = outTotal + inTotal;
    const counts = h(
      'table',
      { class: 'counts', 'aria-label': 'peers by direction and temperature' },
      h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', {}, 'hot'), h('th', {}, 'warm'), h('th', {}, 'total'), h('th', { class: 'wide' }, 'against targets'))),
      h(
        'tbody',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'outbound'),
          countCell('outbound-hot', out.hot),
          countCell('outbound-warm', out.warm),
          countCell('outbound-total', outTotal),
          h(
            'td',
            { class: 'targets' },
            h('div', {}, h('span', { class: 'target-label' }, `hot ${out.hot}/${s.targets.hot}`), meter(out.hot, s.targets.hot)),
            h('div', {}, h('span', { class: 'target-label' }, `outbound ${outTotal}/${s.targets.outbound}`), meter(outTotal, s.targets.outbound)),
          ),
        ),
        h(
          'tr',
          {},
          h('th', {}, 'inbound'),
          countCell('inbound-hot', inn.hot),
          countCell('inbound-warm', inn.warm),
          countCell('inbound-total', inTotal),
          h('td', { class: 'targets' }, h('div', {}, h('span', { class: 'target-label' }, `inbound ${inTotal}/${s.targets.maxInbound} max`), meter(inTotal, s.targets.maxInbound))),
        ),
        h(
          'tr',
          { class: 'total' },
          h('th', {}, 'all'),
          countCell('hot', out.hot + inn.hot),
          countCell('warm', out.warm + inn.warm),
          countCell('total', total),
          h('td', { class: 'targets' }, h('div', {}, h('span', { class: 'target-label' }, `${total}/${s.targets.maxTotal} max`), meter(total, s.targets.maxTotal))),
        ),
      ),
    );
    const ident = h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'node id'),
      h('dd', { class: 'mono', 'data-field': 'id' }, s.id),
      h('dt', {}, 'version'),
      h('dd', {}, `peerwarden ${s.version} (${s.mode})`),
      h('dt', {}, 'network'),
      h('dd', {}, s.network),
      h('dt', {}, 'listening on'),
      h('dd', { class: 'mono', 'data-field': 'listen' }, s.listen.length ? s.listen.join(', ') : 'not listening'),
      s.api ? h('dt', {}, 'API') : undefined,
      s.api ? h('dd', { class: 'mono' }, s.api) : undefined,
      s.encryption ? h('dt', {}, 'encryption') : undefined,
      s.encryption ? h('dd', {}, s.encryption) : undefined,
      s.dataDir ? h('dt', {}, 'data directory') : undefined,
      s.dataDir ? h('dd', { class: 'mono' }, s.dataDir) : undefined,
      s.startedAt !== undefined ? h('dt', {}, 'started') : undefined,
      s.startedAt !== undefined ? h('dd', {}, formatTime(s.startedAt)) : undefined,
      s.lastDiscovery ? h('dt', {}, 'last discovery') : undefined,
      s.lastDiscovery ? h('dd', {}, `${formatTime(s.lastDiscovery.at)} (${s.lastDiscovery.reason})`) : undefined,
    );
    replaceChildren(
      el,
      h(
        'div',
        { class: 'cards' },
        card('health', badge(s.health.status), h('span', { 'data-field': 'health-reason' }, s.health.reason)),
        card('uptime', h('span', { 'data-field': 'uptime' }, formatDuration(s.uptimeMs))),
        card('peers', h('span', { 'data-field': 'peers-total' }, String(total)), `of ${s.targets.maxTotal} at most`),
        card('known addresses', h('span', { 'data-field': 'addresses' }, String(s.addresses.total)), `${s.addresses.new} new · ${s.addresses.tried} tried`),
        card('bans', h('span', { 'data-field': 'bans' }, String(s.bans)), s.discouraged ? `${s.discouraged} discouraged` : undefined),
        s.bytes ? card('traffic', `${formatBytes(s.bytes.in)} in`, `${formatBytes(s.bytes.out)} out`) : undefined,
      ),
      h('div', { class: 'panels' }, h('div', { class: 'panel' }, h('h2', {}, 'Peers by direction and temperature'), counts), h('div', { class: 'panel' }, h('h2', {}, 'This node'), ident)),
    );
  };

  return {
    el,
    async refresh() {
      render(ctx.status() as NodeStatusJson);
    },
  };
}
