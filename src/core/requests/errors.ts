// Typed errors a request can end with: timed out, peer gone, the remote said no, too many in flight.

import { PeerwardenError } from '../errors.js';
/** No response arrived within the request's timeout. */
export class RequestTimeoutError extends PeerwardenError {
  readonly code = 'request-timeout';
  override readonly name = 'RequestTimeoutError';
  constructor(
    readonly topic: string,
    readonly timeoutMs: number,
    readonly peer?: string,
  ) {
    super(`request "${topic}" got no response within ${timeoutMs} ms${peer ? ` from ${peer.slice(0, 12)}` : ''}; the peer may be overloaded — retry with another peer or a longer timeoutMs`);
  }
}

/** The connection closed (or was already closed) before the response arrived. */
export class PeerGoneError extends PeerwardenError {
  readonly code = 'peer-gone';
  override readonly name = 'PeerGoneError';
  constructor(
    readonly peer?: string,
    readonly detail = 'the connection closed',
  ) {
    super(`peer ${peer ? peer.slice(0, 12) : '(unknown)'} is gone: ${detail}; send the request to another peer`);
  }
}

/** The remote answered with an error (status 1) or did not know the topic (status 2). */
export class RemoteError extends PeerwardenError {
  readonly code = 'remote-error';
  override readonly name = 'RemoteError';
  constructor(
    readonly topic: string,
    readonly status: 'error' | 'unknown-topic',
    /** The response payload: for 'error', the remote's message as UTF-8. */
    readonly payload: Uint8Array,
    readonly peer?: string,
  ) {
    super(
      status === 'unknown-topic'
        ? `the peer has no handler for topic "${topic}"; check that both sides registered it`
        : `the peer's handler for "${topic}" failed: ${Buffer.from(payload.subarray(0, 200)).toString('utf8')}`,
    );
  }
}

/** More requests in flight to one peer than allowed (64): wait for some to finish. */
export class RequestLimitError extends PeerwardenError {
  readonly code = 'request-limit';
  override readonly name = 'RequestLimitError';
  constructor(
    readonly limit: number,
    readonly peer?: string,
  ) {
    super(`already ${limit} requests in flight to this peer (the protocol's limit); wait for responses before sending more`);
  }
}
