// The API token for changes: asked for once in a dialog, kept in sessionStorage for this tab's session.

import { ApiRequestError } from './api.js';
import { h } from './dom.js';

const KEY = 'peerwarden.apiToken';

export function storedToken(): string | undefined {
  try {
    return sessionStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function storeToken(token: string): void {
  try {
    sessionStorage.setItem(KEY, token);
  } catch {
    // Storage disabled: the token is asked for again next time, which is still correct.
  }
}

export function forgetToken(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Nothing stored.
  }
}

/** Shows a modal asking for the token; resolves to it, or undefined when the operator cancels. */
export function askForToken(tokenFile: string | undefined): Promise<string | undefined> {
  return new Promise((resolve) => {
    const input = h('input', { type: 'password', name: 'token', autocomplete: 'off', required: true, placeholder: 'API token', 'aria-label': 'API token' });
    const dialog = h(
      'dialog',
      { class: 'token-dialog' },
      h(
        'form',
        { method: 'dialog' },
        h('h3', {}, 'API token'),
        h('p', {}, 'Changes need the API token. It is in ', h('code', {}, tokenFile ?? '<dataDir>/api.token'), '. It is kept for this tab only.'),
        input,
        h('div', { class: 'actions' }, h('button', { type: 'button', value: 'cancel', class: 'secondary', onclick: () => dialog.close('cancel') }, 'Cancel'), h('button', { type: 'submit', value: 'ok' }, 'Use token')),
      ),
    );
    dialog.addEventListener('close', () => {
      const token = input.value.trim();
      dialog.remove();
      resolve(dialog.returnValue === 'ok' && token ? token : undefined);
    });
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
  });
}

/** Thrown when the operator closes the token dialog without a token. */
export class TokenCancelledError extends Error {
  override readonly name = 'TokenCancelledError';
  constructor() {
    super('cancelled: no API token given');
  }
}

/**
 * Runs a change with the token, asking for it first if this tab has none. A 401 forgets the stored
 * token (so the next try asks again) and is rethrown for the view to show.
 */
export async function withToken<T>(tokenFile: string | undefined, change: (token: string) => Promise<T>): Promise<T> {
  let token = storedToken();
  if (!token) {
    token = await askForToken(tokenFile);
    if (!token) throw new TokenCancelledError();
    storeToken(token);
  }
  try {
    return await change(token);
  } catch (err) {
    if (err instanceof ApiRequestError && err.status === 401) forgetToken();
    throw err;
  }
}
