// Memory per idle authenticated connection endpoint, against raw sockets held the same way.
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { createSelfSignedCertificate } from '../../src/net/certificate.js';
import { generateIdentity } from '../../src/net/identity.js';
import { ConnectionManager } from '../../src/net/manager.js';
import { createTcpTransport } from '../../src/net/tcp.js';
import { createTlsTransport } from '../../src/net/tls.js';
import { systemScheduler } from '../../src/platform/index.js';
import { memoryAfterGc, sleep } from './harness.js';

const LIMITS = { maxInbound: 100_000, maxTotal: 100_000, maxPerIpInbound: 100_000 };

/** Bytes (heap + external, after GC) per endpoint of `n` idle authenticated connections, both ends in this process. */
export async function bytesPerConnectionEndpoint(encryption: 'tls' | 'none', n: number): Promise<number> {
  const server = new ConnectionManager({ identity: generateIdentity(), network: 'bench', encryption, listen: '127.0.0.1:0', limits: LIMITS });
  const [endpoint] = await server.start();
  // One transport shared by all dialling managers: only the connections differ between the two measurements.
  const transport = encryption === 'tls' ? createTlsTransport({ scheduler: systemScheduler }) : createTcpTransport({ scheduler: systemScheduler });
  const clients = Array.from({ length: n }, () => new ConnectionManager({ identity: generateIdentity(), network: 'bench', transport, limits: LIMITS }));
  // Warm-up: one connection so lazily created module state is not counted.
  await (await clients[0]!.dial(endpoint!)).disconnect();
  await sleep(50);
  const before = memoryAfterGc();
  for (let i = 0; i < n; i += 50) await Promise.all(clients.slice(i, i + 50).map((c) => c.dial(endpoint!)));
  await sleep(200); // the first pings and pongs settle
  const after = memoryAfterGc();
  if (server.size !== n) throw new Error(`expected ${n} connections, have ${server.size}`);
  const perEndpoint = (after - before) / (2 * n);
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
  return perEndpoint;
}

/** The same for raw sockets (net or tls), connected and idle, with a 'data' listener on each end. */
export async function rawBytesPerEndpoint(kind: 'tcp' | 'tls', n: number): Promise<number> {
  const cert = kind === 'tls' ? createSelfSignedCertificate() : undefined;
  const held: Socket[] = [];
  const onConn = (s: Socket) => {
    s.on('data', () => {});
    held.push(s);
  };
  const srv = kind === 'tls' ? createTlsServer({ key: cert!.key, cert: cert!.cert, minVersion: 'TLSv1.3' }, onConn) : createServer(onConn);
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as AddressInfo).port;
  const one = () =>
    new Promise<Socket>((resolve) => {
      const s: Socket | TLSSocket =
        kind === 'tls' ? tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false }, () => resolve(s)) : createConnection({ port, host: '127.0.0.1' }, () => resolve(s));
      s.on('data', () => {});
    });
  (await one()).destroy();
  await sleep(50);
  held.length = 0;
  const before = memoryAfterGc();
  const clients: Socket[] = [];
  for (let i = 0; i < n; i += 50) clients.push(...(await Promise.all(Array.from({ length: Math.min(50, n - i) }, one))));
  await sleep(200);
  const after = memoryAfterGc();
  const perEndpoint = (after - before) / (2 * n);
  for (const s of [...clients, ...held]) s.destroy();
  srv.close();
  return perEndpoint;
}
