// kill -9 while a process adds addresses: the database opens, passes its checks and holds a state the
// book really had, no older than the last commit the process reported (commits come every second).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, onTestFailed } from 'vitest';
import { AddressBook } from '../../src/core/addrbook/index.js';
import { createRandom } from '../../src/core/random.js';
import { loadAddressBook, openStore } from '../../src/store/index.js';
import { applyBatch, BATCH_CLOCK, bookOptions } from './fixtures/crash-batches.js';
import { eachLine } from '../helpers/lines.js';

const here = dirname(fileURLToPath(import.meta.url));
// Set PW_SEED to replay a failure: the seed decides when each child is killed. Every assertion
// message names it.
const seed = Number(process.env.PW_SEED ?? Date.now());
const tag = `PW_SEED=${seed}`;
const root = join(here, '..', '..');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Runs the child until its first commit, waits `waitMs` more, kills it with SIGKILL; resolves the last commit it reported. */
function runAndKill(dir: string, waitMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'fixtures', 'crash-child.ts'), dir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let lastCommitted = -1;
    let stderr = '';
    let killing = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    eachLine(child.stdout, (line) => {
      const m = /^commit (\d+)$/.exec(line);
      if (m) lastCommitted = Number(m[1]);
      if (m && !killing) {
        killing = true;
        setTimeout(() => child.kill('SIGKILL'), waitMs);
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(lastCommitted);
      else reject(new Error(`${tag}: child exited with ${code ?? signal}: ${stderr}`));
    });
  });
}

describe('crash safety', () => {
  it('survives kill -9 at random moments with every change up to the last reported commit', async () => {
    // Errors that are not assertions (a refusal to open, a timeout) carry no message of ours.
    onTestFailed(() => console.error(`failed with ${tag}; run again with that variable set to replay it`));
    const rnd = createRandom(seed);
    const runs = await Promise.all(
      [0, 1].map(async () => {
        const dir = mkdtempSync(join(tmpdir(), 'pw-crash-'));
        dirs.push(dir);
        const waitMs = 100 + rnd.int(1200);
        const lastCommitted = await runAndKill(dir, waitMs);
        return { dir, lastCommitted, waitMs };
      }),
    );
    for (const { dir, lastCommitted, waitMs } of runs) {
      const at = `${tag}, killed ${waitMs} ms after the first commit`;
      expect(lastCommitted, `${at}: last reported commit`).toBeGreaterThan(0);
      const store = openStore(dir);
      BATCH_CLOCK.t = 0;
      const loaded = loadAddressBook(store, bookOptions());
      expect(loaded.checkConsistency(), `${at}: consistency check`).toBe(0);
      const saved = loaded.snapshot();

      // Replay the child's batches and find the one the database holds.
      BATCH_CLOCK.t = 0;
      const replay = new AddressBook({ ...bookOptions(), key: bookOptions().key! });
      let matched = -1;
      for (let n = 0; n <= lastCommitted + 3000 && matched < 0; n++) {
        if (n >= lastCommitted && replay.size() === loaded.size()) {
          const snap = replay.snapshot();
          if (JSON.stringify(snap) === JSON.stringify(saved)) matched = n;
        }
        applyBatch(replay, n);
        BATCH_CLOCK.t = n + 1;
      }
      // The database holds exactly the book after some batch, no earlier than the last reported commit.
      expect(matched, `${at}: the batch the database holds (last reported commit ${lastCommitted})`).toBeGreaterThanOrEqual(lastCommitted);
      store.close();
    }
  }, 60_000);
});
