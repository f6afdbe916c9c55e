// One process per data directory: openStore locks <dataDir>/peerwarden.lock, names the holder when refused, and takes over stale locks.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, LOCK_FILE, lockHolderOf, openStore, StoreError } from '../../src/store/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const dirs: string[] = [];
const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pw-lock-'));
  dirs.push(dir);
  return dir;
}

function refusal(fn: () => unknown): StoreError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(StoreError);
  return caught as StoreError;
}

function child(dir: string, mode: 'hold' | 'try'): ChildProcessWithoutNullStreams {
  const c = spawn(process.execPath, ['--import', 'tsx', join(here, 'fixtures', 'lock-child.ts'), dir, mode], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(c);
  return c;
}

/** The child's first line of output. */
function firstLine(c: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    c.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    c.on('exit', (code, signal) => reject(new Error(`child exited (${code ?? signal}) before answering: ${err}`)));
  });
}

const exited = (c: ChildProcessWithoutNullStreams) => new Promise<void>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.on('exit', () => resolve())));

/** A pid that belonged to a process that has exited (and been reaped). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid!;
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const bootId = existsSync('/proc/sys/kernel/random/boot_id') ? readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() : undefined;

function writeLock(dir: string, holder: Record<string, unknown>): void {
  writeFileSync(join(dir, LOCK_FILE), `${JSON.stringify({ hostname: 'elsewhere', since: '2020-01-01T00:00:00.000Z', token: 'abc', ...holder })}\n`);
}

describe('the data-directory lock', () => {
  it('refuses a second store on the same directory in the same process, and frees it at close', () => {
    const dir = tempDir();
    const first = openStore(dir);
    const lockFile = join(dir, LOCK_FILE);
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: process.pid, hostname: hostname() });
    expect(lockHolderOf(dir)).toMatchObject({ pid: process.pid });

    const err = refusal(() => openStore(dir));
    expect(err.reason).toBe('locked');
    expect(err.file).toBe(lockFile);
    expect(err.message).toContain(dir);
    expect(err.message).toContain(`pid ${process.pid}`);
    expect(err.message).not.toMatch(/damaged|reset-address-book/);
    // The same directory through a symlink is the same directory.
    const alias = join(tempDir(), 'alias');
    symlinkSync(dir, alias);
    expect(refusal(() => openStore(alias)).reason).toBe('locked');
    // The refused open changed nothing: the first store works on and still holds the lock.
    first.putBan({ target: '9.9.9.9', kind: 'ip', reason: 'x', createdAt: 1 });
    expect(existsSync(lockFile)).toBe(true);

    first.close();
    expect(existsSync(lockFile)).toBe(false);
    expect(lockHolderOf(dir)).toBeUndefined();
    const second = openStore(dir);
    expect(second.bans().map((b) => b.target)).toEqual(['9.9.9.9']);
    second.close();
    second.close(); // closing twice is harmless
    expect(readdirSync(dir).filter((f) => f.includes('lock'))).toEqual([]);
  });

  it('refuses a directory another process holds, naming its pid — --reset-address-book included — and takes it over after kill -9', async () => {
    const dir = tempDir();
    const holder = child(dir, 'hold');
    const line = await firstLine(holder);
    const pid = Number(/^ready (\d+)$/.exec(line)![1]);
    expect(pid).toBe(holder.pid);

    const err = refusal(() => openStore(dir));
    expect(err.reason).toBe('locked');
    expect(err.message).toContain(dir);
    expect(err.message).toContain(`pid ${pid}`);
    expect(err.message).toMatch(/Stop that node first, or give this one its own --data-dir/);
    expect(err.message).toContain(`delete ${join(dir, LOCK_FILE)}`);

    const db = join(dir, DATABASE_FILE);
    const before = sha(db);
    expect(refusal(() => openStore(dir, { resetAddressBook: true })).reason).toBe('locked');
    expect(sha(db)).toBe(before);
    expect(readdirSync(dir).filter((f) => f.includes('.bak-'))).toEqual([]);

    // kill -9 leaves the lock file behind; its pid is gone, so the next open takes it over.
    holder.kill('SIGKILL');
    await exited(holder);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    expect(lockHolderOf(dir)).toBeUndefined();
    const store = openStore(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    store.close();
  }, 30_000);

  it('makes a second process fail with the holder named while this one holds the directory, and lets it in after close', async () => {
    const dir = tempDir();
    const store = openStore(dir);
    const refused = JSON.parse(await firstLine(child(dir, 'try'))) as { opened: boolean; isStoreError: boolean; reason: string; message: string };
    expect(refused).toMatchObject({ opened: false, isStoreError: true, reason: 'locked' });
    expect(refused.message).toContain(`pid ${process.pid}`);
    expect(refused.message).toContain(dir);
    store.close();
    expect(JSON.parse(await firstLine(child(dir, 'try')))).toEqual({ opened: true });
  }, 30_000);

  it('takes over stale locks: a dead pid, an earlier boot, this pid without holding it, an old unreadable file', () => {
    const dir = tempDir();
    const lockFile = join(dir, LOCK_FILE);
    const stale: Array<Record<string, unknown>> = [{ pid: deadPid() }, { pid: process.pid, token: 'a previous process with this pid' }];
    // A running pid recorded under another boot: the machine restarted, the pid is someone else's now.
    if (bootId !== undefined) stale.push({ pid: process.ppid, bootId: '00000000-0000-0000-0000-000000000000' });
    for (const holder of stale) {
      writeLock(dir, holder);
      const store = openStore(dir);
      expect(JSON.parse(readFileSync(lockFile, 'utf8')).pid).toBe(process.pid);
      store.close();
      expect(existsSync(lockFile)).toBe(false);
    }
    // Unreadable and old: a leftover (say, from a power cut while it was written).
    writeFileSync(lockFile, '');
    utimesSync(lockFile, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    openStore(dir).close();
    expect(readdirSync(dir).filter((f) => f.includes('lock'))).toEqual([]);
  });

  it('respects a lock whose process runs, and an unreadable one that may still be being written', () => {
    const dir = tempDir();
    // The test runner's parent is alive: its lock stands.
    writeLock(dir, { pid: process.ppid, ...(bootId !== undefined ? { bootId } : {}) });
    const err = refusal(() => openStore(dir));
    expect(err.reason).toBe('locked');
    expect(err.message).toContain(`pid ${process.ppid} on elsewhere`);
    expect(lockHolderOf(dir)).toMatchObject({ pid: process.ppid });
    expect(existsSync(join(dir, DATABASE_FILE))).toBe(false);

    writeFileSync(join(dir, LOCK_FILE), '');
    expect(refusal(() => openStore(dir)).message).toMatch(/being opened by another process/);
  });
});
