// The page frame: header (who, health, connection), the view tabs, a notice line, and the view area.

import { badge, h, replaceChildren, setText } from '../lib/dom.js';
import { formatTime, shortId } from '../lib/format.js';
import type { AnyStatusJson } from '../lib/types.js';
import { routeHash } from './router.js';
import type { ViewSpec } from './view.js';

export interface Shell {
  readonly main: HTMLElement;
  setActive(view: string): void;
  showStatus(s: AnyStatusJson): void;
  /** The event stream's state: live, or reconnecting after `attempt` tries. */
  showStream(state: 'connecting' | 'live' | 'reconnecting', attempt: number, error?: string): void;
  /** The API did not answer the status poll. */
  showUnreachable(message: string): void;
  /** The node is a new process since the page loaded or last saw it. */
  showRestart(at: number): void;
}

/** How long "reconnected" stays on screen after the stream comes back. */
const RECONNECTED_NOTICE_MS = 15_000;

export function createShell(root: HTMLElement, views: ViewSpec[], subject: 'node' | 'hub' | 'observer'): Shell {
  const who = h('span', { class: 'who mono' });
  const health = h('span', { class: 'health' });
  const conn = h('span', { class: 'conn', 'data-state': 'connecting', role: 'status', 'aria-live': 'polite' }, 'connecting…');
  const tabs = views.map((v) => h('a', { href: routeHash(v.name), 'data-view': v.name, class: 'tab' }, v.title));
  const notice = h('div', { class: 'notice', role: 'status', hidden: true });
  // Eclipse alarms: one line each, linking to the heat map with the group highlighted.
  const alarms = h('div', { class: 'alarms', role: 'alert', hidden: true, 'data-field': 'alarms' });
  let alarmsKey = '';
  const main = h('main', { id: 'view' });
  replaceChildren(
    root,
    h('header', { class: 'top' }, h('span', { class: 'brand' }, 'peerwarden'), who, health, h('span', { class: 'spacer' }), conn),
    h('nav', { class: 'tabs' }, ...tabs),
    alarms,
    notice,
    main,
  );

  let streamState = 'connecting';
  let wasDown = false;
  let noticeTimer: ReturnType<typeof setTimeout> | undefined;
  let restartedAt: number | undefined;
  let reconnectedAt = -Infinity;
  let unreachable: string | undefined;

  const setNotice = (text: string | undefined, kind = 'info', ttlMs?: number) => {
    clearTimeout(noticeTimer);
    notice.hidden = text === undefined;
    notice.className = `notice ${kind}`;
    setText(notice, text ?? '');
    if (ttlMs) noticeTimer = setTimeout(() => (notice.hidden = true), ttlMs);
  };

  const drawConn = (attempt = 0, error?: string) => {
    conn.dataset.state = unreachable ? 'reconnecting' : streamState;
    if (unreachable || streamState === 'reconnecting') {
      setText(conn, `connection lost — reconnecting${attempt ? ` (attempt ${attempt})` : ''}…`);
      conn.title = unreachable ?? error ?? '';
    } else if (streamState === 'live') {
      setText(conn, 'live');
      conn.title = 'receiving events as they happen';
    } else {
      setText(conn, 'connecting…');
    }
  };

  return {
    main,
    setActive(view) {
      for (const t of tabs) t.classList.toggle('active', t.dataset.view === view);
    },
    showStatus(s) {
      if (s.mode === 'observer') {
        setText(who, s.source ? `observing ${s.source.description}` : 'observer');
        who.title = '';
      } else {
        setText(who, `${s.mode === 'hub' ? 'hub' : 'node'} ${shortId(s.id)} · ${s.network}`);
        who.title = s.id;
      }
      replaceChildren(health, badge(s.health.status));
      health.title = s.health.reason;
      const active = s.health.alarms ?? [];
      alarms.hidden = active.length === 0;
      // Redrawn only when the alarms change: a banner that is rebuilt every poll cannot be clicked.
      const key = JSON.stringify(active.map((a) => [a.kind, a.message, a.groups]));
      if (key !== alarmsKey) {
        alarmsKey = key;
        replaceChildren(
          alarms,
          ...active.map((a) =>
            h(
              'div',
              { class: 'alarm', 'data-kind': a.kind },
              h('strong', {}, `Eclipse alarm (${a.kind}): `),
              a.message,
              ' ',
              a.groups.length ? h('a', { href: routeHash('addresses', a.groups[0]), 'data-group': a.groups[0]! }, `see ${a.groups[0]} on the address book's heat map`) : undefined,
            ),
          ),
        );
      }
      document.title = s.mode === 'observer' ? 'peerwarden observer' : `peerwarden ${shortId(s.id)}`;
      if (unreachable) {
        unreachable = undefined;
        drawConn();
      }
    },
    showStream(state, attempt, error) {
      const back = state === 'live' && wasDown;
      if (state === 'reconnecting') wasDown = true;
      if (state === 'live') wasDown = false;
      streamState = state;
      drawConn(attempt, error);
      if (state === 'reconnecting' && attempt > 0) setNotice(`The connection to the ${subject} was lost (${error ?? 'no answer'}); reconnecting…`, 'warn');
      if (back) {
        reconnectedAt = Date.now();
        const restarted = restartedAt !== undefined ? ` — the ${subject} restarted at ${formatTime(restartedAt)}, so its counters began again` : '';
        setNotice(`Reconnected${restarted}.`, 'ok', RECONNECTED_NOTICE_MS);
        restartedAt = undefined;
      }
    },
    showUnreachable(message) {
      unreachable = message;
      drawConn();
    },
    showRestart(at) {
      if (wasDown) {
        // Said once the stream is back.
        restartedAt = at;
        return;
      }
      const again = Date.now() - reconnectedAt < RECONNECTED_NOTICE_MS ? 'Reconnected — the' : 'The';
      setNotice(`${again} ${subject} restarted at ${formatTime(at)}, so its counters began again.`, 'ok', RECONNECTED_NOTICE_MS);
    },
  };
}
