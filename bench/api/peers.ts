// Child process of the API benchmark: holds peer connections, probes handshake latency, or scrapes /metrics in a loop.
//
// argv[2] is the role:
//   hold  HOST PORT COUNT ENCRYPTION   holds COUNT authenticated connections; sends { ready, connected }.
//   probe HOST PORT ENCRYPTION N       N sequential dial + handshake + close; sends { latencies } (ms).
//   scrape URL CLIENTS                 CLIENTS concurrent loops of GET URL until { stop }; sends { scrapes }.
//   spaced URL N GAP_MS                N sequential GETs of URL, GAP_MS apart; sends { done }.
import { generateIdentity } from '../../src/net/identity.js';
import { ConnectionManager } from '../../src/net/manager.js';
import { createTcpTransport } from '../../src/net/tcp.js';
import { createTlsTransport } from '../../src/net/tls.js';
import { systemScheduler } from '../../src/platform/index.js';

const [role, ...args] = process.argv.slice(2);
const transportFor = (encryption: string) =>
  encryption === 'tls' ? createTlsTransport({ scheduler: systemScheduler }) : createTcpTransport({ scheduler: systemScheduler });
const manager = (encryption: string) =>
  new ConnectionManager({ identity: generateIdentity(), network: 'bench', transport: transportFor(encryption), handshakeTimeoutMs: 60_000, pingIntervalMs: 30_000 });
/** Sends over IPC and waits until it is written, so the exit below cannot cut it off. */
const send = (m: unknown) => new Promise<void>((resolve) => process.send!(m, () => resolve()));
let stop = false;
process.on('message', (m: { stop?: boolean }) => {
  if (m.stop) stop = true;
});

if (role === 'hold') {
  const [host, port, count, encryption] = args as [string, string, string, string];
  const managers = Array.from({ length: Number(count) }, () => manager(encryption));
  let connected = 0;
  // Two at a time: a node keeps few unfinished handshakes per IP, and every dial here comes from 127.0.0.1.
  let next = 0;
  await Promise.all(
    [0, 1].map(async () => {
      while (next < managers.length) {
        const m = managers[next++]!;
        await m.dial({ ip: host, port: Number(port) }).then(
          () => connected++,
          () => undefined,
        );
      }
    }),
  );
  await send({ ready: true, connected });
  while (!stop) await new Promise((r) => setTimeout(r, 100));
  await Promise.all(managers.map((m) => m.close()));
} else if (role === 'probe') {
  const [host, port, encryption, n] = args as [string, string, string, string];
  const latencies: number[] = [];
  for (let i = 0; i < Number(n); i++) {
    const m = manager(encryption);
    const t0 = performance.now();
    try {
      await m.dial({ ip: host, port: Number(port) });
      latencies.push(performance.now() - t0);
    } catch {
      // A refused probe is not a latency; the count of successes is reported.
    }
    await m.close();
  }
  await send({ latencies });
} else if (role === 'spaced') {
  const [url, n, gap] = args as [string, string, string];
  for (let i = 0; i < Number(n); i++) {
    await new Promise((r) => setTimeout(r, Number(gap)));
    await (await fetch(url)).arrayBuffer();
  }
  await send({ done: true });
} else if (role === 'scrape') {
  const [url, clients] = args as [string, string];
  let scrapes = 0;
  await send({ ready: true });
  await Promise.all(
    Array.from({ length: Number(clients) }, async () => {
      while (!stop) {
        try {
          await (await fetch(url)).arrayBuffer();
          scrapes++;
        } catch {
          await new Promise((r) => setTimeout(r, 10));
        }
      }
    }),
  );
  await send({ scrapes });
}
process.exit(0);
