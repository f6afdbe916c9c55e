// DataDirLock: one process at a time per data directory, through a lock file that names its holder's pid.
//
// Two nodes on one data directory would share a node id and a database: peers would see one
// identity at two addresses, and each node would overwrite the other's address book. openStore
// therefore takes `<dataDir>/peerwarden.lock` before it touches the database.
//
// Why a pid file and not SQLite's `locking_mode=EXCLUSIVE`: the exclusive mode leaves no stale state
// (the kernel drops the lock with the process), but a second process learns only "database is
// locked" — not who holds it — and it also shuts out the read-only connections WAL otherwise allows
// (inspection tools, tests reading what a node committed). The lock file holds the pid, host, boot
// and time of its holder, so a refusal can say who to stop. A lock left behind by kill -9 is
// recognised as stale and taken over: its pid no longer exists (or is a zombie), the machine was
// rebooted since (another Linux boot id), or the pid is now this very process (a container
// restarted as pid 1) without this process holding the lock.
//
// The file appears atomically with its whole content (written to a temporary file, then hard-linked
// into place, which fails if the name exists), so nobody ever reads a half-written lock.

import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { StoreError } from './errors.js';

/** The lock file's name inside the data directory. */
export const LOCK_FILE = 'peerwarden.lock';

/** A lock file without readable content younger than this may still be being written (a fallback path without hard links). */
const UNREADABLE_GRACE_MS = 10_000;

/** Attempts to create the file or take over a stale one before giving up (each loss means another process just moved). */
const ATTEMPTS = 10;

/** What the lock file records about its holder. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** When the lock was taken (ISO 8601). */
  since: string;
  /** The Linux boot id when the lock was taken: a lock from an earlier boot is stale, whatever its pid. */
  bootId?: string;
  /** Random: tells this holder's lock from a later one by a process with the same pid. */
  token: string;
}

/** Locks this process holds, by lock-file path: a second open in the same process is refused too. */
const held = new Map<string, DataDirLock>();
let exitHook = false;

let bootIdCache: string | null | undefined;
function bootId(): string | undefined {
  if (bootIdCache === undefined) {
    try {
      bootIdCache = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      bootIdCache = null; // not Linux: pids alone decide
    }
  }
  return bootIdCache ?? undefined;
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** The holder recorded in `text`, or undefined when it is not a lock file's content. */
export function parseLockHolder(text: string): LockHolder | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockHolder>;
    if (!v || typeof v !== 'object' || !Number.isInteger(v.pid) || v.pid! <= 0 || typeof v.token !== 'string') return undefined;
    return {
      pid: v.pid!,
      hostname: typeof v.hostname === 'string' ? v.hostname : 'an unknown host',
      since: typeof v.since === 'string' ? v.since : 'an unknown time',
      ...(typeof v.bootId === 'string' ? { bootId: v.bootId } : {}),
      token: v.token,
    };
  } catch {
    return undefined;
  }
}

/** Whether process `pid` exists and is not a zombie (a killed child nobody has reaped yet). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists, under another user.
    return errno(err) !== 'ESRCH';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S …": the state follows the last parenthesis (comm may contain anything).
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return true; // no /proc: kill() said it exists
  }
}

/** Whether the lock recorded as `holder` still belongs to a running process. */
function holderAlive(holder: LockHolder): boolean {
  const boot = bootId();
  if (holder.bootId !== undefined && boot !== undefined && holder.bootId !== boot) return false;
  // Compared by token, not by path: the same directory may be reached through another path (a symlink).
  if (holder.pid === process.pid) return [...held.values()].some((lock) => lock.holder.token === holder.token);
  return processAlive(holder.pid);
}

/** Creates `file` holding `content` unless it exists; false when it does. */
function createExclusive(file: string, content: string): boolean {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeDurably(tmp, content, 'w');
  try {
    linkSync(tmp, file);
    return true;
  } catch (err) {
    const code = errno(err);
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
    // A file system without hard links: O_EXCL creation, content written right after.
    try {
      writeDurably(file, content, 'wx');
      return true;
    } catch (err2) {
      if (errno(err2) === 'EEXIST') return false;
      throw err2;
    }
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
  }
}

/** Writes and fsyncs, so that a power cut cannot leave a lock file without its content. */
function writeDurably(file: string, content: string, flags: 'w' | 'wx'): void {
  const fd = openSync(file, flags, 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Moves a stale lock (whose content was `observed`) out of the way. If another process replaced it
 * in the meantime, its fresh lock is put back: only the stale content is ever removed.
 */
function removeStale(file: string, observed: string): void {
  const aside = `${file}.stale-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    renameSync(file, aside);
  } catch (err) {
    if (errno(err) === 'ENOENT') return; // someone else removed it first
    throw err;
  }
  let moved: string | undefined;
  try {
    moved = readFileSync(aside, 'utf8');
  } catch {
    moved = undefined;
  }
  if (moved !== observed) {
    try {
      linkSync(aside, file);
    } catch {
      // a third process took the name meanwhile: its lock stands, and ours will be refused
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // already gone
  }
}

function describeHolder(holder: LockHolder): string {
  return `pid ${holder.pid} on ${holder.hostname}, since ${holder.since}`;
}

/** The exclusive right to use one data directory, until release(). */
export class DataDirLock {
  /** The data directory, resolved. */
  readonly dataDir: string;
  /** The lock file. */
  readonly file: string;
  readonly holder: LockHolder;
  readonly #content: string;
  #released = false;

  private constructor(dataDir: string, file: string, holder: LockHolder, content: string) {
    this.dataDir = dataDir;
    this.file = file;
    this.holder = holder;
    this.#content = content;
  }

  /**
   * Takes `<dataDir>/peerwarden.lock` (the directory must exist). Throws StoreError (reason
   * 'locked') naming the directory, the pid that holds it and what to do when a running process —
   * this one included — holds it; a stale lock is taken over.
   */
  static acquire(dataDir: string): DataDirLock {
    const dir = resolve(dataDir);
    const file = join(dir, LOCK_FILE);
    const holder: LockHolder = {
      pid: process.pid,
      hostname: hostname(),
      since: new Date().toISOString(),
      ...(bootId() !== undefined ? { bootId: bootId()! } : {}),
      token: randomBytes(16).toString('hex'),
    };
    const content = `${JSON.stringify(holder)}\n`;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        if (createExclusive(file, content)) {
          const lock = new DataDirLock(dir, file, holder, content);
          held.set(file, lock);
          installExitHook();
          return lock;
        }
      } catch (err) {
        throw new StoreError(`the data directory ${dir} cannot be locked: ${LOCK_FILE} cannot be created (${(err as Error).message}). Check that the directory is writable.`, file, 'io', {
          cause: err,
        });
      }
      let text: string;
      let ageMs: number;
      try {
        text = readFileSync(file, 'utf8');
        ageMs = Date.now() - statSync(file).mtimeMs;
      } catch (err) {
        if (errno(err) === 'ENOENT') continue; // released meanwhile: try again
        throw new StoreError(`the data directory ${dir} cannot be locked: ${file} cannot be read (${(err as Error).message}).`, file, 'io', { cause: err });
      }
      const other = parseLockHolder(text);
      if (other === undefined) {
        if (ageMs < UNREADABLE_GRACE_MS) {
          throw new StoreError(
            `the data directory ${dir} is being opened by another process right now (${file} is still being written). Wait for it, or stop it, and try again.`,
            file,
            'locked',
          );
        }
      } else if (holderAlive(other)) {
        throw lockedError(dir, file, other);
      }
      removeStale(file, text);
    }
    throw new StoreError(`the data directory ${dir} could not be locked: other processes kept taking ${file}. Make sure only one peerwarden uses it, then try again.`, file, 'locked');
  }

  get released(): boolean {
    return this.#released;
  }

  /** Removes the lock file (if it is still ours). Idempotent. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    if (held.get(this.file) === this) held.delete(this.file);
    try {
      if (readFileSync(this.file, 'utf8') === this.#content) unlinkSync(this.file);
    } catch {
      // gone already: nothing to release
    }
  }
}

function lockedError(dir: string, file: string, other: LockHolder): StoreError {
  if (other.pid === process.pid) {
    return new StoreError(
      `the data directory ${dir} is already in use by this process (pid ${other.pid}, since ${other.since}): stop the other node or close its store first, or give this one its own data directory.`,
      file,
      'locked',
    );
  }
  return new StoreError(
    `the data directory ${dir} is in use by another peerwarden (${describeHolder(other)}): two nodes on one data directory would share a node id and a database. ` +
      `Stop that node first, or give this one its own --data-dir. If no peerwarden runs as pid ${other.pid}, delete ${file} and start again.`,
    file,
    'locked',
  );
}

/** Who holds the lock of `dataDir` now, or undefined when nobody does (no file, or a stale one). */
export function lockHolderOf(dataDir: string): LockHolder | undefined {
  const file = join(resolve(dataDir), LOCK_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const holder = parseLockHolder(text);
  return holder && holderAlive(holder) ? holder : undefined;
}

/** A process that exits without closing its stores still leaves no lock behind (kill -9 aside). */
function installExitHook(): void {
  if (exitHook) return;
  exitHook = true;
  process.on('exit', () => {
    for (const lock of [...held.values()]) lock.release();
  });
}
