// Starts and stops the devnet's nodes: one `peerwarden node` process per node, node i on 127.i.0.1 (its own /16).

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../bin/peerwarden.js', import.meta.url));

export interface ClusterOptions {
  nodes: number;
  /** p2p port of every node (they differ by IP); the API is on the next port of the same IP. */
  basePort: number;
  encryption: 'tls' | 'none';
  /** Parent of the per-node data dirs; a fresh temp dir when absent (removed at stop unless keep). */
  dataDir?: string;
  keep?: boolean;
  logLevel: string;
  network: string;
  /** Extra flags for every node (tests shorten intervals with them). */
  extraArgs?: string[];
}

export interface DevnetNode {
  index: number;
  ip: string;
  p2p: string;
  apiUrl: string;
  dataDir: string;
  logFile: string;
  process: ChildProcess | undefined;
  exitCode: number | null | undefined;
}

/** The loopback address of node i (1-based): 127.i.0.1, so each node has its own /16 net group. */
export const nodeIp = (i: number) => `127.${i}.0.1`;

export class Cluster {
  readonly nodes: DevnetNode[] = [];
  readonly root: string;
  readonly #temp: boolean;

  constructor(readonly opts: ClusterOptions) {
    this.#temp = opts.dataDir === undefined;
    this.root = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'peerwarden-devnet-'));
    for (let i = 1; i <= opts.nodes; i++) {
      const ip = nodeIp(i);
      const dataDir = join(this.root, `node-${i}`);
      this.nodes.push({
        index: i,
        ip,
        p2p: `${ip}:${opts.basePort}`,
        apiUrl: `http://${ip}:${opts.basePort + 1}`,
        dataDir,
        logFile: join(dataDir, 'node.log'),
        process: undefined,
        exitCode: undefined,
      });
    }
  }

  /** The seed every node but the first is given: node 1. */
  get seed(): string {
    return this.nodes[0]!.p2p;
  }

  /** Spawns node i's process with its log going to `<dataDir>/node.log`. */
  startNode(n: DevnetNode): void {
    mkdirSync(n.dataDir, { recursive: true });
    const args = [
      BIN,
      'node',
      '--network',
      this.opts.network,
      '--data-dir',
      n.dataDir,
      '--listen',
      n.p2p,
      '--api-listen',
      `${n.ip}:${this.opts.basePort + 1}`,
      '--encryption',
      this.opts.encryption,
      '--allow-loopback',
      '--log-level',
      this.opts.logLevel,
      ...(n.index === 1 ? [] : ['--seed', this.seed]),
      ...(this.opts.extraArgs ?? []),
    ];
    const log = createWriteStream(n.logFile, { flags: 'a' });
    // Each node in a process group of its own: Ctrl-C on the terminal signals the devnet alone, which
    // then stops every node once (a node signalled twice would take it as "force the exit").
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PEERWARDEN_CONFIG: '' }, detached: true });
    this.#watchExit();
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    n.process = child;
    n.exitCode = undefined;
    child.on('exit', (code) => {
      n.exitCode = code;
      n.process = undefined;
    });
  }

  #exitHook: (() => void) | undefined;

  /** If this process exits without stopping the nodes (a crash, a forced exit), they are told to stop too. */
  #watchExit(): void {
    if (this.#exitHook) return;
    this.#exitHook = () => {
      for (const n of this.nodes) n.process?.kill('SIGTERM');
    };
    process.once('exit', this.#exitHook);
  }

  startAll(): void {
    for (const n of this.nodes) this.startNode(n);
  }

  /** SIGTERM to every node (a graceful stop: goodbyes, anchors, store flush); SIGKILL after `graceMs`. */
  async stopAll(graceMs = 10_000): Promise<void> {
    const waits = this.nodes.map(
      (n) =>
        new Promise<void>((resolve) => {
          const child = n.process;
          if (!child) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    );
    await Promise.all(waits);
    if (this.#exitHook) process.off('exit', this.#exitHook);
    this.#exitHook = undefined;
  }

  /** Removes the temp data dirs (never a --data-dir the user gave, nor with --keep). */
  cleanup(): void {
    if (this.#temp && !this.opts.keep) rmSync(this.root, { recursive: true, force: true });
  }
}
