// A log file followed like `tail -F`: backfills from rotated siblings, survives rotation and truncation.
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { Scheduler, Timer } from '../../core/clock.js';
import { systemScheduler } from '../../platform/index.js';
import { LineSplitter, type LineSink } from './line-splitter.js';
import { findRotatedSiblings } from './rotation.js';
import { olderLogFilter, type LineSource } from './source.js';

/**
 * How often to look for growth, rotation and truncation. 250 ms keeps the observer within a
 * fraction of a second of the node while costing one stat() per tick; inotify would save that stat
 * but misses renames on some file systems (NFS, overlay), which is why `tail -F` polls as well.
 */
const DEFAULT_POLL_MS = 250;

/** Read size: large enough that a backfill of a multi-GB log is a few thousand reads per GB. */
const CHUNK_BYTES = 256 * 1024;

export interface FileSourceOptions {
  path: string;
  /** Keep following after the existing content (default true); false reads once and ends. */
  follow?: boolean;
  /** Read rotated siblings and the file's existing content first (default true). */
  backfill?: boolean;
  /** Skip rotated files last written before this time (ms); the observer also drops older events. */
  since?: number;
  pollMs?: number;
  scheduler?: Scheduler;
  maxLineLength?: number;
}

interface OpenFile {
  handle: FileHandle;
  dev: number;
  ino: number;
  position: number;
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}

/**
 * Reads `path` from `position` to its current end into the splitter; returns the new position.
 * Double-buffered: the next chunk is being read (in libuv's thread pool) while this one is split
 * and parsed, so a backfill is not a sequence of wait-then-work steps.
 */
async function readRange(handle: FileHandle, position: number, splitter: LineSplitter, buffers: [Buffer, Buffer]): Promise<number> {
  let which = 0;
  let pending = handle.read(buffers[0], 0, buffers[0].length, position);
  for (;;) {
    const { bytesRead, buffer } = await pending;
    if (bytesRead === 0) return position;
    position += bytesRead;
    which ^= 1;
    pending = handle.read(buffers[which], 0, buffers[which].length, position);
    splitter.push(buffer.subarray(0, bytesRead));
  }
}

/** Reads a whole file into the splitter (rotated siblings, older-log searches). */
async function readWhole(path: string, splitter: LineSplitter, buffer: [Buffer, Buffer]): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await readRange(handle, 0, splitter, buffer);
    splitter.end();
  } finally {
    await handle.close();
  }
}

export class FileSource implements LineSource {
  readonly kind = 'file';
  readonly description: string;
  readonly #options: FileSourceOptions;
  readonly #scheduler: Scheduler;
  readonly #buffer: [Buffer, Buffer] = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
  #splitter: LineSplitter | undefined;
  #sink: LineSink | undefined;
  #file: OpenFile | undefined;
  #timer: Timer | undefined;
  #running = false;
  /** The poll in progress, awaited by stop() so no read races the close. */
  #polling: Promise<void> | undefined;
  #warnedMissing = false;

  constructor(options: FileSourceOptions) {
    this.#options = options;
    this.#scheduler = options.scheduler ?? systemScheduler;
    this.description = options.path;
  }

  async start(sink: LineSink): Promise<void> {
    if (this.#running) throw new Error('FileSource already started');
    this.#running = true;
    this.#sink = sink;
    this.#splitter = new LineSplitter(sink, this.#options.maxLineLength);
    const backfill = this.#options.backfill ?? true;
    if (backfill) {
      for (const sibling of await findRotatedSiblings(this.#options.path)) {
        if (!this.#running) return;
        try {
          if (this.#options.since !== undefined && (await stat(sibling)).mtimeMs < this.#options.since) continue;
          await readWhole(sibling, this.#splitter, this.#buffer);
        } catch (err) {
          sink.warn(`could not read rotated log ${sibling}: ${(err as Error).message}`);
        }
      }
    }
    if (!this.#running) return;
    await this.#openCurrent(backfill);
    if (this.#file) this.#file.position = await readRange(this.#file.handle, this.#file.position, this.#splitter, this.#buffer);
    if (!this.#running) {
      // stop() ran while the backlog was being read: it found no file to close yet.
      await this.#closeFile();
      return;
    }
    if (this.#options.follow === false) {
      this.#splitter.end();
      await this.#closeFile();
      this.#running = false;
      return;
    }
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#timer?.cancel();
    this.#timer = undefined;
    await this.#polling;
    await this.#closeFile();
  }

  async searchOlder(ips: string[], onLine: (line: string) => void): Promise<void> {
    const keep = olderLogFilter(ips);
    const buffer: [Buffer, Buffer] = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
    const splitter = new LineSplitter({
      line: (l) => {
        if (keep(l)) onLine(l);
      },
      dropped: () => {},
      warn: () => {},
    });
    const files = [...(await findRotatedSiblings(this.#options.path)), this.#options.path];
    for (const path of files) {
      try {
        await readWhole(path, splitter, buffer);
      } catch (err) {
        if (!isMissing(err)) this.#sink?.warn(`could not search ${path}: ${(err as Error).message}`);
      }
    }
  }

  /** Opens the current file; from its start when backfilling, else from its end (only new lines). */
  async #openCurrent(fromStart: boolean): Promise<void> {
    try {
      const handle = await open(this.#options.path, 'r');
      const st = await handle.stat();
      this.#file = { handle, dev: st.dev, ino: st.ino, position: fromStart ? 0 : st.size };
      this.#warnedMissing = false;
    } catch (err) {
      if (!isMissing(err)) throw err;
      if (!this.#warnedMissing) this.#sink?.warn(`${this.#options.path} does not exist yet; waiting for it`);
      this.#warnedMissing = true;
    }
  }

  async #closeFile(): Promise<void> {
    const f = this.#file;
    this.#file = undefined;
    await f?.handle.close().catch(() => {});
  }

  #schedule(): void {
    if (!this.#running) return;
    this.#timer = this.#scheduler.after(this.#options.pollMs ?? DEFAULT_POLL_MS, () => {
      this.#polling = this.#poll().finally(() => {
        this.#polling = undefined;
        this.#schedule();
      });
    });
  }

  /** One tail -F step: detect rotation or truncation, then read what was appended. */
  async #poll(): Promise<void> {
    const splitter = this.#splitter!;
    try {
      let st: Awaited<ReturnType<typeof stat>> | undefined;
      try {
        st = await stat(this.#options.path);
      } catch (err) {
        if (!isMissing(err)) throw err;
      }
      if (!this.#running) return;
      if (!this.#file) {
        // Waiting for the file to (re)appear: a new file is read from its start.
        if (st) await this.#openCurrent(true);
      } else if (st && (st.ino !== this.#file.ino || st.dev !== this.#file.dev)) {
        // Rotated: finish the old file (the writer may have added lines before the rename), then switch.
        this.#file.position = await readRange(this.#file.handle, this.#file.position, splitter, this.#buffer);
        splitter.end();
        await this.#closeFile();
        await this.#openCurrent(true);
      } else if (st && st.size < this.#file.position) {
        // Truncated in place (copytruncate): start again from the top.
        this.#sink!.warn(`${this.#options.path} was truncated; reading from its start`);
        splitter.reset();
        this.#file.position = 0;
      }
      if (this.#file && this.#running) {
        this.#file.position = await readRange(this.#file.handle, this.#file.position, splitter, this.#buffer);
      }
    } catch (err) {
      this.#sink!.warn(`reading ${this.#options.path}: ${(err as Error).message}`);
    }
  }
}
