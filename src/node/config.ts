// Node configuration: the types and the check derived from the schema, with every problem listed at once.

import { PeerwardenError } from '../core/errors.js';
import { classify, type Endpoint } from '../core/address/index.js';
import { checkFields, type InOf, type OutOf } from './config-fields.js';
import { CONFIG_SCHEMA, type ConfigSchema } from './config-schema.js';
import { DEFAULT_PORT, show } from './config-values.js';

export { DEFAULT_PORT, parseAllowedHost, parseCorsOrigin, parseHostPort, type HostPort, type PeerRef } from './config-values.js';
export type { LogLevel } from './config-schema.js';

/** What createNode accepts: every key optional, defaults as documented in docs/operations.md. */
export type NodeConfig = { [K in keyof ConfigSchema]?: InOf<ConfigSchema[K]> };

/** What resolveConfig returns: every key present, addresses parsed, defaults filled in. */
export type ResolvedConfig = { [K in keyof ConfigSchema]: OutOf<ConfigSchema[K]> };

/** The HTTP API's settings (docs/operations.md, "Who can reach the API"). */
export type ApiConfig = Exclude<NonNullable<NodeConfig['api']>, false>;
/** Connection counts the governor and admission aim for. */
export type Targets = ResolvedConfig['targets'];
/** What remote parties can make the node hold: budgets that bound memory and slots under attack. */
export type Limits = ResolvedConfig['limits'];

export const DEFAULT_TARGETS: Readonly<Targets> = checkFields(CONFIG_SCHEMA.targets.fields, {}, '', []) as Targets;
export const DEFAULT_LIMITS: Readonly<Limits> = checkFields(CONFIG_SCHEMA.limits.fields, {}, '', []) as Limits;

/** Thrown by createNode and the CLI when the configuration is invalid; lists every problem found. */
export class ConfigError extends PeerwardenError {
  readonly code = 'config-invalid';
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`);
  }
}

/** Targets that must not exceed others: a node cannot keep more hot peers than outbound ones, and so on. */
const TARGET_ORDER: readonly (readonly [keyof Targets, keyof Targets])[] = [
  ['hot', 'outbound'],
  ['outbound', 'maxTotal'],
  ['maxInbound', 'maxTotal'],
];

/**
 * The API sits next to the p2p port, on 127.0.0.1 — or on the node's own loopback address when it
 * listens on one (127.2.0.1:7000 → 127.2.0.1:7001), so the nodes of a devnet do not collide.
 */
function defaultApiListen(listen: readonly Endpoint[]): Endpoint {
  const p2pPort = listen[0]?.port ?? DEFAULT_PORT;
  const ip = listen[0] && classify(listen[0].ip) === 'loopback' ? listen[0].ip : '127.0.0.1';
  return { ip, port: p2pPort === 0 ? 0 : Math.min(65535, p2pPort + 1) };
}

/**
 * Validates a configuration object and fills in defaults. Throws ConfigError listing every problem
 * (unknown keys, wrong types, out-of-range values, unparseable addresses), not just the first.
 */
export function resolveConfig(input: unknown = {}): ResolvedConfig {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ConfigError([`the configuration must be an object, got ${show(input)}`]);
  }
  const problems: string[] = [];
  const config = checkFields(CONFIG_SCHEMA, input as Record<string, unknown>, '', problems) as ResolvedConfig;
  // api.listen is the one key whose default is derived (checkFields leaves it undefined).
  if (config.api) config.api.listen ??= defaultApiListen(config.listen);
  const t = config.targets;
  for (const [low, high] of TARGET_ORDER) {
    if (t[low] > t[high]) problems.push(`targets.${low} (${t[low]}) cannot exceed targets.${high} (${t[high]})`);
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}
