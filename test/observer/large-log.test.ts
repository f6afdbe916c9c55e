// A 1,000,000-line log is ingested with bounded memory.
import { describe, expect, it } from 'vitest';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { syntheticLines } from '../../bench/observer/synthetic-log.js';
import { Observer } from '../../src/observer/observer.js';
import { FileSource } from '../../src/observer/sources/file.js';
import type { LineSource } from '../../src/observer/sources/source.js';
import { withTempDir } from './helpers.js';

/** A full garbage collection, to measure what is retained rather than what is not yet collected. */
function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const LINES = 1_000_000;
const CHECK_EVERY = 100_000;

describe('a 1,000,000-line log', () => {
  it('is ingested with bounded memory: nothing grows with the number of lines', async () => {
    await withTempDir(async (dir) => {
      // A block of 32,000 lines — the peer-heavy synthetic cycle (2,000 peers, sessions opening and
      // closing) interleaved with short block-fetch lines — written 31¼ times.
      const peerLines = [...syntheticLines(16_000, { peers: 2000 })];
      const filler = '{"at":"2025-12-01T07:06:49.424019Z","ns":"BlockFetch.Client.AcknowledgedFetchRequest","data":{"kind":"AcknowledgedFetchRequest","peer":{"connectionId":"172.0.118.125:3001 10.0.0.1:3001"}},"sev":"Info","thread":"9","host":"relay-1"}';
      const block = Buffer.from(peerLines.map((l) => `${l}\n${filler}\n`).join(''));
      const path = join(dir, 'node.json');
      const file = await open(path, 'w');
      const blockLines = peerLines.length * 2;
      for (let written = 0; written < LINES; written += blockLines) {
        const take = Math.min(blockLines, LINES - written);
        if (take === blockLines) await file.write(block);
        else await file.write(Buffer.from(peerLines.slice(0, take / 2).map((l) => `${l}\n${filler}\n`).join('')));
      }
      const { size } = await file.stat();
      await file.close();

      const gc = collectGarbage();
      gc();
      const before = process.memoryUsage().heapUsed;
      const retained: number[] = [];
      let seen = 0;
      const inner = new FileSource({ path, follow: false });
      const tick = () => {
        if (++seen % CHECK_EVERY === 0) {
          gc();
          retained.push(process.memoryUsage().heapUsed - before);
        }
      };
      const checkpoints: LineSource = {
        kind: 'file',
        description: path,
        start: (sink) =>
          inner.start({
            ...sink,
            line: (l) => {
              sink.line(l);
              tick();
            },
          }),
        stop: () => inner.stop(),
      };
      const observer = new Observer({ source: checkpoints, reconcile: false });
      await observer.start();

      const c = observer.counters();
      expect(c).toMatchObject({ linesRead: LINES, parseErrors: 0 });
      expect(c.linesIgnored).toBeGreaterThan(LINES / 2);
      expect(size).toBeGreaterThan(200e6); // the file is hundreds of MB…
      expect(retained).toHaveLength(LINES / CHECK_EVERY);
      const MB = 1e6;
      // …while what ingestion keeps is the peer table (bounded by peers, history and closed-session
      // limits), a few MB, and the same after 100,000 lines as after a million.
      expect(Math.max(...retained)).toBeLessThan(40 * MB);
      expect(retained.at(-1)! - retained[0]!).toBeLessThan(10 * MB);
      expect(observer.peers({ includeClosed: true }).length).toBeLessThanOrEqual(2 * 2000 + 1000);
      await observer.stop();
    });
  });
});
