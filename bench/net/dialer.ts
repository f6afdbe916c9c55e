// Child process of the many-connections benchmark: holds N authenticated connections to one listener.
//
// Usage (forked by main.ts): argv = host port count encryption pingIntervalMs. Reports
// { ready, connected, failed, ms } over IPC once dialled, then { stopped } after a 'stop' message.
import { generateIdentity } from '../../src/net/identity.js';
import { ConnectionManager } from '../../src/net/manager.js';
import { createTcpTransport } from '../../src/net/tcp.js';
import { createTlsTransport } from '../../src/net/tls.js';
import { systemScheduler } from '../../src/platform/index.js';

const [host, portText, countText, encryption, pingText] = process.argv.slice(2);
const count = Number(countText);
const transport = encryption === 'tls' ? createTlsTransport({ scheduler: systemScheduler }) : createTcpTransport({ scheduler: systemScheduler });
const managers = Array.from(
  { length: count },
  () => new ConnectionManager({ identity: generateIdentity(), network: 'bench', transport, pingIntervalMs: Number(pingText), handshakeTimeoutMs: 60_000 }),
);

/** Dials with bounded concurrency so the listener's accept queue is not flooded. */
const CONCURRENCY = 64;
const t0 = performance.now();
let connected = 0;
let failed = 0;
let next = 0;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < count) {
      const m = managers[next++]!;
      try {
        await m.dial({ ip: host!, port: Number(portText) });
        connected++;
      } catch {
        failed++;
      }
    }
  }),
);
process.send!({ ready: true, connected, failed, ms: performance.now() - t0 });
process.on('message', async (msg: { stop?: boolean }) => {
  if (!msg.stop) return;
  await Promise.all(managers.map((m) => m.close()));
  process.send!({ stopped: true }, () => process.exit(0));
});
