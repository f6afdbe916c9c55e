// `peerwarden watch`: observe a cardano-node's peers from its log and sockets, and serve them over HTTP.

import { createApiServer } from '../api/create.js';
import { registerDashboard } from '../api/dashboard.js';
import { feedObserverEvents, registerObserverRoutes } from '../api/observer-routes.js';
import { parseEndpoint } from '../core/address/index.js';
import { parseDuration } from '../core/duration.js';
import { parseAllowedHost, parseCorsOrigin } from '../node/config.js';
import { createObserver, DEFAULT_NODE_PORT, ObserverConfigError, type ObserverOptions } from '../observer/index.js';
import { VERSION } from '../version.js';
import { flagsHelp, parseArgs, type FlagSpec } from './args.js';
import type { CliIo } from './io.js';
import { createLogger } from './logger.js';
import { onShutdownSignals } from './signals.js';

export const DEFAULT_WATCH_API = '127.0.0.1:7070';

const FLAGS: Record<string, FlagSpec> = {
  log: { kind: 'string', value: 'FILE', help: "follow the node's JSON trace log (tail -F; reads rotated FILE.1… first)" },
  journal: { kind: 'string', value: 'UNIT', help: "follow a systemd unit's journal (journalctl -f -o cat -u UNIT)" },
  stdin: { kind: 'bool', help: 'read log lines from standard input' },
  'node-port': { kind: 'int', value: 'PORT', help: `the node's node-to-node port (default ${DEFAULT_NODE_PORT})` },
  'api-port': { kind: 'int', value: 'PORT', help: `serve the API on 127.0.0.1:PORT (default ${DEFAULT_WATCH_API})` },
  'api-listen': { kind: 'string', value: 'IP:PORT', help: 'serve the API on this address instead' },
  'api-cors-origin': { kind: 'list', value: 'ORIGIN', help: 'web origin whose pages may read the API, e.g. https://ops.example.org (repeatable; none by default)' },
  'api-allowed-host': { kind: 'list', value: 'NAME', help: "host name the API answers to besides its own address and localhost, e.g. a proxy's (repeatable)" },
  since: { kind: 'string', value: 'WHEN', help: 'backfill only events after this (ISO time, or a duration ago such as 6h)' },
  forward: { kind: 'string', value: 'URL', help: 'POST each peer event as JSON to this collector' },
  reconcile: { kind: 'bool', help: 'check the socket table every interval (default on; --no-reconcile for copied logs)' },
  'reconcile-interval': { kind: 'string', value: 'DURATION', help: 'how often to read /proc/net/tcp{,6} (default 30s)' },
  grace: { kind: 'string', value: 'DURATION', help: 'close a logged peer with no socket after this long (default 60s)' },
  'log-level': { kind: 'string', value: 'LEVEL', help: 'trace, debug, info, warn, error (default info)' },
  help: { kind: 'bool', short: 'h', help: 'show this help' },
};

export const WATCH_HELP = `Usage: peerwarden watch (--log FILE | --journal UNIT | --stdin) [options]

Tracks the peers of a running cardano-node from its JSON trace log and the kernel's socket table,
and serves them at /api/v1/peers, /api/v1/events (server-sent events), /metrics and the dashboard.

Options:
${flagsHelp(FLAGS)}
`;

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
    io.err(`peerwarden watch: ${problems.length} problem${problems.length > 1 ? 's' : ''}:\n  - ${problems.join('\n  - ')}\nRun "peerwarden watch --help" for usage.\n`);
    return 2;
  }

  const log = createLogger(level as 'info');
  // Listen for signals before starting anything, so an early Ctrl-C still shuts down cleanly.
  const shutdown = onShutdownSignals(log);
  const options: ObserverOptions = {
    log: flags.log as string | undefined,
    journal: flags.journal as string | undefined,
    stdin: flags.stdin === true ? true : undefined,
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
  registerObserverRoutes(api.server.app, { observer, feed: api.feed, registry: api.registry, version: VERSION, startedAt, now: Date.now });
  observer.on('warning', (m) => log.warn(m));
  observer.on('event', (e) => log.debug({ peer: e.id, kind: e.kind, to: e.to, reason: e.reason }, 'peer event'));

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

  await shutdown;
  await observer.stop();
  await api.server.close();
  log.info('stopped');
  return 0;
}
