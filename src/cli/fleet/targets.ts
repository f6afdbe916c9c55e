// Which nodes make the fleet: `--node URL[=token]` flags and the `[fleet]` table of a configuration file.

import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { apiUrlOf } from '../client.js';

/** One API the fleet page polls: a node's, a hub's, or `peerwarden watch`'s. */
export interface FleetTarget {
  /** What the page and the table call it: the name from the file, else the API's host:port. */
  name: string;
  /** The API's base URL without credentials, e.g. http://10.0.0.11:7001. */
  url: string;
  /** Sent with every request: `Bearer <token>` for a token, `Basic …` for user:password@ in the URL. */
  headers: Record<string, string>;
}

export interface FleetFile {
  targets: FleetTarget[];
  /** `listen` of the [fleet] table: where the page is served. */
  listen?: string;
  /** `interval` of the [fleet] table: how often the nodes are polled (a duration such as "2s"). */
  interval?: string;
}

/** A target from `URL`, `URL=token` or `host:port` (http); a problem in our words otherwise. */
export function parseTarget(text: string, name: string | undefined, token: string | undefined, where: string): FleetTarget | { problem: string } {
  let urlText = text.trim();
  let tok = token;
  // URL=token: the API's URLs have no query string, so the first '=' starts the token.
  const eq = urlText.indexOf('=');
  if (eq > 0 && tok === undefined) {
    tok = urlText.slice(eq + 1);
    urlText = urlText.slice(0, eq);
    if (!tok) return { problem: `${where}: ${JSON.stringify(text)} has an empty token after "="` };
  }
  const base = apiUrlOf(urlText, where);
  if (typeof base !== 'string') return base;
  const u = new URL(base);
  const headers: Record<string, string> = {};
  if (u.username || u.password) {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`;
    u.username = '';
    u.password = '';
  }
  if (tok !== undefined) {
    if (headers.authorization) return { problem: `${where}: give either user:password@ in the URL or a token, not both` };
    headers.authorization = `Bearer ${tok}`;
  }
  const url = u.toString().replace(/\/+$/, '');
  return { name: name ?? u.host, url, headers };
}

/**
 * Reads the `[fleet]` table of a TOML (or JSON) file:
 *
 *   [fleet]
 *   listen = "127.0.0.1:7090"
 *   nodes = ["http://10.0.0.11:7001", "10.0.0.12:7001"]     # or, with names and tokens:
 *   [[fleet.node]]
 *   name = "relay-1"
 *   url = "http://10.0.0.11:7001"
 */
export function readFleetFile(path: string, problems: string[]): FleetFile {
  let data: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    data = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseToml(text);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    problems.push(`--config ${path}: ${code ? `cannot read the file (${code})` : `not valid ${extname(path) === '.json' ? 'JSON' : 'TOML'}: ${(err as Error).message.split('\n')[0]}`}`);
    return { targets: [] };
  }
  const fleet = (data as { fleet?: unknown }).fleet;
  if (fleet === null || typeof fleet !== 'object' || Array.isArray(fleet)) {
    problems.push(`--config ${path}: no [fleet] table (a [fleet] table with nodes = ["http://host:port", …] or [[fleet.node]] entries)`);
    return { targets: [] };
  }
  const f = fleet as Record<string, unknown>;
  const out: FleetFile = { targets: [] };
  for (const key of Object.keys(f)) if (!['listen', 'interval', 'nodes', 'node'].includes(key)) problems.push(`--config ${path}: unknown key fleet.${key} (known: listen, interval, nodes, node)`);
  for (const key of ['listen', 'interval'] as const) {
    if (f[key] === undefined) continue;
    if (typeof f[key] === 'string') out[key] = f[key];
    else problems.push(`--config ${path}: fleet.${key} must be a string`);
  }
  const add = (r: FleetTarget | { problem: string }) => ('problem' in r ? problems.push(r.problem) : out.targets.push(r));
  if (f.nodes !== undefined) {
    if (!Array.isArray(f.nodes) || f.nodes.some((n) => typeof n !== 'string')) problems.push(`--config ${path}: fleet.nodes must be a list of URLs`);
    else (f.nodes as string[]).forEach((n, i) => add(parseTarget(n, undefined, undefined, `--config ${path}: fleet.nodes[${i}]`)));
  }
  if (f.node !== undefined) {
    const list = Array.isArray(f.node) ? f.node : [f.node];
    list.forEach((n: unknown, i) => {
      const where = `--config ${path}: fleet.node[${i}]`;
      const e = n as Record<string, unknown>;
      if (e === null || typeof e !== 'object' || typeof e.url !== 'string') return void problems.push(`${where} needs url = "http://host:port"`);
      for (const k of Object.keys(e)) if (!['name', 'url', 'token'].includes(k)) problems.push(`${where}: unknown key ${k} (known: name, url, token)`);
      if (e.name !== undefined && typeof e.name !== 'string') return void problems.push(`${where}: name must be a string`);
      if (e.token !== undefined && typeof e.token !== 'string') return void problems.push(`${where}: token must be a string`);
      add(parseTarget(e.url, e.name as string | undefined, e.token as string | undefined, where));
    });
  }
  return out;
}
