// Draws a history as a vertical timeline: time, what happened (a coloured kind), and why.

import { h, replaceChildren } from '../lib/dom.js';
import { formatTime } from '../lib/format.js';

export interface TimelineItem {
  at: number;
  kind: string;
  text: string;
  data?: Record<string, unknown>;
}

/** Data fields worth a glance, in a short "key=value" line (ids and nested objects left out). */
function summary(data: Record<string, unknown> | undefined): string {
  if (!data) return '';
  return Object.entries(data)
    .filter(([, v]) => v !== undefined && v !== null && typeof v !== 'object')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' · ');
}

/** Newest first is the caller's choice; this draws the items in the order given. */
export function renderTimeline(list: HTMLOListElement, items: TimelineItem[]): void {
  if (items.length === 0) {
    replaceChildren(list, h('li', { class: 'muted' }, 'No history recorded.'));
    return;
  }
  replaceChildren(
    list,
    ...items.map((e) =>
      h(
        'li',
        { class: `tl-item kind-${e.kind.replace(/[^a-z-]/gi, '')}` },
        h('time', { datetime: new Date(e.at).toISOString() }, formatTime(e.at)),
        h('span', { class: 'tl-kind' }, e.kind),
        h('span', { class: 'tl-text' }, e.text),
        summary(e.data) ? h('span', { class: 'tl-data muted' }, summary(e.data)) : undefined,
      ),
    ),
  );
}
