// Many connections on one listener: another process dials them; pings must keep flowing and the event loop stay responsive.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { generateIdentity } from '../../src/net/identity.js';
import { ConnectionManager } from '../../src/net/manager.js';

export interface ManyResult {
  connections: number;
  dialMs: number;
  /** Event-loop delay over the hold period, ms. */
  p50: number;
  p99: number;
  max: number;
  /** PONGs the listener received during the hold period, and connections that answered in the last interval. */
  pongs: number;
  answeredLastInterval: number;
}

export async function holdMany(count: number, encryption: 'tls' | 'none', holdMs: number, pingIntervalMs: number): Promise<ManyResult> {
  const listener = new ConnectionManager({
    identity: generateIdentity(),
    network: 'bench',
    encryption,
    listen: '127.0.0.1:0',
    limits: { maxInbound: count + 100, maxTotal: count + 100, maxPerIpInbound: count + 100 },
    pingIntervalMs,
    handshakeTimeoutMs: 60_000,
  });
  const [endpoint] = await listener.start();
  const child = fork(fileURLToPath(new URL('./dialer.ts', import.meta.url)), [endpoint!.ip, String(endpoint!.port), String(count), encryption, String(pingIntervalMs)], {
    execArgv: ['--import', 'tsx'],
    stdio: 'inherit',
  });
  const ready = await new Promise<{ connected: number; failed: number; ms: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { connected: number; failed: number; ms: number }));
    child.once('exit', (code) => reject(new Error(`dialer exited with ${code}`)));
  });
  // Count PONGs through each connection's lastPongAt.
  let pongs = 0;
  const lastSeen = new Map<number, number | undefined>();
  for (const c of listener.connections()) lastSeen.set(c.serial, c.lastPongAt);
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const start = Date.now();
  const poll = setInterval(() => {
    for (const c of listener.connections()) {
      if (c.lastPongAt !== lastSeen.get(c.serial)) {
        pongs++;
        lastSeen.set(c.serial, c.lastPongAt);
      }
    }
  }, Math.max(100, pingIntervalMs / 10));
  await new Promise((resolve) => setTimeout(resolve, holdMs));
  clearInterval(poll);
  histogram.disable();
  let answeredLastInterval = 0;
  for (const c of listener.connections()) if ((c.lastPongAt ?? 0) >= start + holdMs - pingIntervalMs - 1000) answeredLastInterval++;
  const connections = listener.size;
  child.send({ stop: true });
  await new Promise((resolve) => child.once('exit', resolve));
  await listener.close();
  void ready.failed;
  return {
    connections,
    dialMs: ready.ms,
    p50: histogram.percentile(50) / 1e6,
    p99: histogram.percentile(99) / 1e6,
    max: histogram.max / 1e6,
    pongs,
    answeredLastInterval,
  };
}
