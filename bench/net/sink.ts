// Child process of the two-process throughput benchmark: a receiver (raw socket or peerwarden node) that acks the last byte.
//
// argv: kind ('raw' | 'raw-tls' | 'none' | 'tls') total. Sends { port } over IPC once listening; exits after one transfer.
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { createSelfSignedCertificate } from '../../src/net/certificate.js';
import { generateIdentity } from '../../src/net/identity.js';
import { ConnectionManager } from '../../src/net/manager.js';

const [kind, totalText] = process.argv.slice(2);
const total = Number(totalText);
/** CPU spent from the first byte received to the last: this side's share of the transfer. */
let cpu0 = 0;
const cpuNow = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

if (kind === 'raw' || kind === 'raw-tls') {
  const onSocket = (s: Socket) => {
    let got = 0;
    s.on('data', (d: Buffer) => {
      if (got === 0) cpu0 = cpuNow();
      got += d.length;
      if (got >= total) {
        process.send!({ cpuMs: cpuNow() - cpu0 });
        s.write('k', () => setTimeout(() => process.exit(0), 50));
      }
    });
  };
  const cert = createSelfSignedCertificate();
  const srv =
    kind === 'raw'
      ? createServer({ noDelay: true }, onSocket)
      : createTlsServer({ key: cert.key, cert: cert.cert, minVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256' }, onSocket);
  srv.listen(0, '127.0.0.1', () => process.send!({ port: (srv.address() as AddressInfo).port }));
} else {
  const node = new ConnectionManager({ identity: generateIdentity(), network: 'bench', encryption: kind as 'tls' | 'none', listen: '127.0.0.1:0' });
  const [endpoint] = await node.start();
  let got = 0;
  node.on('message', (e) => {
    if (got === 0) cpu0 = cpuNow();
    got += e.payload.length;
    if (got >= total) {
      process.send!({ cpuMs: cpuNow() - cpu0 });
      e.connection.send('ack', new Uint8Array(1));
      setTimeout(() => process.exit(0), 50);
    }
  });
  process.send!({ port: endpoint!.port });
}
