// `peerwarden devnet` end to end: real node processes on 127.i.0.1 find each other from one seed.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';

describe('peerwarden devnet', () => {
  it('forms one connected network of 4 nodes, each fully meshed, and exits 0', async () => {
    const r = await runCli(['devnet', '--nodes', '4', '--duration', '15s', '--base-port', '17300', '--ui-port', '0']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/network page: http:\/\/127\.0\.0\.1:\d+\//);
    for (let i = 1; i <= 4; i++) expect(r.stdout).toContain(`node ${i}: p2p 127.${i}.0.1:17300  API and dashboard http://127.${i}.0.1:17301/`);
    expect(r.stdout).toMatch(/devnet: OK — 4 nodes, every one at its targets or fully meshed, one connected graph/);
    // The final summary lists every node with 3 peers (a full mesh of 4).
    const rows = r.stdout.split('\n').filter((l) => /^\d\s+[0-9a-f]{12}\s+127\.\d\.0\.1/.test(l));
    expect(rows).toHaveLength(4);
  }, 60_000);

  it('Ctrl-C (SIGINT to its process group) stops every node once, cleanly, and says so', async () => {
    // detached: the devnet leads a process group of its own, as a command run from a shell does.
    const child = spawn(process.execPath, [BIN, 'devnet', '--nodes', '3', '--base-port', '17320', '--ui-port', '0'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await expect.poll(() => out, { timeout: 45_000, interval: 200 }).toMatch(/network formed after \d+\.\d s/);
      const before = out.length;
      process.kill(-child.pid!, 'SIGINT'); // what the terminal does on Ctrl-C
      expect(await exited).toBe(0);
      const after = out.slice(before);
      // No table of half-stopped nodes: one line before stopping, one after.
      expect(after).toMatch(/^stopping 3 nodes \(goodbyes, anchors, store flush\)…\ndevnet: stopped 3 nodes in \d+\.\d s, every one cleanly\n$/);
      expect(err).toBe('');
    } finally {
      // SIGTERM, not SIGKILL: the devnet then stops its nodes (they are in process groups of their own).
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    }
  }, 60_000);

  it('refuses impossible settings with exit code 2', async () => {
    const r = await runCli(['devnet', '--nodes', '65', '--duration', 'soon', '--encryption', 'rot13']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--nodes must be 1-64/);
    expect(r.stderr).toMatch(/--duration: invalid duration/);
    expect(r.stderr).toMatch(/--encryption must be tls or none/);
  });
});
