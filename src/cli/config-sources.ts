// Builds a node configuration from a file (TOML or JSON), PEERWARDEN_* variables and flags; flags win.

import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { ConfigError, resolveConfig, type NodeConfig, type ResolvedConfig } from '../node/config.js';
import { isGroup } from '../node/config-fields.js';
import { CONFIG_KEYS, CONFIG_SCHEMA, type ConfigKey } from '../node/config-schema.js';
import { didYouMean, helpColumns, suggestFlag } from './args.js';

/** Every node setting, nested ones included, as flags and variables (the schema's keys; test/contrib reads them too). */
export const NODE_KEYS: readonly ConfigKey[] = CONFIG_KEYS;

/** Variables that belong to the CLI clients, not to the node: never reported as unknown. */
const CLIENT_ENV = new Set(['PEERWARDEN_API', 'PEERWARDEN_TOKEN', 'PEERWARDEN_CONFIG']);

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const upperSnake = (s: string) => s.replace(/-/g, '_').replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

/** `--no-api`: a group that `false` turns off has a flag that does it, `--no-<group>`. */
const OFF_FLAGS = new Map(
  Object.entries(CONFIG_SCHEMA)
    .filter(([, e]) => isGroup(e) && e.canBeOff)
    .map(([name]) => [`no-${kebab(name)}`, name]),
);

/**
 * Every spelling of a flag: its name and, for a top-level key, the key itself in kebab case, so
 * `--seeds` works beside `--seed` and `--static-peers` beside `--static-peer`.
 */
function flagNames(k: ConfigKey): string[] {
  return [...new Set([k.flag, ...(k.path.length === 1 ? [kebab(k.path[0]!)] : [])])];
}

/** Every spelling of a variable: PEERWARDEN_ + its documented name, the flag's, and the key's. */
function envNames(k: ConfigKey): string[] {
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

function setPath(obj: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let o = obj;
  for (const k of path.slice(0, -1)) {
    if (o[k] === undefined || o[k] === null || typeof o[k] !== 'object' || Array.isArray(o[k])) o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[path[path.length - 1]!] = value;
}

function convert(spec: ConfigKey, raw: string, where: string, problems: string[]): unknown {
  switch (spec.type.kind) {
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
    const off = OFF_FLAGS.get(name);
    if (off) {
      fromFlags[off] = false;
      continue;
    }
    const negated = name.startsWith('no-') && byFlag.get(name.slice(3))?.type.kind === 'bool' ? byFlag.get(name.slice(3)) : undefined;
    if (negated) {
      setPath(fromFlags, negated.path, false);
      continue;
    }
    const spec = byFlag.get(name);
    const extraKind = name === 'config' ? 'string' : extraFlags[name];
    if (!spec && !extraKind) {
      const known = [...byFlag.keys(), ...Object.keys(extraFlags), 'config', ...OFF_FLAGS.keys()];
      problems.push(`unknown option --${name}${suggestFlag(name, known)}; run with --help for the list`);
      // A typo of a flag that takes a value: its value is not an argument of its own.
      const meant = didYouMean(name, known);
      const meantKind = meant === undefined ? undefined : meant === 'config' ? 'string' : (byFlag.get(meant)?.type.kind ?? extraFlags[meant]);
      if (inline === undefined && meantKind && meantKind !== 'bool' && i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) i++;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (spec?.type.kind === 'bool' || extraKind === 'bool') value = 'true';
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
      if (spec.type.kind === 'list') {
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

/** The node settings as help rows, `--flag <value>` and what it sets (with the default of a number), from the schema. */
export function nodeFlagRows(): [string, string][] {
  return NODE_KEYS.map((k) => [
    `    --${k.flag}${k.type.kind === 'bool' ? '' : ` <${k.value}>`}`,
    k.type.kind === 'int' ? `${k.help} (default ${String(k.default)})` : k.help,
  ]);
}

/** The flags section of `peerwarden node --help`. */
export function nodeFlagsHelp(): string {
  return helpColumns(nodeFlagRows());
}
