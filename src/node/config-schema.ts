// Every configuration key, declared once: its value, default, flag, variable, help line and documentation.
//
// Everything else is derived from this table: the NodeConfig and ResolvedConfig types and
// resolveConfig's checks (node/config.ts), the flags, PEERWARDEN_* variables and `node --help`
// (cli/config-sources.ts), and the Configuration table of docs/operations.md
// (scripts/config-table.ts writes it; test/node/config-table.test.ts checks it).

import { VERSION } from '../version.js';
import { DEFAULT_MAX_FRAME_BYTES, FRAME_HEADER_BYTES, MAX_USER_AGENT_BYTES } from '../wire/constants.js';
import { group, isGroup, key, type Fields, type Key } from './config-fields.js';
import { bool, endpoint, endpoints, list, localProbe, oneOf, path, text, wholeNumber } from './config-kinds.js';
import { DEFAULT_PORT, orList, parseAllowedHost, parseCorsOrigin, parsePeerAddress, parsePeerRef } from './config-values.js';

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
const ENCRYPTIONS = ['tls', 'none'] as const;

/**
 * The tried-per-source-group limit a node runs with (0: none, Bitcoin Core's book): chosen by the
 * eclipse study (`peerwarden sim eclipse-study`, docs/simulator.md).
 */
export const DEFAULT_MAX_TRIED_PER_SOURCE_GROUP = 4;

/** Targets and limits above this are refused as typos rather than honoured. */
const MAX_COUNT = 100_000;
/** The smallest send budget that makes sense: one largest frame and its header must fit. */
const MIN_SEND_BUDGET = DEFAULT_MAX_FRAME_BYTES + FRAME_HEADER_BYTES;

const peerAddresses = list(parsePeerAddress, 'host:port');
const peerRefs = list(parsePeerRef, 'peer');
const targetCount = wholeNumber(0, MAX_COUNT);
const limitCount = wholeNumber(1, MAX_COUNT);

/** The table, in the order of `--help` and of the docs. */
export const CONFIG_SCHEMA = {
  network: key(
    text((s) => (/^[A-Za-z0-9._-]{1,64}$/.test(s) ? undefined : 'use 1-64 letters, digits, ".", "_" or "-"'), 'name'),
    {
      default: 'main',
      flag: 'network',
      env: 'NETWORK',
      help: 'network name; nodes of other networks are refused',
      meaning: 'network name, hashed into the handshake: nodes of other networks are refused',
    },
  ),
  dataDir: key(path('a directory path or null (in memory only)'), {
    default: './peerwarden-data',
    flag: 'data-dir',
    env: 'DATA_DIR',
    value: 'dir',
    help: 'where the key, database and token live',
    meaning: 'holds `node.key`, `peerwarden.db`, `api.token`, `api.url`; `null` (library only) keeps everything in memory',
  }),
  listen: key(endpoints, {
    default: `0.0.0.0:${DEFAULT_PORT}`,
    flag: 'listen',
    env: 'LISTEN',
    help: 'p2p endpoint ip:port (repeatable; port 0 picks one)',
    meaning: 'p2p endpoint(s); port 0 picks a free one',
  }),
  encryption: key(oneOf(ENCRYPTIONS), {
    default: 'tls',
    flag: 'encryption',
    env: 'ENCRYPTION',
    help: orList(ENCRYPTIONS),
    meaning: '`tls` (TLS 1.3, channel-bound authentication) or `none`',
  }),
  seeds: key(peerAddresses, {
    default: [],
    flag: 'seed',
    env: 'SEEDS',
    help: 'seed node host:port (repeatable)',
    meaning: '`host:port` of nodes to ask for addresses at start; names are resolved',
  }),
  dnsSeeds: key(peerAddresses, {
    default: [],
    flag: 'dns-seed',
    env: 'DNS_SEEDS',
    value: 'name',
    help: 'DNS seed name (repeatable)',
    meaning: `DNS names whose A/AAAA records are nodes (port ${DEFAULT_PORT} unless given)`,
  }),
  hubs: key(peerAddresses, {
    default: [],
    flag: 'hubs',
    env: 'HUBS',
    help: 'hub host:port to announce to and fetch from (repeatable)',
    meaning: 'hubs to announce ourselves to and fetch addresses from, at start and when addresses run low',
  }),
  staticPeers: key(peerRefs, {
    default: [],
    flag: 'static-peer',
    env: 'STATIC_PEERS',
    help: 'peer to keep connected: host:port, node id, or id@host:port',
    meaning: 'peers always kept connected: `host:port`, a node id, or `id@host:port`',
  }),
  trustedPeers: key(peerRefs, {
    default: [],
    flag: 'trusted-peer',
    env: 'TRUSTED_PEERS',
    help: 'peer that bypasses limits and automatic bans',
    meaning: 'peers that bypass connection limits and automatic bans (never manual ones)',
  }),
  localProbe: key(localProbe, {
    default: null,
    flag: 'local-probe',
    env: 'LOCAL_PROBE',
    help: 'probe host:from-to for peers (devnets)',
    meaning: 'probe a host\'s port range for nodes (devnets): `{ host, ports: "7000-7011" }`, as a flag or variable `host:from-to`',
  }),
  hub: key(bool, { default: false, flag: 'hub', env: 'HUB', help: 'run as a hub: learn and hand out addresses', meaning: 'hub mode' }),
  allowPrivate: key(bool, {
    default: false,
    flag: 'allow-private',
    env: 'ALLOW_PRIVATE',
    help: 'accept private (RFC 1918, fc00::/7) addresses',
    meaning: 'accept RFC 1918 and fc00::/7 addresses (LANs) and group them like public ones',
  }),
  allowLoopback: key(bool, {
    default: false,
    flag: 'allow-loopback',
    env: 'ALLOW_LOOPBACK',
    help: 'accept loopback addresses (devnets)',
    meaning: 'accept 127.0.0.0/8 and ::1 (devnets), grouping 127.a.b.x by /16',
  }),
  targets: group({
    hot: key(targetCount, { default: 8, flag: 'target-hot', env: 'TARGET_HOT', help: 'outbound hot peers', meaning: 'outbound peers carrying application traffic' }),
    outbound: key(targetCount, {
      default: 12,
      flag: 'target-outbound',
      env: 'TARGET_OUTBOUND',
      help: 'outbound warm+hot peers',
      meaning: 'outbound warm + hot peers',
    }),
    maxInbound: key(targetCount, { default: 100, flag: 'max-inbound', env: 'MAX_INBOUND', help: 'inbound connections', meaning: 'inbound connections' }),
    maxTotal: key(targetCount, { default: 125, flag: 'max-total', env: 'MAX_TOTAL', help: 'all connections', meaning: 'all connections' }),
    maxInboundPerIp: key(targetCount, {
      default: 4,
      flag: 'max-inbound-per-ip',
      env: 'MAX_INBOUND_PER_IP',
      help: 'inbound connections per IP',
      meaning: 'inbound connections from one IP',
    }),
  }),
  asmap: key(path('the path of an asmap file or null'), {
    default: null,
    flag: 'asmap',
    env: 'ASMAP',
    help: 'AS map file (Bitcoin Core format): group peers by network operator, not /16',
    meaning:
      'an AS map file (Bitcoin Core\'s format): net groups become autonomous systems (`AS13335`) for bucketing, outbound diversity and inbound eviction; a changed map re-buckets the book at start ([addrbook.md](addrbook.md#as-map-asmap))',
  }),
  maxTriedPerSourceGroup: key(wholeNumber(0, MAX_COUNT, 'a whole number 0-100000 (0: no limit, as Bitcoin Core)'), {
    default: DEFAULT_MAX_TRIED_PER_SOURCE_GROUP,
    flag: 'max-tried-per-source-group',
    env: 'MAX_TRIED_PER_SOURCE_GROUP',
    help: 'tried-table entries learned from one source net group (0: no limit, as Bitcoin Core)',
    meaning:
      'at most this many tried-table entries whose address was told by one source net group (or AS); `0` keeps the book bit for bit Bitcoin Core\'s ([addrbook.md](addrbook.md#eclipse-defences-beyond-core))',
  }),
  limits: group({
    sendBudgetBytes: key(wholeNumber(MIN_SEND_BUDGET, 2 ** 40, `a whole number of bytes from ${MIN_SEND_BUDGET} (one largest frame) to 2^40`), {
      default: 64 * 1024 * 1024,
      flag: 'send-budget',
      env: 'SEND_BUDGET',
      value: 'bytes',
      help: 'bytes all peers together may have queued',
      meaning:
        'bytes all peers\' outbound queues may hold together; past it the peers holding most are dropped as `slow` ([what peers can make a node hold](#what-peers-can-make-a-node-hold))',
    }),
    maxPendingHandshakes: key(limitCount, {
      default: 64,
      flag: 'max-pending-handshakes',
      env: 'MAX_PENDING_HANDSHAKES',
      help: 'inbound handshakes in progress',
      meaning: 'inbound connections still handshaking; they never hold an inbound slot, and a full pool evicts the oldest of the busiest net group',
    }),
    maxPendingPerIp: key(limitCount, {
      default: 4,
      flag: 'max-pending-per-ip',
      env: 'MAX_PENDING_PER_IP',
      help: 'inbound handshakes in progress per IP',
      meaning: 'of those, from one IP',
    }),
  }),
  api: group(
    {
      listen: key(endpoint, {
        default: undefined,
        flag: 'api-listen',
        env: 'API_LISTEN',
        help: 'HTTP API ip:port (default 127.0.0.1:<p2p port + 1>)',
        shownDefault: '`127.0.0.1:<p2p port + 1>` (on the node\'s own address when it listens on a loopback one, e.g. 127.2.0.1)',
        meaning:
          'HTTP API and dashboard; `api = false` or `--no-api` turns it off. The library\'s `createNode` serves it too (`node.api` has its URL and token)',
      }),
      corsOrigins: key(list(parseCorsOrigin, 'origin', true), {
        default: [],
        flag: 'api-cors-origin',
        env: 'API_CORS_ORIGINS',
        help: 'web origin whose pages may use the API, e.g. https://ops.example.org (repeatable; none by default)',
        meaning: 'exact origins (`https://ops.example.org`, `http://127.0.0.1:8080`) whose web pages may use the API; no wildcard',
      }),
      allowedHosts: key(list(parseAllowedHost, 'name', true), {
        default: [],
        flag: 'api-allowed-host',
        env: 'API_ALLOWED_HOSTS',
        help: 'host name the API answers to besides its own address and localhost, e.g. a proxy\'s (repeatable)',
        meaning:
          'names the API answers to besides its own address and `localhost`: `name` (any port) or `name:port`, e.g. the name a reverse proxy forwards; no wildcards ([who can reach the API](#who-can-reach-the-api))',
      }),
    },
    true,
  ),
  logLevel: key(oneOf(LOG_LEVELS), {
    default: 'info',
    flag: 'log-level',
    env: 'LOG_LEVEL',
    value: 'level',
    help: orList(LOG_LEVELS),
    meaning: LOG_LEVELS.map((l) => `\`${l}\``).join(', '),
  }),
  userAgent: key(
    text((s) => (Buffer.byteLength(s, 'utf8') <= MAX_USER_AGENT_BYTES ? undefined : `at most ${MAX_USER_AGENT_BYTES} bytes (UTF-8), as the HELLO message allows`)),
    {
      default: `peerwarden/${VERSION}`,
      flag: 'user-agent',
      env: 'USER_AGENT',
      help: `name sent in HELLO (≤ ${MAX_USER_AGENT_BYTES} bytes)`,
      shownDefault: '`peerwarden/<version>`',
      meaning: `sent in HELLO, at most ${MAX_USER_AGENT_BYTES} bytes`,
    },
  ),
} satisfies Fields;

export type ConfigSchema = typeof CONFIG_SCHEMA;

/** A key with its place in the configuration object (`['targets', 'hot']`): a row of the docs, a flag, a variable. */
export interface ConfigKey extends Key<unknown, unknown> {
  readonly path: readonly string[];
}

function leaves(fields: Fields, at: readonly string[]): ConfigKey[] {
  return Object.entries(fields).flatMap(([name, e]) => (isGroup(e) ? leaves(e.fields, [...at, name]) : [{ ...e, path: [...at, name] }]));
}

/** Every key, nested ones included, in the table's order. */
export const CONFIG_KEYS: readonly ConfigKey[] = leaves(CONFIG_SCHEMA, []);
