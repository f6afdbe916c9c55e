// Runs the pure RequestTracker for all connections of a manager: one timer, promises, penalties.

import type { Scheduler, Timer } from '../core/clock.js';
import { PeerGoneError, RemoteError, RequestTimeoutError } from '../core/requests/errors.js';
import { RequestTracker, type RequestPenaltyReason } from '../core/requests/tracker.js';
import { ResponseStatus, type ResponseStatusCode } from '../wire/constants.js';

/** Default request timeout: 10 s. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

interface Pending {
  resolve: (payload: Uint8Array) => void;
  reject: (err: Error) => void;
  topic: string;
  timeoutMs: number;
}

/** What the router needs to know about a peer to name it in errors. */
export interface RequestPeer {
  readonly remoteId: string | undefined;
}

export class RequestRouter<P extends RequestPeer> {
  readonly tracker: RequestTracker<P, Pending>;
  #scheduler: Scheduler;
  #timer: Timer | undefined;
  #timerAt = Infinity;

  constructor(scheduler: Scheduler, onPenalty: (peer: P, reason: RequestPenaltyReason, requestId: number) => void, maxOutstanding?: number) {
    this.#scheduler = scheduler;
    this.tracker = new RequestTracker<P, Pending>({ onPenalty, ...(maxOutstanding ? { maxOutstanding } : {}) });
  }

  /** Registers a request; returns its id and the promise of the response. Throws RequestLimitError. */
  begin(peer: P, topic: string, timeoutMs: number): { requestId: number; response: Promise<Uint8Array> } {
    let pending!: Pending;
    const response = new Promise<Uint8Array>((resolve, reject) => {
      pending = { resolve, reject, topic, timeoutMs };
    });
    const requestId = this.tracker.begin(peer, this.#scheduler.now(), timeoutMs, pending);
    this.#arm();
    return { requestId, response };
  }

  /** Matches a RESPONSE to its request and settles the promise. */
  settle(peer: P, requestId: number, status: ResponseStatusCode, payload: Uint8Array): void {
    const result = this.tracker.settle(peer, requestId, this.#scheduler.now());
    if (result.outcome === 'matched') {
      const p = result.value;
      if (status === ResponseStatus.OK) p.resolve(payload);
      // Copy the error payload: the error may outlive the read buffer it points into.
      else p.reject(new RemoteError(p.topic, status === ResponseStatus.ERROR ? 'error' : 'unknown-topic', new Uint8Array(payload), peer.remoteId));
    } else if (result.outcome === 'timed-out') {
      const p = result.value;
      p.reject(new RequestTimeoutError(p.topic, p.timeoutMs, peer.remoteId));
    }
  }

  /** Fails every request to a peer that has gone. */
  dropPeer(peer: P, detail: string): void {
    for (const p of this.tracker.dropPeer(peer)) p.reject(new PeerGoneError(peer.remoteId, detail));
  }

  #arm(): void {
    const next = this.tracker.nextDeadline();
    if (next === undefined || next >= this.#timerAt) return;
    this.#timer?.cancel();
    this.#timerAt = next;
    this.#timer = this.#scheduler.after(next - this.#scheduler.now(), () => this.#fire());
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    for (const e of this.tracker.expire(this.#scheduler.now())) {
      e.value.reject(new RequestTimeoutError(e.value.topic, e.value.timeoutMs, e.peer.remoteId));
    }
    this.#arm();
  }

  /** Cancels the timer (the manager is closing; peers are dropped separately). */
  stop(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }
}
