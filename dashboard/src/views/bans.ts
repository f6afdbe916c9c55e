// Bans: the list, a form to add one (target, duration, reason), and a remove button per ban — all with the API token.

import type { AppContext } from '../app/context.js';
import type { View } from '../app/view.js';
import { ApiRequestError, deleteJson, getJson, postJson } from '../lib/api.js';
import { badge, h, replaceChildren, setText } from '../lib/dom.js';
import { formatTime, shortId } from '../lib/format.js';
import { forgetToken, storedToken, TokenCancelledError, withToken } from '../lib/token.js';
import type { BanJson, BannedJson, BansJson } from '../lib/types.js';

export function createBansView(ctx: AppContext): View {
  const target = h('input', { type: 'text', name: 'target', required: true, placeholder: 'node id, IP or subnet (10.0.0.0/8)', 'aria-label': 'ban target', class: 'grow', maxlength: 100 });
  const duration = h('input', { type: 'text', name: 'duration', placeholder: 'duration: 1h, 7d (empty: until lifted)', 'aria-label': 'ban duration', value: '24h', maxlength: 32 });
  const reason = h('input', { type: 'text', name: 'reason', placeholder: 'reason', 'aria-label': 'ban reason', class: 'grow', maxlength: 500 });
  const form = h('form', { class: 'toolbar', 'aria-label': 'add a ban' }, target, duration, reason, h('button', { type: 'submit', class: 'danger' }, 'Ban'));
  const message = h('div', { class: 'message', hidden: true });
  const tokenState = h('span', { class: 'muted' });
  const forget = h('button', { type: 'button', class: 'secondary small', onclick: () => (forgetToken(), showTokenState()) }, 'Forget token');
  const table = h('table', { class: 'grid-table bans-table', 'aria-label': 'bans' });
  const el = h(
    'section',
    { class: 'view bans' },
    h('div', { class: 'panel' }, h('h2', {}, 'Add a ban'), form, h('div', { class: 'token-line' }, tokenState, forget)),
    message,
    h('div', { class: 'panel' }, h('h2', {}, 'Active bans'), table),
  );
  let bans: BanJson[] = [];

  const showTokenState = () => {
    const has = storedToken() !== undefined;
    setText(tokenState, has ? 'An API token is kept for this tab.' : 'You will be asked for the API token on the first change.');
    forget.hidden = !has;
  };
  const say = (text: string, kind: 'ok' | 'error') => {
    message.hidden = false;
    message.className = `message ${kind}`;
    message.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    setText(message, text);
  };
  const failed = (what: string, err: unknown) => {
    showTokenState();
    if (err instanceof TokenCancelledError) return say(`${what}: cancelled, no API token given.`, 'error');
    const e = err as Error;
    say(`${what} failed: ${e.message}${e instanceof ApiRequestError && e.status === 401 ? ' — the token was forgotten; try again to enter the right one.' : ''}`, 'error');
  };

  let drawn = '';
  const draw = () => {
    // Redraw only on a change, so a refresh never swaps a button out from under the pointer.
    const key = JSON.stringify(bans);
    if (key === drawn) return;
    drawn = key;
    replaceChildren(
      table,
      h('thead', {}, h('tr', {}, h('th', {}, 'target'), h('th', {}, 'kind'), h('th', {}, 'reason'), h('th', {}, 'since'), h('th', {}, 'until'), h('th', {}, ''))),
      h(
        'tbody',
        {},
        ...(bans.length === 0
          ? [h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No active bans.'))]
          : bans.map((b) =>
              h(
                'tr',
                { 'data-target': b.target },
                h('td', { class: 'mono', title: b.target }, b.kind === 'id' ? shortId(b.target) : b.target),
                h('td', {}, badge(b.kind)),
                h('td', {}, b.reason),
                h('td', {}, formatTime(b.createdAt)),
                h('td', {}, b.expiresAt ? formatTime(b.expiresAt) : 'until lifted'),
                h('td', {}, h('button', { type: 'button', class: 'secondary small', onclick: () => remove(b.target) }, 'Remove')),
              ),
            )),
      ),
    );
  };

  const load = async () => {
    try {
      ({ bans } = await getJson<BansJson>('/api/v1/bans'));
      draw();
    } catch (err) {
      say(`Could not load the bans: ${(err as Error).message}`, 'error');
    }
  };

  const remove = (t: string) => {
    void withToken(ctx.tokenFile(), (token) => deleteJson(`/api/v1/bans/${encodeURIComponent(t)}`, token))
      .then(() => {
        say(`Lifted the ban on ${t}.`, 'ok');
        showTokenState();
        return load();
      })
      .catch((err) => failed('Removing the ban', err));
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body: Record<string, string> = { target: target.value.trim() };
    if (duration.value.trim()) body.duration = duration.value.trim();
    if (reason.value.trim()) body.reason = reason.value.trim();
    void withToken(ctx.tokenFile(), (token) => postJson<BannedJson>('/api/v1/bans', body, token))
      .then(({ ban }) => {
        say(`Banned ${ban.target}${ban.expiresAt ? ` until ${formatTime(ban.expiresAt)}` : ' until lifted'}.`, 'ok');
        target.value = '';
        reason.value = '';
        showTokenState();
        return load();
      })
      .catch((err) => failed('Ban', err));
  });

  showTokenState();
  return {
    el,
    refresh: load,
    route(param) {
      // #/bans/<target> pre-fills the form (the peer panel links here).
      if (param) target.value = param;
    },
  };
}
