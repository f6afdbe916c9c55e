// `peerwarden watch`: observe a cardano-node's peers from its log and sockets, and serve them over HTTP.

import { createApiServer } from '../api/create.js';
import { registerDashboard } from '../api/dashboard.js';
import { feedObserverEvents, observedPeerJson, registerObserverRoutes } from '../api/observer-routes.js';
import { parseEndpoint } from '../core/address/index.js';
import { parseDuration } from '../core/duration.js';
import { parseAllowedHost, parseCorsOrigin } from '../node/config.js';
import { createObserver, DEFAULT_NODE_PORT, ObserverConfigError, StreamSource, type ObservedPeerEvent, type ObserverOptions } from '../observer/index.js';
import { VERSION } from '../version.js';
import { flagsHelp, parseArgs, usageError, type FlagSpec } from './args.js';
import type { CliIo } from './io.js';
import { LiveView } from './live-view.js';
import { createLogger } from './logger.js';
import { onShutdownSignals } from './signals.js';
import { renderWatch } from './watch-view.js';

export const DEFAULT_WATCH_API = '127.0.0.1:7070';

const FLAGS: Record<string, FlagSpec> = {
  log: { kind: 'string', value: 'file', help: "follow the node's JSON trace log (tail -F; reads rotated FILE.1… first)" },
  journal: { kind: 'string', value: 'unit', help: "follow a systemd unit's journal (journalctl -f -o cat -u UNIT)" },
  stdin: { kind: 'bool', help: 'read log lines from standard input, and stop at its end' },
  'node-port': { kind: 'int', value: 'port', help: `the node's node-to-node port (default ${DEFAULT_NODE_PORT})` },
  'api-port': { kind: 'int', value: 'port', help: `serve the API on 127.0.0.1:PORT (default ${DEFAULT_WATCH_API})` },
  'api-listen': { kind: 'string', value: 'ip:port', help: 'serve the API on this address instead' },
  'api-cors-origin': { kind: 'list', value: 'origin', help: 'web origin whose pages may read the API, e.g. https://ops.example.org (repeatable; none by default)' },
  'api-allowed-host': { kind: 'list', value: 'name', help: "host name the API answers to besides its own address and localhost, e.g. a proxy's (repeatable)" },
  since: { kind: 'string', value: 'when', help: 'backfill only events after this (ISO time, or a duration ago such as 6h)' },
  forward: { kind: 'string', value: 'url', help: 'POST each peer event as JSON to this collector' },
  reconcile: { kind: 'bool', help: 'check the socket table every interval (default on; --no-reconcile for copied logs)' },
  'reconcile-interval': { kind: 'string', value: 'duration', help: 'how often to read /proc/net/tcp{,6} (default 30s)' },
  grace: { kind: 'string', value: 'duration', help: 'close a logged peer with no socket after this long (default 60s)' },
  live: { kind: 'bool', help: 'a live table of the peers and recent changes instead of log lines (default: when stdout is a terminal)' },
  'log-level': { kind: 'string', value: 'level', help: 'trace, debug, info, warn, error (default info; logs are off while the live table runs)' },
  help: { kind: 'bool', short: 'h', help: 'show this help' },
};

export const WATCH_HELP = `Usage: peerwarden watch (--log <file> | --journal <unit> | --stdin) [options]

Tracks the peers of a running cardano-node from its JSON trace log and the kernel's socket table,
and serves them at /api/v1/peers, /api/v1/events (server-sent events), /metrics and the dashboard.
On a terminal it shows a live table of the node's peers, both tracks of each connection, the
counters the node reports and the latest changes; elsewhere it logs. With --stdin it stops at the
end of the input. The client commands work against it: peerwarden status|peers|explain --api <ip:port>.

Options:
${flagsHelp(FLAGS)}
`;

/** Changes kept for the live table. */
const RECENT_CHANGES = 8;

function parseSince(text: string, now: number): number | string {
  if (/^[0-9.]+[a-z]+/.test(text)) {
    try {
      return now - parseDuration(text);
    } catch (err) {
      return (err as Error).message;
    }
  }
  const t = Date.parse(text);
  return Number.isNaN(t) ? `--since: expected an ISO time (2026-01-31T12:00:00Z) or a duration such as 6h, got ${JSON.stringify(text)}` : t;
}

/** Runs the observer until a shutdown signal; resolves to the exit code. */
export async function runWatch(argv: string[], io: CliIo): Promise<number> {
  const { flags, positionals, problems } = parseArgs(argv, FLAGS);
  if (flags.help) {
    io.out(WATCH_HELP);
    return 0;
  }
  if (positionals.length) problems.push(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const sources = ['log', 'journal', 'stdin'].filter((k) => flags[k] !== undefined && flags[k] !== false);
  if (sources.length !== 1) problems.push('give exactly one source: --log FILE, --journal UNIT or --stdin');

  const now = Date.now();
  let since: number | undefined;
  if (typeof flags.since === 'string') {
    const s = parseSince(flags.since, now);
    if (typeof s === 'string') problems.push(s);
    else since = s;
  }
  const duration = (name: string): number | undefined => {
    if (typeof flags[name] !== 'string') return undefined;
    try {
      return parseDuration(flags[name] as string);
    } catch (err) {
      problems.push(`--${name}: ${(err as Error).message}`);
      return undefined;
    }
  };
  const intervalMs = duration('reconcile-interval');
  const graceMs = duration('grace');
  let apiListen = parseEndpoint(DEFAULT_WATCH_API);
  try {
    if (typeof flags['api-listen'] === 'string') apiListen = parseEndpoint(flags['api-listen']);
    else if (typeof flags['api-port'] === 'number') apiListen = { ip: '127.0.0.1', port: flags['api-port'] };
    if (apiListen.port > 65535) throw new Error('the port must be 0-65535');
  } catch (err) {
    problems.push(`API address: ${(err as Error).message}`);
  }
  // The same rules as a node's api.corsOrigins and api.allowedHosts (docs/operations.md).
  const accessList = (flag: string, parse: (s: string) => string | { problem: string }): string[] => {
    const out: string[] = [];
    for (const v of (flags[flag] as string[] | undefined) ?? []) {
      const r = parse(v);
      if (typeof r === 'string') out.push(r);
      else problems.push(`--${flag}: ${r.problem}`);
    }
    return out;
  };
  const corsOrigins = accessList('api-cors-origin', parseCorsOrigin);
  const allowedHosts = accessList('api-allowed-host', parseAllowedHost);
  const level = (flags['log-level'] as string | undefined) ?? 'info';
  if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(level)) problems.push(`--log-level: unknown level ${JSON.stringify(level)}`);
  if (problems.length) {
    io.err(usageError('watch', problems));
    return 2;
  }

  const live = typeof flags.live === 'boolean' ? flags.live : Boolean(process.stdout.isTTY);
  // The live table owns the terminal: log lines would scroll it away (warnings are shown in it).
  const log = createLogger(live ? 'silent' : (level as 'info'));
  // Listen for signals before starting anything, so an early Ctrl-C still shuts down cleanly.
  const shutdown = onShutdownSignals(log);
  // Standard input is a source of our own, so that its end can stop the command.
  const stdin = flags.stdin === true ? new StreamSource() : undefined;
  const options: ObserverOptions = {
    log: flags.log as string | undefined,
    journal: flags.journal as string | undefined,
    source: stdin,
    since,
    nodePort: (flags['node-port'] as number | undefined) ?? DEFAULT_NODE_PORT,
    reconcile: flags.reconcile === false ? false : { intervalMs, graceMs },
    forward: flags.forward as string | undefined,
  };
  let observer;
  try {
    observer = createObserver(options);
  } catch (err) {
    if (err instanceof ObserverConfigError) {
      io.err(`peerwarden watch: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const startedAt = Date.now();
  const api = createApiServer({
    listen: apiListen,
    title: 'peerwarden observer API',
    version: VERSION,
    corsOrigins,
    allowedHosts,
    hostsHint: '--api-allowed-host',
    originsHint: '--api-cors-origin',
  });
  feedObserverEvents(observer, api.feed);
  registerDashboard(api.server.app);
  registerObserverRoutes(api.server.app, { observer, feed: api.feed, registry: api.registry, version: VERSION, startedAt, now: Date.now, nodePort: options.nodePort });
  const recent: ObservedPeerEvent[] = [];
  const warnings: string[] = [];
  observer.on('warning', (m) => {
    log.warn(m);
    warnings.push(m);
    if (warnings.length > 3) warnings.shift();
  });
  observer.on('event', (e) => {
    log.debug({ peer: e.id, kind: e.kind, to: e.to, reason: e.reason }, 'peer event');
    recent.push(e);
    if (recent.length > RECENT_CHANGES) recent.shift();
  });

  try {
    await api.server.start();
  } catch (err) {
    io.err(`peerwarden watch: ${(err as Error).message}\n`);
    return 1;
  }
  try {
    await observer.start();
  } catch (err) {
    await api.server.close();
    io.err(`peerwarden watch: cannot read ${observer.source.description}: ${(err as Error).message}\n`);
    return 1;
  }
  const counts = observer.peerCounts();
  log.info(
    { source: observer.source.description, nodePort: options.nodePort, api: api.server.url, peers: counts.total },
    `watching ${observer.source.description}; ${counts.total} peers so far; API and dashboard at ${api.server.url}/`,
  );

  const view = live ? new LiveView(io) : undefined;
  const draw = () =>
    view?.draw(
      renderWatch({
        source: observer.source,
        nodePort: options.nodePort ?? DEFAULT_NODE_PORT,
        apiUrl: api.server.url,
        uptimeMs: Date.now() - startedAt,
        node: observer.nodeStatus(),
        counts: observer.peerCounts(),
        counters: observer.counters(),
        peers: observer.peers().map((p) => observedPeerJson(p)),
        recent,
        warnings,
        now: Date.now(),
      }),
    );
  // The "API and dashboard at" line is what scripts and tests wait for: say it on the terminal too.
  if (live) io.out(`API and dashboard at ${api.server.url}/\n`);
  draw();
  const timer = live ? setInterval(draw, 1000) : undefined;

  const endOfInput = stdin ? stdin.ended.then(() => 'end of input' as const) : new Promise<never>(() => {});
  const why = await Promise.race([shutdown, endOfInput]);
  if (timer) clearInterval(timer);
  await observer.stop();
  await api.server.close();
  draw();
  if (why === 'end of input') {
    const c = observer.peerCounts();
    const text = `end of standard input: ${c.total} peers open (hot ${c.byState.hot}, warm ${c.byState.warm}, cold ${c.byState.cold}, cooling ${c.byState.cooling}, unknown ${c.byState.unknown})`;
    if (live) io.out(`${text}\n`);
    else log.info({ peers: c }, text);
  }
  log.info('stopped');
  return 0;
}
