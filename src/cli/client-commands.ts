// The CLI's clients of a running node's API: status, peers, bans, ban, unban, connect, disconnect, explain.

import { formatDuration, parseDuration } from '../core/duration.js';
import { MAX_BAN_DURATION_MS } from '../core/reputation/banlist.js';
import { flagsHelp, parseArgs, type FlagSpec, type ParsedArgs } from './args.js';
import { ClientError, NodeClient } from './client.js';
import type { CliIo } from './io.js';
import { formatBytes, formatTime, renderTable, shortId } from './table.js';
import { safeJsonText, safeText } from './terminal-text.js';

const COMMON: Record<string, FlagSpec> = {
  api: { kind: 'string', value: 'URL', help: "the node's API (default: <data-dir>/api.url, else http://127.0.0.1:7001)" },
  'data-dir': { kind: 'string', value: 'DIR', help: "the node's data dir, to find its API and token (default ./peerwarden-data)" },
  token: { kind: 'string', value: 'TOKEN', help: 'API token for changes (default: PEERWARDEN_TOKEN, else <data-dir>/api.token)' },
  json: { kind: 'bool', help: 'print JSON for scripts' },
  help: { kind: 'bool', short: 'h', help: 'show this help' },
};

interface ClientCommand {
  usage: string;
  summary: string;
  flags?: Record<string, FlagSpec>;
  /** Positional arguments required (exactly). */
  args: number;
  run(c: NodeClient, args: string[], flags: ParsedArgs['flags'], io: CliIo): Promise<unknown>;
}

interface PeerJson {
  id: string;
  endpoint: string;
  direction: string;
  temperature: string;
  score: number;
  rttMs?: number;
  connectedAt: number;
  bytesIn: number;
  bytesOut: number;
  busy: boolean;
  static: boolean;
  trusted: boolean;
  userAgent: string;
}

interface BanJson {
  target: string;
  kind: string;
  reason: string;
  createdAt: number;
  expiresAt?: number;
}

interface EventJson {
  at: number;
  id?: string;
  endpoint?: string;
  kind: string;
  reason?: string;
  data?: Record<string, unknown>;
}

const enc = encodeURIComponent;

/**
 * Turns the short id `peers` prints (a hex prefix, 12 characters by default) into the full node id:
 * connected peers first, then peers in the recent event history. Anything else is returned as is.
 */
async function fullId(c: NodeClient, text: string): Promise<string> {
  if (!/^[0-9a-fA-F]{4,63}$/.test(text)) return text;
  const prefix = text.toLowerCase();
  const connected = ((await c.get('/api/v1/peers')) as { peers: { id: string }[] }).peers.map((p) => p.id);
  let matches = [...new Set(connected.filter((id) => id.startsWith(prefix)))];
  if (matches.length === 0) {
    const events = ((await c.get('/api/v1/history?limit=2000')) as { events: { peer?: string }[] }).events;
    matches = [...new Set(events.map((e) => e.peer).filter((id): id is string => !!id && /^[0-9a-f]{64}$/.test(id) && id.startsWith(prefix)))];
  }
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new ClientError(`no peer id starts with ${prefix}: list them with "peerwarden peers"`, 4);
  throw new ClientError(`${prefix} is ambiguous: it starts ${matches.map((m) => shortId(m)).join(', ')}; give more digits`, 2);
}

function peersTable(peers: PeerJson[], now: number): string {
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
function explainLine(e: EventJson): string {
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

const COMMANDS: Record<string, ClientCommand> = {
  status: {
    usage: 'status',
    summary: "the node's identity, health and peer counts against its targets",
    args: 0,
    async run(c, _a, flags, io) {
      const s = (await c.get('/api/v1/status')) as {
        id: string;
        mode: string;
        version: string;
        network: string;
        uptimeMs: number;
        listen: string[];
        health: { status: string; reason: string };
        peers: { total: number; outbound: { hot: number; warm: number }; inbound: { hot: number; warm: number } };
        targets: { hot: number; outbound: number; maxInbound: number; maxTotal: number };
        addresses: { total: number; new: number; tried: number };
        bans: number;
      };
      if (flags.json) return s;
      const out = s.peers.outbound.hot + s.peers.outbound.warm;
      const inb = s.peers.inbound.hot + s.peers.inbound.warm;
      io.out(
        [
          `${safeText(s.mode)} ${safeText(s.id)}  (peerwarden ${safeText(s.version)}, network ${safeText(s.network)}, up ${formatDuration(s.uptimeMs)})`,
          `health     ${safeText(s.health.status)}: ${safeText(s.health.reason)}`,
          `listening  ${safeText(s.listen.join(', '))}  API ${safeText(c.baseUrl)}`,
          `outbound   ${out}/${s.targets.outbound} (hot ${s.peers.outbound.hot}/${s.targets.hot}, warm ${s.peers.outbound.warm})`,
          `inbound    ${inb}/${s.targets.maxInbound} (hot ${s.peers.inbound.hot}, warm ${s.peers.inbound.warm})`,
          `addresses  ${s.addresses.total} known (${s.addresses.tried} tried, ${s.addresses.new} new)`,
          `bans       ${s.bans}`,
          '',
        ].join('\n'),
      );
      return undefined;
    },
  },
  peers: {
    usage: 'peers',
    summary: 'connected peers: direction, temperature, score, round trip, traffic',
    args: 0,
    async run(c, _a, flags, io) {
      const r = (await c.get('/api/v1/peers')) as { peers: PeerJson[] };
      if (flags.json) return r;
      io.out(peersTable(r.peers, Date.now()));
      return undefined;
    },
  },
  bans: {
    usage: 'bans',
    summary: 'active bans',
    args: 0,
    async run(c, _a, flags, io) {
      const r = (await c.get('/api/v1/bans')) as { bans: BanJson[] };
      if (flags.json) return r;
      io.out(bansTable(r.bans, Date.now()));
      return undefined;
    },
  },
  ban: {
    usage: 'ban <node-id | ip | cidr> [--for 1h] [--reason TEXT]',
    summary: 'ban a node id, an IP or a subnet (default: until unbanned)',
    args: 1,
    flags: {
      for: { kind: 'string', value: 'DURATION', help: 'how long, e.g. 30m, 1h, 7d (default: until unbanned)' },
      reason: { kind: 'string', value: 'TEXT', help: 'why (shown in bans and in the peer history)' },
    },
    async run(c, [given], flags, io) {
      const target = await fullId(c, given!);
      const body: Record<string, unknown> = { target, reason: (flags.reason as string | undefined) ?? 'banned from the command line' };
      if (typeof flags.for === 'string') body.durationMs = parseDuration(flags.for);
      const r = (await c.post('/api/v1/bans', body)) as { ban: BanJson };
      if (flags.json) return r;
      io.out(`banned ${safeText(r.ban.target)} (${safeText(r.ban.kind)}) ${r.ban.expiresAt ? `until ${formatTime(r.ban.expiresAt)}` : 'until unbanned'}: ${safeText(r.ban.reason)}\n`);
      return undefined;
    },
  },
  unban: {
    usage: 'unban <node-id | ip | cidr>',
    summary: 'lift a ban',
    args: 1,
    async run(c, [given], flags, io) {
      const target = await fullId(c, given!);
      const r = await c.delete(`/api/v1/bans/${enc(target)}`);
      if (flags.json) return r;
      io.out(`unbanned ${safeText(target)}\n`);
      return undefined;
    },
  },
  connect: {
    usage: 'connect <ip:port> [--static]',
    summary: 'connect to a peer now (with --static, keep it connected)',
    args: 1,
    flags: { static: { kind: 'bool', help: 'keep this peer connected from now on' } },
    async run(c, [endpoint], flags, io) {
      const r = (await c.post('/api/v1/peers', { endpoint, static: flags.static === true })) as { peer: PeerJson };
      if (flags.json) return r;
      io.out(`connected to ${safeText(r.peer.endpoint)}: ${safeText(r.peer.id)} (${safeText(r.peer.direction)}, ${safeText(r.peer.temperature)}${r.peer.static ? ', static' : ''})\n`);
      return undefined;
    },
  },
  disconnect: {
    usage: 'disconnect <node-id or its first digits>',
    summary: 'close the connection to a peer',
    args: 1,
    async run(c, [given], flags, io) {
      const id = await fullId(c, given!);
      const r = await c.delete(`/api/v1/peers/${enc(id)}`);
      if (flags.json) return r;
      io.out(`disconnected ${safeText(shortId(id))}\n`);
      return undefined;
    },
  },
  explain: {
    usage: 'explain <node-id or its first digits>',
    summary: "a peer's history: where it was learned, each dial, promotion, demotion, penalty and ban, with reasons",
    args: 1,
    flags: { limit: { kind: 'int', value: 'N', help: 'newest events to show (default 500)' } },
    async run(c, [given], flags, io) {
      const id = await fullId(c, given!);
      const q = typeof flags.limit === 'number' ? `?limit=${flags.limit}` : '';
      const r = (await c.get(`/api/v1/peers/${enc(id)}${q}`)) as {
        id: string;
        connected: boolean;
        peer?: PeerJson;
        ban?: BanJson;
        history: EventJson[];
      };
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
  },
};

function usage(name: string): string {
  const cmd = COMMANDS[name]!;
  return `Usage: peerwarden ${cmd.usage} [options]\n\n${cmd.summary[0]!.toUpperCase()}${cmd.summary.slice(1)}.\n\nOptions:\n${flagsHelp({ ...(cmd.flags ?? {}), ...COMMON })}\n`;
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
  }
  if (typeof flags.for === 'string') {
    try {
      const ms = parseDuration(flags.for);
      if (ms <= 0) problems.push(`--for: a ban must last longer than 0 (got ${JSON.stringify(flags.for)}); leave --for out to ban until unbanned`);
      else if (ms > MAX_BAN_DURATION_MS) {
        problems.push(`--for ${flags.for} is too long: a ban lasts at most 100 years (5217w); leave --for out to ban until unbanned`);
      }
    } catch (err) {
      problems.push(`--for: ${(err as Error).message}`);
    }
  }
  if (problems.length) {
    io.err(`peerwarden ${name}: ${problems.join('; ')}\nRun "peerwarden ${name} --help" for usage.\n`);
    return 2;
  }
  const client = new NodeClient({
    api: flags.api as string | undefined,
    token: flags.token as string | undefined,
    dataDir: (flags['data-dir'] as string | undefined) ?? process.env.PEERWARDEN_DATA_DIR ?? './peerwarden-data',
    env: process.env,
  });
  // Fields are escaped where they are formatted (so a newline in one cannot forge a line); this
  // last pass guarantees that nothing a command prints carries a control character but newline.
  const safeIo: CliIo = { out: (t) => io.out(safeText(t, { keepNewlines: true })), err: (t) => io.err(safeText(t, { keepNewlines: true })) };
  try {
    const json = await cmd.run(client, positionals, flags, safeIo);
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
