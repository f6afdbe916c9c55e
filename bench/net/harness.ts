// Shared pieces of the connection-layer benchmarks: node pairs on loopback, raw-socket baselines, statistics.
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls';
import { createSelfSignedCertificate } from '../../src/net/certificate.js';
import { generateIdentity } from '../../src/net/identity.js';
import { ConnectionManager } from '../../src/net/manager.js';
import type { ConnectionManagerOptions } from '../../src/net/manager-options.js';
import type { Connection } from '../../src/net/connection.js';

export const MiB = 1024 * 1024;

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/** A listening manager and a dialling manager, connected; both closed by close(). */
export async function nodePair(encryption: 'tls' | 'none', options: Partial<ConnectionManagerOptions> = {}) {
  const server = new ConnectionManager({ identity: generateIdentity(), network: 'bench', encryption, listen: '127.0.0.1:0', ...options });
  const client = new ConnectionManager({ identity: generateIdentity(), network: 'bench', encryption, ...options });
  const [endpoint] = await server.start();
  const inbound = new Promise<Connection>((resolve) => server.on('established', (e) => resolve(e.connection)));
  const conn = await client.dial(endpoint!);
  const serverSide = await inbound;
  return {
    server,
    client,
    conn,
    serverSide,
    endpoint: endpoint!,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

/** A transfer's speed and the CPU (user + system, this process and any helper process) it took. */
export interface Transfer {
  mibps: number;
  cpuMs: number;
}

/** MiB moved per CPU-second: the efficiency, which a busy shared machine disturbs far less than wall time. */
export const mibPerCpuSecond = (t: Transfer, totalBytes: number): number => totalBytes / MiB / (t.cpuMs / 1000);

const cpuNow = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

/**
 * Once `ready` fires on `c`, writes `payload` until `total` bytes are out (waiting for 'drain' when
 * the socket asks), and resolves at the receiver's first byte back (its ack): the wall time from the
 * first write, and the CPU spent since then (cpu0 is the CPU reading at the start).
 */
function pumpUntilAck(c: Socket, ready: 'connect' | 'secureConnect', payload: Buffer, total: number): Promise<{ ms: number; cpuMs: number; cpu0: number }> {
  return new Promise((resolve) => {
    let t0 = 0;
    let cpu0 = 0;
    c.once(ready, () => {
      t0 = performance.now();
      cpu0 = cpuNow();
      let sent = 0;
      const pump = () => {
        while (sent < total) {
          sent += payload.length;
          if (!c.write(payload)) {
            c.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    c.once('data', () => resolve({ ms: performance.now() - t0, cpuMs: cpuNow() - cpu0, cpu0 }));
  });
}

/** Same-process raw loopback stream: `total` bytes in `chunk`-byte writes, back-pressure by 'drain', 1-byte ack. */
export async function rawStream(kind: 'tcp' | 'tls', total: number, chunk: number, ciphers?: string): Promise<Transfer> {
  const payload = Buffer.alloc(chunk, 7);
  const cert = kind === 'tls' ? createSelfSignedCertificate() : undefined;
  return new Promise<Transfer>((resolve) => {
    const onConn = (s: Socket) => {
      let got = 0;
      s.on('data', (d: Buffer) => {
        got += d.length;
        if (got >= total) s.write('k');
      });
    };
    const srv = kind === 'tls' ? createTlsServer({ key: cert!.key, cert: cert!.cert, minVersion: 'TLSv1.3', ...(ciphers ? { ciphers } : {}) }, onConn) : createServer({ noDelay: true }, onConn);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as AddressInfo).port;
      const c: Socket =
        kind === 'tls'
          ? tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false, minVersion: 'TLSv1.3', ...(ciphers ? { ciphers } : {}) })
          : createConnection({ port, host: '127.0.0.1', noDelay: true });
      void pumpUntilAck(c, kind === 'tls' ? 'secureConnect' : 'connect', payload, total).then(({ ms, cpuMs }) => {
        c.destroy();
        srv.close();
        resolve({ mibps: total / MiB / (ms / 1000), cpuMs });
      });
    });
  });
}

/** Streams `total` bytes of `chunk`-byte MESSAGEs over a connected pair (same process). */
export async function messageStream(encryption: 'tls' | 'none', total: number, chunk: number): Promise<Transfer & { messagesPerSecond: number }> {
  const pair = await nodePair(encryption);
  const count = Math.ceil(total / chunk);
  let received = 0;
  const done = new Promise<void>((resolve) =>
    pair.server.on('message', () => {
      if (++received === count) resolve();
    }),
  );
  const payload = Buffer.alloc(chunk, 7);
  const t0 = performance.now();
  const cpu0 = cpuNow();
  for (let i = 0; i < count; i++) {
    pair.conn.send('bench', payload);
    // Keep up to 4 MiB queued (half the slow-peer limit), then wait: the way an application streams bulk data.
    if (pair.conn.pendingBytes > 4 * MiB) await pair.conn.drained();
  }
  await done;
  const s = (performance.now() - t0) / 1000;
  const cpuMs = cpuNow() - cpu0;
  await pair.close();
  return { mibps: (count * chunk) / MiB / s, cpuMs, messagesPerSecond: count / s };
}

/** Request/response round trips per second on one connection, keeping `inFlight` requests outstanding. */
export async function requestRate(encryption: 'tls' | 'none', total: number, inFlight: number, payloadBytes = 32): Promise<number> {
  const pair = await nodePair(encryption);
  pair.server.on('request', (e) => e.reply(e.payload));
  const payload = Buffer.alloc(payloadBytes, 1);
  let started = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (started < total) {
      started++;
      await pair.conn.request('echo', payload);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const s = (performance.now() - t0) / 1000;
  await pair.close();
  return total / s;
}

/** Milliseconds per sequential dial (connect + TLS + HELLO/AUTH until the dial resolves), `n` dials to one fresh listener. */
export async function dialTimes(encryption: 'tls' | 'none', n: number): Promise<number[]> {
  const server = new ConnectionManager({ identity: generateIdentity(), network: 'bench', encryption, listen: '127.0.0.1:0' });
  const client = new ConnectionManager({ identity: generateIdentity(), network: 'bench', encryption });
  const [endpoint] = await server.start();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const conn = await client.dial(endpoint!);
    times.push(performance.now() - t0);
    const gone = new Promise((resolve) => server.once('closed', resolve));
    conn.destroy();
    await gone;
  }
  await client.close();
  await server.close();
  return times;
}

/** Milliseconds per bare TLS 1.3 connect (TCP + TLS handshake until 'secureConnect'), `n` sequential connects. */
export async function bareTlsConnectTimes(n: number): Promise<number[]> {
  const cert = createSelfSignedCertificate();
  const srv = createTlsServer({ key: cert.key, cert: cert.cert, minVersion: 'TLSv1.3' }, (s) => s.on('error', () => {}));
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as AddressInfo).port;
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      const c = tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false, minVersion: 'TLSv1.3' }, () => {
        times.push(performance.now() - t0);
        c.destroy();
        resolve();
      });
      c.on('error', reject);
    });
  }
  srv.close();
  return times;
}

/** Heap + external bytes after a full GC. */
export function memoryAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench does)');
  for (let i = 0; i < 4; i++) gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Two-process variant: the receiver runs in a child (bench/net/sink.ts); this process sends. MiB/s. */
export async function twoProcessStream(kind: 'raw' | 'raw-tls' | 'none' | 'tls', total: number, chunk: number): Promise<Transfer> {
  const { fork } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const child = fork(fileURLToPath(new URL('./sink.ts', import.meta.url)), [kind, String(total)], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const { port } = await new Promise<{ port: number }>((resolve) => child.once('message', (m) => resolve(m as { port: number })));
  const payload = Buffer.alloc(chunk, 7);
  const childCpu = new Promise<number>((resolve) => child.on('message', (m) => (m as { cpuMs?: number }).cpuMs !== undefined && resolve((m as { cpuMs: number }).cpuMs)));
  let seconds: number;
  let cpu0 = 0;
  let client: ConnectionManager | undefined;
  if (kind === 'raw' || kind === 'raw-tls') {
    const c: Socket =
      kind === 'raw'
        ? createConnection({ port, host: '127.0.0.1', noDelay: true })
        : tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false, minVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256' });
    const sent = await pumpUntilAck(c, kind === 'raw' ? 'connect' : 'secureConnect', payload, total);
    c.destroy();
    seconds = sent.ms / 1000;
    cpu0 = sent.cpu0;
  } else {
    client = new ConnectionManager({ identity: generateIdentity(), network: 'bench', encryption: kind });
    const conn = await client.dial({ ip: '127.0.0.1', port });
    const sender = client;
    const acked = new Promise<void>((resolve) => sender.once('message', () => resolve()));
    const t0 = performance.now();
    cpu0 = cpuNow();
    for (let sent = 0; sent < total; sent += chunk) {
      conn.send('bench', payload);
      if (conn.pendingBytes > 4 * MiB) await conn.drained();
    }
    await acked;
    seconds = (performance.now() - t0) / 1000;
  }
  const ownCpu = cpuNow() - cpu0;
  const cpuMs = ownCpu + (await childCpu);
  if (client) await client.close();
  await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
  return { mibps: total / MiB / seconds, cpuMs };
}
