// kill -9 a real node again and again while it learns addresses and bans: every restart opens its database, passes its checks, and keeps every ban and its node id.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, onTestFailed } from 'vitest';
import { createRandom } from '../../src/core/random.js';
import { loadIdentity } from '../../src/net/index.js';
import { NODE_KEY_FILE } from '../../src/node/index.js';
import { openStore, restoreAddressBook } from '../../src/store/index.js';
import { eachLine } from '../helpers/lines.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
// Set PW_SEED to replay a failure: the seed decides how many runs there are, when each is killed,
// and which addresses the child dials. Every assertion message names it.
const seed = Number(process.env.PW_SEED ?? Date.now());
const tag = `PW_SEED=${seed}`;
const dir = mkdtempSync(join(tmpdir(), 'pw-crash-loop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  id?: string;
  /** Bans and addresses the node loaded at start, when it got that far. */
  ready?: { bans: number; addresses: number };
  bans: string[];
}

/**
 * Starts the child and kills it with SIGKILL `killMs` after it is ready, or, when `duringStartup`,
 * `killMs` after it said its id (just before node.start(): opening the store, the checks, loading
 * the book and the bans, listening), ready or not. Rejects if it exits any other way.
 */
function runAndKill(run: number, killMs: number, duringStartup: boolean): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'fixtures', 'crash-loop-child.ts'), dir, '127.65.0.1', String(run * 1_000_000), String(seed + run)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const result: Run = { bans: [] };
    let stderr = '';
    const kill = () => setTimeout(() => child.kill('SIGKILL'), killMs);
    // A child that never gets ready is a failure, not a hang.
    let hung = false;
    const watchdog = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, 20_000);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    eachLine(child.stdout, (line) => {
      const [word, a, b] = line.split(' ');
      if (word === 'ban') result.bans.push(a!);
      else if (word === 'id') {
        result.id = a!;
        if (duringStartup) kill();
      } else if (word === 'ready') {
        result.ready = { bans: Number(a), addresses: Number(b) };
        if (!duringStartup) kill();
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(watchdog);
      if (!hung && signal === 'SIGKILL' && (result.ready || (duringStartup && result.id !== undefined))) resolve(result);
      else reject(new Error(`${tag}: run ${run}: the node ${hung ? 'hung' : `exited with ${code ?? signal}`}${result.ready ? '' : ' before it was ready'}: ${stderr}`));
    });
  });
}

describe('crash loop', () => {
  it('keeps every ban and the node id across kill -9 at random moments, and every restart passes its checks', async () => {
    // Errors that are not assertions (a refusal to open, a timeout) carry no message of ours.
    onTestFailed(() => console.error(`failed with ${tag}; run again with that variable set to replay it`));
    const rnd = createRandom(seed);
    const runs = 8 + rnd.int(5);
    const banned: string[] = [];
    let id: string | undefined;
    let learned = 0;
    for (let run = 0; run < runs; run++) {
      // One run in four is killed while it starts (opening and checking the database, loading the
      // book and the bans: tens of milliseconds); the others while they work, between 50 ms and
      // 1 s in (the book is committed every 100 ms, bans as they are made).
      const duringStartup = run > 0 && rnd.int(4) === 0;
      const killMs = duringStartup ? rnd.int(60) : 50 + rnd.int(950);
      const result = await runAndKill(run, killMs, duringStartup);
      const at = `${tag}, run ${run} (killed ${killMs} ms after ${duringStartup ? 'starting' : 'ready'})`;

      if (result.id !== undefined) {
        id ??= result.id;
        expect(result.id, `${at}: node id`).toBe(id);
      }
      // The restarted node loaded every ban reported before it started.
      if (result.ready) expect(result.ready.bans, `${at}: bans loaded at start`).toBeGreaterThanOrEqual(banned.length);
      banned.push(...result.bans);

      // The data dir as the kill left it: the database opens (taking over the dead node's lock),
      // the address book restores exactly (the node's own settings) and passes its consistency
      // check, every reported ban is there, and the node key gives the same id.
      const store = openStore(dir);
      try {
        const { book, rebucketed } = restoreAddressBook(store, { clock: { now: () => Date.now() }, random: createRandom(seed), allowLoopback: true });
        expect(rebucketed, `${at}: the book restores without re-bucketing`).toBeUndefined();
        expect(book.checkConsistency(), `${at}: consistency check`).toBe(0);
        learned = Math.max(learned, book.size());
        const stored = new Set(store.bans().map((b) => b.target));
        const missing = banned.filter((t) => !stored.has(t));
        expect(missing, `${at}: reported bans missing from the database`).toEqual([]);
      } finally {
        store.close();
      }
      if (id !== undefined) expect(loadIdentity(join(dir, NODE_KEY_FILE)).nodeId, `${at}: node key`).toBe(id);
    }
    // The loop did what it is for: bans and addresses across many kills.
    expect(id, `${tag}: the node got far enough to say its id`).toBeDefined();
    expect(banned.length, `${tag}: bans reported`).toBeGreaterThan(runs * 5);
    expect(learned, `${tag}: addresses learned`).toBeGreaterThan(0);
  }, 90_000);
});
