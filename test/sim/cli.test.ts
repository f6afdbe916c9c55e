import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSim } from '../../src/cli/sim.js';
import { wellFormedXml } from './helpers.js';

function io() {
  let out = '';
  let err = '';
  return { io: { out: (t: string) => void (out += t), err: (t: string) => void (err += t) }, out: () => out, err: () => err };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('peerwarden sim', () => {
  it('runs a scenario, prints a summary table, writes results.json and well-formed SVG charts, and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-sim-'));
    dirs.push(dir);
    const c = io();
    const code = await runSim(['bootstrap', '--nodes', '8', '--duration', '1m', '--seed', 'cli', '--out', dir, '--set', 'outbound=4,hot=3,joinWindow=20s', '--no-progress'], c.io);
    expect(c.err()).toBe('');
    expect(code).toBe(0);
    expect(c.out()).toMatch(/bootstrap — Bootstrap from seeds: 8 nodes, 1m virtual, seed cli/);
    expect(c.out()).toMatch(/every node at targets after/);
    expect(c.out()).toMatch(/scenario\s+nodes\s+virtual\s+wall\s+checks/);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['bootstrap-degree.svg', 'bootstrap-known.svg', 'bootstrap-targets.svg', 'cost.json', 'results.json']);
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(results).toMatchObject({ format: 'peerwarden-sim/1', seed: 'cli', scenarios: [{ scenario: 'bootstrap', nodes: 8, durationMs: 60_000 }] });
    expect(results.scenarios[0].parameters).toMatchObject({ outbound: 4, hot: 3, joinWindow: 20_000, seeds: 3 });
    expect(results.scenarios[0].series.t.length).toBe(6);
    for (const f of files.filter((x) => x.endsWith('.svg'))) {
      const svg = readFileSync(join(dir, f), 'utf8');
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(wellFormedXml(svg)).toEqual([]);
      expect(svg).toMatch(/<path d="M/);
    }
  });

  it('--progress shows virtual time, live nodes and events per second on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-sim-'));
    dirs.push(dir);
    const c = io();
    const code = await runSim(['bootstrap', '--nodes', '8', '--duration', '1m', '--out', dir, '--set', 'outbound=4,hot=3,joinWindow=20s', '--progress'], c.io);
    expect(code).toBe(0);
    expect(c.err()).toMatch(/bootstrap: 1m of 1m virtual \(100%\), 8 nodes, [0-9.]+[kM]? events\/s, [0-9.]+ s/);
  });

  it('--progress counts the nodes of the run in progress when a scenario makes several runs (eclipse-study)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-sim-'));
    dirs.push(dir);
    const c = io();
    const code = await runSim(['eclipse-study', '--nodes', '4', '--duration', '12m', '--out', dir, '--set', 'scale=0.01,caseB=false,caseC=false,caseD=false,outbound=3,hot=2,joinWindow=10s', '--progress'], c.io);
    expect(code).toBe(0);
    // 4 honest nodes and the victim are up in each run.
    expect(c.err()).toMatch(/eclipse-study: 12m of 12m virtual \(100%\), [5-9] nodes, /);
  });

  it('--json prints the results file itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-sim-'));
    dirs.push(dir);
    const c = io();
    const code = await runSim(['partition', '-n', '16', '-d', '9m', '-o', dir, '--json', '--set', 'outbound=3,hot=2,joinWindow=10s,warmup=2m,partitionFor=3m'], c.io);
    expect(code).toBe(0);
    expect(c.out()).toBe(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(JSON.parse(c.out()).scenarios[0].timeline.map((e: { event: string }) => e.event)).toEqual(expect.arrayContaining(['cut', 'healed']));
  });

  it('bad flags exit 2 with every problem listed, before anything runs', async () => {
    const dir = join(tmpdir(), `pw-sim-never-${process.pid}`);
    const c = io();
    const code = await runSim(['eclipse', 'extra', '--nodes', '0', '--duration', 'soon', '--seed=', '--out', dir, '--set', 'attackerGroups=0,nope=1,restart=maybe,oops', '--bogus'], c.io);
    expect(code).toBe(2);
    const err = c.err();
    expect(err).toMatch(/unknown option --bogus/);
    expect(err).toMatch(/one scenario at most/);
    expect(err).toMatch(/--nodes must be 1-50000, got 0/);
    expect(err).toMatch(/--duration: invalid duration "soon"/);
    expect(err).toMatch(/--seed must not be empty/);
    expect(err).toMatch(/unknown parameter "nope"/);
    expect(err).toMatch(/--set: expected name=value, got "oops"/);
    expect(err).toMatch(/attackerGroups must be between 1 and 3840, got 0/);
    expect(err).toMatch(/restart: expected true or false/);
    expect(c.out()).toBe('');
    expect(() => readdirSync(dir)).toThrow();
  });

  it('an unknown scenario and settings a scenario cannot use are refused with exit 2', async () => {
    const a = io();
    expect(await runSim(['eclipes'], a.io)).toBe(2);
    expect(a.err()).toMatch(/unknown scenario "eclipes": choose one of bootstrap, churn, partition, eclipse, sybil, eclipse-study or all/);
    const b = io();
    expect(await runSim(['partition', '--duration', '20m', '--set', 'hot=5,outbound=4'], b.io)).toBe(2);
    expect(b.err()).toMatch(/the duration must exceed warm-up \+ partition \(35 min\)/);
    expect(b.err()).toMatch(/hot \(5\) cannot exceed outbound \(4\)/);
  });

  it('--help and --list describe the command, every scenario and its parameters', async () => {
    const h = io();
    expect(await runSim(['--help'], h.io)).toBe(0);
    expect(h.out()).toMatch(/Usage: peerwarden sim \[scenario\|all\] \[--nodes N\] \[--seed S\] \[--duration 30m\] \[--out DIR\] \[--json\]/);
    const l = io();
    expect(await runSim(['--list'], l.io)).toBe(0);
    for (const s of ['bootstrap', 'churn', 'partition', 'eclipse', 'sybil', 'eclipse-study']) expect(l.out()).toMatch(new RegExp(`^${s} — `, 'm'));
    expect(l.out()).toMatch(/attackerGroups=32/);
    expect(l.out()).toMatch(/latencyMax=150ms/);
  });
});
