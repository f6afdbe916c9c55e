// A Link over a node:net Socket or node:tls TLSSocket: the adapter shared by the tcp and tls transports.

import type { Socket } from 'node:net';
import { normalizeIp, type Endpoint } from '../core/address/index.js';
import type { Link, LinkHandlers } from './transport.js';

/** The remote or local endpoint of a socket, canonicalised (IPv4-mapped IPv6 becomes dotted IPv4). */
export function socketEndpoint(socket: Socket, side: 'remote' | 'local'): Endpoint | undefined {
  const ip = side === 'remote' ? socket.remoteAddress : socket.localAddress;
  const port = side === 'remote' ? socket.remotePort : socket.localPort;
  if (!ip || port === undefined) return undefined;
  try {
    return { ip: normalizeIp(ip), port };
  } catch {
    return undefined;
  }
}

export class SocketLink implements Link {
  #socket: Socket;
  #error: Error | undefined;
  #closed = false;

  constructor(
    socket: Socket,
    readonly remote: Endpoint,
    readonly local: Endpoint,
    readonly channelBinding: Uint8Array,
  ) {
    this.#socket = socket;
    // An 'error' is always followed by 'close'; keep it to report there. A listener must exist
    // from the start, or an error before attach() would be thrown as uncaught.
    socket.on('error', (err) => {
      this.#error ??= err;
    });
    socket.once('close', () => {
      this.#closed = true;
    });
  }

  get writableLength(): number {
    return this.#socket.writableLength;
  }

  get needDrain(): boolean {
    return this.#socket.writableNeedDrain;
  }

  get closed(): boolean {
    return this.#closed || this.#socket.destroyed;
  }

  attach(h: LinkHandlers): void {
    const s = this.#socket;
    s.on('data', h.onData);
    s.on('drain', h.onDrain);
    if (this.closed) {
      queueMicrotask(() => h.onClose(this.#error));
      return;
    }
    s.once('close', () => h.onClose(this.#error));
  }

  write(chunk: Uint8Array): boolean {
    return this.#socket.write(chunk);
  }

  cork(): void {
    this.#socket.cork();
  }

  uncork(): void {
    this.#socket.uncork();
  }

  end(): void {
    this.#socket.end();
  }

  destroy(): void {
    this.#socket.destroy();
  }
}
