// The operator files in contrib/: the Grafana dashboards query metrics a live node and a live watch
// really export, the alert rules and the Prometheus configuration pass promtool (and the rules fire
// when they should), the systemd units pass systemd-analyze verify, and the node loads the example
// configuration file.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../src/api/create.js';
import { feedObserverEvents, registerObserverRoutes } from '../../src/api/observer-routes.js';
import { NODE_KEYS } from '../../src/cli/config-sources.js';
import { createNode } from '../../src/create-node.js';
import type { Node } from '../../src/node/index.js';
import { createObserver, type Observer } from '../../src/observer/index.js';
import { startDaemon, tempDir, type Daemon } from '../helpers/daemon.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const contrib = (p: string) => join(root, 'contrib', p);
const FIXTURE = new URL('../fixtures/cardano/cardano-node-10.6-testnet.jsonl', import.meta.url).pathname;
const PROMTOOL = process.env.PROMTOOL ?? '/usr/bin/promtool';

/** Metric names a scrape declares: every family (even one with no sample yet) and a histogram's series. */
function exportedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(m[1]!);
    if (m[2] === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(m[1]! + s);
    if (m[2] === 'summary') for (const s of ['_sum', '_count']) names.add(m[1]! + s);
  }
  for (const m of text.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/gm)) names.add(m[1]!);
  return names;
}

const PROMQL_WORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'inf', 'nan']);

/** The metric names a PromQL expression reads: identifiers that are not functions, keywords, label lists, matchers or Grafana variables. */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // strings
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\[[^\]]*\]/g, '') // ranges
    .replace(/\$\{?\w+\}?/g, '') // Grafana variables
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ''); // label lists
  const names = new Set<string>();
  for (const m of bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\()?/g)) {
    if (m[2] || PROMQL_WORDS.has(m[1]!) || /^\d/.test(m[1]!)) continue;
    names.add(m[1]!);
  }
  return [...names];
}

interface Panel {
  title: string;
  type: string;
  targets?: { expr: string }[];
  panels?: Panel[];
}

function dashboardExprs(file: string): { title: string; expr: string }[] {
  const d = JSON.parse(readFileSync(contrib(`grafana/${file}`), 'utf8')) as { panels: Panel[]; templating: { list: { query?: unknown; definition?: string }[] } };
  const out: { title: string; expr: string }[] = [];
  const walk = (ps: Panel[]) => {
    for (const p of ps) {
      for (const t of p.targets ?? []) out.push({ title: p.title, expr: t.expr });
      walk(p.panels ?? []);
    }
  };
  walk(d.panels);
  for (const v of d.templating.list) {
    const m = /^label_values\((\w+),/.exec(v.definition ?? '');
    if (m) out.push({ title: `variable ${v.definition}`, expr: m[1]! });
  }
  return out;
}

function promtool(args: string[], cwd = root): { status: number | null; out: string } {
  const r = spawnSync(PROMTOOL, args, { cwd, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('contrib/grafana dashboards', () => {
  let node: Node;
  let peer: Node;
  let observer: Observer;
  let watchApi: ReturnType<typeof createApiServer>;
  let nodeMetrics: Set<string>;
  let watchMetrics: Set<string>;

  beforeAll(async () => {
    node = await createNode({ network: 'grafana', dataDir: null, listen: '127.82.0.1:0', encryption: 'none', allowLoopback: true, api: {} });
    peer = await createNode({ network: 'grafana', dataDir: null, listen: '127.82.0.2:0', encryption: 'none', allowLoopback: true });
    await node.start();
    await peer.start();
    // Some traffic, so that every family a dashboard reads has been touched (a request's histogram too).
    peer.handle('echo', (p) => p);
    const p = await node.connect(peer.listenAddresses[0]!);
    await node.request(p.id, 'echo', new Uint8Array([1]), { timeoutMs: 5000 });
    nodeMetrics = exportedNames(await (await fetch(`${node.api!.url}/metrics`)).text());

    observer = createObserver({ log: FIXTURE, reconcile: false, follow: false });
    watchApi = createApiServer({ listen: { ip: '127.0.0.1', port: 0 }, title: 'observer', version: '0' });
    feedObserverEvents(observer, watchApi.feed);
    registerObserverRoutes(watchApi.server.app, { observer, feed: watchApi.feed, registry: watchApi.registry, version: '0', startedAt: Date.now(), now: Date.now });
    const url = await watchApi.server.start();
    await observer.start();
    watchMetrics = exportedNames(await (await fetch(`${url}/metrics`)).text());
  });
  afterAll(async () => {
    await observer?.stop();
    await watchApi?.server.close();
    await node?.stop();
    await peer?.stop();
  });

  it('reads only metric names the expression parser finds (the check itself)', () => {
    expect(metricNames('histogram_quantile(0.95, sum by (le, topic) (rate(peerwarden_request_duration_seconds_bucket{instance=~"$instance"}[$__rate_interval])))')).toEqual([
      'peerwarden_request_duration_seconds_bucket',
    ]);
    expect(metricNames('sum by (instance, job) (a_total{x="y"}) < on (instance, job) b{target="hot"} and c > 1000')).toEqual(['a_total', 'b', 'c']);
  });

  for (const [file, which] of [
    ['peerwarden-node.json', 'node'],
    ['peerwarden-watch.json', 'watch'],
  ] as const) {
    it(`${file}: every query names metrics a live ${which} exports, and parses`, () => {
      const exprs = dashboardExprs(file);
      expect(exprs.length).toBeGreaterThan(10);
      const exported = which === 'node' ? nodeMetrics : watchMetrics;
      const missing = exprs.flatMap(({ title, expr }) => metricNames(expr).filter((n) => !exported.has(n)).map((n) => `${title}: ${n}`));
      expect(missing).toEqual([]);
      for (const { expr } of exprs) expect(metricNames(expr).length, expr).toBeGreaterThan(0);
      // promtool parses each expression (as a recording rule), with Grafana's variables filled in.
      const dir = mkdtempSync(join(tmpdir(), 'pw-grafana-'));
      const rules = exprs.map(({ expr }, i) => ({
        record: `dashboard:expr_${i}`,
        expr: expr.replaceAll('$__rate_interval', '5m').replaceAll('$instance', '.*'),
      }));
      writeFileSync(join(dir, 'rules.yml'), JSON.stringify({ groups: [{ name: 'dashboard', rules }] }));
      const r = promtool(['check', 'rules', join(dir, 'rules.yml')]);
      expect(r.out).toMatch(/SUCCESS/);
      expect(r.status).toBe(0);
    });
  }
});

describe('contrib/prometheus', () => {
  it('the alert rules pass promtool check rules, with nothing to report', () => {
    const r = promtool(['check', 'rules', contrib('prometheus/peerwarden-alerts.yml')]);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.out).not.toMatch(/WARNING|FAILED/);
  });

  it('the alerts fire on the series that should fire them, and not otherwise (promtool test rules)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-alerts-'));
    writeFileSync(join(dir, 'peerwarden-alerts.yml'), readFileSync(contrib('prometheus/peerwarden-alerts.yml')));
    writeFileSync(join(dir, 'test.yml'), readFileSync(new URL('alerts.test.yml', import.meta.url)));
    const r = promtool(['test', 'rules', 'test.yml'], dir);
    expect(r.out).toMatch(/SUCCESS/);
    expect(r.status).toBe(0);
  });

  it('the example prometheus.yml passes promtool check config (with the rules)', () => {
    const r = promtool(['check', 'config', contrib('prometheus/prometheus.yml')]);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/SUCCESS: 1 rule files found/);
  });

  it('every metric an alert reads is one a node or a watch exports', async () => {
    const text = readFileSync(contrib('prometheus/peerwarden-alerts.yml'), 'utf8');
    const exprs = [...text.matchAll(/expr: (?:\|\n((?: {10}.*\n)+)|(.*))/g)].map((m) => (m[1] ?? m[2]!).trim());
    expect(exprs.length).toBeGreaterThan(10);
    const names = new Set(exprs.flatMap(metricNames));
    const node = await createNode({ network: 'alerts', dataDir: null, listen: '127.82.0.3:0', encryption: 'none', allowLoopback: true, api: {} });
    await node.start();
    const exported = exportedNames(await (await fetch(`${node.api!.url}/metrics`)).text());
    await node.stop();
    const observer = createObserver({ log: FIXTURE, reconcile: false, follow: false });
    const api = createApiServer({ listen: { ip: '127.0.0.1', port: 0 }, title: 'observer', version: '0' });
    registerObserverRoutes(api.server.app, { observer, feed: api.feed, registry: api.registry, version: '0', startedAt: Date.now(), now: Date.now });
    const url = await api.server.start();
    for (const n of exportedNames(await (await fetch(`${url}/metrics`)).text())) exported.add(n);
    await api.server.close();
    expect([...names].filter((n) => !exported.has(n))).toEqual([]);
  });
});

describe('contrib/systemd', () => {
  const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p));
  it.skipIf(!analyze)('the node and watch units pass systemd-analyze verify, with nothing to report', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-units-'));
    const files = ['peerwarden.service', 'peerwarden-watch.service'].map((u) => {
      // verify checks that ExecStart's program exists: point it at this checkout's command.
      const text = readFileSync(contrib(`systemd/${u}`), 'utf8');
      expect(text).toMatch(/^ExecStart=\/usr\/local\/bin\/peerwarden /m);
      writeFileSync(join(dir, u), text.replaceAll('/usr/local/bin/peerwarden', join(root, 'bin/peerwarden.js')));
      return join(dir, u);
    });
    const r = spawnSync(analyze!, ['verify', ...files], { encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const key of ['NoNewPrivileges=yes', 'ProtectSystem=strict', 'PrivateTmp=yes', 'CapabilityBoundingSet=', 'RestrictAddressFamilies=', 'SystemCallFilter=@system-service']) {
        expect(text, `${f}: ${key}`).toContain(key);
      }
      // Node.js's JIT needs writable executable memory: this option would kill the process.
      expect(text).not.toMatch(/^MemoryDenyWriteExecute=yes/m);
    }
  });
});

describe('contrib/peerwarden.toml', () => {
  let d: Daemon | undefined;
  afterAll(async () => {
    await d?.stop();
  });

  it('names every setting the node has', () => {
    const text = readFileSync(contrib('peerwarden.toml'), 'utf8');
    const missing = NODE_KEYS.filter((k) => !new RegExp(`^#? ?${k.path.at(-1)} =`, 'm').test(text)).map((k) => k.path.join('.'));
    expect(missing).toEqual([]);
  });

  it('is what a node starts from (with the address and data dir of this test)', async () => {
    // The test's flags win over the file (its address, data dir, and a network of its own).
    d = await startDaemon('127.82.0.4', ['--config', contrib('peerwarden.toml')], tempDir('pw-contrib-toml-'));
    const { json } = await d.http('GET', '/api/v1/status');
    expect(json).toMatchObject({ mode: 'node', encryption: 'tls', targets: { hot: 8, outbound: 12, maxInbound: 100, maxTotal: 125, maxInboundPerIp: 4 } });
    // A client command finds it through the same file, given the data dir it runs on.
    const { runCli } = await import('../helpers/cli.js');
    const status = await runCli(['status', '--config', contrib('peerwarden.toml'), '--data-dir', d.dataDir]);
    expect(status.stderr).toBe('');
    expect(status.stdout).toMatch(new RegExp(`^node ${d.id}`, 'm'));
  });
});
