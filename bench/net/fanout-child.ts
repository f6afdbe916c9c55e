// Child process of the two-process broadcast benchmark: N receivers (raw sockets or peerwarden nodes) dialling the parent.
//
// argv: kind ('raw' | 'none') host port peers expectedBytes. Sends { ready } once all are
// connected, then { done, cpuMs } when every receiver has its share, then exits.
import { createConnection } from 'node:net';
import { generateIdentity } from '../../src/net/identity.js';
import { ConnectionManager } from '../../src/net/manager.js';
import { createTcpTransport } from '../../src/net/tcp.js';
import { systemScheduler } from '../../src/platform/index.js';

const [kind, host, portText, peersText, expectedText] = process.argv.slice(2);
const peers = Number(peersText);
const expected = Number(expectedText);
const port = Number(portText);
let received = 0;
let cpu0: number | undefined;
const cpuNow = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const count = (n: number): void => {
  cpu0 ??= cpuNow();
  received += n;
  if (received >= expected) process.send!({ done: true, cpuMs: cpuNow() - cpu0 }, () => setTimeout(() => process.exit(0), 20));
};

if (kind === 'raw') {
  await Promise.all(
    Array.from(
      { length: peers },
      () =>
        new Promise<void>((resolve) => {
          const s = createConnection({ host, port, noDelay: true }, () => resolve());
          s.on('data', (d) => count(d.length));
        }),
    ),
  );
} else {
  const transport = createTcpTransport({ scheduler: systemScheduler });
  const limits = { maxInbound: 10_000, maxTotal: 10_000, maxPerIpInbound: 10_000 };
  const managers = Array.from({ length: peers }, () => new ConnectionManager({ identity: generateIdentity(), network: 'bench', transport, limits }));
  for (const m of managers) m.on('message', (e) => count(e.payload.length));
  await Promise.all(managers.map((m) => m.dial({ ip: host!, port })));
}
process.send!({ ready: true });
