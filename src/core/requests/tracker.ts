// RequestTracker: outstanding requests per peer each way, id assignment, matching, timeouts and penalties.

import type { Offence } from '../reputation/penalties.js';
import { RequestLimitError } from './errors.js';

/** Protocol limit on requests in flight per peer, in each direction. */
export const MAX_OUTSTANDING_REQUESTS = 64;
/** Timed-out ids remembered per peer, to tell a late response from an unsolicited one. */
const LATE_MEMORY = 64;

export type RequestPenaltyReason = Extract<Offence, 'unsolicited-response' | 'late-response' | 'request-timeout'>;

/** Called for each offence; all three are 'low' penalties (the penalty table). */
export type RequestPenaltyHandler<P> = (peer: P, reason: RequestPenaltyReason, requestId: number) => void;

export interface RequestTrackerOptions<P> {
  maxOutstanding?: number;
  onPenalty?: RequestPenaltyHandler<P>;
}

export type SettleResult<V> =
  | { outcome: 'matched'; value: V }
  /** The response came after the deadline but before expire() ran: the request is timed out all the same. */
  | { outcome: 'timed-out'; value: V }
  | { outcome: 'late' }
  | { outcome: 'unsolicited' };

export interface ExpiredRequest<P, V> {
  peer: P;
  requestId: number;
  value: V;
}

interface Outstanding<V> {
  deadline: number;
  value: V;
}

interface PeerRequests<V> {
  nextId: number;
  out: Map<number, Outstanding<V>> | undefined;
  incoming: Set<number> | undefined;
  late: number[] | undefined;
}

/**
 * Pure bookkeeping (time is an argument, no timers): the shell arms one timer for nextDeadline()
 * and calls expire(now) when it fires. `P` identifies a peer (any value usable as a Map key);
 * `V` is whatever the caller attaches to a request (e.g. the promise's resolve/reject).
 */
export class RequestTracker<P, V> {
  readonly maxOutstanding: number;
  #onPenalty: RequestPenaltyHandler<P> | undefined;
  #peers = new Map<P, PeerRequests<V>>();
  /** A lower bound of the earliest deadline (exact after expire(); may be stale-early after settles). */
  #earliest = Infinity;
  #count = 0;

  constructor(options: RequestTrackerOptions<P> = {}) {
    this.maxOutstanding = options.maxOutstanding ?? MAX_OUTSTANDING_REQUESTS;
    this.#onPenalty = options.onPenalty;
  }

  #peer(peer: P): PeerRequests<V> {
    let p = this.#peers.get(peer);
    if (!p) {
      p = { nextId: 1, out: undefined, incoming: undefined, late: undefined };
      this.#peers.set(peer, p);
    }
    return p;
  }

  /** Registers a request to `peer` and returns its id; throws RequestLimitError at the limit. */
  begin(peer: P, now: number, timeoutMs: number, value: V): number {
    const p = this.#peer(peer);
    const out = (p.out ??= new Map());
    if (out.size >= this.maxOutstanding) throw new RequestLimitError(this.maxOutstanding);
    let id = p.nextId;
    while (out.has(id)) id = (id + 1) >>> 0;
    p.nextId = (id + 1) >>> 0;
    const deadline = now + timeoutMs;
    out.set(id, { deadline, value });
    this.#count++;
    if (deadline < this.#earliest) this.#earliest = deadline;
    return id;
  }

  /** Matches a response from `peer`; penalises unsolicited and late ones through onPenalty. */
  settle(peer: P, requestId: number, now: number): SettleResult<V> {
    const p = this.#peers.get(peer);
    const entry = p?.out?.get(requestId);
    if (!p || !entry) {
      const late = p?.late?.includes(requestId) ?? false;
      if (late) p!.late!.splice(p!.late!.indexOf(requestId), 1);
      this.#onPenalty?.(peer, late ? 'late-response' : 'unsolicited-response', requestId);
      return { outcome: late ? 'late' : 'unsolicited' };
    }
    p.out!.delete(requestId);
    this.#count--;
    if (entry.deadline <= now) {
      // Past its deadline: the same outcome as if the timer had fired first, then this response came late.
      this.#onPenalty?.(peer, 'request-timeout', requestId);
      this.#onPenalty?.(peer, 'late-response', requestId);
      return { outcome: 'timed-out', value: entry.value };
    }
    return { outcome: 'matched', value: entry.value };
  }

  /** Removes and returns every request whose deadline is ≤ now, penalising each as a timeout. */
  expire(now: number): ExpiredRequest<P, V>[] {
    if (now < this.#earliest) return [];
    const expired: ExpiredRequest<P, V>[] = [];
    let earliest = Infinity;
    for (const [peer, p] of this.#peers) {
      if (!p.out) continue;
      for (const [requestId, entry] of p.out) {
        if (entry.deadline <= now) {
          p.out.delete(requestId);
          this.#count--;
          const late = (p.late ??= []);
          late.push(requestId);
          if (late.length > LATE_MEMORY) late.shift();
          expired.push({ peer, requestId, value: entry.value });
        } else if (entry.deadline < earliest) {
          earliest = entry.deadline;
        }
      }
    }
    this.#earliest = earliest;
    for (const e of expired) this.#onPenalty?.(e.peer, 'request-timeout', e.requestId);
    return expired;
  }

  /**
   * When expire() should next run, or undefined with nothing outstanding. Never later than the
   * true earliest deadline; may be earlier (expire() then finds nothing and tightens it).
   */
  nextDeadline(): number | undefined {
    return this.#count === 0 ? undefined : this.#earliest;
  }

  /** Forgets a peer in both directions; returns the values of its outstanding requests (to fail them). */
  dropPeer(peer: P): V[] {
    const p = this.#peers.get(peer);
    if (!p) return [];
    this.#peers.delete(peer);
    if (!p.out) return [];
    this.#count -= p.out.size;
    return [...p.out.values()].map((e) => e.value);
  }

  /** Requests in flight to `peer`. */
  outstanding(peer: P): number {
    return this.#peers.get(peer)?.out?.size ?? 0;
  }

  /** Requests in flight to all peers. */
  get size(): number {
    return this.#count;
  }

  /**
   * Registers a request received from `peer`. 'duplicate' when that id is already being answered,
   * 'over-limit' when the peer already has the maximum in flight at us.
   */
  acceptIncoming(peer: P, requestId: number): 'accepted' | 'duplicate' | 'over-limit' {
    const p = this.#peer(peer);
    const inc = (p.incoming ??= new Set());
    if (inc.has(requestId)) return 'duplicate';
    if (inc.size >= this.maxOutstanding) return 'over-limit';
    inc.add(requestId);
    return 'accepted';
  }

  /** Marks a received request as answered; false if it was not open (answered twice, peer dropped). */
  finishIncoming(peer: P, requestId: number): boolean {
    return this.#peers.get(peer)?.incoming?.delete(requestId) ?? false;
  }

  /** Requests from `peer` we have not answered yet. */
  incoming(peer: P): number {
    return this.#peers.get(peer)?.incoming?.size ?? 0;
  }
}
