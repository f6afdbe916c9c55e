// Builds a node configuration from a file (TOML or JSON), PEERWARDEN_* variables and flags; flags win.

import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { ConfigError, resolveConfig, type NodeConfig, type ResolvedConfig } from '../node/config.js';
import { didYouMean, helpColumns, suggestFlag } from './args.js';

/** How one configuration key is spelled as a flag and as an environment variable. */
interface KeySpec {
  flag: string;
  env: string;
  /** Where it goes in the config object. */
  path: string[];
  kind: 'string' | 'list' | 'bool' | 'int' | 'probe';
  help: string;
}

/** Every node setting, as the flags and variables that mirror the config file's keys (docs/operations.md). */
export const NODE_KEYS: readonly KeySpec[] = [
  { flag: 'network', env: 'NETWORK', path: ['network'], kind: 'string', help: 'network name; nodes of other networks are refused' },
  { flag: 'data-dir', env: 'DATA_DIR', path: ['dataDir'], kind: 'string', help: 'where the key, database and token live' },
  { flag: 'listen', env: 'LISTEN', path: ['listen'], kind: 'list', help: 'p2p endpoint ip:port (repeatable; port 0 picks one)' },
  { flag: 'encryption', env: 'ENCRYPTION', path: ['encryption'], kind: 'string', help: 'tls or none' },
  { flag: 'seed', env: 'SEEDS', path: ['seeds'], kind: 'list', help: 'seed node host:port (repeatable)' },
  { flag: 'dns-seed', env: 'DNS_SEEDS', path: ['dnsSeeds'], kind: 'list', help: 'DNS seed name (repeatable)' },
  { flag: 'hubs', env: 'HUBS', path: ['hubs'], kind: 'list', help: 'hub host:port to announce to and fetch from (repeatable)' },
  { flag: 'static-peer', env: 'STATIC_PEERS', path: ['staticPeers'], kind: 'list', help: 'peer to keep connected: host:port, node id, or id@host:port' },
  { flag: 'trusted-peer', env: 'TRUSTED_PEERS', path: ['trustedPeers'], kind: 'list', help: 'peer that bypasses limits and automatic bans' },
  { flag: 'local-probe', env: 'LOCAL_PROBE', path: ['localProbe'], kind: 'probe', help: 'probe host:from-to for peers (devnets)' },
  { flag: 'hub', env: 'HUB', path: ['hub'], kind: 'bool', help: 'run as a hub: learn and hand out addresses' },
  { flag: 'allow-private', env: 'ALLOW_PRIVATE', path: ['allowPrivate'], kind: 'bool', help: 'accept private (RFC 1918, fc00::/7) addresses' },
  { flag: 'allow-loopback', env: 'ALLOW_LOOPBACK', path: ['allowLoopback'], kind: 'bool', help: 'accept loopback addresses (devnets)' },
  { flag: 'target-hot', env: 'TARGET_HOT', path: ['targets', 'hot'], kind: 'int', help: 'outbound hot peers (default 8)' },
  { flag: 'target-outbound', env: 'TARGET_OUTBOUND', path: ['targets', 'outbound'], kind: 'int', help: 'outbound warm+hot peers (default 12)' },
  { flag: 'max-inbound', env: 'MAX_INBOUND', path: ['targets', 'maxInbound'], kind: 'int', help: 'inbound connections (default 100)' },
  { flag: 'max-total', env: 'MAX_TOTAL', path: ['targets', 'maxTotal'], kind: 'int', help: 'all connections (default 125)' },
  { flag: 'max-inbound-per-ip', env: 'MAX_INBOUND_PER_IP', path: ['targets', 'maxInboundPerIp'], kind: 'int', help: 'inbound connections per IP (default 4)' },
  { flag: 'asmap', env: 'ASMAP', path: ['asmap'], kind: 'string', help: 'AS map file (Bitcoin Core format): group peers by network operator, not /16' },
  { flag: 'send-budget', env: 'SEND_BUDGET', path: ['limits', 'sendBudgetBytes'], kind: 'int', help: 'bytes all peers together may have queued (default 67108864)' },
  { flag: 'max-pending-handshakes', env: 'MAX_PENDING_HANDSHAKES', path: ['limits', 'maxPendingHandshakes'], kind: 'int', help: 'inbound handshakes in progress (default 64)' },
  { flag: 'max-pending-per-ip', env: 'MAX_PENDING_PER_IP', path: ['limits', 'maxPendingPerIp'], kind: 'int', help: 'inbound handshakes in progress per IP (default 4)' },
  { flag: 'api-listen', env: 'API_LISTEN', path: ['api', 'listen'], kind: 'string', help: 'HTTP API ip:port (default 127.0.0.1:<p2p port + 1>)' },
  {
    flag: 'api-cors-origin',
    env: 'API_CORS_ORIGINS',
    path: ['api', 'corsOrigins'],
    kind: 'list',
    help: 'web origin whose pages may use the API, e.g. https://ops.example.org (repeatable; none by default)',
  },
  {
    flag: 'api-allowed-host',
    env: 'API_ALLOWED_HOSTS',
    path: ['api', 'allowedHosts'],
    kind: 'list',
    help: 'host name the API answers to besides its own address and localhost, e.g. a proxy\'s (repeatable)',
  },
  { flag: 'log-level', env: 'LOG_LEVEL', path: ['logLevel'], kind: 'string', help: 'trace, debug, info, warn, error, fatal or silent' },
  { flag: 'user-agent', env: 'USER_AGENT', path: ['userAgent'], kind: 'string', help: 'name sent in HELLO (≤ 64 bytes)' },
];

/** Variables that belong to the CLI clients, not to the node: never reported as unknown. */
const CLIENT_ENV = new Set(['PEERWARDEN_API', 'PEERWARDEN_TOKEN', 'PEERWARDEN_CONFIG']);

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const upperSnake = (s: string) => s.replace(/-/g, '_').replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

/**
 * Every spelling of a flag: its name and, for a top-level key, the key itself in kebab case, so
 * `--seeds` works beside `--seed` and `--static-peers` beside `--static-peer`.
 */
function flagNames(k: KeySpec): string[] {
  return [...new Set([k.flag, ...(k.path.length === 1 ? [kebab(k.path[0]!)] : [])])];
}

/** Every spelling of a variable: PEERWARDEN_ + its documented name, the flag's, and the key's. */
function envNames(k: KeySpec): string[] {
  return [...new Set([k.env, upperSnake(k.flag), ...(k.path.length === 1 ? [upperSnake(k.path[0]!)] : [])].map((n) => `PEERWARDEN_${n}`))];
}

export interface ConfigSources {
  /** Node flags only (the subcommand already removed). */
  argv: string[];
  env: Record<string, string | undefined>;
  /** Flags this command takes besides the node keys, e.g. { 'reset-address-book': 'bool' }. */
  extraFlags?: Record<string, 'bool' | 'string'>;
  /** Values applied before the file (defaults of a subcommand, e.g. hub: true). */
  base?: NodeConfig;
}

export interface LoadedConfig {
  config: ResolvedConfig;
  /** The merged settings before defaults: what createNode takes. */
  input: NodeConfig;
  /** Where --config pointed, if anywhere. */
  file?: string;
  /** Values of extraFlags. */
  extras: Record<string, string | boolean>;
  /** Things worth telling the operator that do not stop the node (unknown PEERWARDEN_* variables). */
  warnings: string[];
}

function setPath(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let o = obj;
  for (const k of path.slice(0, -1)) {
    if (o[k] === undefined || o[k] === null || typeof o[k] !== 'object' || Array.isArray(o[k])) o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[path[path.length - 1]!] = value;
}

function convert(spec: KeySpec, raw: string, where: string, problems: string[]): unknown {
  switch (spec.kind) {
    case 'string':
      return raw;
    case 'list':
      return raw.split(',').map((s) => s.trim()).filter(Boolean);
    case 'bool':
      if (/^(1|true|yes|on)$/i.test(raw)) return true;
      if (/^(0|false|no|off)$/i.test(raw)) return false;
      problems.push(`${where}: expected true or false, got ${JSON.stringify(raw)}`);
      return undefined;
    case 'int':
      if (/^[0-9]+$/.test(raw)) return Number(raw);
      problems.push(`${where}: expected a whole number, got ${JSON.stringify(raw)}`);
      return undefined;
    case 'probe': {
      const m = /^(.*):([0-9]+(?:-[0-9]+)?)$/.exec(raw);
      if (m) return { host: m[1]!.replace(/^\[|\]$/g, ''), ports: m[2]! };
      problems.push(`${where}: expected host:from-to, e.g. 127.0.0.1:7000-7011, got ${JSON.stringify(raw)}`);
      return undefined;
    }
  }
}

/** Reads a TOML or JSON config file; problems (unreadable, unparseable) are appended, not thrown. */
function readConfigFile(path: string, problems: string[]): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    problems.push(`--config ${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    return {};
  }
  try {
    const isJson = extname(path).toLowerCase() === '.json' || /^\s*\{/.test(text);
    const parsed: unknown = isJson ? JSON.parse(text) : parseToml(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      problems.push(`--config ${path}: the file must hold a table/object of settings`);
      return {};
    }
    return parsed as Record<string, unknown>;
  } catch (err) {
    problems.push(`--config ${path}: not valid ${extname(path) === '.json' ? 'JSON' : 'TOML or JSON'}: ${(err as Error).message.split('\n')[0]}`);
    return {};
  }
}

/** Deep-merges plain objects (targets, api…); arrays and scalars from `over` replace those in `base`. */
function mergeInto(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(over)) {
    const b = base[k];
    const plain = (x: unknown) => x !== null && typeof x === 'object' && !Array.isArray(x);
    base[k] = plain(v) && plain(b) ? mergeInto({ ...(b as Record<string, unknown>) }, v as Record<string, unknown>) : v;
  }
  return base;
}

/**
 * Merges file < environment < flags into one configuration and validates it. Every problem from every
 * source (unknown flags, unreadable file, bad values) is collected into one ConfigError.
 */
export function loadNodeConfig(sources: ConfigSources): LoadedConfig {
  const problems: string[] = [];
  const warnings: string[] = [];
  const extras: Record<string, string | boolean> = {};
  const extraFlags = sources.extraFlags ?? {};
  const byFlag = new Map(NODE_KEYS.flatMap((k) => flagNames(k).map((f) => [f, k] as const)));
  const fromFlags: Record<string, unknown> = {};
  let file = sources.env.PEERWARDEN_CONFIG;

  const argv = sources.argv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      problems.push(`unexpected argument ${JSON.stringify(arg)} (settings are given as --name value)`);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    if (name === 'no-api') {
      fromFlags.api = false;
      continue;
    }
    const negated = name.startsWith('no-') && byFlag.get(name.slice(3))?.kind === 'bool' ? byFlag.get(name.slice(3)) : undefined;
    if (negated) {
      setPath(fromFlags, negated.path, false);
      continue;
    }
    const spec = byFlag.get(name);
    const extraKind = name === 'config' ? 'string' : extraFlags[name];
    if (!spec && !extraKind) {
      const known = [...byFlag.keys(), ...Object.keys(extraFlags), 'config', 'no-api'];
      problems.push(`unknown option --${name}${suggestFlag(name, known)}; run with --help for the list`);
      // A typo of a flag that takes a value: its value is not an argument of its own.
      const meant = didYouMean(name, known);
      const meantKind = meant === undefined ? undefined : meant === 'config' ? 'string' : (byFlag.get(meant)?.kind ?? extraFlags[meant]);
      if (inline === undefined && meantKind && meantKind !== 'bool' && i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) i++;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (spec?.kind === 'bool' || extraKind === 'bool') value = 'true';
      else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) value = argv[++i]!;
      else {
        problems.push(`--${name} needs a value`);
        continue;
      }
    }
    if (name === 'config') file = value;
    else if (!spec) extras[name] = extraKind === 'bool' ? !/^(0|false|no|off)$/i.test(value) : value;
    else {
      const v = convert(spec, value, `--${name}`, problems);
      // Repeatable list flags accumulate; a later scalar flag overrides an earlier one.
      if (spec.kind === 'list') {
        const prev = spec.path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], fromFlags);
        setPath(fromFlags, spec.path, [...((prev as string[] | undefined) ?? []), ...(v as string[])]);
      } else if (v !== undefined) setPath(fromFlags, spec.path, v);
    }
  }

  const fromEnv: Record<string, unknown> = {};
  const byEnv = new Map(NODE_KEYS.flatMap((k) => envNames(k).map((e) => [e, k] as const)));
  for (const [name, raw] of Object.entries(sources.env)) {
    if (!name.startsWith('PEERWARDEN_') || raw === undefined || CLIENT_ENV.has(name)) continue;
    const spec = byEnv.get(name);
    if (!spec) {
      // Not fatal: the environment is shared with other tools; say so and go on.
      warnings.push(`environment ${name} is not a peerwarden setting and is ignored; known: ${NODE_KEYS.map((k) => `PEERWARDEN_${k.env}`).join(', ')}`);
      continue;
    }
    const v = convert(spec, raw, `environment ${name}`, problems);
    if (v !== undefined) setPath(fromEnv, spec.path, v);
  }

  const merged = mergeInto(structuredClone((sources.base ?? {}) as Record<string, unknown>), file ? readConfigFile(file, problems) : {});
  mergeInto(merged, fromEnv);
  mergeInto(merged, fromFlags);

  try {
    const config = resolveConfig(merged);
    if (problems.length) throw new ConfigError(problems);
    return { config, input: merged as NodeConfig, file, extras, warnings };
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError([...problems, ...err.problems.filter((p) => !problems.includes(p))]);
    throw err;
  }
}

/** How help names each flag's value (`--listen <ip:port>`); a flag not listed is named by its kind. */
const VALUE_NAMES: Record<string, string> = {
  network: 'name',
  'data-dir': 'dir',
  listen: 'ip:port',
  encryption: 'tls|none',
  seed: 'host:port',
  'dns-seed': 'name',
  hubs: 'host:port',
  'static-peer': 'peer',
  'trusted-peer': 'peer',
  'local-probe': 'host:from-to',
  asmap: 'file',
  'send-budget': 'bytes',
  'api-listen': 'ip:port',
  'api-cors-origin': 'origin',
  'api-allowed-host': 'name',
  'log-level': 'level',
  'user-agent': 'text',
};
const KIND_VALUES: Record<KeySpec['kind'], string> = { string: 'text', list: 'value', bool: '', int: 'n', probe: 'host:from-to' };

/** The node settings as help rows, `--flag <value>` and what it sets, generated from NODE_KEYS so they cannot drift. */
export function nodeFlagRows(): [string, string][] {
  return NODE_KEYS.map((k) => [`    --${k.flag}${k.kind === 'bool' ? '' : ` <${VALUE_NAMES[k.flag] ?? KIND_VALUES[k.kind]}>`}`, k.help]);
}

/** The flags section of `peerwarden node --help`. */
export function nodeFlagsHelp(): string {
  return helpColumns(nodeFlagRows());
}
