// A systemd journal source: runs `journalctl -f -o cat -u UNIT` and reads its output line by line.
import { PeerwardenError } from '../../core/errors.js';
import { spawn, type ChildProcess } from 'node:child_process';
import type { Scheduler, Timer } from '../../core/clock.js';
import { systemScheduler } from '../../platform/index.js';
import { LineSplitter, type LineSink } from './line-splitter.js';
import { olderLogFilter, type LineSource } from './source.js';

/**
 * Backfill when no `since` is given. The journal may keep months of a chatty node; a day covers the
 * sessions a relay can have open (churn replaces peers hourly) without minutes of reading.
 */
const DEFAULT_LOOKBACK_MS = 24 * 3600_000;

/** How far back searchOlder looks for a peer (openblockperf found most peers within 12–24 h). */
const DEFAULT_SEARCH_WINDOW_MS = 48 * 3600_000;

/** Wait before restarting a journalctl that exited on its own (journald restarted, OOM…). */
const RESTART_DELAY_MS = 5_000;

/** journalctl could not be run at all. */
export class JournaldUnavailableError extends PeerwardenError {
  readonly code = 'journald-unavailable';
  override readonly name = 'JournaldUnavailableError';
  constructor(command: string, cause: Error) {
    super(`could not run ${JSON.stringify(command)} (${cause.message}); install systemd's journalctl, or read the node's log file with --log FILE`);
  }
}

export interface JournaldSourceOptions {
  unit: string;
  /** Backfill from this time (ms); default: the last 24 hours. */
  since?: number;
  /** The journalctl executable; tests pass a fake script. */
  command?: string;
  searchWindowMs?: number;
  scheduler?: Scheduler;
  maxLineLength?: number;
}

const seconds = (ms: number) => `@${Math.floor(ms / 1000)}`;

export class JournaldSource implements LineSource {
  readonly kind = 'journald';
  readonly description: string;
  readonly #options: JournaldSourceOptions;
  readonly #command: string;
  readonly #scheduler: Scheduler;
  #child: ChildProcess | undefined;
  #running = false;
  #restartTimer: Timer | undefined;

  constructor(options: JournaldSourceOptions) {
    this.#options = options;
    this.#command = options.command ?? 'journalctl';
    this.#scheduler = options.scheduler ?? systemScheduler;
    this.description = `journald unit ${options.unit}`;
  }

  /** The arguments of the follow command (exposed for tests and `--help` output). */
  followArgs(restart = false): string[] {
    const since = this.#options.since ?? this.#scheduler.now() - DEFAULT_LOOKBACK_MS;
    // After a restart only new lines: the earlier ones were read already.
    const from = restart ? ['--lines=0'] : [`--since=${seconds(since)}`];
    return ['-f', '-o', 'cat', '--no-pager', '-u', this.#options.unit, ...from];
  }

  async start(sink: LineSink): Promise<void> {
    if (this.#running) throw new Error('JournaldSource already started');
    this.#running = true;
    await this.#spawn(sink, false);
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#restartTimer?.cancel();
    const child = this.#child;
    this.#child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    }
  }

  async searchOlder(ips: string[], onLine: (line: string) => void): Promise<void> {
    const now = this.#scheduler.now();
    const from = now - (this.#options.searchWindowMs ?? DEFAULT_SEARCH_WINDOW_MS);
    const args = ['-o', 'cat', '--no-pager', '-u', this.#options.unit, `--since=${seconds(from)}`, `--until=${seconds(now)}`];
    const keep = olderLogFilter(ips);
    const child = spawn(this.#command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    const splitter = new LineSplitter({ line: (l) => keep(l) && onLine(l), dropped: () => {}, warn: () => {} });
    child.stdout!.on('data', (chunk: Buffer) => splitter.push(chunk));
    await new Promise<void>((resolve, reject) => {
      child.once('error', (err) => reject(new JournaldUnavailableError(this.#command, err)));
      child.once('close', () => {
        splitter.end();
        resolve();
      });
    });
  }

  #spawn(sink: LineSink, restart: boolean): Promise<void> {
    const child = spawn(this.#command, this.followArgs(restart), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    const splitter = new LineSplitter(sink, this.#options.maxLineLength);
    child.stdout!.on('data', (chunk: Buffer) => splitter.push(chunk));
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      // Keep the tail only: it is for the warning below.
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    return new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (err) => {
        if (this.#child === child) this.#child = undefined;
        reject(new JournaldUnavailableError(this.#command, err));
      });
      child.once('close', (code, signal) => {
        splitter.end();
        if (!this.#running || this.#child !== child) return;
        this.#child = undefined;
        sink.warn(`journalctl exited (${signal ?? `code ${code}`})${stderr ? `: ${stderr.trim()}` : ''}; restarting in ${RESTART_DELAY_MS / 1000} s`);
        this.#restartTimer = this.#scheduler.after(RESTART_DELAY_MS, () => {
          if (this.#running) this.#spawn(sink, true).catch((err: Error) => sink.warn(err.message));
        });
      });
    });
  }
}
