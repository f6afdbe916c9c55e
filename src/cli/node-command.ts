// `peerwarden node` and `peerwarden hub`: run a node as a daemon with its API, logs and graceful shutdown.

import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNodeApi, type NodeApi } from '../api/node-api.js';
import { ApiListenError } from '../api/server.js';
import { loadOrCreateToken } from '../api/token.js';
import { ConfigError, createNode, NODE_KEY_FILE, type Node, type PeerEvent } from '../node/index.js';
import { systemScheduler } from '../platform/index.js';
import { describeRebucket, describeReset, lockHolderOf, LOCK_FILE, StoreError, type ResetReport } from '../store/index.js';
import { VERSION } from '../version.js';
import { helpColumns } from './args.js';
import { API_URL_FILE } from './client.js';
import { loadNodeConfig, nodeFlagRows } from './config-sources.js';
import type { CliIo } from './io.js';
import { createLogger, type Logger } from './logger.js';
import { onShutdownSignals } from './signals.js';

/** Exit codes: 0 clean stop, 1 could not start (port, data dir, database), 2 invalid configuration. */
export const EXIT_START_FAILED = 1;
export const EXIT_BAD_CONFIG = 2;

/** This package's documentation of every setting (shipped with it, next to dist/). */
const OPERATIONS_DOC = fileURLToPath(new URL('../../docs/operations.md', import.meta.url));

const HELP = (mode: 'node' | 'hub') => `Usage: peerwarden ${mode} [--config <file>] [options]

${
  mode === 'hub'
    ? 'Runs a hub: it accepts short connections, learns where each peer listens and hands\naddresses out generously, so nodes that know only the hub find each other.'
    : 'Runs a peerwarden node: it keeps itself connected to a diverse, honest set of peers and serves the\nHTTP API and dashboard (default http://127.0.0.1:<p2p port + 1>/).'
}

Settings come from --config (TOML or JSON), PEERWARDEN_* variables and flags; flags win.
Every setting is documented in ${OPERATIONS_DOC}; an annotated example file is
${fileURLToPath(new URL('../../contrib/peerwarden.toml', import.meta.url))}.

Options:
${helpColumns([
  ['    --config <file>', 'configuration file (TOML, or JSON when it ends in .json)'],
  ['    --reset-address-book', 'back up the database, then start with a fresh address book'],
  ['    --no-api', 'do not serve the HTTP API'],
  ...nodeFlagRows(),
  ['-h, --help', 'show this help'],
])}
`;

/** Why the data dir cannot be used, or undefined when it is fine (created if missing). */
function checkDataDir(dir: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK | constants.R_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    return `the data dir ${resolve(dir)} is not usable (${code}): make it writable by this user, or choose another with --data-dir`;
  }
}

function listenProblem(err: unknown): string | undefined {
  // The node's ListenError names the system's code `errno` (its `code` is its own, 'listen-failed').
  const e = err as Omit<NodeJS.ErrnoException, 'errno'> & { errno?: unknown; cause?: NodeJS.ErrnoException };
  const code = (typeof e.errno === 'string' ? e.errno : undefined) ?? e.cause?.code ?? e.code;
  const text = `${e.message ?? ''}`;
  if (code === 'EADDRINUSE' || /EADDRINUSE/.test(text)) {
    return `the p2p address is already in use (${text}): stop the other process or pick another with --listen`;
  }
  if (code === 'EADDRNOTAVAIL' || /EADDRNOTAVAIL/.test(text)) return `the p2p address is not one of this machine's (${text}): fix --listen`;
  if (code === 'EACCES' || /EACCES/.test(text)) return `not allowed to listen there (${text}): use a port above 1023`;
  return undefined;
}

/** Peer events worth an info line; the rest are debug. */
const NOTABLE = new Set(['peer:connected', 'peer:disconnected', 'peer:banned', 'peer:unbanned', 'peer:promoted', 'peer:demoted', 'peer:penalized']);

function logPeerEvents(node: Node, log: Logger): void {
  node.on('peer:event', (e: PeerEvent) => {
    const fields = { event: e.type, peer: e.id?.slice(0, 12), endpoint: e.endpoint, direction: e.direction, reason: e.reason };
    if (NOTABLE.has(e.type)) log.info(fields, `${e.type.slice(5)} ${e.id ? e.id.slice(0, 12) : (e.endpoint ?? '')}: ${e.reason}`);
    else log.debug(fields, e.type);
  });
  node.on('node:error', (e) => log.error({ context: e.context, err: e.error.message }, `background failure in ${e.context}: ${e.error.message}`));
}

/** Runs a node (or a hub) until SIGINT/SIGTERM; resolves to the exit code. */
export async function runNodeCommand(argv: string[], io: CliIo, mode: 'node' | 'hub' = 'node'): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(HELP(mode));
    return 0;
  }
  let loaded;
  try {
    loaded = loadNodeConfig({
      argv,
      env: process.env,
      extraFlags: { 'reset-address-book': 'bool' },
      base: mode === 'hub' ? { hub: true } : {},
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(`peerwarden ${mode}: ${err.message}\nRun "peerwarden ${mode} --help" for the options; ${OPERATIONS_DOC} documents every key.\n`);
      return EXIT_BAD_CONFIG;
    }
    throw err;
  }
  const { config } = loaded;
  for (const w of loaded.warnings) io.err(`peerwarden ${mode}: warning: ${w}\n`);
  const dataDir = config.dataDir ?? './peerwarden-data';
  const log = createLogger(config.logLevel);
  const shutdown = onShutdownSignals(log);
  const fail = (message: string) => {
    io.err(`peerwarden ${mode}: ${message}\n`);
    return EXIT_START_FAILED;
  };

  const dirProblem = checkDataDir(dataDir);
  if (dirProblem) return fail(dirProblem);
  // Another node on this data dir: say so before anything else (the API port would clash first).
  const holder = lockHolderOf(dataDir);
  if (holder && holder.pid !== process.pid) {
    return fail(
      `the data directory ${resolve(dataDir)} is in use by another peerwarden (pid ${holder.pid} on ${holder.hostname}, since ${holder.since}). ` +
        `Stop that node first, or give this one its own --data-dir. If no peerwarden runs as pid ${holder.pid}, delete ${join(resolve(dataDir), LOCK_FILE)}.`,
    );
  }

  let node: Node;
  // The store resets the address book when the node starts (it holds the data dir's lock then);
  // the report comes back here because the log is the operator's only view of what the reset
  // kept and lost and of where the backup went. The node key is a file of its own, never reset.
  const logReset = (report: ResetReport) => {
    const nodeKey = join(resolve(dataDir), NODE_KEY_FILE);
    const text = `${describeReset(report)} The node key ${nodeKey} is not in the database and was not touched (node id ${node.id.slice(0, 12)}).`;
    if (report.method === 'salvaged' || !report.keptOtherData) log.warn({ reset: report, nodeKey, id: node.id }, text);
    else log.info({ reset: report, nodeKey, id: node.id }, text);
  };
  try {
    const reset = loaded.extras['reset-address-book'] === true;
    node = await createNode({ ...loaded.input, dataDir }, reset ? { resetAddressBook: true, onAddressBookReset: logReset } : {});
  } catch (err) {
    if (err instanceof ConfigError) return fail(err.message);
    return fail(`could not start: ${(err as Error).message}`);
  }
  logPeerEvents(node, log);

  // The API comes up first: its event feed then holds every event from the very first dial, and a
  // taken API port is reported before the node has touched the network.
  let api: NodeApi | undefined;
  if (config.api) {
    try {
      api = await startNodeApi({ node, listen: config.api.listen, token: loadOrCreateToken(dataDir), version: VERSION, mode, scheduler: systemScheduler });
    } catch (err) {
      if (err instanceof ApiListenError) return fail(err.message);
      throw err;
    }
  }
  try {
    await node.start();
  } catch (err) {
    await api?.close();
    if (err instanceof StoreError) return fail(err.message);
    const listen = listenProblem(err);
    if (listen) return fail(listen);
    return fail(`could not start: ${(err as Error).message}`);
  }
  if (api) writeFileSync(join(dataDir, API_URL_FILE), `${api.url}\n`);
  const rebucketed = node.addressBook.rebucketReport();
  if (rebucketed) log.warn({ rebucket: rebucketed }, describeRebucket(rebucketed));

  const banner = {
    id: node.id,
    mode,
    network: config.network,
    listen: node.listenAddresses,
    api: api?.url,
    dataDir: resolve(dataDir),
    encryption: config.encryption,
  };
  const apiText = api ? `${api.url}/ (dashboard), token in ${join(resolve(dataDir), 'api.token')}` : 'off';
  if (process.stdout.isTTY) {
    io.out(
      `\npeerwarden ${VERSION} ${mode} ${node.id}\n  network   ${config.network}\n  listening ${node.listenAddresses.join(', ')} (${config.encryption})\n  API       ${apiText}\n  data dir  ${resolve(dataDir)}\n\n`,
    );
  }
  log.info(banner, `${mode} ${node.id.slice(0, 12)} listening on ${node.listenAddresses.join(', ')}; API ${apiText}; data dir ${resolve(dataDir)}`);

  const signal = await shutdown;
  log.info({ signal }, 'saying goodbye to peers, saving anchors, flushing the store');
  await api?.close();
  rmSync(join(dataDir, API_URL_FILE), { force: true });
  await node.stop();
  log.info('stopped cleanly');
  return 0;
}
