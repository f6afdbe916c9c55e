// Typed errors of the connection layer: why a dial or a handshake did not produce a connection.

import { PeerwardenError } from '../core/errors.js';
import type { Endpoint } from '../core/address/index.js';
import type { CloseInfo, CloseReason } from './close-info.js';
import type { Connection } from './connection.js';

const fmt = (ep: Endpoint) => (ep.ip.includes(':') ? `[${ep.ip}]:${ep.port}` : `${ep.ip}:${ep.port}`);

/** The link came up but the handshake did not complete: refused by us or by the peer, timed out, or lost. */
export class HandshakeError extends PeerwardenError {
  readonly code: string = 'handshake-failed';
  override name = 'HandshakeError';
  readonly reason: CloseReason;
  /** The DISCONNECT code sent or received (0 when the connection was lost without one). */
  readonly disconnectCode: number;
  readonly by: 'local' | 'remote';
  readonly detail: string;

  constructor(
    readonly endpoint: Endpoint,
    info: CloseInfo,
  ) {
    super(`handshake with ${fmt(endpoint)} failed: ${info.by === 'remote' ? 'the peer refused' : 'we refused'} (${info.reason}${info.message ? `: ${info.message}` : ''})`);
    this.reason = info.reason;
    this.disconnectCode = info.code;
    this.by = info.by;
    this.detail = info.message;
  }
}

/** The handshake succeeded but a connection to the same node id is kept instead (see `existing`). */
export class DuplicateConnectionError extends HandshakeError {
  override readonly code: string = 'duplicate-connection';
  override name = 'DuplicateConnectionError';
  constructor(
    endpoint: Endpoint,
    info: CloseInfo,
    /** The connection to that node that stays open: treat the dial as a success through it. */
    readonly existing: Connection | undefined,
  ) {
    super(endpoint, info);
  }
}

/** The manager is closed (or closing): no new connections. */
export class ManagerClosedError extends PeerwardenError {
  readonly code = 'manager-closed';
  override readonly name = 'ManagerClosedError';
  constructor() {
    super('the connection manager is closed; create a new one to connect again');
  }
}

/** Invalid ConnectionManager options; `problems` lists every one of them. */
export class ConnectionOptionsError extends PeerwardenError {
  readonly code = 'connection-options-invalid';
  override readonly name = 'ConnectionOptionsError';
  constructor(readonly problems: string[]) {
    super(`invalid connection options:\n  - ${problems.join('\n  - ')}`);
  }
}
