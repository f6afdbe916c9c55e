// Starts `peerwarden node` as a child process on loopback and finds its p2p address, API and token.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli, type Running } from './cli.js';

export interface Daemon {
  run: Running;
  dataDir: string;
  id: string;
  listen: string;
  api: string;
  token: string;
  /** GET/POST/DELETE against the API; `auth` adds the bearer token. */
  http(method: string, path: string, body?: unknown, auth?: boolean | string): Promise<{ status: number; json: any }>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function tempDir(prefix = 'pw-node-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs a node on `ip` (ports chosen by the OS) with loopback addresses allowed; resolves once its API is up. */
export async function startDaemon(ip: string, extra: string[] = [], dataDir = tempDir(), command: 'node' | 'hub' = 'node'): Promise<Daemon> {
  const run = startCli([command, '--data-dir', dataDir, '--listen', `${ip}:0`, '--api-listen', `${ip}:0`, '--allow-loopback', '--network', 'itest', ...extra]);
  const [line] = await run.waitFor(/\{[^\n]*"api":"http[^\n]*\}/);
  const banner = JSON.parse(line) as { id: string; listen: string[]; api: string };
  const token = readFileSync(join(dataDir, 'api.token'), 'utf8').trim();
  const api = banner.api;
  return {
    run,
    dataDir,
    id: banner.id,
    listen: banner.listen[0]!,
    api,
    token,
    async http(method, path, body, auth) {
      const headers: Record<string, string> = {};
      if (auth) headers.authorization = `Bearer ${auth === true ? token : auth}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(api + path, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
      const text = await res.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: res.status, json };
    },
    async stop(signal = 'SIGTERM') {
      run.child.kill(signal);
      return run.exit();
    },
  };
}

/** Polls `check` every 100 ms until it returns a truthy value (or throws after `ms`). */
export async function eventually<T>(check: () => Promise<T | undefined | false>, ms = 20_000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
