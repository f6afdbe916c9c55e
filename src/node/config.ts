// Node configuration: the documented keys and defaults, validated with every problem listed at once.

import { PeerwardenError } from '../core/errors.js';
import { AddressParseError, classify, normalizeIp, parseEndpoint, type Endpoint } from '../core/address/index.js';
import { VERSION } from '../version.js';

/** The port a node listens on when none is given, and the one hostnames without a port default to. */
export const DEFAULT_PORT = 7000;

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** What createNode accepts: every key optional, defaults as documented in docs/operations.md. */
export interface NodeConfig {
  network?: string;
  dataDir?: string | null;
  listen?: string | string[];
  encryption?: 'tls' | 'none';
  seeds?: string[];
  dnsSeeds?: string[];
  hubs?: string[];
  staticPeers?: string[];
  trustedPeers?: string[];
  localProbe?: { host: string; ports: string | number } | null;
  hub?: boolean;
  allowPrivate?: boolean;
  allowLoopback?: boolean;
  targets?: Partial<Targets>;
  limits?: Partial<Limits>;
  /** Path of an AS map (Bitcoin Core's asmap format): group peers by autonomous system instead of /16. */
  asmap?: string | null;
  api?: ApiConfig | false;
  logLevel?: LogLevel;
  userAgent?: string;
}

/** The HTTP API's settings (docs/operations.md, "Who can reach the API"). */
export interface ApiConfig {
  /** Where to serve it; default 127.0.0.1:<p2p port + 1>. */
  listen?: string;
  /**
   * Web origins (`https://ops.example.org`, `http://127.0.0.1:8080`) whose pages may read the API
   * and, with the token, change the node. Exact origins only; none by default.
   */
  corsOrigins?: string[];
  /**
   * Host names (`node1.example.org`, or `name:port`) the API answers to besides its own address
   * and localhost: the name a reverse proxy or an operator uses to reach it. Requests addressed to
   * any other name are refused (DNS rebinding).
   */
  allowedHosts?: string[];
}

export interface Targets {
  /** Outbound hot peers (carry application traffic). */
  hot: number;
  /** Outbound warm + hot peers. */
  outbound: number;
  maxInbound: number;
  maxTotal: number;
  /** Inbound connections accepted from one IP address. */
  maxInboundPerIp: number;
}

/** A place to find peers given by name or address: resolved through DNS when `host` is a name. */
export interface HostPort {
  host: string;
  port: number;
}

/** A static or trusted peer: by endpoint (or hostname), by node id, or both (`id@host:port`). */
export interface PeerRef {
  id?: string;
  address?: HostPort;
}

export interface ResolvedConfig {
  network: string;
  dataDir: string | null;
  listen: Endpoint[];
  encryption: 'tls' | 'none';
  seeds: HostPort[];
  dnsSeeds: HostPort[];
  hubs: HostPort[];
  staticPeers: PeerRef[];
  trustedPeers: PeerRef[];
  localProbe: { host: string; fromPort: number; toPort: number } | null;
  hub: boolean;
  allowPrivate: boolean;
  allowLoopback: boolean;
  targets: Targets;
  limits: Limits;
  asmap: string | null;
  api: { listen: Endpoint; corsOrigins: string[]; allowedHosts: string[] } | false;
  logLevel: LogLevel;
  userAgent: string;
}

/** What remote parties can make the node hold: budgets that bound memory and slots under attack. */
export interface Limits {
  /** Bytes all outbound queues together may hold; past it the peers holding most are dropped. */
  sendBudgetBytes: number;
  /** Inbound connections still handshaking, node-wide: they wait in a pool and never hold an inbound slot. */
  maxPendingHandshakes: number;
  /** Of those, from one IP address. */
  maxPendingPerIp: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = { sendBudgetBytes: 64 * 1024 * 1024, maxPendingHandshakes: 64, maxPendingPerIp: 4 };

export const DEFAULT_TARGETS: Readonly<Targets> = { hot: 8, outbound: 12, maxInbound: 100, maxTotal: 125, maxInboundPerIp: 4 };

/** Thrown by createNode and the CLI when the configuration is invalid; lists every problem found. */
export class ConfigError extends PeerwardenError {
  readonly code = 'config-invalid';
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`);
  }
}

const TOP_KEYS = [
  'network',
  'dataDir',
  'listen',
  'encryption',
  'seeds',
  'dnsSeeds',
  'hubs',
  'staticPeers',
  'trustedPeers',
  'localProbe',
  'hub',
  'allowPrivate',
  'allowLoopback',
  'targets',
  'limits',
  'asmap',
  'api',
  'logLevel',
  'userAgent',
] as const;
const TARGET_KEYS = Object.keys(DEFAULT_TARGETS) as (keyof Targets)[];
const LIMIT_KEYS = Object.keys(DEFAULT_LIMITS) as (keyof Limits)[];
/** The smallest send budget that makes sense: one largest frame (4 MiB) and its header must fit. */
const MIN_SEND_BUDGET = 4 * 1024 * 1024 + 5;
const API_KEYS = ['listen', 'corsOrigins', 'allowedHosts'] as const;

const HOSTNAME = /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\.?$/;
const NODE_ID = /^[0-9a-f]{64}$/;

/** Levenshtein distance, for "did you mean" hints on misspelt keys. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length]![b.length]!;
}

function unknownKeyProblem(path: string, key: string, known: readonly string[]): string {
  const close = known.filter((k) => distance(k.toLowerCase(), key.toLowerCase()) <= 2);
  const hint = close.length ? ` (did you mean ${close.map((k) => `"${k}"`).join(' or ')}?)` : '';
  return `${path}${key}: unknown key${hint}; known keys: ${known.join(', ')}`;
}

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : typeof v === 'bigint' ? `${v}n` : JSON.stringify(v) ?? String(v));

/**
 * Parses `host:port`, `[ipv6]:port`, or a bare host (port `defaultPort`); host may be an IP or a DNS name.
 * Returns a problem text instead of throwing so callers can collect them.
 */
export function parseHostPort(text: string, defaultPort: number | undefined): HostPort | string {
  if (typeof text !== 'string' || text.length === 0) return `expected "host:port", got ${show(text)}`;
  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return `${show(text)} has no closing "]"`;
    host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return `${show(text)}: expected "[ipv6]:port"`;
    portText = rest === '' ? undefined : rest.slice(1);
  } else if ((text.match(/:/g) ?? []).length > 1) {
    host = text; // a bare IPv6 address, no port
  } else {
    const colon = text.lastIndexOf(':');
    host = colon < 0 ? text : text.slice(0, colon);
    portText = colon < 0 ? undefined : text.slice(colon + 1);
  }
  let port = defaultPort;
  if (portText !== undefined) {
    if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) > 65535) return `${show(text)}: the port must be 0-65535`;
    port = Number(portText);
  }
  if (port === undefined) return `${show(text)}: a port is required ("host:port")`;
  try {
    return { host: normalizeIp(host), port };
  } catch {
    if (host.includes(':') || /^[0-9.]+$/.test(host)) return `${show(text)}: ${show(host)} is not a valid IP address`;
    if (!HOSTNAME.test(host)) return `${show(text)}: ${show(host)} is neither an IP address nor a DNS name`;
    return { host: host.toLowerCase().replace(/\.$/, ''), port };
  }
}

/**
 * An origin allowed to read the API cross-origin, exactly as a browser sends it in `Origin`
 * (scheme, lower-case host, port only when not the scheme's default, no path), or a problem.
 * Origins are compared as strings, so a near miss is refused here with the right spelling rather
 * than silently never matching.
 */
export function parseCorsOrigin(text: string): string | { problem: string } {
  if (text === '*') {
    return { problem: 'a wildcard would let every web page the operator opens read the node: list the exact origins, e.g. "https://ops.example.org"' };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: `${show(text)} is not an origin: write scheme://host[:port], e.g. "https://ops.example.org" or "http://127.0.0.1:8080"` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { problem: `${show(text)}: only http and https origins can be allowed` };
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    return { problem: `${show(text)} is a URL, not an origin: drop everything after the host and port (use ${show(url.origin)})` };
  }
  if (url.origin !== text) return { problem: `${show(text)}: browsers send this origin as ${show(url.origin)}; write it that way` };
  return url.origin;
}

/**
 * A Host header value the API accepts besides its own address: `name` (any port) or `name:port`,
 * with `name` a DNS name or an IP ([brackets] around IPv6). Returned lower-case, IPs normalised.
 */
export function parseAllowedHost(text: string): string | { problem: string } {
  if (text === '*' || text.includes('*')) {
    return { problem: 'wildcards are not accepted: they would let any DNS name (DNS rebinding) reach the API; list each name' };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return { problem: `${show(text)} is a URL: give only the host name (and port), e.g. "node1.example.org"` };
  const r = parseHostPort(text, -1);
  if (typeof r === 'string') return { problem: r };
  const name = r.host.includes(':') ? `[${r.host}]` : r.host;
  return r.port === -1 ? name : `${name}:${r.port}`;
}

function parsePeerRef(text: string): PeerRef | string {
  if (typeof text !== 'string') return `expected a string, got ${show(text)}`;
  const lower = text.toLowerCase();
  if (NODE_ID.test(lower)) return { id: lower };
  const at = text.indexOf('@');
  if (at >= 0) {
    const id = text.slice(0, at).toLowerCase();
    if (!NODE_ID.test(id)) return `${show(text)}: the part before "@" must be a 64-hex-digit node id`;
    const address = parseHostPort(text.slice(at + 1), DEFAULT_PORT);
    return typeof address === 'string' ? address : { id, address };
  }
  const address = parseHostPort(text, DEFAULT_PORT);
  return typeof address === 'string' ? address : { address };
}

/**
 * Validates a configuration object and fills in defaults. Throws ConfigError listing every problem
 * (unknown keys, wrong types, out-of-range values, unparseable addresses), not just the first.
 */
export function resolveConfig(input: unknown = {}): ResolvedConfig {
  const problems: string[] = [];
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ConfigError([`the configuration must be an object, got ${show(input)}`]);
  }
  const cfg = input as Record<string, unknown>;
  for (const key of Object.keys(cfg)) {
    if (!(TOP_KEYS as readonly string[]).includes(key)) problems.push(unknownKeyProblem('', key, TOP_KEYS));
  }

  const str = (key: string, dflt: string, check?: (s: string) => string | undefined): string => {
    const v = cfg[key];
    if (v === undefined) return dflt;
    if (typeof v !== 'string') {
      problems.push(`${key}: expected a string, got ${show(v)}`);
      return dflt;
    }
    const p = check?.(v);
    if (p) problems.push(`${key}: ${p}`);
    return v;
  };
  const bool = (key: string): boolean => {
    const v = cfg[key];
    if (v === undefined) return false;
    if (typeof v !== 'boolean') {
      problems.push(`${key}: expected true or false, got ${show(v)}`);
      return false;
    }
    return v;
  };
  const list = <T>(key: string, parse: (s: string) => T | string): T[] => {
    const v = cfg[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      problems.push(`${key}: expected a list, got ${show(v)}`);
      return [];
    }
    const out: T[] = [];
    v.forEach((item, i) => {
      const r = typeof item === 'string' ? parse(item) : `expected a string, got ${show(item)}`;
      if (typeof r === 'string') problems.push(`${key}[${i}]: ${r}`);
      else out.push(r);
    });
    return out;
  };

  const network = str('network', 'main', (s) =>
    /^[A-Za-z0-9._-]{1,64}$/.test(s) ? undefined : 'use 1-64 letters, digits, ".", "_" or "-"',
  );

  let dataDir: string | null = './peerwarden-data';
  if (cfg.dataDir === null) dataDir = null;
  else if (cfg.dataDir !== undefined) {
    if (typeof cfg.dataDir !== 'string' || cfg.dataDir.length === 0) {
      problems.push(`dataDir: expected a directory path or null (in memory only), got ${show(cfg.dataDir)}`);
    } else dataDir = cfg.dataDir;
  }

  const listen: Endpoint[] = [];
  const listenRaw = cfg.listen === undefined ? [`0.0.0.0:${DEFAULT_PORT}`] : cfg.listen;
  const listenItems = Array.isArray(listenRaw) ? listenRaw : [listenRaw];
  if (listenItems.length === 0) problems.push('listen: give at least one "ip:port" (port 0 picks a free one)');
  listenItems.forEach((item, i) => {
    const where = Array.isArray(listenRaw) ? `listen[${i}]` : 'listen';
    if (typeof item !== 'string') return void problems.push(`${where}: expected "ip:port", got ${show(item)}`);
    try {
      listen.push(parseEndpoint(item));
    } catch (err) {
      problems.push(`${where}: ${err instanceof AddressParseError ? err.message : String(err)}`);
    }
  });

  const encryption = str('encryption', 'tls', (s) => (s === 'tls' || s === 'none' ? undefined : `must be "tls" or "none", got ${show(s)}`));

  const seeds = list('seeds', (s) => parseHostPort(s, DEFAULT_PORT));
  const dnsSeeds = list('dnsSeeds', (s) => parseHostPort(s, DEFAULT_PORT));
  const hubs = list('hubs', (s) => parseHostPort(s, DEFAULT_PORT));
  const staticPeers = list('staticPeers', parsePeerRef);
  const trustedPeers = list('trustedPeers', parsePeerRef);

  let localProbe: ResolvedConfig['localProbe'] = null;
  if (cfg.localProbe !== undefined && cfg.localProbe !== null) {
    const lp = cfg.localProbe as Record<string, unknown>;
    if (typeof lp !== 'object' || Array.isArray(lp)) {
      problems.push(`localProbe: expected { host, ports } or null, got ${show(lp)}`);
    } else {
      for (const k of Object.keys(lp)) if (k !== 'host' && k !== 'ports') problems.push(unknownKeyProblem('localProbe.', k, ['host', 'ports']));
      const host = lp.host === undefined ? '127.0.0.1' : lp.host;
      const ports = String(lp.ports ?? '');
      const m = /^([0-9]{1,5})(?:-([0-9]{1,5}))?$/.exec(ports);
      const from = m ? Number(m[1]) : NaN;
      const to = m ? Number(m[2] ?? m[1]) : NaN;
      if (typeof host !== 'string' || typeof parseHostPort(host, 0) === 'string') {
        problems.push(`localProbe.host: expected an IP address or DNS name, got ${show(host)}`);
      } else if (!m || from < 1 || to > 65535 || from > to) {
        problems.push(`localProbe.ports: expected a port or range like "7000-7011" within 1-65535, got ${show(lp.ports)}`);
      } else if (to - from >= 1024) {
        problems.push(`localProbe.ports: at most 1024 ports per probe, got ${to - from + 1}`);
      } else {
        localProbe = { host, fromPort: from, toPort: to };
      }
    }
  }

  const hub = bool('hub');
  const allowPrivate = bool('allowPrivate');
  const allowLoopback = bool('allowLoopback');

  const targets: Targets = { ...DEFAULT_TARGETS };
  if (cfg.targets !== undefined) {
    const t = cfg.targets as Record<string, unknown>;
    if (t === null || typeof t !== 'object' || Array.isArray(t)) problems.push(`targets: expected an object, got ${show(t)}`);
    else {
      for (const [k, v] of Object.entries(t)) {
        if (!(TARGET_KEYS as string[]).includes(k)) problems.push(unknownKeyProblem('targets.', k, TARGET_KEYS));
        else if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 100_000) {
          problems.push(`targets.${k}: expected a whole number 0-100000, got ${show(v)}`);
        } else targets[k as keyof Targets] = v;
      }
      if (targets.hot > targets.outbound) problems.push(`targets.hot (${targets.hot}) cannot exceed targets.outbound (${targets.outbound})`);
      if (targets.outbound > targets.maxTotal) {
        problems.push(`targets.outbound (${targets.outbound}) cannot exceed targets.maxTotal (${targets.maxTotal})`);
      }
      if (targets.maxInbound > targets.maxTotal) {
        problems.push(`targets.maxInbound (${targets.maxInbound}) cannot exceed targets.maxTotal (${targets.maxTotal})`);
      }
    }
  }

  const limits: Limits = { ...DEFAULT_LIMITS };
  if (cfg.limits !== undefined) {
    const l = cfg.limits as Record<string, unknown>;
    if (l === null || typeof l !== 'object' || Array.isArray(l)) problems.push(`limits: expected an object, got ${show(l)}`);
    else {
      for (const [k, v] of Object.entries(l)) {
        if (!(LIMIT_KEYS as string[]).includes(k)) problems.push(unknownKeyProblem('limits.', k, LIMIT_KEYS));
        else if (k === 'sendBudgetBytes') {
          if (typeof v !== 'number' || !Number.isInteger(v) || v < MIN_SEND_BUDGET || v > 2 ** 40) {
            problems.push(`limits.sendBudgetBytes: expected a whole number of bytes from ${MIN_SEND_BUDGET} (one largest frame) to 2^40, got ${show(v)}`);
          } else limits.sendBudgetBytes = v;
        } else if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 100_000) {
          problems.push(`limits.${k}: expected a whole number 1-100000, got ${show(v)}`);
        } else limits[k as keyof Limits] = v;
      }
    }
  }

  // The API sits next to the p2p port, on 127.0.0.1 — or on the node's own loopback address when it
  // listens on one (127.2.0.1:7000 → 127.2.0.1:7001), so nodes of a devnet do not collide.
  const p2pPort = listen[0]?.port ?? DEFAULT_PORT;
  const apiIp = listen[0] && classify(listen[0].ip) === 'loopback' ? listen[0].ip : '127.0.0.1';
  let api: ResolvedConfig['api'] = { listen: { ip: apiIp, port: p2pPort === 0 ? 0 : Math.min(65535, p2pPort + 1) }, corsOrigins: [], allowedHosts: [] };
  if (cfg.api === false) api = false;
  else if (cfg.api !== undefined) {
    const a = cfg.api as Record<string, unknown>;
    if (a === null || typeof a !== 'object' || Array.isArray(a)) problems.push(`api: expected { listen, corsOrigins, allowedHosts } or false, got ${show(a)}`);
    else {
      for (const k of Object.keys(a)) if (!(API_KEYS as readonly string[]).includes(k)) problems.push(unknownKeyProblem('api.', k, API_KEYS));
      if (a.listen !== undefined) {
        try {
          if (typeof a.listen !== 'string') throw new Error(`expected "ip:port", got ${show(a.listen)}`);
          api.listen = parseEndpoint(a.listen);
        } catch (err) {
          problems.push(`api.listen: ${(err as Error).message}`);
        }
      }
      const apiList = (key: 'corsOrigins' | 'allowedHosts', parse: (s: string) => string | { problem: string }): string[] => {
        const v = a[key];
        if (v === undefined) return [];
        if (!Array.isArray(v)) {
          problems.push(`api.${key}: expected a list of strings, got ${show(v)}`);
          return [];
        }
        const out: string[] = [];
        v.forEach((item, i) => {
          const r = typeof item === 'string' ? parse(item) : { problem: `expected a string, got ${show(item)}` };
          if (typeof r === 'string') out.push(r);
          else problems.push(`api.${key}[${i}]: ${r.problem}`);
        });
        return [...new Set(out)];
      };
      api.corsOrigins = apiList('corsOrigins', parseCorsOrigin);
      api.allowedHosts = apiList('allowedHosts', parseAllowedHost);
    }
  }

  let asmap: string | null = null;
  if (cfg.asmap !== undefined && cfg.asmap !== null) {
    if (typeof cfg.asmap !== 'string' || cfg.asmap.length === 0 || cfg.asmap.includes('\0')) problems.push(`asmap: expected the path of an asmap file or null, got ${show(cfg.asmap)}`);
    else asmap = cfg.asmap;
  }

  const logLevel = str('logLevel', 'info', (s) =>
    (LOG_LEVELS as readonly string[]).includes(s) ? undefined : `must be one of ${LOG_LEVELS.join(', ')}`,
  ) as LogLevel;
  const userAgent = str('userAgent', `peerwarden/${VERSION}`, (s) =>
    Buffer.byteLength(s, 'utf8') <= 64 ? undefined : 'at most 64 bytes (UTF-8), as the HELLO message allows',
  );

  if (dataDir !== null && dataDir.includes('\0')) problems.push('dataDir: contains a NUL byte');
  if (problems.length) throw new ConfigError(problems);
  return {
    network,
    dataDir,
    listen,
    encryption: encryption as 'tls' | 'none',
    seeds,
    dnsSeeds,
    hubs,
    staticPeers,
    trustedPeers,
    localProbe,
    hub,
    allowPrivate,
    allowLoopback,
    targets,
    limits,
    asmap,
    api,
    logLevel,
    userAgent,
  };
}
