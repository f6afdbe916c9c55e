// Broadcast of one large message to many peers, against writing the same bytes to as many raw sockets.
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { generateIdentity } from '../../src/net/identity.js';
import { ConnectionManager } from '../../src/net/manager.js';
import { createTcpTransport } from '../../src/net/tcp.js';
import { systemScheduler } from '../../src/platform/index.js';
import { MiB } from './harness.js';

const LIMITS = { maxInbound: 10_000, maxTotal: 10_000, maxPerIpInbound: 10_000 };

export interface BroadcastResult {
  /** Aggregate MiB/s: bytes delivered to all peers over the time until the last one had everything. */
  mibPerSecond: number;
  /** Frames encoded per broadcast call (counted by wrapping the encoder's output identity). */
  encodesPerBroadcast: number;
  /** CPU milliseconds (user + system) spent during the transfer. */
  cpuMs: number;
}

/** `rounds` broadcasts of `size` bytes from one hub to `peers` connected managers (plaintext). */
export async function broadcastRate(peers: number, size: number, rounds: number): Promise<BroadcastResult> {
  const hub = new ConnectionManager({ identity: generateIdentity(), network: 'bench', encryption: 'none', listen: '127.0.0.1:0', limits: LIMITS, highWaterMark: 64 * MiB });
  const [endpoint] = await hub.start();
  const transport = createTcpTransport({ scheduler: systemScheduler });
  const clients = Array.from({ length: peers }, () => new ConnectionManager({ identity: generateIdentity(), network: 'bench', transport, limits: LIMITS }));
  let received = 0;
  let notify: () => void = () => {};
  for (const c of clients)
    c.on('message', (e) => {
      received += e.payload.length;
      if (received >= peers * size * rounds) notify();
    });
  await Promise.all(clients.map((c) => c.dial(endpoint!)));
  while (hub.size < peers) await new Promise((r) => setTimeout(r, 10));
  const targets = [...hub.connections()];
  const payload = Buffer.alloc(size, 3);
  // Count distinct frames handed to the targets: one encode means one frame object for all of them.
  const framesSeen = new Set<unknown>();
  for (const t of targets) {
    const original = t.sendFrame.bind(t);
    t.sendFrame = (frame, priority) => (framesSeen.add(frame), original(frame, priority));
  }
  const done = new Promise<void>((resolve) => (notify = resolve));
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  // All rounds queued at once (the queues hold references, not copies), as the raw baseline does.
  for (let r = 0; r < rounds; r++) hub.broadcast(targets, 'block', payload, { priority: 'normal' });
  await done;
  const s = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  await Promise.all(clients.map((client) => client.close()));
  await hub.close();
  return { mibPerSecond: (peers * size * rounds) / MiB / s, encodesPerBroadcast: framesSeen.size / rounds, cpuMs: (c.user + c.system) / 1000 };
}

/** Baseline: the same bytes written to `peers` raw loopback sockets (one shared Buffer), until all were read. */
export async function rawFanout(peers: number, size: number, rounds: number): Promise<{ mibPerSecond: number; cpuMs: number }> {
  let received = 0;
  let notify: () => void = () => {};
  const srv = createServer((s) =>
    s.on('data', (d) => {
      received += d.length;
      if (received >= peers * size * rounds) notify();
    }),
  );
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as AddressInfo).port;
  const sockets = await Promise.all(
    Array.from({ length: peers }, () => new Promise<Socket>((resolve) => {
      const s = createConnection({ port, host: '127.0.0.1', noDelay: true }, () => resolve(s));
    })),
  );
  const payload = Buffer.alloc(size, 3);
  const done = new Promise<void>((resolve) => (notify = resolve));
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) for (const sock of sockets) sock.write(payload);
  await done;
  const s = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  for (const sock of sockets) sock.destroy();
  srv.close();
  return { mibPerSecond: (peers * size * rounds) / MiB / s, cpuMs: (c.user + c.system) / 1000 };
}

/**
 * Two-process variant: the receivers live in a child process (bench/net/fanout-child.ts), so this
 * process does only what a broadcasting node does. `kind` 'none' broadcasts through a
 * ConnectionManager; 'raw' writes the same Buffer to as many raw sockets. CPU counts both processes.
 */
export async function fanoutTwoProcess(kind: 'raw' | 'none', peers: number, size: number, rounds: number): Promise<{ mibPerSecond: number; cpuMs: number; encodesPerBroadcast: number }> {
  const { fork } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const expected = peers * size * rounds;
  const payload = Buffer.alloc(size, 3);
  const sockets: Socket[] = [];
  let hub: ConnectionManager | undefined;
  let port: number;
  let srv: ReturnType<typeof createServer> | undefined;
  if (kind === 'raw') {
    srv = createServer({ noDelay: true }, (s) => sockets.push(s));
    await new Promise<void>((resolve) => srv!.listen(0, '127.0.0.1', resolve));
    port = (srv.address() as AddressInfo).port;
  } else {
    hub = new ConnectionManager({ identity: generateIdentity(), network: 'bench', encryption: 'none', listen: '127.0.0.1:0', limits: LIMITS, highWaterMark: 64 * MiB });
    port = (await hub.start())[0]!.port;
  }
  const child = fork(fileURLToPath(new URL('./fanout-child.ts', import.meta.url)), [kind, '127.0.0.1', String(port), String(peers), String(expected)], {
    execArgv: ['--import', 'tsx'],
    stdio: 'inherit',
  });
  const messages: { ready?: boolean; done?: boolean; cpuMs?: number }[] = [];
  let wake: () => void = () => {};
  child.on('message', (m) => {
    messages.push(m as never);
    wake();
  });
  const next = async (key: 'ready' | 'done') => {
    for (;;) {
      const m = messages.find((x) => x[key]);
      if (m) return m;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  await next('ready');
  while ((kind === 'raw' ? sockets.length : hub!.size) < peers) await new Promise((r) => setTimeout(r, 5));
  const framesSeen = new Set<unknown>();
  const targets = hub ? [...hub.connections()] : [];
  for (const t of targets) {
    const original = t.sendFrame.bind(t);
    t.sendFrame = (frame, priority) => (framesSeen.add(frame), original(frame, priority));
  }
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    if (hub) hub.broadcast(targets, 'block', payload, { priority: 'normal' });
    else for (const s of sockets) s.write(payload);
  }
  const done = await next('done');
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
  for (const s of sockets) s.destroy();
  srv?.close();
  await hub?.close();
  return { mibPerSecond: expected / MiB / seconds, cpuMs: (c.user + c.system) / 1000 + done.cpuMs!, encodesPerBroadcast: hub ? framesSeen.size / rounds : 0 };
}
