// Governor dials: start them, cancel them, check the node id a static peer must have, report one result each.

import { formatEndpoint, type Endpoint } from '../core/address/index.js';
import type { DialPurpose, GovernorInput } from '../core/governor/index.js';
import { DialError, DuplicateConnectionError, HandshakeError, ManagerClosedError, type Connection, type ConnectionManager } from '../net/index.js';
import type { NodeCounters } from './counters.js';

interface PendingDial {
  endpoint: Endpoint;
  purpose: DialPurpose;
  expectedId: string | undefined;
  cancelled: boolean;
}

/** What became of an outbound connection that finished its handshake. */
export type DialClaim = 'peer' | 'ignored' | undefined;

/** One word for a failed dial, for counters: the DialError reason, the handshake's refusal, or 'failed'. */
export function dialOutcomeOf(err: unknown): string {
  if (err instanceof DuplicateConnectionError) return 'duplicate';
  if (err instanceof HandshakeError) return `handshake:${err.reason}`;
  if (err instanceof DialError) return err.reason;
  if (err instanceof ManagerClosedError) return 'closed';
  return 'failed';
}

/**
 * Carries out the governor's `dial` and `cancelDial` effects. Exactly one result goes back per
 * dial that was not cancelled: `handshakeDone` (through the connection events) or `dialFailed`.
 * A dial with an expected node id (a static peer given as id@host:port) that finds another node
 * is closed and reported as failed: the governor does not check ids, the node must.
 */
export class DialTracker {
  #pending = new Map<string, PendingDial>();

  constructor(
    private readonly cm: ConnectionManager,
    private readonly feed: (input: GovernorInput) => void,
    private readonly counters: NodeCounters,
    private readonly timeoutMs: number | undefined,
  ) {}

  has(key: string): boolean {
    return this.#pending.has(key);
  }

  start(endpoint: Endpoint, purpose: DialPurpose, expectedId: string | undefined): void {
    const key = formatEndpoint(endpoint);
    const d: PendingDial = { endpoint, purpose, expectedId, cancelled: false };
    this.#pending.set(key, d);
    this.counters.dial('started');
    this.cm.dial(endpoint, this.timeoutMs !== undefined ? { timeoutMs: this.timeoutMs } : {}).then(
      () => {
        // Claimed by the 'established' event already; nothing left unless it was never claimed.
        if (this.#pending.get(key) === d) this.#pending.delete(key);
      },
      (err: unknown) => {
        if (this.#pending.get(key) !== d) return;
        this.#pending.delete(key);
        if (d.cancelled) return;
        this.counters.dial(dialOutcomeOf(err));
        this.feed({ type: 'dialFailed', endpoint, reason: err instanceof Error ? err.message : String(err) });
      },
    );
  }

  cancel(endpoint: Endpoint): void {
    const d = this.#pending.get(formatEndpoint(endpoint));
    if (d && !d.cancelled) {
      d.cancelled = true;
      this.counters.dial('cancelled');
    }
  }

  /**
   * An outbound connection passed its handshake: is it one of our dials, and do we keep it?
   * Undefined when it is not ours (a discovery visit, or an unexpected connection).
   */
  claim(conn: Connection): DialClaim {
    const key = formatEndpoint(conn.remoteEndpoint);
    const d = this.#pending.get(key);
    if (!d) return undefined;
    this.#pending.delete(key);
    if (d.cancelled) {
      void conn.disconnect('done', 'the dial was given up');
      return 'ignored';
    }
    if (d.expectedId !== undefined && conn.remoteId !== d.expectedId) {
      void conn.disconnect('requested', 'not the node id we expected at this endpoint');
      this.counters.dial('wrong-id');
      this.feed({ type: 'dialFailed', endpoint: d.endpoint, reason: `expected node id ${d.expectedId.slice(0, 12)}…, found ${conn.remoteId!.slice(0, 12)}…` });
      return 'ignored';
    }
    this.counters.dial('connected');
    return 'peer';
  }
}
