// The node's typed errors: calls made in the wrong state, a connect that failed, a ready() that timed out.

export { RequestTimeoutError, PeerGoneError, RemoteError, RequestLimitError } from '../core/requests/errors.js';

/** A call that needs a running node (or a stopped one) came at the wrong time. */
export class NodeStateError extends Error {
  override readonly name = 'NodeStateError';
}

/** `node.connect()` could not reach the peer (the governor keeps retrying a static peer in the background). */
export class ConnectError extends Error {
  override readonly name = 'ConnectError';
  constructor(
    readonly endpoint: string,
    readonly reason: string,
  ) {
    super(`could not connect to ${endpoint}: ${reason}`);
  }
}

/** `node.ready()` did not see enough peers in time. */
export class ReadyTimeoutError extends Error {
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
