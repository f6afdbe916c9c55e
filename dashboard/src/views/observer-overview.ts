// Overview of an observed cardano-node: what is watched, the node's state, peers by state per track, log counters.

import type { AppContext } from '../app/context.js';
import type { View } from '../app/view.js';
import { badge, h, replaceChildren } from '../lib/dom.js';
import { formatDuration, formatNumber, formatTime } from '../lib/format.js';
import type { ObservedStateJson, ObserverStatusJson, ReportedCountersJson } from '../lib/types.js';

const STATES: ObservedStateJson[] = ['hot', 'warm', 'cold', 'cooling', 'unknown'];

/** The node's own view: its inbound governor's counters (how remotes use us) and its connection manager's. */
function reportedPanel(r: ReportedCountersJson | undefined): HTMLElement {
  const ig = r?.inboundGovernor;
  const cm = r?.connectionManager;
  const cell = (key: string, value: number | undefined) => h('td', { class: 'num', 'data-reported': key }, value === undefined ? '–' : String(value));
  return h(
    'div',
    { class: 'panel' },
    h('h2', {}, 'What the node reports'),
    h(
      'table',
      { class: 'counts', 'aria-label': 'inbound governor counters' },
      h('caption', { class: 'muted' }, 'Inbound governor: how remote peers use our connections', ig ? ` (logged ${formatTime(ig.at)})` : ''),
      h('thead', {}, h('tr', {}, ...['idle', 'cold', 'warm', 'hot'].map((t) => h('th', {}, t)))),
      h('tbody', {}, h('tr', {}, cell('inbound-idle', ig?.idle), cell('inbound-cold', ig?.cold), cell('inbound-warm', ig?.warm), cell('inbound-hot', ig?.hot))),
    ),
    h(
      'table',
      { class: 'counts', 'aria-label': 'connection manager counters' },
      h('caption', { class: 'muted' }, 'Connection manager: connections by kind', cm ? ` (logged ${formatTime(cm.at)})` : ''),
      h('thead', {}, h('tr', {}, ...['full duplex', 'duplex', 'unidirectional', 'inbound', 'outbound'].map((t) => h('th', {}, t)))),
      h(
        'tbody',
        {},
        h('tr', {}, cell('cm-full-duplex', cm?.fullDuplex), cell('cm-duplex', cm?.duplex), cell('cm-unidirectional', cm?.unidirectional), cell('cm-inbound', cm?.inbound), cell('cm-outbound', cm?.outbound)),
      ),
    ),
    ig || cm
      ? undefined
      : h('p', { class: 'muted small' }, 'Not in the log yet: the node logs them with Net.InboundGovernor.Remote.InboundGovernorCounters and Net.ConnectionManager.Remote at Info.'),
  );
}

function card(label: string, value: string | Node, sub?: string): HTMLElement {
  return h('div', { class: 'card' }, h('div', { class: 'card-label' }, label), h('div', { class: 'card-value' }, value), sub ? h('div', { class: 'card-sub muted' }, sub) : undefined);
}

export function createObserverOverview(ctx: AppContext): View {
  const el = h('section', { class: 'view overview' });
  const render = (s: ObserverStatusJson) => {
    const c = s.counters;
    const counts = h(
      'table',
      { class: 'counts', 'aria-label': 'observed peers by track and state' },
      h('thead', {}, h('tr', {}, h('th', {}, 'track'), ...STATES.map((st) => h('th', {}, st)))),
      h(
        'tbody',
        {},
        h('tr', {}, h('th', {}, 'outbound (peer selection)'), ...STATES.map((st) => h('td', { class: 'num', 'data-count': `outbound-${st}` }, String(s.counts.outbound[st] ?? 0)))),
        h('tr', {}, h('th', {}, 'inbound (inbound governor)'), ...STATES.map((st) => h('td', { class: 'num', 'data-count': `inbound-${st}` }, String(s.counts.inbound[st] ?? 0)))),
        h('tr', { class: 'total' }, h('th', {}, 'connections (hotter track)'), ...STATES.map((st) => h('td', { class: 'num', 'data-count': st }, String(s.counts.byState[st] ?? 0)))),
      ),
    );
    const facts = h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'watching'),
      h('dd', { class: 'mono' }, s.source ? `${s.source.kind}: ${s.source.description}` : '–'),
      h('dt', {}, 'node state'),
      h('dd', {}, badge(s.node.state), s.node.lastStartedAt ? ` since ${formatTime(s.node.lastStartedAt)}` : ''),
      h('dt', {}, 'node listening on'),
      h('dd', { class: 'mono' }, s.node.listening.length ? s.node.listening.join(', ') : 'not seen in the log'),
      h('dt', {}, 'node restarts seen'),
      h('dd', {}, String(s.node.restarts)),
      h('dt', {}, 'version'),
      h('dd', {}, `peerwarden ${s.version} (observer)`),
      h('dt', {}, 'log lines'),
      h('dd', {}, `${formatNumber(c.linesRead ?? 0)} read · ${formatNumber(c.linesParsed ?? 0)} parsed · ${formatNumber(c.linesIgnored ?? 0)} ignored · ${formatNumber(c.parseErrors ?? 0)} unparseable`),
      c.lastEventAt ? h('dt', {}, 'newest log event') : undefined,
      c.lastEventAt ? h('dd', {}, formatTime(c.lastEventAt)) : undefined,
      c.reconcile ? h('dt', {}, 'socket checks') : undefined,
      c.reconcile ? h('dd', {}, `${c.reconcile.runs} runs · ${c.reconcile.discovered} peers found only as sockets · ${c.reconcile.closed} closed (no socket) · ${c.reconcile.errors} errors`) : undefined,
    );
    replaceChildren(
      el,
      h(
        'div',
        { class: 'cards' },
        card('health', badge(s.health.status), s.health.reason),
        card('observed peers', h('span', { 'data-field': 'peers-total' }, String(s.counts.total))),
        card('hot', String(s.counts.byState.hot ?? 0)),
        card('warm', String(s.counts.byState.warm ?? 0)),
        card('observer uptime', formatDuration(s.uptimeMs)),
      ),
      h(
        'div',
        { class: 'panels' },
        h('div', { class: 'panel' }, h('h2', {}, 'Observed peers by track and state'), counts),
        reportedPanel(c.reported),
        h('div', { class: 'panel' }, h('h2', {}, 'The observed node'), facts),
      ),
    );
  };
  return {
    el,
    async refresh() {
      render(ctx.status() as ObserverStatusJson);
    },
  };
}
