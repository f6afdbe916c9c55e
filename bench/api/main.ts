// API benchmark: what one /metrics scrape costs a node with 125 peers, and whether scraping in a loop slows handshakes.
//
// A node with 125 authenticated inbound peers (TLS) runs in this process; helpers in child processes
// hold the peers, scrape /metrics (0, 1 or 50 clients in a loop) and time fresh handshakes meanwhile.
// Costs are CPU time of this process (the node), which a busy shared machine disturbs less than wall time.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRegistry } from '../../src/api/metrics.js';
import { startNodeApi } from '../../src/api/node-api.js';
import { registerNodeMetrics } from '../../src/api/node-metrics.js';
import { createNode } from '../../src/create-node.js';
import { systemScheduler } from '../../src/platform/index.js';
import { median, percentile } from '../net/harness.js';
import { printTable, type BenchRow } from '../table.js';

const PEERS = Number(process.env.BENCH_PEERS ?? 125);
const ENCRYPTION = process.env.BENCH_ENCRYPTION ?? 'tls';
const PROBES = 40;
const HELPER = fileURLToPath(new URL('./peers.ts', import.meta.url));

function helper(args: string[]): ChildProcess {
  return fork(HELPER, args, { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
}
const message = <T>(child: ChildProcess) =>
  new Promise<T>((resolve, reject) => {
    child.once('message', (m) => resolve(m as T));
    child.once('exit', (code) => reject(new Error(`helper exited with ${code}`)));
  });
const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

const node = await createNode({
  network: 'bench',
  dataDir: null,
  listen: '127.0.0.1:0',
  encryption: ENCRYPTION as 'tls' | 'none',
  allowLoopback: true,
  targets: { maxInbound: PEERS + 100, maxTotal: PEERS + 120, maxInboundPerIp: PEERS + 100 },
  api: { listen: '127.0.0.1:0' },
});
await node.start();
const [host, portText] = [node.listenAddresses[0]!.replace(/:\d+$/, ''), node.listenAddresses[0]!.replace(/^.*:/, '')];
const holder = helper(['hold', host, portText, String(PEERS), ENCRYPTION]);
const held = await message<{ connected: number }>(holder);
const metricsUrl = `${node.api!.url}/metrics`;
const rows: BenchRow[] = [];

// ---- one render of the whole registry, in process, bypassing the HTTP route and its once-a-second limit ----
// Back to back (warm caches, the cost a tight loop of scrapes paid per scrape before the limit), and
// spaced like real scrapes (cold caches: what each render costs a node in practice).
const registry = createRegistry();
registerNodeMetrics(registry, node);
for (let i = 0; i < 20; i++) await registry.metrics();
const warm: number[] = [];
for (let i = 0; i < 200; i++) {
  const c0 = cpuMs();
  await registry.metrics();
  warm.push(cpuMs() - c0);
}
const cold: number[] = [];
for (let i = 0; i < 15; i++) {
  await new Promise((r) => setTimeout(r, 500));
  const c0 = cpuMs();
  await registry.metrics();
  cold.push(cpuMs() - c0);
}
const peers = node.peers().length;
rows.push({ name: `one /metrics render, ${peers} peers, back to back (CPU, median)`, value: median(warm), unit: 'ms', target: '<= 2' });
rows.push({ name: `one /metrics render, ${peers} peers, 0.5 s apart (CPU, median)`, value: median(cold), unit: 'ms', target: '<= 2' });
{
  // The share of node.stats() (one call per render), spaced the same way.
  const stats: number[] = [];
  for (let i = 0; i < 15; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const c0 = cpuMs();
    node.stats();
    stats.push(cpuMs() - c0);
  }
  rows.push({ name: '  of which node.stats(), 0.5 s apart (CPU, median)', value: median(stats), unit: 'ms' });
}

// ---- a whole GET /metrics through the server (routing, checks, render, reply), 1.1 s apart so each one renders ----
// In process (inject, on a second API of the same node): over a socket, the node's background work
// (125 TLS peers) varies more between two windows than a scrape costs, so "CPU beyond idle" is noise.
{
  const twin = await startNodeApi({ node, listen: { ip: '127.0.0.1', port: 0 }, token: 'x'.repeat(32), version: 'bench', mode: 'node', scheduler: systemScheduler });
  const headers = { host: new URL(twin.url).host };
  const scrapes: number[] = [];
  for (let i = 0; i < 12; i++) {
    await new Promise((r) => setTimeout(r, 1100));
    const c0 = cpuMs();
    const res = await twin.server.app.inject({ method: 'GET', url: '/metrics', headers });
    scrapes.push(cpuMs() - c0);
    if (res.statusCode !== 200) throw new Error(`GET /metrics answered ${res.statusCode}: ${res.body}`);
  }
  await twin.close();
  rows.push({ name: 'GET /metrics through the server, 1.1 s apart (CPU, median)', value: median(scrapes), unit: 'ms', target: '<= 2' });
}

// ---- handshake latency while 0, 1 and 50 clients scrape in a loop ----
async function probe(): Promise<number[]> {
  const p = helper(['probe', host, portText, ENCRYPTION, String(PROBES)]);
  return (await message<{ latencies: number[] }>(p)).latencies;
}
const idle = await probe();
rows.push({ name: 'handshake, nobody scraping (median)', value: median(idle), unit: 'ms' });
rows.push({ name: 'handshake, nobody scraping (p90)', value: percentile(idle, 90), unit: 'ms' });
for (const clients of [1, 50]) {
  const scraper = helper(['scrape', metricsUrl, String(clients)]);
  await message(scraper);
  await new Promise((r) => setTimeout(r, 500));
  const c0 = cpuMs();
  const t0 = performance.now();
  const lat = await probe();
  const cpuShare = (cpuMs() - c0) / (performance.now() - t0);
  const done = message<{ scrapes: number }>(scraper);
  scraper.send({ stop: true });
  const { scrapes } = await done;
  rows.push({ name: `handshake, ${clients} client${clients > 1 ? 's' : ''} scraping in a loop (median)`, value: median(lat), unit: 'ms', baseline: median(idle) });
  rows.push({ name: `handshake, ${clients} client${clients > 1 ? 's' : ''} scraping in a loop (p90)`, value: percentile(lat, 90), unit: 'ms', baseline: percentile(idle, 90) });
  rows.push({ name: `  node CPU busy meanwhile (${scrapes} scrapes served)`, value: cpuShare * 100, unit: '%' });
}

printTable(`API: /metrics with ${held.connected} peers (${ENCRYPTION})`, rows);
holder.send({ stop: true });
await new Promise((r) => holder.once('exit', r));
await node.stop();
process.exit(0);
