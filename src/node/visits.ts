// Short connections for discovery (port probe, hub visits): dial, handshake, announce, fetch addresses, goodbye.

import { formatEndpoint, type Endpoint } from '../core/address/index.js';
import type { Scheduler } from '../core/clock.js';
import type { Visitor, VisitSession } from '../discovery/index.js';
import type { Connection, ConnectionManager } from '../net/index.js';
import type { AddrEntry } from '../wire/control-codec.js';
import { frameSizes, type NodeCounters } from './counters.js';

class Session implements VisitSession {
  readonly id: string;
  readonly listenEndpoint: Endpoint | undefined;
  #waiter: ((entries: AddrEntry[]) => void) | undefined;

  constructor(
    readonly connection: Connection,
    private readonly scheduler: Scheduler,
    private readonly counters: NodeCounters,
  ) {
    this.id = connection.remoteId!;
    this.listenEndpoint = connection.remoteListenEndpoint;
  }

  announce(entries: readonly AddrEntry[]): void {
    if (entries.length > 0 && this.connection.sendAddr(entries)) this.counters.message('out', 'addr', frameSizes.addr(entries));
  }

  fetchAddresses(timeoutMs: number): Promise<AddrEntry[]> {
    if (!this.connection.isOpen) return Promise.resolve([]);
    return new Promise((resolve) => {
      const timer = this.scheduler.after(timeoutMs, () => this.settle([]));
      this.#waiter = (entries) => {
        timer.cancel();
        resolve(entries);
      };
      if (this.connection.sendGetAddr()) this.counters.message('out', 'getaddr', frameSizes.getaddr());
    });
  }

  /** The first ADDR (or the close of the connection) answers the fetch. */
  settle(entries: AddrEntry[]): void {
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.(entries);
  }

  close(): void {
    void this.connection.disconnect('done', 'discovery visit finished');
  }
}

/**
 * The node's Visitor. A visit's connection is never handed to the governor: it does not take a
 * peer slot, is not promoted, and its close is not a peer event. Its ADDR answers the fetch.
 */
export class VisitTracker implements Visitor {
  #pending = new Set<string>();
  #sessions = new Map<Connection, Session>();

  constructor(
    private readonly cm: ConnectionManager,
    private readonly scheduler: Scheduler,
    private readonly counters: NodeCounters,
    private readonly timeoutMs: number | undefined,
    private readonly connectedTo: (key: string) => boolean,
  ) {}

  isConnected(endpoint: Endpoint): boolean {
    const key = formatEndpoint(endpoint);
    return this.#pending.has(key) || this.connectedTo(key);
  }

  /** True when this outbound connection belongs to a visit in progress. */
  claims(conn: Connection): boolean {
    return this.#pending.has(formatEndpoint(conn.remoteEndpoint));
  }

  async visit(endpoint: Endpoint, purpose: 'probe' | 'hub'): Promise<VisitSession> {
    const key = formatEndpoint(endpoint);
    if (this.isConnected(endpoint)) throw new Error(`already connected to ${key}`);
    this.#pending.add(key);
    try {
      const conn = await this.cm.dial(endpoint, this.timeoutMs !== undefined ? { timeoutMs: this.timeoutMs } : {});
      const session = new Session(conn, this.scheduler, this.counters);
      this.#sessions.set(conn, session);
      this.counters.visit(`${purpose}:connected`);
      return session;
    } catch (err) {
      this.counters.visit(`${purpose}:failed`);
      throw err;
    } finally {
      this.#pending.delete(key);
    }
  }

  /** Routes an ADDR on a visit connection; false when the connection is not a visit. */
  onAddr(conn: Connection, entries: AddrEntry[], bytes: number): boolean {
    const s = this.#sessions.get(conn);
    if (!s) return false;
    this.counters.message('in', 'addr', bytes);
    s.settle(entries);
    return true;
  }

  onClosed(conn: Connection): void {
    const s = this.#sessions.get(conn);
    if (!s) return;
    this.#sessions.delete(conn);
    s.settle([]);
  }
}
