// `peerwarden devnet`: N real nodes on loopback discovering each other, with a live summary and a network page.

import type { DevnetNodeJson, DevnetSnapshotJson, DevnetVerdictJson } from '../../api/dto.js';
import { ApiServer } from '../../api/server.js';
import { registerDashboard } from '../../api/dashboard.js';
import { parseDuration } from '../../core/duration.js';
import { VERSION } from '../../version.js';
import { flagsHelp, parseArgs, usageError, type FlagSpec } from '../args.js';
import type { CliIo } from '../io.js';
import { LiveView } from '../live-view.js';
import { onShutdownSignals } from '../signals.js';
import { Cluster } from './cluster.js';
import { judge, viewNode } from './monitor.js';
import { renderSummary } from './summary.js';

export const MAX_DEVNET_NODES = 64;

const FLAGS: Record<string, FlagSpec> = {
  nodes: { kind: 'int', value: 'n', help: `how many nodes (default 8, at most ${MAX_DEVNET_NODES})` },
  duration: { kind: 'string', value: 'duration', help: 'run headless this long, print a final summary, exit 0 if the network formed (e.g. 60s)' },
  'data-dir': { kind: 'string', value: 'dir', help: 'keep node data under DIR/node-<i> (default: a temp dir, removed at the end)' },
  keep: { kind: 'bool', help: 'keep the temp data dirs at the end' },
  'base-port': { kind: 'int', value: 'port', help: 'p2p port of every node; its API is on PORT+1 of the same IP (default 17000)' },
  'ui-port': { kind: 'int', value: 'port', help: 'port of the network page on 127.0.0.1 (default 17099; 0 picks one)' },
  encryption: { kind: 'string', value: 'tls|none', help: 'transport encryption (default tls)' },
  'log-level': { kind: 'string', value: 'level', help: "nodes' log level; logs go to <data dir>/node-<i>/node.log (default info)" },
  'node-arg': { kind: 'string', value: 'flag', help: 'extra flag for every node, e.g. --node-arg=--target-hot=4 (repeat as a list: a,b)' },
  help: { kind: 'bool', short: 'h', help: 'show this help' },
};

const HELP = `Usage: peerwarden devnet [--nodes N] [--duration 60s] [options]

Starts N real peerwarden nodes as separate processes on this machine — node i on 127.i.0.1, its own
/16 net group — with TLS on and one seed (node 1). They find each other through peer exchange.
On a terminal the summary refreshes in place; Ctrl-C stops every node cleanly.

Options:
${flagsHelp(FLAGS)}
`;

export async function runDevnet(argv: string[], io: CliIo): Promise<number> {
  const { flags, positionals, problems } = parseArgs(argv, FLAGS);
  if (flags.help) {
    io.out(HELP);
    return 0;
  }
  if (positionals.length) problems.push(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const nodes = (flags.nodes as number | undefined) ?? 8;
  if (nodes < 1 || nodes > MAX_DEVNET_NODES) problems.push(`--nodes must be 1-${MAX_DEVNET_NODES}, got ${nodes}`);
  let durationMs: number | undefined;
  if (typeof flags.duration === 'string') {
    try {
      durationMs = parseDuration(flags.duration);
    } catch (err) {
      problems.push(`--duration: ${(err as Error).message}`);
    }
  }
  const basePort = (flags['base-port'] as number | undefined) ?? 17000;
  if (basePort < 1 || basePort > 65534) problems.push(`--base-port must be 1-65534, got ${basePort}`);
  const uiPort = (flags['ui-port'] as number | undefined) ?? 17099;
  if (uiPort > 65535) problems.push(`--ui-port must be 0-65535, got ${uiPort}`);
  const encryption = (flags.encryption as string | undefined) ?? 'tls';
  if (encryption !== 'tls' && encryption !== 'none') problems.push(`--encryption must be tls or none, got ${JSON.stringify(encryption)}`);
  if (problems.length) {
    io.err(usageError('devnet', problems));
    return 2;
  }

  const cluster = new Cluster({
    nodes,
    basePort,
    encryption: encryption as 'tls' | 'none',
    dataDir: flags['data-dir'] as string | undefined,
    keep: flags.keep === true,
    logLevel: (flags['log-level'] as string | undefined) ?? 'info',
    network: 'devnet',
    extraArgs: typeof flags['node-arg'] === 'string' ? (flags['node-arg'] as string).split(',').filter(Boolean) : [],
  });
  const shutdown = onShutdownSignals();
  const startedAt = Date.now();
  let views: DevnetNodeJson[] = [];
  let verdict: DevnetVerdictJson = { ok: false, component: 0, problems: ['starting'] };

  // The network page: one JSON snapshot of every node for the devnet view of the dashboard. The page
  // reads only this snapshot, from its own origin: the nodes' APIs allow no other origin (no CORS
  // header; docs/operations.md, "Who can reach the API"), so this process polls them and the
  // browser never calls them across origins. Its links open each node's own dashboard.
  const ui = new ApiServer({ listen: { ip: '127.0.0.1', port: uiPort }, title: 'peerwarden devnet', version: VERSION });
  ui.app.get('/api/devnet', async (): Promise<DevnetSnapshotJson> => ({ startedAt, nodes: views, verdict }));
  registerDashboard(ui.app, undefined, 'devnet.html');
  let uiUrl: string | undefined;
  try {
    uiUrl = await ui.start();
  } catch (err) {
    io.err(`peerwarden devnet: the network page could not start: ${(err as Error).message}\n`);
    return 1;
  }

  cluster.startAll();
  const tty = durationMs === undefined && Boolean(process.stdout.isTTY);
  io.out(`devnet: ${nodes} nodes on 127.1.0.1…${cluster.nodes.at(-1)!.ip} port ${basePort} (${encryption}), data in ${cluster.root}\n`);
  io.out(`network page: ${uiUrl}/\n`);
  for (const n of cluster.nodes) io.out(`  node ${n.index}: p2p ${n.p2p}  API and dashboard ${n.apiUrl}/\n`);

  const view = tty ? new LiveView(io) : undefined;
  let stopped = false;
  let formedAfterMs: number | undefined;
  const refresh = async () => {
    views = await Promise.all(cluster.nodes.map(viewNode));
    verdict = judge(views);
    if (verdict.ok && formedAfterMs === undefined) {
      formedAfterMs = Date.now() - startedAt;
      if (!tty) io.out(`  network formed after ${(formedAfterMs / 1000).toFixed(1)} s\n`);
    }
    // After Ctrl-C the nodes are stopping: the table would show them half gone. Leave the last one.
    if (view && !stopped) view.draw(renderSummary(views, verdict, Date.now() - startedAt, uiUrl, formedAfterMs));
  };

  void shutdown.then(() => (stopped = true));
  const deadline = durationMs === undefined ? Infinity : startedAt + durationMs;
  let lastProgress = startedAt;
  while (!stopped && Date.now() < deadline) {
    await refresh();
    if (!tty && Date.now() - lastProgress >= 10_000) {
      lastProgress = Date.now();
      const up = views.filter((v) => v.up).length;
      io.out(`  ${Math.round((Date.now() - startedAt) / 1000)}s: ${up}/${nodes} up, ${verdict.component}/${nodes} connected${verdict.ok ? ', network formed' : ''}\n`);
    }
    await Promise.race([new Promise((r) => setTimeout(r, 1000)), shutdown]);
  }

  // A run that reached its --duration ends with the whole network's state, taken while every node is up.
  if (!stopped) {
    await refresh();
    if (!tty) io.out(`\n${renderSummary(views, verdict, Date.now() - startedAt, undefined, formedAfterMs)}`);
  }
  const running = cluster.nodes.filter((n) => n.process).length;
  const stopBegan = Date.now();
  io.out(`stopping ${running} node${running === 1 ? '' : 's'} (goodbyes, anchors, store flush)…\n`);
  await cluster.stopAll();
  await ui.close();
  cluster.cleanup();
  const unclean = cluster.nodes.filter((n) => n.exitCode !== 0);
  io.out(
    `devnet: stopped ${running} node${running === 1 ? '' : 's'} in ${((Date.now() - stopBegan) / 1000).toFixed(1)} s` +
      (unclean.length ? `; ${unclean.map((n) => `node ${n.index} exited with ${n.exitCode ?? 'a signal'}`).join(', ')}` : ', every one cleanly') +
      `${flags['data-dir'] || flags.keep ? `; data and logs in ${cluster.root}` : ''}\n`,
  );
  if (durationMs === undefined || stopped) return 0;
  if (verdict.ok) {
    io.out(`devnet: OK — ${nodes} nodes, every one at its targets or fully meshed, one connected graph (formed after ${((formedAfterMs ?? 0) / 1000).toFixed(1)} s)\n`);
    return 0;
  }
  io.err(`devnet: the network did not form in ${flags.duration}:\n  - ${verdict.problems.join('\n  - ')}\n(node logs: ${flags['data-dir'] || flags.keep ? cluster.root : 'rerun with --keep to read them'})\n`);
  return 1;
}
