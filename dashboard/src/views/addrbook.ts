// The address book: new and tried tables as heat maps, the top net groups by share, and where addresses came from.

import type { AppContext } from '../app/context.js';
import type { View } from '../app/view.js';
import { getJson } from '../lib/api.js';
import { h, replaceChildren, setText } from '../lib/dom.js';
import { percent } from '../lib/format.js';
import { ALARM_RATIO, heatColor, heatOf, slotsPerGroup, typicalCount } from '../lib/heat.js';
import { createHeatMap } from '../lib/heatmap.js';
import type { AddrbookStatsJson, OccupancyJson } from '../lib/types.js';

/** The address book changes slowly and an occupancy answer is large (65,536 cells): every 5 s is plenty. */
const REFRESH_MS = 5000;
/** How many net groups the share table lists. */
const TOP_GROUPS = 12;
/** Origins in the order addresses usually arrive. */
const ORIGINS = ['seed', 'dns', 'exchange', 'hub', 'probe', 'manual', 'inbound'];

function bar(value: number, max: number, color?: string): HTMLElement {
  const fill = h('span', { class: 'bar-fill' });
  fill.style.width = `${max > 0 ? (100 * value) / max : 0}%`;
  if (color) fill.style.background = color;
  return h('span', { class: 'bar' }, fill);
}

/** Each group's heat (the hotter of its two tables), so the share table uses the heat maps' colours. */
function groupHeats(tables: OccupancyJson[]): Map<string, number> {
  const heats = new Map<string, number>();
  for (const o of tables) {
    const counts = slotsPerGroup(o.cells, o.groups.length);
    const typical = typicalCount(counts);
    o.groups.forEach((g, i) => heats.set(g, Math.max(heats.get(g) ?? 0, heatOf(counts[i]!, typical))));
  }
  return heats;
}

function legend(): HTMLElement {
  const stops = [0, 0.5, 1].map((t) => `rgb(${heatColor(t).join(',')})`);
  const ramp = h('span', { class: 'ramp' });
  ramp.style.background = `linear-gradient(90deg, ${stops.join(', ')})`;
  return h(
    'div',
    { class: 'legend muted' },
    h('span', { class: 'swatch empty' }),
    ' empty slot  ',
    ramp,
    ` a slot's colour: how many slots its net group holds — blue for a typical group, red for ${ALARM_RATIO}× typical or more`,
  );
}

export function createAddrbookView(_ctx: AppContext): View {
  const summary = h('div', { class: 'cards' });
  const newMap = createHeatMap('new table occupancy');
  const triedMap = createHeatMap('tried table occupancy');
  newMap.canvas.dataset.table = 'new';
  triedMap.canvas.dataset.table = 'tried';
  const newTitle = h('h2', {}, 'New table');
  const triedTitle = h('h2', {}, 'Tried table');
  const groups = h('table', { class: 'grid-table', 'aria-label': 'top net groups' });
  const origins = h('table', { class: 'grid-table', 'aria-label': 'origins' });
  const error = h('div', { class: 'error', role: 'alert', hidden: true });
  const el = h(
    'section',
    { class: 'view addrbook' },
    error,
    summary,
    h('div', { class: 'panel' }, newTitle, newMap.el),
    h('div', { class: 'panel' }, triedTitle, triedMap.el),
    legend(),
    h(
      'div',
      { class: 'panels' },
      h('div', { class: 'panel' }, h('h2', {}, 'Top net groups by share'), groups),
      h('div', { class: 'panel' }, h('h2', {}, 'Where addresses came from'), origins),
    ),
  );
  let last = 0;
  /** A group to pick out on the heat maps (#/addrbook/<group>, from an alarm's link). */
  let highlight: string | undefined;

  const render = (stats: AddrbookStatsJson, neu: OccupancyJson, tried: OccupancyJson) => {
    replaceChildren(
      summary,
      h('div', { class: 'card' }, h('div', { class: 'card-label' }, 'addresses'), h('div', { class: 'card-value', 'data-field': 'total' }, String(stats.total))),
      h('div', { class: 'card' }, h('div', { class: 'card-label' }, 'new'), h('div', { class: 'card-value' }, String(stats.new)), h('div', { class: 'card-sub muted' }, `of ${neu.buckets * neu.slotsPerBucket} slots`)),
      h('div', { class: 'card' }, h('div', { class: 'card-label' }, 'tried'), h('div', { class: 'card-value' }, String(stats.tried)), h('div', { class: 'card-sub muted' }, `of ${tried.buckets * tried.slotsPerBucket} slots`)),
      h('div', { class: 'card' }, h('div', { class: 'card-label' }, 'net groups'), h('div', { class: 'card-value' }, String(stats.byGroup.length))),
      h('div', { class: 'card' }, h('div', { class: 'card-label' }, 'collisions'), h('div', { class: 'card-value' }, String(stats.collisions)), h('div', { class: 'card-sub muted' }, 'waiting for a tried slot')),
      ...Object.entries(stats.byNetwork).map(([net, c]) =>
        h('div', { class: 'card' }, h('div', { class: 'card-label' }, net), h('div', { class: 'card-value' }, String(c.new + c.tried)), h('div', { class: 'card-sub muted' }, `${c.new} new · ${c.tried} tried`)),
      ),
    );
    setText(newTitle, `New table — ${neu.buckets} buckets × ${neu.slotsPerBucket} slots`);
    setText(triedTitle, `Tried table — ${tried.buckets} buckets × ${tried.slotsPerBucket} slots`);
    newMap.draw(neu, highlight);
    triedMap.draw(tried, highlight);

    const top = [...stats.byGroup].sort((a, b) => b.new + b.tried - (a.new + a.tried)).slice(0, TOP_GROUPS);
    const max = top.length ? top[0]!.new + top[0]!.tried : 0;
    const heats = groupHeats([neu, tried]);
    replaceChildren(
      groups,
      h('thead', {}, h('tr', {}, h('th', {}, 'net group'), h('th', { class: 'num' }, 'new'), h('th', { class: 'num' }, 'tried'), h('th', { class: 'num' }, 'share'), h('th', { class: 'wide' }, ''))),
      h(
        'tbody',
        {},
        ...(top.length
          ? top.map((g) =>
              h(
                'tr',
                {},
                h('td', { class: 'mono' }, g.group),
                h('td', { class: 'num' }, String(g.new)),
                h('td', { class: 'num' }, String(g.tried)),
                h('td', { class: 'num' }, percent(g.new + g.tried, stats.total)),
                h('td', {}, bar(g.new + g.tried, max, `rgb(${heatColor(heats.get(g.group) ?? 0).join(',')})`)),
              ),
            )
          : [h('tr', {}, h('td', { colspan: 5, class: 'muted' }, 'The address book is empty.'))]),
      ),
    );
    const originMax = Math.max(0, ...Object.values(stats.byOrigin));
    const names = [...ORIGINS, ...Object.keys(stats.byOrigin).filter((o) => !ORIGINS.includes(o))];
    replaceChildren(
      origins,
      h('thead', {}, h('tr', {}, h('th', {}, 'origin'), h('th', { class: 'num' }, 'addresses'), h('th', { class: 'num' }, 'share'), h('th', { class: 'wide' }, ''))),
      h(
        'tbody',
        {},
        ...names
          .filter((o) => o in stats.byOrigin)
          .map((o) =>
            h(
              'tr',
              { 'data-origin': o },
              h('td', {}, o),
              h('td', { class: 'num' }, String(stats.byOrigin[o] ?? 0)),
              h('td', { class: 'num' }, percent(stats.byOrigin[o] ?? 0, stats.total)),
              h('td', {}, bar(stats.byOrigin[o] ?? 0, originMax)),
            ),
          ),
      ),
    );
  };

  return {
    el,
    route(param) {
      if (param === highlight) return;
      highlight = param;
      last = 0; // redraw with the new highlight at the next refresh
    },
    async refresh() {
      if (Date.now() - last < REFRESH_MS) return;
      last = Date.now();
      try {
        const [stats, neu, tried] = await Promise.all([
          getJson<AddrbookStatsJson>('/api/v1/addrbook/stats'),
          getJson<OccupancyJson>('/api/v1/addrbook/occupancy?table=new'),
          getJson<OccupancyJson>('/api/v1/addrbook/occupancy?table=tried'),
        ]);
        error.hidden = true;
        render(stats, neu, tried);
      } catch (err) {
        last = 0;
        error.hidden = false;
        setText(error, `Could not load the address book: ${(err as Error).message}`);
      }
    },
  };
}
