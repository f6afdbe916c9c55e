// The Transport interface: how the connection layer gets byte streams (Links) to and from peers.

import { PeerwardenError } from '../core/errors.js';
import type { Endpoint } from '../core/address/index.js';

/** What a Link reports to its single owner (the Connection). */
export interface LinkHandlers {
  /** Bytes arrived, in order. The chunk may be kept (it is not reused by the transport). */
  onData(chunk: Uint8Array): void;
  /** The write buffer fell below its high-water mark after write() returned false. */
  onDrain(): void;
  /** The stream is closed for good (once); `error` when it ended abnormally. */
  onClose(error: Error | undefined): void;
}

/** A reliable, ordered byte stream to one remote endpoint, as a transport hands it over. */
export interface Link {
  readonly remote: Endpoint;
  readonly local: Endpoint;
  /** 32 bytes tying AUTH to this session: the TLS exporter's output, or zeros without TLS. */
  readonly channelBinding: Uint8Array;
  /** Bytes accepted by write() and not yet handed to the network. */
  readonly writableLength: number;
  /** True after write() returned false and until onDrain. */
  readonly needDrain: boolean;
  readonly closed: boolean;
  /** Starts delivering events to `handlers` (data that arrived earlier is delivered then). */
  attach(handlers: LinkHandlers): void;
  /** Queues bytes; false means "buffer over the high-water mark, wait for onDrain". Never copies. */
  write(chunk: Uint8Array): boolean;
  /** Between cork() and uncork(), writes are gathered and sent as one vectored write. */
  cork(): void;
  uncork(): void;
  /** Closes gracefully: everything written is sent first. */
  end(): void;
  /** Closes at once, discarding unsent bytes. */
  destroy(): void;
  /**
   * Stops delivering data until resume(), as a process that does not read: the sender's window
   * fills and it must wait. How a connection slows a flooding peer down without closing it.
   */
  pause?(): void;
  resume?(): void;
}

/** An inbound connection before any handshake: the manager decides, cheaply, whether to go on. */
export interface InboundAttempt {
  readonly remote: Endpoint;
  readonly local: Endpoint;
  /** Completes the transport's own handshake (TLS) and returns the Link. */
  accept(): Promise<Link>;
  /** Drops the attempt; `goodbye` bytes are sent first when the transport can do so without a handshake. */
  refuse(goodbye?: Uint8Array): void;
}

export interface Listener {
  /** The bound endpoint (the real port when listening on port 0). */
  readonly endpoint: Endpoint;
  close(): Promise<void>;
}

export interface DialOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Local IP to dial from (so a devnet node on 127.3.0.1 is seen as 127.3.0.1). */
  localIp?: string;
}

export interface Transport {
  readonly kind: 'tcp' | 'tls' | 'memory';
  /** True when links are encrypted and carry a real channel binding. */
  readonly encrypted: boolean;
  listen(endpoint: Endpoint, onInbound: (attempt: InboundAttempt) => void): Promise<Listener>;
  dial(endpoint: Endpoint, options?: DialOptions): Promise<Link>;
}

export type DialFailure = 'refused' | 'timeout' | 'unreachable' | 'reset' | 'tls' | 'banned' | 'error';

/** A dial that did not produce a Link: `reason` says why in one word, `message` in a sentence. */
export class DialError extends PeerwardenError {
  readonly code = 'dial-failed';
  override readonly name = 'DialError';
  constructor(
    readonly endpoint: Endpoint,
    readonly reason: DialFailure,
    detail: string,
    override readonly cause?: Error,
  ) {
    super(`dial ${endpoint.ip.includes(':') ? `[${endpoint.ip}]` : endpoint.ip}:${endpoint.port} failed (${reason}): ${detail}`);
  }
}

/** Maps a socket error code to a DialFailure. */
export function dialFailureOf(err: NodeJS.ErrnoException): DialFailure {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ETIMEDOUT':
      return 'timeout';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
    case 'EAI_AGAIN':
    case 'ENOTFOUND':
      return 'unreachable';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'reset';
    default:
      return err.code?.startsWith('ERR_SSL') || err.code?.startsWith('ERR_TLS') ? 'tls' : 'error';
  }
}

/** 32 zero bytes: the channel binding of unencrypted links. */
export const NO_CHANNEL_BINDING: Uint8Array = new Uint8Array(32);
