// `peerwarden devnet` end to end: real node processes on 127.i.0.1 find each other from one seed.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

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

  it('refuses impossible settings with exit code 2', async () => {
    const r = await runCli(['devnet', '--nodes', '65', '--duration', 'soon', '--encryption', 'rot13']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--nodes must be 1-64/);
    expect(r.stderr).toMatch(/--duration: invalid duration/);
    expect(r.stderr).toMatch(/--encryption must be tls or none/);
  });
});
