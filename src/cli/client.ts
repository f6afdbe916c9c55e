// The CLI's HTTP client for a running node: finds its API and token, and turns failures into clear messages.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PeerwardenError } from '../core/errors.js';

/** Where a running node writes its API base URL, so CLI commands run in the same place find it. */
export const API_URL_FILE = 'api.url';
export const DEFAULT_API_URL = 'http://127.0.0.1:7001';

/**
 * A request to the node failed; `exitCode` is what the command should exit with, `apiCode` the
 * API's error code when it answered with one.
 */
export class ClientError extends PeerwardenError {
  readonly code = 'client-failed';
  override readonly name = 'ClientError';
  constructor(
    message: string,
    readonly exitCode: number,
    readonly status?: number,
    readonly apiCode?: string,
  ) {
    super(message);
  }
}

export interface ClientOptions {
  /** The API's base URL (already normalised, see apiUrlOf), or undefined for <dataDir>/api.url, else http://127.0.0.1:7001. */
  api?: string;
  /** --token, else PEERWARDEN_TOKEN, else <dataDir>/api.token. */
  token?: string;
  dataDir: string;
  env: Record<string, string | undefined>;
}

/**
 * The API's base URL from what a user typed: a URL (`http://127.0.0.1:7001`), or a bare `host:port`
 * (`127.0.0.1:7001`, `[::1]:7001`, `node1.example.org:7001`), which means http. Returns a problem
 * in our words when it is neither.
 */
export function apiUrlOf(text: string, where = '--api'): string | { problem: string } {
  const t = text.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(t) ? t : `http://${t}`;
  try {
    const u = new URL(withScheme);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return { problem: `${where}: ${JSON.stringify(text)} is not an http(s) URL` };
    if (!u.hostname) throw new Error();
    return withScheme.replace(/\/+$/, '');
  } catch {
    return { problem: `${where}: ${JSON.stringify(text)} is neither a URL (http://127.0.0.1:7001) nor host:port (127.0.0.1:7001)` };
  }
}

export class NodeClient {
  readonly baseUrl: string;
  readonly #token: string | undefined;
  readonly #tokenHint: string;

  constructor(o: ClientOptions) {
    const urlFile = join(o.dataDir, API_URL_FILE);
    const fromFile = existsSync(urlFile) ? readFileSync(urlFile, 'utf8').trim() : undefined;
    this.baseUrl = (o.api ?? fromFile ?? DEFAULT_API_URL).replace(/\/+$/, '');
    const tokenFile = join(o.dataDir, 'api.token');
    this.#token = o.token ?? o.env.PEERWARDEN_TOKEN ?? (existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined);
    this.#tokenHint = `pass --token, set PEERWARDEN_TOKEN, or run from the node's directory (--data-dir or --config) so ${tokenFile} is found`;
  }

  get(path: string): Promise<unknown> {
    return this.#call('GET', path);
  }

  post(path: string, body: unknown): Promise<unknown> {
    return this.#call('POST', path, body);
  }

  delete(path: string): Promise<unknown> {
    return this.#call('DELETE', path);
  }

  async #call(method: string, path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (method !== 'GET') {
      if (!this.#token) throw new ClientError(`this command changes the node and needs its API token: ${this.#tokenHint}`, 2);
      headers.authorization = `Bearer ${this.#token}`;
    }
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      const c = (err as { cause?: { code?: string; message?: string } }).cause;
      let cause = c?.code ?? c?.message ?? (err as Error).message;
      // fetch() refuses some well-known ports (1, 9, 25…) outright: say so rather than its terse "bad port".
      if (cause === 'bad port') cause = `port ${new URL(this.baseUrl).port} is one fetch() refuses to use`;
      throw new ClientError(
        `no peerwarden node is answering at ${this.baseUrl} (${cause}). Is "peerwarden node" running? ` +
          "Point at it with --api URL, PEERWARDEN_API, the node's --config FILE or its --data-dir.",
        3,
      );
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      throw new ClientError(`${this.baseUrl} answered ${res.status} with something that is not JSON; is it a peerwarden API?`, 3, res.status);
    }
    if (!res.ok) {
      const e = (json as { error?: { code?: string; message?: string } }).error;
      const msg = e?.message ?? `HTTP ${res.status}`;
      const hint = res.status === 401 ? ` (${this.#tokenHint})` : '';
      throw new ClientError(`${msg}${hint}`, res.status === 404 ? 4 : 1, res.status, e?.code);
    }
    return json;
  }
}
