// The node's typed errors: calls made in the wrong state, a connect that failed, a ready() that timed out.

import { PeerwardenError } from '../core/errors.js';
export { RequestTimeoutError, PeerGoneError, RemoteError, RequestLimitError } from '../core/requests/errors.js';

/** A call that needs a running node (or a stopped one) came at the wrong time. */
export class NodeStateError extends PeerwardenError {
  readonly code = 'node-state';
  override readonly name = 'NodeStateError';
}

/** `node.connect()` could not reach the peer (the governor keeps retrying a static peer in the background). */
export class ConnectError extends PeerwardenError {
  readonly code = 'connect-failed';
  override readonly name = 'ConnectError';
  constructor(
    readonly endpoint: string,
    readonly reason: string,
  ) {
    super(`could not connect to ${endpoint}: ${reason}`);
  }
}

/** `node.ready()` did not see enough peers in time. */
export class ReadyTimeoutError extends PeerwardenError {
  readonly code = 'ready-timeout';
  override readonly name = 'ReadyTimeoutError';
  constructor(
    readonly minPeers: number,
    readonly peers: number,
    readonly timeoutMs: number,
  ) {
    super(
      `only ${peers} of the ${minPeers} peer(s) wanted after ${timeoutMs} ms; check the seeds and that this node can reach them (node.health() and node.history() say more)`,
    );
  }
}

/** The node could not listen where it was told to (the port is taken, the address is not ours…). */
export class ListenError extends PeerwardenError {
  readonly code = 'listen-failed';
  override readonly name = 'ListenError';
  constructor(
    readonly endpoints: string[],
    /** The system's error code (EADDRINUSE, EADDRNOTAVAIL, EACCES…), when there was one. */
    readonly errno: string | undefined,
    detail: string,
  ) {
    super(
      errno === 'EADDRINUSE'
        ? `cannot listen on ${endpoints.join(', ')}: the port is already in use (another node running?); stop it or choose another port with listen`
        : `cannot listen on ${endpoints.join(', ')}: ${detail}; check that the address belongs to this machine and the port is free`,
    );
  }
}
