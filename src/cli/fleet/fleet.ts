// `peerwarden fleet`: one page for several nodes (a network graph and a node table, with links into
// each node's dashboard), and `peerwarden fleet status` for the terminal. Metrics across machines
// remain Prometheus's and Grafana's job (contrib/grafana).

import type { FleetSnapshotJson } from '../../api/dto.js';
import { parseEndpoint } from '../../core/address/index.js';
import { parseDuration } from '../../core/duration.js';
import { VERSION } from '../../version.js';
import { flagsHelp, parseArgs, usageError, type FlagSpec } from '../args.js';
import type { CliIo } from '../io.js';
import { LiveView } from '../live-view.js';
import { onShutdownSignals } from '../signals.js';
import { safeJsonText, safeText } from '../terminal-text.js';
import { judgeFleet, pollFleet } from './poll.js';
import { renderFleet } from './summary.js';
import { parseTarget, readFleetFile, type FleetTarget } from './targets.js';

export const DEFAULT_FLEET_LISTEN = '127.0.0.1:7090';

const FLAGS: Record<string, FlagSpec> = {
  node: { kind: 'list', value: 'url[=token]', help: 'a node\'s API (or watch\'s): http://10.0.0.11:7001 or 10.0.0.11:7001, "=token" sent as a bearer token (repeatable)' },
  config: { kind: 'string', value: 'file', help: 'a TOML or JSON file with a [fleet] table: nodes, listen, interval' },
  listen: { kind: 'string', value: 'ip:port', help: `serve the page here (default ${DEFAULT_FLEET_LISTEN}; port 0 picks one)` },
  interval: { kind: 'string', value: 'duration', help: 'poll every node this often (default 2s)' },
  json: { kind: 'bool', help: 'fleet status: print the snapshot as JSON' },
  help: { kind: 'bool', short: 'h', help: 'show this help' },
};

const HELP = `Usage: peerwarden fleet [status] (--node <url>[=<token>]… | --config <file>) [options]

Shows several nodes together — a pool's relays and its block producer, say: one page with the same
network graph and node table as the devnet page (health, alarms, peers against targets, the last
event), with a link into each node's own dashboard. The nodes' APIs are polled by this process and
the page reads only this process (the APIs allow no foreign web pages). An API of
"peerwarden watch" is shown too, with the observed node's connections.

  peerwarden fleet --node 10.0.0.11:7001 --node 10.0.0.12:7001     serve the page (Ctrl-C stops)
  peerwarden fleet status --config fleet.toml                      print the table once and exit

A fleet file:

  [fleet]
  listen = "127.0.0.1:7090"
  [[fleet.node]]
  name = "relay-1"
  url = "http://10.0.0.11:7001"

fleet status exits 0 when every node answers, healthy and without alarms, 1 otherwise.
Metrics across machines are Prometheus's and Grafana's job (contrib/grafana in the package).

Options:
${flagsHelp(FLAGS)}
`;

export async function runFleet(argv: string[], io: CliIo): Promise<number> {
  const { flags, positionals, problems } = parseArgs(argv, FLAGS);
  if (flags.help) {
    io.out(HELP);
    return 0;
  }
  const sub = positionals[0];
  if (positionals.length > 1 || (sub !== undefined && sub !== 'status')) {
    problems.push(`unexpected argument ${JSON.stringify(positionals[sub === 'status' ? 1 : 0])} (the only subcommand is "status")`);
  }
  const targets: FleetTarget[] = [];
  let listenText = flags.listen as string | undefined;
  let intervalText = flags.interval as string | undefined;
  if (typeof flags.config === 'string') {
    const file = readFleetFile(flags.config, problems);
    targets.push(...file.targets);
    listenText ??= file.listen;
    intervalText ??= file.interval;
  }
  for (const n of (flags.node as string[] | undefined) ?? []) {
    const t = parseTarget(n, undefined, undefined, '--node');
    if ('problem' in t) problems.push(t.problem);
    else targets.push(t);
  }
  if (targets.length === 0 && !problems.some((p) => p.startsWith('--config'))) problems.push('name the nodes: --node <url> (repeatable) or --config <file> with a [fleet] table');
  let listen = parseEndpoint(DEFAULT_FLEET_LISTEN);
  if (listenText !== undefined) {
    try {
      listen = parseEndpoint(listenText);
    } catch (err) {
      problems.push(`--listen: ${(err as Error).message}`);
    }
  }
  let intervalMs = 2000;
  if (intervalText !== undefined) {
    try {
      if (!/[a-z]\s*$/.test(intervalText)) throw new Error(`give a number with a unit, e.g. 2s (got ${JSON.stringify(intervalText)})`);
      intervalMs = parseDuration(intervalText);
      if (intervalMs < 500) throw new Error(`at least 500ms (got ${JSON.stringify(intervalText)})`);
    } catch (err) {
      problems.push(`--interval: ${(err as Error).message}`);
    }
  }
  if (problems.length) {
    io.err(usageError('fleet', problems));
    return 2;
  }

  const startedAt = Date.now();
  if (sub === 'status') {
    const snap = await pollFleet(targets, startedAt);
    io.out(flags.json ? `${safeJsonText(JSON.stringify(snap, null, 2))}\n` : renderFleet(snap, undefined));
    return snap.verdict.ok ? 0 : 1;
  }

  // The page: one JSON snapshot of every node, from this process's own origin. The server (fastify)
  // is loaded only here, not for `fleet status`.
  const { ApiServer } = await import('../../api/server.js');
  const { registerDashboard } = await import('../../api/dashboard.js');
  let snap: FleetSnapshotJson = { startedAt, polledAt: startedAt, nodes: [], verdict: judgeFleet([]) };
  const ui = new ApiServer({ listen, title: 'peerwarden fleet', version: VERSION });
  ui.app.get('/api/fleet', async (): Promise<FleetSnapshotJson> => snap);
  registerDashboard(ui.app, undefined, 'fleet.html');
  let pageUrl: string;
  try {
    pageUrl = await ui.start();
  } catch (err) {
    io.err(`peerwarden fleet: the page cannot be served: ${(err as Error).message.replace(/^HTTP API: /, '').replace(/ \(--api-listen[^)]*\)|: pick one it has \(--api-listen\)/, '')}; choose another with --listen\n`);
    return 1;
  }
  const shutdown = onShutdownSignals();
  const tty = Boolean(process.stdout.isTTY);
  io.out(`fleet page: ${pageUrl}/ (${targets.length} node${targets.length === 1 ? '' : 's'}, polled every ${intervalMs / 1000} s)\n`);
  const view = tty ? new LiveView(io) : undefined;
  let stopped = false;
  void shutdown.then(() => (stopped = true));
  let lastState = '';
  while (!stopped) {
    const began = Date.now();
    snap = await pollFleet(targets, startedAt);
    if (view) view.draw(renderFleet(snap, pageUrl));
    else {
      // Off a terminal: a line when who answers, or the verdict, changes.
      const state = `${snap.verdict.answering}/${targets.length} answering${snap.verdict.ok ? ', all healthy' : `: ${snap.verdict.problems.join('; ')}`}`;
      if (state !== lastState) io.out(`${new Date().toISOString()} ${safeText(state)}\n`);
      lastState = state;
    }
    await Promise.race([new Promise((r) => setTimeout(r, Math.max(0, intervalMs - (Date.now() - began)))), shutdown]);
  }
  await ui.close();
  io.out('fleet page stopped\n');
  return 0;
}
