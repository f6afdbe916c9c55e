import { describe, expect, it } from 'vitest';
import { appendFile, chmod, mkdir, readFile, rename, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { FileSource } from '../../src/observer/sources/file.js';
import { JournaldSource, JournaldUnavailableError } from '../../src/observer/sources/journald.js';
import { LineSplitter } from '../../src/observer/sources/line-splitter.js';
import { findRotatedSiblings } from '../../src/observer/sources/rotation.js';
import { StreamSource } from '../../src/observer/sources/stream.js';
import { collectLines, waitFor, withTempDir } from './helpers.js';
import { fixtureLines } from './fixtures.js';

describe('LineSplitter', () => {
  it('joins lines and UTF-8 characters split across chunks', () => {
    const c = collectLines();
    const s = new LineSplitter(c.sink);
    const bytes = Buffer.from('first\nsé\u20accond\r\nthird');
    for (let i = 0; i < bytes.length; i++) s.push(bytes.subarray(i, i + 1)); // one byte at a time
    expect(c.lines).toEqual(['first', 'sé\u20accond\r']);
    s.end();
    expect(c.lines).toEqual(['first', 'sé\u20accond\r', 'third']);
  });

  it('drops a line over the limit (counted) and keeps the lines around it, with bounded buffering', () => {
    const c = collectLines();
    const s = new LineSplitter(c.sink, 100);
    s.push('short\n' + 'x'.repeat(80));
    s.push('y'.repeat(80)); // the partial line passes the limit here: dropped, not buffered
    s.push('z'.repeat(1000));
    s.push('\nafter\n' + 'w'.repeat(150) + '\nlast\n');
    expect(c.lines).toEqual(['short', 'after', 'last']);
    expect(c.dropped).toHaveLength(2);
  });

  it('forgets a partial line on reset (truncated file)', () => {
    const c = collectLines();
    const s = new LineSplitter(c.sink);
    s.push('half a li');
    s.reset();
    s.push('new line\n');
    expect(c.lines).toEqual(['new line']);
  });
});

describe('findRotatedSiblings', () => {
  it('lists numbered rotations oldest first, skipping compressed ones', async () => {
    await withTempDir(async (dir) => {
      for (const name of ['node.json', 'node.json.1', 'node.json.2', 'node.json.10', 'node.json.3.gz', 'node.json.old', 'other.json.1']) {
        await writeFile(join(dir, name), '');
      }
      expect(await findRotatedSiblings(join(dir, 'node.json'))).toEqual(['node.json.10', 'node.json.2', 'node.json.1'].map((n) => join(dir, n)));
    });
  });

  it('lists timestamped rotations older than the target of a node.json symlink', async () => {
    await withTempDir(async (dir) => {
      const logs = join(dir, 'logs');
      await mkdir(logs);
      for (const name of ['node-20250101000000.json', 'node-20250102000000.json', 'node-20250103000000.json', 'node-20250104000000.json', 'other-20250101.json']) {
        await writeFile(join(logs, name), '');
      }
      await symlink(join(logs, 'node-20250103000000.json'), join(dir, 'node.json'));
      expect(await findRotatedSiblings(join(dir, 'node.json'))).toEqual(
        ['node-20250101000000.json', 'node-20250102000000.json'].map((n) => join(logs, n)),
      );
    });
  });
});

describe('FileSource', () => {
  it('backfills rotated siblings oldest first, then the file itself', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'node.json');
      await writeFile(`${path}.2`, 'a1\na2\n');
      await writeFile(`${path}.1`, 'b1\nb2'); // no final newline: still a line
      await writeFile(path, 'c1\nc2\n');
      const c = collectLines();
      await new FileSource({ path, follow: false }).start(c.sink);
      expect(c.lines).toEqual(['a1', 'a2', 'b1', 'b2', 'c1', 'c2']);
    });
  });

  it('skips rotated files last written before `since`', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'node.json');
      await writeFile(`${path}.1`, 'old\n');
      await writeFile(path, 'new\n');
      const { utimes } = await import('node:fs/promises');
      await utimes(`${path}.1`, new Date('2020-01-01'), new Date('2020-01-01'));
      const c = collectLines();
      await new FileSource({ path, follow: false, since: Date.parse('2024-01-01') }).start(c.sink);
      expect(c.lines).toEqual(['new']);
    });
  });

  it('follows appends, rotation and truncation like tail -F', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'node.json');
      await writeFile(path, 'one\n');
      const c = collectLines();
      const source = new FileSource({ path, pollMs: 5 });
      await source.start(c.sink);
      expect(c.lines).toEqual(['one']);
      try {
        await appendFile(path, 'two\nthr');
        await waitFor(() => c.lines.length === 2, 'the appended line');
        await appendFile(path, 'ee\n');
        await waitFor(() => c.lines.length === 3, 'the completed line');
        expect(c.lines).toEqual(['one', 'two', 'three']);

        // Rotation: the writer's last line lands in the renamed file; the new file starts fresh.
        await rename(path, `${path}.1`);
        await appendFile(`${path}.1`, 'four\n');
        await writeFile(path, 'five\n');
        await waitFor(() => c.lines.length === 5, 'lines across the rotation');
        expect(c.lines.slice(3)).toEqual(['four', 'five']);

        // Truncation in place (copytruncate).
        await truncate(path, 0);
        await waitFor(() => c.warnings.some((w) => w.includes('truncated')), 'the truncation to be noticed');
        await appendFile(path, 'six\n');
        await waitFor(() => c.lines.length === 6, 'the line after truncation');
        expect(c.lines.at(-1)).toBe('six');
      } finally {
        await source.stop();
      }
    });
  });

  it('waits for a file that does not exist yet', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'later.json');
      const c = collectLines();
      const source = new FileSource({ path, pollMs: 5 });
      await source.start(c.sink);
      try {
        expect(c.warnings[0]).toContain('does not exist yet');
        await writeFile(path, 'hello\n');
        await waitFor(() => c.lines.length === 1, 'the new file');
        expect(c.lines).toEqual(['hello']);
      } finally {
        await source.stop();
      }
    });
  });

  it('searches rotated files and the current file for lines about an IP, plus lifecycle lines', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'node.json');
      await writeFile(`${path}.1`, '{"ns":"Net.Server.Remote.Started"}\n{"x":"192.0.2.1"}\n{"x":"192.0.2.2"}\n');
      await writeFile(path, '{"x":"192.0.2.1:3001"}\n{"x":"2001:db8:0:0::7"}\n');
      const found: string[] = [];
      await new FileSource({ path, follow: false }).searchOlder(['192.0.2.1', '2001:db8::7'], (l) => found.push(l));
      expect(found).toEqual(['{"ns":"Net.Server.Remote.Started"}', '{"x":"192.0.2.1"}', '{"x":"192.0.2.1:3001"}', '{"x":"2001:db8:0:0::7"}']);
    });
  });
});

describe('JournaldSource', () => {
  /** A stand-in for journalctl: records its arguments, prints the fixture lines, follows until killed. */
  async function fakeJournalctl(dir: string): Promise<string> {
    const script = join(dir, 'journalctl');
    const lines = join(dir, 'lines.txt');
    await writeFile(lines, fixtureLines('cardano-node-10.6-testnet.jsonl').join('\n') + '\n');
    await writeFile(
      script,
      [
        '#!/bin/sh',
        `printf '%s\\n' "$*" >> "${join(dir, 'args.txt')}"`,
        `cat "${lines}"`,
        'case " $* " in *" -f "*) exec sleep 1000 ;; esac',
      ].join('\n') + '\n',
    );
    await chmod(script, 0o755);
    return script;
  }

  it('runs journalctl -f -o cat -u UNIT from the backfill bound and reads its lines', async () => {
    await withTempDir(async (dir) => {
      const command = await fakeJournalctl(dir);
      const c = collectLines();
      const source = new JournaldSource({ unit: 'cardano-node.service', since: Date.UTC(2025, 11, 1), command });
      await source.start(c.sink);
      try {
        await waitFor(() => c.lines.length === 26, 'the journal lines');
        expect(c.lines[2]).toContain('Net.Server.Local.Started');
      } finally {
        await source.stop();
      }
      const args = (await readFile(join(dir, 'args.txt'), 'utf8')).trim();
      expect(args).toBe(`-f -o cat --no-pager -u cardano-node.service --since=@${Date.UTC(2025, 11, 1) / 1000}`);
      expect(c.warnings).toEqual([]); // stopping is not "journalctl exited"
    });
  });

  it('searches the journal window for a peer without following', async () => {
    await withTempDir(async (dir) => {
      const command = await fakeJournalctl(dir);
      const source = new JournaldSource({ unit: 'cardano-node', command, searchWindowMs: 3600_000 });
      const found: string[] = [];
      await source.searchOlder(['127.0.0.1'], (l) => found.push(l));
      // Every line mentioning 127.0.0.1 plus the server start lines.
      expect(found.length).toBe(fixtureLines('cardano-node-10.6-testnet.jsonl').filter((l) => l.includes('127.0.0.1') || l.includes('"Net.Server.')).length);
      const args = (await readFile(join(dir, 'args.txt'), 'utf8')).trim();
      expect(args).toMatch(/^-o cat --no-pager -u cardano-node --since=@\d+ --until=@\d+$/);
    });
  });

  it('says what to do when journalctl is missing', async () => {
    const source = new JournaldSource({ unit: 'cardano-node', command: '/nonexistent/journalctl' });
    await expect(source.start(collectLines().sink)).rejects.toThrow(JournaldUnavailableError);
    await expect(new JournaldSource({ unit: 'x', command: '/nonexistent/journalctl' }).start(collectLines().sink)).rejects.toThrow(/--log FILE/);
  });
});

describe('StreamSource', () => {
  it('reads lines from a stream until it ends', async () => {
    const stream = new PassThrough();
    const c = collectLines();
    const source = new StreamSource({ stream });
    await source.start(c.sink);
    stream.write('a\nb');
    stream.end('c\nd');
    await source.ended;
    expect(c.lines).toEqual(['a', 'bc', 'd']);
    await source.stop();
  });
});
