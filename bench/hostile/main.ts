// Cheap attacks at full size against a real daemon on loopback, each next to the same daemon's figures with no attack.
//
// For each attack a fresh `peerwarden node` process starts (TLS or plain, loopback only) and a
// separate attacker process runs the attack while this process measures: the daemon's peak RSS
// (VmHWM), the worst /status latency (polled every 100 ms), and how long three honest peers, each
// from its own /16, take to get in and stay in (retrying every 250 ms, as a determined peer would).
// The first row of every table is the baseline: the same measurement with no attack.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateIdentity } from '../../src/net/identity.js';
import { ConnectionManager } from '../../src/net/manager.js';
import { sleep, type Target } from '../../test/helpers/hostile-peer.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const NETWORK = 'hostile';
const quick = process.env.HOSTILE_QUICK === '1';
const scale = (full: number, small: number) => (quick ? small : full);

interface Daemon {
  proc: ChildProcess;
  dir: string;
  port: number;
  apiUrl: string;
}

let nextPort = 27100 + (process.pid % 200) * 10;

/** Daemons still running: killed if this process ends early, so a failed run leaves nothing behind. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

async function startDaemon(encryption: 'tls' | 'none'): Promise<Daemon> {
  const dir = mkdtempSync(join(tmpdir(), 'pw-hostile-'));
  const port = nextPort;
  nextPort += 4;
  const proc = spawn(
    process.execPath,
    [join(root, 'bin', 'peerwarden.js'), 'node', '--data-dir', dir, '--listen', `127.0.0.1:${port}`, '--encryption', encryption, '--allow-loopback', '--log-level', 'error', '--network', NETWORK],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  running.add(proc);
  proc.once('exit', () => running.delete(proc));
  const apiUrl = `http://127.0.0.1:${port + 1}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const r = await fetch(`${apiUrl}/status`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`the daemon on port ${port} did not start`);
    await sleep(100);
  }
  return { proc, dir, port, apiUrl };
}

async function stopDaemon(d: Daemon): Promise<void> {
  const exited = new Promise<void>((resolve) => d.proc.once('exit', () => resolve()));
  d.proc.kill('SIGTERM');
  const timer = setTimeout(() => d.proc.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
  rmSync(d.dir, { recursive: true, force: true });
}

/** The daemon's peak resident set so far, MiB (the kernel's high-water mark). */
function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Polls /status every 100 ms until stopped; the worst latency seen (a timeout counts as its 10 s). */
function watchStatus(d: Daemon): { stop(): Promise<number> } {
  let worst = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      try {
        const r = await fetch(`${d.apiUrl}/status`, { signal: AbortSignal.timeout(10_000) });
        await r.arrayBuffer();
      } catch {
        /* a timeout: counted by its duration */
      }
      worst = Math.max(worst, performance.now() - t0);
      await sleep(100);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return worst;
    },
  };
}

/**
 * Three honest peers, each from its own /16 (127.21x.0.1), dial the daemon until a connection is
 * authenticated and still open 500 ms later (it found a slot). Returns the slowest time to get in
 * (ms) and the median handshake time of the attempts, or Infinity when one never got in by `limitMs`.
 */
async function honestJoin(d: Daemon, encryption: 'tls' | 'none', limitMs: number): Promise<{ joinMs: number; handshakeMs: number }> {
  const handshakes: number[] = [];
  const one = async (i: number): Promise<number> => {
    const cm = new ConnectionManager({ identity: generateIdentity(), network: NETWORK, encryption, listen: `127.${210 + i}.0.1:0`, handshakeTimeoutMs: 10_000 });
    await cm.start();
    const start = performance.now();
    try {
      while (performance.now() - start < limitMs) {
        const t0 = performance.now();
        try {
          const conn = await cm.dial(`127.0.0.1:${d.port}`);
          handshakes.push(performance.now() - t0);
          await sleep(500);
          if (conn.isOpen) return performance.now() - start - 500;
        } catch {
          /* refused or evicted: try again */
        }
        await sleep(250);
      }
      return Infinity;
    } finally {
      await cm.close();
    }
  };
  const times = await Promise.all([0, 1, 2].map(one));
  handshakes.sort((a, b) => a - b);
  return { joinMs: Math.max(...times), handshakeMs: handshakes.length ? handshakes[handshakes.length >> 1]! : Infinity };
}

interface Row {
  attack: string;
  sent: string;
  rssMiB: number;
  statusMs: number;
  joinMs: number;
  handshakeMs: number;
  note: string;
}

/**
 * Runs one scenario: a fresh daemon, the attacker process for `durationMs` (nothing for the
 * baseline), honest peers joining `joinAfterMs` into it, /status watched throughout.
 */
async function scenario(name: string, encryption: 'tls' | 'none', attack: Record<string, unknown> | undefined, durationMs: number, sent: string): Promise<Row> {
  const d = await startDaemon(encryption);
  const target: Target = { host: '127.0.0.1', port: d.port, encryption, network: NETWORK };
  const status = watchStatus(d);
  let attacker: ChildProcess | undefined;
  let output = '';
  const attackDone = attack
    ? new Promise<void>((resolve) => {
        attacker = spawn(process.execPath, ['--import', 'tsx', join(here, 'attack.ts'), JSON.stringify({ ...attack, target, durationMs, url: `${d.apiUrl}/metrics` })], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        running.add(attacker);
        attacker.stdout!.on('data', (b: Buffer) => (output += b.toString()));
        attacker.once('exit', () => resolve());
      })
    : sleep(durationMs);
  // Let the attack take hold before the honest peers arrive.
  await sleep(Math.min(5_000, durationMs / 3));
  const joined = await honestJoin(d, encryption, durationMs);
  await attackDone;
  const statusMs = await status.stop();
  const rssMiB = peakRssMiB(d.proc.pid!);
  await stopDaemon(d);
  void attacker;
  let note = '';
  if (output.trim()) {
    const r = JSON.parse(output.trim().split('\n').pop()!) as Record<string, number>;
    if ('dropped' in r) note = `${r.sessions} sessions, ${r.dropped} dropped by the node, ${r.refused} refused; ${(r.bytesSent! / 1024 / 1024).toFixed(0)} MiB of PINGs`;
    else if ('opened' in r) note = `${r.opened} sockets opened, ${r.closedByNode} closed by the node`;
    else if ('scrapes' in r) note = `${r.scrapes} scrapes (${(r.scrapes! / (durationMs / 1000)).toFixed(0)}/s)`;
  }
  console.error(`  ${name}: done`);
  return { attack: name, sent, rssMiB, statusMs, joinMs: joined.joinMs, handshakeMs: joined.handshakeMs, note };
}

function printRows(title: string, rows: Row[]): void {
  const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : 'never');
  const header = ['attack', 'what was sent', 'daemon peak RSS (MiB)', 'worst /status (ms)', 'honest peers in after (ms)', 'honest handshake p50 (ms)', 'attack outcome'];
  const body = rows.map((r) => [r.attack, r.sent, f(r.rssMiB), f(r.statusMs), f(r.joinMs), f(r.handshakeMs, 1), r.note]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`\n## ${title}\n`);
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const b of body) console.log(line(b));
}

const D = scale(30_000, 8_000);
const slowIps = scale(15, 4);
const squatIps = scale(30, 8);
const tlsRows: Row[] = [];
const plainRows: Row[] = [];
console.error(`hostile bench: ${quick ? 'quick' : 'full'} sizes, ${D / 1000} s per attack`);
plainRows.push(await scenario('none (baseline)', 'none', undefined, D, '-'));
plainRows.push(await scenario('slow readers', 'none', { kind: 'ping-flood', ips: slowIps, perIp: 4 }, D, `${slowIps} IPs x 4 peers: handshake, then PINGs as fast as the socket takes them, never reading`));
plainRows.push(await scenario('silent sockets', 'none', { kind: 'squat', ips: squatIps, perIp: 4 }, D, `${squatIps} IPs x 4 sockets that send nothing, re-opened when dropped`));
plainRows.push(await scenario('/metrics, 1 client', 'none', { kind: 'scrape', clients: 1 }, D, '1 client scraping /metrics back to back'));
plainRows.push(await scenario('/metrics, 50 clients', 'none', { kind: 'scrape', clients: 50 }, D, '50 clients scraping /metrics back to back'));
tlsRows.push(await scenario('none (baseline)', 'tls', undefined, D, '-'));
tlsRows.push(await scenario('slow readers', 'tls', { kind: 'ping-flood', ips: slowIps, perIp: 4 }, D, `${slowIps} IPs x 4 peers over TLS: PINGs, never reading`));
tlsRows.push(await scenario('silent sockets', 'tls', { kind: 'squat', ips: squatIps, perIp: 4 }, D, `${squatIps} IPs x 4 TCP sockets that never start TLS`));
printRows('Hostile peers and clients against one daemon, plain TCP (first row: no attack)', plainRows);
printRows('The same over TLS (first row: no attack)', tlsRows);
