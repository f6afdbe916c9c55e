// The tcp transport: plain node:net sockets (encryption 'none'), and the listener shared with tls.

import { createConnection, createServer, type NetConnectOpts, type Socket } from 'node:net';
import type { Endpoint } from '../core/address/index.js';
import type { Scheduler } from '../core/clock.js';
import { SocketLink, ignoreSocketError, socketEndpoint } from './socket-link.js';
import { DialError, NO_CHANNEL_BINDING, dialFailureOf, type DialOptions, type InboundAttempt, type Link, type Listener, type Transport } from './transport.js';

/**
 * Socket buffer high-water mark: how much a connection hands to the socket before waiting for
 * 'drain'. Larger than Node's 16 KiB default so one vectored write carries several frames (fewer
 * system calls and event-loop turns per megabyte); small next to the 8 MiB queue limit.
 */
export const SOCKET_HIGH_WATER_MARK = 256 * 1024;

/** Default dial timeout: the handshake timeout (10 s), so one bound covers a whole dial. */
export const DEFAULT_DIAL_TIMEOUT_MS = 10_000;

export interface TcpTransportOptions {
  /** Timers for dial timeouts (the shell's real scheduler in production). */
  scheduler: Scheduler;
}

/**
 * Listens on `endpoint` and calls `onSocket` for each accepted socket with its endpoints. Sockets
 * whose address is already gone (reset before we saw them) are dropped here.
 */
export function listenSockets(endpoint: Endpoint, onSocket: (socket: Socket, remote: Endpoint, local: Endpoint) => void): Promise<Listener> {
  const server = createServer({ noDelay: true, highWaterMark: SOCKET_HIGH_WATER_MARK });
  server.on('connection', (socket) => {
    socket.on('error', ignoreSocketError); // reported by the Link once attached; never uncaught
    const remote = socketEndpoint(socket, 'remote');
    const local = socketEndpoint(socket, 'local');
    if (!remote || !local) {
      socket.destroy();
      return;
    }
    onSocket(socket, remote, local);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: endpoint.ip, port: endpoint.port, exclusive: true }, () => {
      server.off('error', reject);
      const addr = server.address();
      const bound: Endpoint = addr && typeof addr === 'object' ? { ip: endpoint.ip, port: addr.port } : endpoint;
      resolve({
        endpoint: bound,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
          }),
      });
    });
  });
}

/** Opens a raw TCP socket, with a timeout from the scheduler and errors mapped to DialError. */
export function connectSocket(scheduler: Scheduler, endpoint: Endpoint, options: DialOptions = {}): Promise<Socket> {
  return new Promise((resolve, reject) => {
    // highWaterMark reaches the socket's stream (Node ≥ 18.17); @types/node does not list it for connect.
    const connectOptions: NetConnectOpts & { highWaterMark: number } = {
      host: endpoint.ip,
      port: endpoint.port,
      noDelay: true,
      highWaterMark: SOCKET_HIGH_WATER_MARK,
      ...(options.localIp ? { localAddress: options.localIp } : {}),
    };
    const socket = createConnection(connectOptions);
    const timeoutMs = options.timeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS;
    const timer = scheduler.after(timeoutMs, () => {
      socket.destroy();
      reject(new DialError(endpoint, 'timeout', `no answer within ${timeoutMs} ms`));
    });
    const onError = (err: NodeJS.ErrnoException) => {
      timer.cancel();
      reject(new DialError(endpoint, dialFailureOf(err), err.message, err));
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      timer.cancel();
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

export function linkOfSocket(socket: Socket, channelBinding: Uint8Array, fallbackRemote: Endpoint): Link {
  const remote = socketEndpoint(socket, 'remote') ?? fallbackRemote;
  const local = socketEndpoint(socket, 'local') ?? { ip: '0.0.0.0', port: 0 };
  return new SocketLink(socket, remote, local, channelBinding);
}

/** TCP without encryption: links carry 32 zero bytes as channel binding. */
export function createTcpTransport(options: TcpTransportOptions): Transport {
  const { scheduler } = options;
  return {
    kind: 'tcp',
    encrypted: false,
    listen(endpoint, onInbound) {
      return listenSockets(endpoint, (socket, remote, local) => {
        const attempt: InboundAttempt = {
          remote,
          local,
          accept: () => Promise.resolve(new SocketLink(socket, remote, local, NO_CHANNEL_BINDING)),
          refuse(goodbye) {
            if (goodbye && !socket.destroyed) {
              // Write the DISCONNECT and close once it is out; never wait on the remote.
              socket.end(goodbye);
              socket.destroySoon();
            } else {
              socket.destroy();
            }
          },
        };
        onInbound(attempt);
      });
    },
    async dial(endpoint, dialOptions) {
      const socket = await connectSocket(scheduler, endpoint, dialOptions);
      return linkOfSocket(socket, NO_CHANNEL_BINDING, endpoint);
    },
  };
}
