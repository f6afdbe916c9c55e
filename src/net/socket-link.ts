// A Link over a node:net Socket or node:tls TLSSocket: the adapter shared by the tcp and tls transports.

import type { Socket } from 'node:net';
import { normalizeIp, type Endpoint } from '../core/address/index.js';
import type { Link, LinkHandlers } from './transport.js';

/**
 * Canonical IP text by raw text. Thousands of connections from a few addresses then share a few
 * strings instead of holding two fresh copies each; bounded, cleared when full.
 */
const IP_MEMO_MAX = 4096;
const ipMemo = new Map<string, string>();

function canonicalIp(raw: string): string {
  let ip = ipMemo.get(raw);
  if (ip === undefined) {
    ip = normalizeIp(raw);
    if (ipMemo.size >= IP_MEMO_MAX) ipMemo.clear();
    ipMemo.set(raw, ip);
  }
  return ip;
}

/** The remote or local endpoint of a socket, canonicalised (IPv4-mapped IPv6 becomes dotted IPv4). */
export function socketEndpoint(socket: Socket, side: 'remote' | 'local'): Endpoint | undefined {
  const ip = side === 'remote' ? socket.remoteAddress : socket.localAddress;
  const port = side === 'remote' ? socket.remotePort : socket.localPort;
  if (!ip || port === undefined) return undefined;
  try {
    return { ip: canonicalIp(ip), port };
  } catch {
    return undefined;
  }
}

/** Back-reference from a socket to its link, so one shared listener function serves every socket. */
const kLink = Symbol('peerwarden.link');
type LinkedSocket = Socket & { [kLink]?: SocketLink };

// Shared listeners (`this` is the socket): no closures per connection.
function onSocketError(this: LinkedSocket, err: Error): void {
  const link = this[kLink];
  if (link) link.error ??= err;
}

function onSocketClose(this: LinkedSocket): void {
  this[kLink]?.closedNow();
}

/** A no-op 'error' listener for sockets before they get a link: an error must never be uncaught. */
export function ignoreSocketError(): void {}

export class SocketLink implements Link {
  /** The first error the socket reported (reported again at close). */
  error: Error | undefined;
  #socket: LinkedSocket;
  #closed = false;
  #handlers: LinkHandlers | undefined;

  constructor(
    socket: Socket,
    readonly remote: Endpoint,
    readonly local: Endpoint,
    readonly channelBinding: Uint8Array,
  ) {
    this.#socket = socket;
    this.#socket[kLink] = this;
    // An 'error' is always followed by 'close'; it is kept to report there.
    socket.on('error', onSocketError);
    socket.once('close', onSocketClose);
  }

  /** Called once when the socket has closed. */
  closedNow(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket[kLink] = undefined;
    this.#handlers?.onClose(this.error);
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
    this.#handlers = h;
    const s = this.#socket;
    s.on('data', h.onData);
    s.on('drain', h.onDrain);
    if (this.#closed) queueMicrotask(() => h.onClose(this.error));
  }

  write(chunk: Uint8Array): boolean {
    return this.#socket.write(chunk);
  }

  cork(): void {
    this.#socket.cork();
  }

  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    if (!this.#closed) this.#socket.resume();
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
