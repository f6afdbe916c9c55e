// One node peer in a side panel: its facts, its history timeline with reasons, its score over time, ban/disconnect.

import type { AppContext } from '../app/context.js';
import { ApiRequestError, deleteJson, getJson, postJson } from '../lib/api.js';
import { createTimeChart, type TimeChart } from '../lib/chart.js';
import { COLORS } from '../lib/colors.js';
import { badge, h, replaceChildren, setText } from '../lib/dom.js';
import { formatBytes, formatDuration, formatTime } from '../lib/format.js';
import { TokenCancelledError, withToken } from '../lib/token.js';
import type { BannedJson, HistoryItemJson, PeerDetailJson } from '../lib/types.js';
import { renderTimeline } from './timeline.js';

export interface PeerPanel {
  readonly el: HTMLElement;
  show(id: string | undefined): void;
  refresh(): Promise<void>;
}

/** Score points: each penalty in the history says the score after it; the page adds what it saw itself. */
export function scorePoints(history: HistoryItemJson[], seen: readonly { at: number; score: number }[]): { at: number; score: number }[] {
  const points = [...seen];
  for (const e of history) {
    const score = e.data?.score;
    if (typeof score === 'number') points.push({ at: e.at, score });
  }
  points.sort((a, b) => a.at - b.at);
  return points;
}

function fact(label: string, value: string | Node | undefined): Node[] {
  return value === undefined || value === '' ? [] : [h('dt', {}, label), h('dd', {}, value)];
}

export function createPeerPanel(ctx: AppContext): PeerPanel {
  const title = h('h2', { class: 'mono' });
  const facts = h('dl', { class: 'facts compact' });
  const message = h('div', { class: 'message', role: 'status', hidden: true });
  const timeline = h('ol', { class: 'timeline', 'aria-label': 'peer history' });
  const chartBox = h('div', { class: 'chart small' });
  const scoreNote = h('p', { class: 'muted' });
  const duration = h('select', { 'aria-label': 'ban duration' }, h('option', { value: '1h' }, '1 hour'), h('option', { value: '24h', selected: true }, '24 hours'), h('option', { value: '7d' }, '7 days'), h('option', { value: '' }, 'until lifted'));
  const reason = h('input', { type: 'text', placeholder: 'reason (optional)', 'aria-label': 'ban reason', maxlength: 500 });
  const banTarget = h('select', { 'aria-label': 'ban target' });
  const banForm = h(
    'form',
    { class: 'inline-form', hidden: true, 'aria-label': 'ban this peer' },
    banTarget,
    duration,
    reason,
    h('button', { type: 'submit', class: 'danger' }, 'Ban'),
    h('button', { type: 'button', class: 'secondary', onclick: () => (banForm.hidden = true) }, 'Cancel'),
  );
  const banButton = h('button', { type: 'button', class: 'danger', onclick: () => (banForm.hidden = !banForm.hidden) }, 'Ban…');
  const disconnectButton = h('button', { type: 'button', class: 'secondary' }, 'Disconnect');
  const closeButton = h('button', { type: 'button', class: 'icon', title: 'close', 'aria-label': 'close', onclick: () => ctx.go('peers') }, '×');
  const el = h(
    'aside',
    { class: 'panel peer-panel', hidden: true, 'aria-label': 'peer' },
    h('div', { class: 'panel-head' }, title, closeButton),
    message,
    facts,
    h('div', { class: 'actions' }, banButton, disconnectButton),
    banForm,
    h('h3', {}, 'History'),
    h('div', { class: 'timeline-box' }, timeline),
    h('h3', {}, 'Score over time'),
    chartBox,
    scoreNote,
  );

  let id: string | undefined;
  let detail: PeerDetailJson | undefined;
  let chart: TimeChart | undefined;
  let lastHistoryKey = '';
  /** The page's own score readings start when it was opened. */
  const openedAt = Date.now();

  const say = (text: string, kind: 'ok' | 'error') => {
    message.hidden = false;
    message.className = `message ${kind}`;
    message.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    setText(message, text);
  };
  const failed = (what: string, err: unknown) => {
    if (err instanceof TokenCancelledError) return say(`${what}: cancelled, no API token given.`, 'error');
    const e = err as Error;
    say(`${what} failed: ${e instanceof ApiRequestError && e.status === 401 ? `${e.message} (the token was forgotten; you will be asked again)` : e.message}`, 'error');
  };

  banForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const target = banTarget.value;
    const body = { target, ...(duration.value ? { duration: duration.value } : {}), reason: reason.value.trim() || 'banned from the dashboard' };
    void withToken(ctx.tokenFile(), (token) => postJson<BannedJson>('/api/v1/bans', body, token))
      .then(({ ban }) => {
        banForm.hidden = true;
        say(`Banned ${ban.target}${ban.expiresAt ? ` until ${formatTime(ban.expiresAt)}` : ' until lifted'}.`, 'ok');
      })
      .catch((err) => failed('Ban', err));
  });
  disconnectButton.addEventListener('click', () => {
    if (!id) return;
    const target = id;
    void withToken(ctx.tokenFile(), (token) => deleteJson(`/api/v1/peers/${target}`, token))
      .then(() => say('Disconnected.', 'ok'))
      .catch((err) => failed('Disconnect', err));
  });

  const render = () => {
    if (!detail || !id) return;
    const p = detail.peer;
    const now = Date.now();
    setText(title, id);
    replaceChildren(
      facts,
      ...fact('state', h('span', {}, detail.connected ? badge('connected', 'healthy') : badge('not connected', 'muted'), ' ', detail.ban ? badge('banned', 'isolated') : '')),
      ...(p
        ? [
            ...fact('endpoint', h('span', { class: 'mono' }, p.endpoint)),
            ...fact('listens on', p.listenEndpoint),
            ...fact('direction', `${p.direction} (${p.purpose})`),
            ...fact('temperature', badge(p.temperature)),
            ...fact('score', p.score.toFixed(2)),
            ...fact('RTT', p.rttMs === undefined ? '–' : `${p.rttMs} ms (min ${p.minRttMs ?? '–'} ms)`),
            ...fact('connected for', formatDuration(now - p.connectedAt)),
            ...fact('traffic', `${formatBytes(p.bytesIn)} in · ${formatBytes(p.bytesOut)} out · ${p.messagesIn}/${p.messagesOut} messages`),
            ...fact('net group', p.netGroup),
            ...(p.asn !== undefined && !p.netGroup.startsWith('AS') ? fact('AS', `AS${p.asn}`) : []),
            ...fact('agent', p.userAgent),
            ...fact('services', p.services),
            ...fact('flags', [p.busy && 'busy', p.static && 'static', p.trusted && 'trusted'].filter(Boolean).join(', ') || 'none'),
          ]
        : []),
      ...(detail.ban ? fact('ban', `${detail.ban.reason}${detail.ban.expiresAt ? ` — until ${formatTime(detail.ban.expiresAt)}` : ''}`) : []),
    );
    disconnectButton.disabled = !detail.connected;
    const ip = p?.endpoint.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    const options = [{ value: id, text: 'this node id' }, ...(ip ? [{ value: ip, text: `its IP ${ip}` }] : [])];
    if (banTarget.options.length !== options.length || banTarget.options[0]?.value !== id) {
      replaceChildren(banTarget, ...options.map((o) => h('option', { value: o.value }, o.text)));
    }
    const historyKey = `${id}:${detail.history.length}:${detail.history.at(-1)?.at ?? 0}`;
    if (historyKey !== lastHistoryKey) {
      lastHistoryKey = historyKey;
      renderTimeline(timeline, [...detail.history].reverse().map((e) => ({ at: e.at, kind: e.kind.replace(/^peer:/, ''), text: e.reason ?? '', data: e.data })));
    }
    const points = scorePoints(detail.history, ctx.scores.points(id));
    if (p) points.push({ at: now, score: p.score });
    chart ??= createTimeChart(chartBox, [{ label: 'score', color: COLORS.healthy, points: true }], 'score', 130);
    chart.setData(
      points.map((q) => q.at / 1000),
      [points.map((q) => q.score)],
    );
    const penalties = detail.history.filter((e) => typeof e.data?.score === 'number').length;
    setText(scoreNote, `${penalties ? `The score after each of its ${penalties} penalties, and ` : 'No penalty in its history; '}the readings this page took since ${formatTime(openedAt)}.`);
  };

  return {
    el,
    show(next) {
      if (next === id) return;
      id = next;
      detail = undefined;
      lastHistoryKey = '';
      message.hidden = true;
      banForm.hidden = true;
      el.hidden = id === undefined;
      if (id) setText(title, id);
      void this.refresh();
    },
    async refresh() {
      if (!id) return;
      const want = id;
      try {
        const d = await getJson<PeerDetailJson>(`/api/v1/peers/${encodeURIComponent(want)}?limit=500`);
        if (want !== id) return;
        detail = d;
        render();
      } catch (err) {
        if (want !== id) return;
        say(`Could not load this peer: ${(err as Error).message}`, 'error');
      }
    },
  };
}

