// The CLI's clients of a running node's API (status, peers, bans, ban, unban, connect, disconnect,
// explain), against a node or hub and, where it makes sense, against `peerwarden watch`.

import type {
  AlarmJson,
  AnyStatusJson,
  BanJson,
  BannedJson,
  BansJson,
  ConnectedJson,
  HistoryItemJson,
  HistoryJson,
  NodeStatusJson,
  ObservedHistoryEntryJson,
  ObservedPeerDetailJson,
  ObservedPeersJson,
  ObserverStatusJson,
  PeerDetailJson,
  PeerInfoJson,
  PeersJson,
  StateCountsJson,
  TrackJson,
} from '../api/dto.js';
import { formatEndpoint, parseEndpoint } from '../core/address/index.js';
import { formatDuration, parseDuration } from '../core/duration.js';
import { MAX_BAN_DURATION_MS } from '../core/reputation/banlist.js';
import { parseBanTarget } from '../core/reputation/ban-target.js';
import { ConfigError } from '../node/config.js';
import { flagsHelp, parseArgs, usageError, type FlagSpec, type ParsedArgs } from './args.js';
import { apiUrlOf, API_URL_FILE, ClientError, NodeClient } from './client.js';
import type { CliIo } from './io.js';
import { observedPeersTable, reportedLines } from './observer-text.js';
import { formatBytes, formatTime, renderTable, shortId } from './table.js';
import { safeJsonText, safeText } from './terminal-text.js';

const COMMON: Record<string, FlagSpec> = {
  api: { kind: 'string', value: 'url', help: "the node's API, a URL or host:port (default: PEERWARDEN_API, else from --config or <data-dir>/api.url, else 127.0.0.1:7001)" },
  config: { kind: 'string', value: 'file', help: "the node's configuration file (default PEERWARDEN_CONFIG): its API address and data dir are used" },
  'data-dir': { kind: 'string', value: 'dir', help: "the node's data dir, to find its API and token (default ./peerwarden-data)" },
  token: { kind: 'string', value: 'token', help: 'API token for changes (default: PEERWARDEN_TOKEN, else <data-dir>/api.token)' },
  json: { kind: 'bool', help: 'print JSON for scripts' },
  help: { kind: 'bool', short: 'h', help: 'show this help' },
};

/** What the API at the other end is: a node, a hub, or `peerwarden watch` (an observer of a cardano-node). */
type Mode = 'node' | 'hub' | 'observer';

interface Run {
  client: NodeClient;
  /** GET /api/v1/status, read before the command runs. */
  status: AnyStatusJson;
  args: string[];
  flags: ParsedArgs['flags'];
  io: CliIo;
}

interface ClientCommand {
  usage: string;
  summary: string;
  flags?: Record<string, FlagSpec>;
  /** Positional arguments required (exactly). */
  args: number;
  /** Problems with the arguments, found before any request (usage errors, exit 2). */
  check?(args: string[], flags: ParsedArgs['flags']): string[];
  /** Against a node or a hub; returns what --json prints. */
  node(r: Run): Promise<unknown>;
  /** Against `peerwarden watch`, or why the command makes no sense there (one line, exit 1). */
  observer: ((r: Run) => Promise<unknown>) | string;
}

/**
 * A node's status as `status` reads it: the alarms are in its health; a server that puts them at the
 * top level instead (as the ChainCore-compatible GET /status does) is read too.
 */
type StatusWithAlarms = NodeStatusJson & { alarms?: AlarmJson[] };

const enc = encodeURIComponent;

/** A node id or its first digits (at least 4), as `peers` prints them. */
const ID_OR_PREFIX = /^[0-9a-fA-F]{4,64}$/;

function isEndpoint(text: string): boolean {
  try {
    return parseEndpoint(text).port > 0;
  } catch {
    return false;
  }
}

/** `<local>-<remote>`, the observer's connection id (`*` for an unknown local end). */
function isConnectionId(text: string): boolean {
  const i = text.lastIndexOf('-', text.length - 4);
  for (let cut = text.indexOf('-'); cut > 0 && cut <= i; cut = text.indexOf('-', cut + 1)) {
    const [local, remote] = [text.slice(0, cut), text.slice(cut + 1)];
    if ((local === '*' || isEndpoint(local)) && isEndpoint(remote)) return true;
  }
  return false;
}

/**
 * Turns the short id `peers` prints (a hex prefix, 12 characters by default) into the full node id:
 * connected peers first, then peers in the recent event history.
 */
async function fullId(c: NodeClient, text: string): Promise<string> {
  if (!/^[0-9a-fA-F]{4,63}$/.test(text)) return text.toLowerCase();
  const prefix = text.toLowerCase();
  const connected = ((await c.get('/api/v1/peers')) as PeersJson).peers.map((p) => p.id);
  let matches = [...new Set(connected.filter((id) => id.startsWith(prefix)))];
  if (matches.length === 0) {
    const events = ((await c.get('/api/v1/history?limit=2000')) as HistoryJson).events;
    matches = [...new Set(events.map((e) => e.peer).filter((id): id is string => !!id && /^[0-9a-f]{64}$/.test(id) && id.startsWith(prefix)))];
  }
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new ClientError(`no peer id starts with ${prefix}: list them with "peerwarden peers"`, 4);
  throw new ClientError(`${prefix} is ambiguous: it starts ${matches.map((m) => shortId(m)).join(', ')}; give more digits`, 2);
}

/** The node id of the peer at `ip:port` (where it is connected, or where it listens), from the peers and the recent history. */
async function idAt(c: NodeClient, endpoint: string): Promise<string> {
  const ep = formatEndpoint(endpoint);
  const peers = ((await c.get('/api/v1/peers')) as PeersJson).peers;
  const live = peers.find((p) => p.endpoint === ep || p.listenEndpoint === ep);
  if (live) return live.id;
  const events = ((await c.get('/api/v1/history?limit=2000')) as HistoryJson).events;
  const seen = events.filter((e) => e.endpoint === ep && e.peer && /^[0-9a-f]{64}$/.test(e.peer)).at(-1);
  if (seen) return seen.peer!;
  throw new ClientError(`no peer known at ${ep} (not connected, and not in the recent history): list peers with "peerwarden peers", or give a node id`, 4);
}

function peersTable(peers: PeerInfoJson[], now: number): string {
  if (peers.length === 0) return 'no connected peers\n';
  const rows = peers.map((p) => [
    shortId(p.id),
    p.endpoint,
    p.direction === 'inbound' ? 'in' : 'out',
    p.temperature,
    p.score.toFixed(1),
    p.rttMs === undefined ? '' : `${Math.round(p.rttMs)} ms`,
    formatBytes(p.bytesIn),
    formatBytes(p.bytesOut),
    formatDuration(now - p.connectedAt),
    [p.busy && 'busy', p.static && 'static', p.trusted && 'trusted'].filter(Boolean).join(','),
  ]);
  return renderTable(['ID', 'ENDPOINT', 'DIR', 'TEMP', 'SCORE', 'RTT', 'IN', 'OUT', 'UP', 'FLAGS'], rows);
}

function bansTable(bans: BanJson[], now: number): string {
  if (bans.length === 0) return 'no bans\n';
  return renderTable(
    ['TARGET', 'KIND', 'EXPIRES', 'REASON'],
    bans.map((b) => [b.kind === 'id' ? shortId(b.target) : b.target, b.kind, b.expiresAt ? `in ${formatDuration(b.expiresAt - now)}` : 'never', b.reason]),
  );
}

/**
 * One history line of `explain`: time, what happened, and why. Each piece is escaped on its own:
 * reasons and data quote peers (a DISCONNECT message, a user agent), and a newline in one would
 * otherwise print as a forged history line.
 */
function explainLine(e: HistoryItemJson): string {
  const what: Record<string, string> = {
    'peer:discovered': 'address learned',
    'peer:dialing': 'dialling',
    'peer:dial-failed': 'dial failed',
    'peer:connected': 'connected',
    'peer:promoted': 'promoted',
    'peer:demoted': 'demoted',
    'peer:disconnected': 'disconnected',
    'peer:refused': 'refused',
    'peer:busy': 'busy flag changed',
    'peer:feeler': 'feeler',
    'peer:penalized': 'penalised',
    'peer:banned': 'BANNED',
    'peer:unbanned': 'unbanned',
  };
  const data = e.data ?? {};
  const extra = Object.entries(data)
    .filter(([k]) => !['direction'].includes(k))
    .map(([k, v]) => `${safeText(k)}=${/At$/.test(k) && typeof v === 'number' && v > 1e12 ? formatTime(v) : safeText(typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))}`)
    .join(' ');
  const dir = data.direction ? ` ${safeText(String(data.direction))}` : '';
  return `${formatTime(e.at)}  ${safeText(what[e.kind] ?? e.kind).padEnd(17)} ${safeText(e.endpoint ?? '')}${dir}  — ${safeText(e.reason ?? '')}${extra ? `  (${extra})` : ''}`;
}

/** One history line of an observed connection: "opened  inbound: cold → warm (PromotedToWarmRemote) — handshake". */
function observedLine(e: ObservedHistoryEntryJson): string {
  const change = `${e.direction ? `${e.direction}: ` : ''}${e.from ? `${e.from} → ` : ''}${e.to} (${e.change})`;
  const extra = [e.source !== 'log' ? `source=${e.source}` : '', e.detail ? `detail=${e.detail}` : ''].filter(Boolean).join(' ');
  return `${formatTime(e.at)}  ${safeText(e.kind).padEnd(8)} ${safeText(change)}  — ${safeText(e.reason)}${extra ? `  (${safeText(extra)})` : ''}`;
}

/** "alarm: <kind>: <message>" for each alarm the node raises, escaped (the message may quote what peers sent). */
function alarmLines(alarms: AlarmJson[] | undefined): string[] {
  return (alarms ?? []).map((a) => `alarm: ${safeText(a.kind)}: ${safeText(a.message)}`);
}

const ALL_STATES: readonly (keyof StateCountsJson)[] = ['hot', 'warm', 'cooling', 'cold', 'unknown'];
const states = (c: StateCountsJson, order = ALL_STATES) => order.map((s) => `${s} ${c[s] ?? 0}`).join(', ');

/** `peerwarden status` against `peerwarden watch`. */
function observerStatusText(s: ObserverStatusJson, apiUrl: string): string {
  const c = s.counters;
  const node = s.node;
  const reported = reportedLines(c.reported);
  return [
    `observer  watching ${safeText(s.source.description)} (${safeText(s.source.kind)})${s.nodePort ? `, node port ${s.nodePort}` : ''}  (peerwarden ${safeText(s.version)}, up ${formatDuration(s.uptimeMs)})`,
    `health    ${safeText(s.health.status)}: ${safeText(s.health.reason)}`,
    `node      ${safeText(node.state)}${node.lastStartedAt ? ` since ${formatTime(node.lastStartedAt)}` : ''}, ${node.restarts} restart${node.restarts === 1 ? '' : 's'} seen` +
      (node.listening.length ? `, listening on ${safeText(node.listening.join(', '))}` : ''),
    `peers     ${s.counts.total} open: ${states(s.counts.byState)}`,
    `outbound  ${states(s.counts.outbound)}  (our peer selection)`,
    `inbound   ${states(s.counts.inbound, ['hot', 'warm', 'cold', 'unknown'])}  (how remotes use us: inbound governor)`,
    ...(reported.length ? ['the node reports:', ...reported.map((l) => `  ${l}`)] : ['the node reports: no inbound-governor or connection-manager counters in the log yet']),
    `log       ${c.linesRead} lines read, ${c.linesParsed} parsed, ${c.parseErrors} unparseable${c.lastEventAt ? `; newest event ${formatTime(c.lastEventAt)}` : ''}`,
    `sockets   ${c.reconcile.runs} checks, ${c.reconcile.sockets} established now, ${c.reconcile.discovered} found only as sockets, ${c.reconcile.closed} closed (no socket)` +
      (c.reconcile.errors ? `, ${c.reconcile.errors} errors (${safeText(c.reconcile.lastError ?? '')})` : ''),
    `API       ${safeText(apiUrl)}`,
    '',
  ].join('\n');
}

/** Why a command that changes a node cannot run against `peerwarden watch`. */
const notOnObserver = (what: string) =>
  `this API is "peerwarden watch", which only observes a cardano-node's log and sockets: it ${what}. Run the command against a peerwarden node's API`;

function checkIdOrPrefix(what: string) {
  return ([given]: string[]) =>
    ID_OR_PREFIX.test(given!) ? [] : [`${JSON.stringify(given)} is not a node id: ${what} takes 64 hex digits, or the first 4 or more (as "peerwarden peers" prints them)`];
}

const COMMANDS: Record<string, ClientCommand> = {
  status: {
    usage: 'status',
    summary: "the node's identity, health and peer counts against its targets (against watch: the observed node's peers per track)",
    args: 0,
    async node({ client, status, flags, io }) {
      const s = status as StatusWithAlarms;
      if (flags.json) return s;
      const out = s.peers.outbound.hot + s.peers.outbound.warm;
      const inb = s.peers.inbound.hot + s.peers.inbound.warm;
      io.out(
        [
          `${safeText(s.mode)} ${safeText(s.id)}  (peerwarden ${safeText(s.version)}, network ${safeText(s.network)}, up ${formatDuration(s.uptimeMs)})`,
          `health     ${safeText(s.health.status)}: ${safeText(s.health.reason)}`,
          ...alarmLines(s.health.alarms ?? s.alarms),
          `listening  ${safeText(s.listen.join(', '))}  API ${safeText(client.baseUrl)}`,
          `outbound   ${out}/${s.targets.outbound} (hot ${s.peers.outbound.hot}/${s.targets.hot}, warm ${s.peers.outbound.warm})`,
          `inbound    ${inb}/${s.targets.maxInbound} (hot ${s.peers.inbound.hot}, warm ${s.peers.inbound.warm})`,
          `addresses  ${s.addresses.total} known (${s.addresses.tried} tried, ${s.addresses.new} new)`,
          `bans       ${s.bans}`,
          '',
        ].join('\n'),
      );
      return undefined;
    },
    async observer({ client, status, flags, io }) {
      if (flags.json) return status;
      io.out(observerStatusText(status as ObserverStatusJson, client.baseUrl));
      return undefined;
    },
  },
  peers: {
    usage: 'peers',
    summary: 'connected peers: direction, temperature, score, round trip, traffic (against watch: both tracks of each connection)',
    args: 0,
    async node({ client, flags, io }) {
      const r = (await client.get('/api/v1/peers')) as PeersJson;
      if (flags.json) return r;
      io.out(peersTable(r.peers, Date.now()));
      return undefined;
    },
    async observer({ client, flags, io }) {
      const r = (await client.get('/api/v1/peers')) as ObservedPeersJson;
      if (flags.json) return r;
      io.out(observedPeersTable(r.peers, Date.now()));
      return undefined;
    },
  },
  bans: {
    usage: 'bans',
    summary: 'active bans',
    args: 0,
    async node({ client, flags, io }) {
      const r = (await client.get('/api/v1/bans')) as BansJson;
      if (flags.json) return r;
      io.out(bansTable(r.bans, Date.now()));
      return undefined;
    },
    observer: notOnObserver('keeps no bans'),
  },
  ban: {
    usage: 'ban <node-id | ip | cidr> [--for 1h] [--reason TEXT]',
    summary: 'ban a node id, an IP or a subnet (default: until unbanned)',
    args: 1,
    flags: {
      for: { kind: 'string', value: 'duration', help: 'how long, with a unit: 30m, 1h, 7d (default: until unbanned)' },
      reason: { kind: 'string', value: 'text', help: 'why (shown in bans and in the peer history)' },
    },
    check: ([given]) => banTargetProblems(given!),
    async node({ client, args: [given], flags, io }) {
      const target = await fullId(client, given!);
      const body: Record<string, unknown> = { target, reason: (flags.reason as string | undefined) ?? 'banned from the command line' };
      if (typeof flags.for === 'string') body.durationMs = parseDuration(flags.for);
      const r = (await client.post('/api/v1/bans', body)) as BannedJson;
      if (flags.json) return r;
      io.out(`banned ${safeText(r.ban.target)} (${safeText(r.ban.kind)}) ${r.ban.expiresAt ? `until ${formatTime(r.ban.expiresAt)}` : 'until unbanned'}: ${safeText(r.ban.reason)}\n`);
      return undefined;
    },
    observer: notOnObserver('cannot ban peers'),
  },
  unban: {
    usage: 'unban <node-id | ip | cidr>',
    summary: 'lift a ban',
    args: 1,
    check: ([given]) => banTargetProblems(given!),
    async node({ client, args: [given], flags, io }) {
      const target = await fullId(client, given!);
      const r = await client.delete(`/api/v1/bans/${enc(target)}`);
      if (flags.json) return r;
      io.out(`unbanned ${safeText(target)}\n`);
      return undefined;
    },
    observer: notOnObserver('keeps no bans'),
  },
  connect: {
    usage: 'connect <ip:port> [--static]',
    summary: 'connect to a peer now (with --static, keep it connected)',
    args: 1,
    flags: { static: { kind: 'bool', help: 'keep this peer connected from now on' } },
    check: ([given]) => (isEndpoint(given!) ? [] : [`${JSON.stringify(given)} is not an endpoint: give ip:port, e.g. 203.0.113.7:7000 or [2001:db8::7]:7000`]),
    async node({ client, args: [endpoint], flags, io }) {
      const r = (await client.post('/api/v1/peers', { endpoint, static: flags.static === true })) as ConnectedJson;
      if (flags.json) return r;
      io.out(`connected to ${safeText(r.peer.endpoint)}: ${safeText(r.peer.id)} (${safeText(r.peer.direction)}, ${safeText(r.peer.temperature)}${r.peer.static ? ', static' : ''})\n`);
      return undefined;
    },
    observer: notOnObserver('cannot open connections'),
  },
  disconnect: {
    usage: 'disconnect <node-id or its first digits>',
    summary: 'close the connection to a peer',
    args: 1,
    check: checkIdOrPrefix('disconnect'),
    async node({ client, args: [given], flags, io }) {
      const id = await fullId(client, given!);
      const r = await client.delete(`/api/v1/peers/${enc(id)}`);
      if (flags.json) return r;
      io.out(`disconnected ${safeText(shortId(id))}\n`);
      return undefined;
    },
    observer: notOnObserver('cannot close connections'),
  },
  explain: {
    usage: 'explain <node-id, its first digits, or ip:port>',
    summary: "a peer's history: where it was learned, each dial, promotion, demotion, penalty and ban, with reasons (against watch: a connection's history, by ip:port)",
    args: 1,
    flags: { limit: { kind: 'int', value: 'n', help: 'newest events to show (default 500)' } },
    check: ([given]) =>
      ID_OR_PREFIX.test(given!) || isEndpoint(given!) || isConnectionId(given!)
        ? []
        : [`${JSON.stringify(given)} is neither a node id (64 hex digits, or the first 4 or more) nor a peer's ip:port`],
    async node({ client, args: [given], flags, io }) {
      const id = isEndpoint(given!) ? await idAt(client, given!) : await fullId(client, given!);
      const q = typeof flags.limit === 'number' ? `?limit=${flags.limit}` : '';
      const r = (await client.get(`/api/v1/peers/${enc(id)}${q}`)) as PeerDetailJson;
      if (flags.json) return r;
      const lines = [`peer ${safeText(r.id)}`];
      if (r.peer) {
        lines.push(
          `now        connected ${safeText(r.peer.direction)} at ${safeText(r.peer.endpoint)}, ${safeText(r.peer.temperature)}, score ${r.peer.score.toFixed(1)}${r.peer.busy ? ', busy' : ''}${r.peer.static ? ', static' : ''}` +
            (r.peer.userAgent ? `, agent ${safeText(r.peer.userAgent)}` : ''),
        );
      } else lines.push('now        not connected');
      if (r.ban) lines.push(`ban        ${safeText(r.ban.reason)} (${r.ban.expiresAt ? `until ${formatTime(r.ban.expiresAt)}` : 'until unbanned'})`);
      lines.push('', `history (${r.history.length} events, oldest first):`);
      for (const e of r.history) lines.push(`  ${explainLine(e)}`);
      io.out(`${lines.join('\n')}\n`);
      return undefined;
    },
    async observer({ client, args: [given], flags, io }) {
      if (!isEndpoint(given!) && !isConnectionId(given!)) {
        throw new ClientError(`${given} looks like a node id, but "peerwarden watch" knows peers by address: give the peer's ip:port (as "peerwarden peers" lists it)`, 2);
      }
      const r = (await client.get(`/api/v1/peers/${enc(given!)}`)) as ObservedPeerDetailJson;
      if (flags.json) return r;
      const p = r.peer;
      const now = Date.now();
      const track = (name: string, t: TrackJson | undefined, none: string) =>
        `${name}${t ? `${safeText(t.state)} since ${formatTime(t.since)} (${safeText(t.change)})` : none}`;
      const shown = typeof flags.limit === 'number' ? r.history.slice(-flags.limit) : r.history;
      const lines = [
        `connection ${safeText(p.id)}`,
        `now        ${p.closed ? `closed ${formatTime(p.closed.at)}: ${safeText(p.closed.reason)}` : `open for ${formatDuration(now - p.since)}`}, ${safeText(p.state)}` +
          `${p.direction ? `, ${safeText(p.direction)}` : ''}${p.provenance ? `; TCP opened by ${p.provenance === 'Inbound' ? 'the remote' : 'our node'}` : ''}`,
        track('outbound   ', p.outbound, 'not used by our peer selection'),
        track('inbound    ', p.inbound, 'not used by the remote (inbound governor)'),
        ...(p.handshake
          ? [`handshake  version ${p.handshake.versionNumber ?? '?'}, ${safeText(p.handshake.diffusionMode ?? '?')}, peer sharing ${safeText(p.handshake.peerSharing ?? '?')}`]
          : []),
        '',
        `history (${shown.length} events, oldest first):`,
        ...shown.map((e) => `  ${observedLine(e)}`),
      ];
      io.out(`${lines.join('\n')}\n`);
      return undefined;
    },
  },
};

function banTargetProblems(given: string): string[] {
  if (/^[0-9a-fA-F]{4,63}$/.test(given)) return [];
  try {
    parseBanTarget(given);
    return [];
  } catch (err) {
    return [(err as Error).message];
  }
}

/** A duration for --for: a number with a unit (a bare number would silently be seconds). */
function forProblems(text: string): string[] {
  if (!/^\s*([0-9]+(\.[0-9]+)?(ms|s|m|h|d|w))+\s*$/.test(text)) {
    return [`--for: invalid duration ${JSON.stringify(text)}: give a number with a unit, e.g. 30m, 1h, 7d, 1h30m (units ms, s, m, h, d, w)`];
  }
  const ms = parseDuration(text);
  if (ms <= 0) return [`--for: a ban must last longer than 0 (got ${JSON.stringify(text)}); leave --for out to ban until unbanned`];
  if (ms > MAX_BAN_DURATION_MS) return [`--for ${text} is too long: a ban lasts at most 100 years (5217w); leave --for out to ban until unbanned`];
  return [];
}

function usage(name: string): string {
  const cmd = COMMANDS[name]!;
  return `Usage: peerwarden ${cmd.usage} [options]\n\n${cmd.summary[0]!.toUpperCase()}${cmd.summary.slice(1)}.\n\nOptions:\n${flagsHelp({ ...(cmd.flags ?? {}), ...COMMON })}\n`;
}

/**
 * Where the API is and which data dir holds the token. In order: --api, PEERWARDEN_API, the node's
 * configuration file (--config or PEERWARDEN_CONFIG: the api.url its running node wrote in its data
 * dir, else its api.listen), <data dir>/api.url, http://127.0.0.1:7001.
 */
async function clientOptions(flags: ParsedArgs['flags'], env: NodeJS.ProcessEnv, problems: string[]): Promise<{ api?: string; dataDir: string }> {
  let api: string | undefined;
  const given = (flags.api as string | undefined) ?? (env.PEERWARDEN_API || undefined);
  if (given !== undefined) {
    const u = apiUrlOf(given, flags.api !== undefined ? '--api' : 'PEERWARDEN_API');
    if (typeof u === 'string') api = u;
    else problems.push(u.problem);
  }
  let dataDir = (flags['data-dir'] as string | undefined) ?? (env.PEERWARDEN_DATA_DIR || undefined);
  const file = (flags.config as string | undefined) ?? (env.PEERWARDEN_CONFIG || undefined);
  if (file !== undefined) {
    const { loadNodeConfig } = await import('./config-sources.js');
    try {
      // The node's own view of its file: the file, then its PEERWARDEN_* variables.
      const { config } = loadNodeConfig({ argv: ['--config', file], env: { ...env, PEERWARDEN_CONFIG: undefined } });
      dataDir ??= config.dataDir ?? undefined;
      if (api === undefined && config.api) {
        const { existsSync } = await import('node:fs');
        const { join } = await import('node:path');
        if (!existsSync(join(dataDir ?? './peerwarden-data', API_URL_FILE))) {
          const { ip, port } = config.api.listen;
          const local = ip === '0.0.0.0' ? '127.0.0.1' : ip === '::' ? '::1' : ip;
          api = `http://${formatEndpoint({ ip: local, port })}`;
        }
      } else if (api === undefined) problems.push(`--config ${file} turns the API off (api = false): there is no API to ask`);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(`--config ${file}: ${err.problems.join('; ')}`);
    }
  }
  return { api, dataDir: dataDir ?? './peerwarden-data' };
}

/** Runs one client command; exit codes: 0 ok, 1 refused by the node, 2 usage, 3 node not reachable, 4 not found. */
export async function runClientCommand(name: string, argv: string[], io: CliIo): Promise<number> {
  const cmd = COMMANDS[name]!;
  const { flags, positionals, problems } = parseArgs(argv, { ...(cmd.flags ?? {}), ...COMMON });
  if (flags.help) {
    io.out(usage(name));
    return 0;
  }
  if (positionals.length !== cmd.args) {
    problems.push(cmd.args === 0 ? `unexpected argument ${JSON.stringify(positionals[0])}` : `expected ${cmd.args === 1 ? 'one argument' : `${cmd.args} arguments`}: peerwarden ${cmd.usage}`);
  } else if (cmd.check) problems.push(...cmd.check(positionals, flags));
  if (typeof flags.for === 'string') problems.push(...forProblems(flags.for));
  const options = await clientOptions(flags, process.env, problems);
  if (problems.length) {
    io.err(safeText(usageError(name, problems), { keepNewlines: true }));
    return 2;
  }
  const client = new NodeClient({ ...options, token: flags.token as string | undefined, env: process.env });
  // Fields are escaped where they are formatted (so a newline in one cannot forge a line); this
  // last pass guarantees that nothing a command prints carries a control character but newline.
  const safeIo: CliIo = { out: (t) => io.out(safeText(t, { keepNewlines: true })), err: (t) => io.err(safeText(t, { keepNewlines: true })) };
  try {
    const status = (await client.get('/api/v1/status')) as Run['status'];
    const mode = (status as { mode?: string }).mode as Mode | undefined;
    if (mode !== 'node' && mode !== 'hub' && mode !== 'observer') {
      throw new ClientError(`${client.baseUrl} answered, but not as a peerwarden node or "peerwarden watch" (GET /api/v1/status has no mode); check --api`, 3);
    }
    const run: Run = { client, status, args: positionals, flags, io: safeIo };
    let json: unknown;
    if (mode !== 'observer') json = await cmd.node(run);
    else if (typeof cmd.observer === 'string') throw new ClientError(cmd.observer, 1);
    else json = await cmd.observer(run);
    if (flags.json) io.out(`${safeJsonText(JSON.stringify(json, null, 2))}\n`);
    return 0;
  } catch (err) {
    if (err instanceof ClientError) {
      // The node's message may quote a peer (a refused dial names the remote's reason).
      io.err(`peerwarden ${name}: ${safeText(err.message)}\n`);
      return err.exitCode;
    }
    throw err;
  }
}
