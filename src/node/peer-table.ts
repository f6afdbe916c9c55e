// The peer table: one record per connected peer (its Connection and temperature), O(1) by id, and PeerInfo views.

import { classify, formatEndpoint, netGroupName, type Endpoint, type NetGroupOptions } from '../core/address/index.js';
import type { GovernorState } from '../core/governor/index.js';
import type { Connection } from '../net/index.js';
import type { PeerInfo, Temperature } from './types.js';

export interface PeerRecord {
  id: string;
  connection: Connection;
  temperature: Temperature;
  /** Set by setBusy before or after the governor knows the peer. */
  busy: boolean;
}

/**
 * Connected peers by node id. A record is added when a connection passes its handshake and is
 * handed to the governor, and removed when it closes; `promote`/`demote` effects set the
 * temperature. Iterating never yields a closed connection.
 */
export class PeerTable {
  #byId = new Map<string, PeerRecord>();

  constructor(
    private readonly governor: () => GovernorState | undefined,
    private readonly scoreOf: (id: string) => number,
    private readonly groupOptions: NetGroupOptions,
  ) {}

  add(connection: Connection): PeerRecord {
    const id = connection.remoteId!;
    const rec: PeerRecord = { id, connection, temperature: 'warm', busy: false };
    this.#byId.set(id, rec);
    return rec;
  }

  /** Removes the record of this connection (not a newer one with the same id). */
  remove(connection: Connection): PeerRecord | undefined {
    const id = connection.remoteId;
    if (id === undefined) return undefined;
    const rec = this.#byId.get(id);
    if (!rec || rec.connection !== connection) return undefined;
    this.#byId.delete(id);
    return rec;
  }

  get(id: string): PeerRecord | undefined {
    const rec = this.#byId.get(id.toLowerCase());
    return rec && rec.connection.isOpen ? rec : undefined;
  }

  /** Open connections of peers at the given temperature ('all' for every one). */
  *connections(to: 'hot' | 'all' = 'all'): IterableIterator<Connection> {
    for (const rec of this.#byId.values()) {
      if (!rec.connection.isOpen) continue;
      if (to === 'hot' && rec.temperature !== 'hot') continue;
      yield rec.connection;
    }
  }

  *records(): IterableIterator<PeerRecord> {
    for (const rec of this.#byId.values()) if (rec.connection.isOpen) yield rec;
  }

  get size(): number {
    let n = 0;
    for (const rec of this.#byId.values()) if (rec.connection.isOpen) n++;
    return n;
  }

  setTemperature(id: string, temperature: Temperature): void {
    const rec = this.#byId.get(id);
    if (rec) rec.temperature = temperature;
  }

  /** Finds a peer by the endpoint it is connected from or listens on. */
  findByEndpoint(key: string): PeerRecord | undefined {
    for (const rec of this.records()) {
      if (formatEndpoint(rec.connection.remoteEndpoint) === key) return rec;
      const listen = rec.connection.remoteListenEndpoint;
      if (listen && formatEndpoint(listen) === key) return rec;
    }
    return undefined;
  }

  info(rec: PeerRecord): PeerInfo {
    const c = rec.connection;
    const g = this.governor()?.peers.get(rec.id);
    const listen: Endpoint | undefined = c.remoteListenEndpoint;
    return {
      id: rec.id,
      endpoint: formatEndpoint(c.remoteEndpoint),
      direction: c.direction,
      temperature: rec.temperature,
      score: this.scoreOf(rec.id),
      rttMs: c.rttMs,
      connectedAt: c.connectedAt ?? 0,
      bytesIn: c.bytesIn,
      bytesOut: c.bytesOut,
      messagesIn: c.messagesIn,
      messagesOut: c.messagesOut,
      busy: rec.busy,
      static: g?.static ?? false,
      trusted: g?.trusted ?? false,
      services: c.hello?.services ?? 0n,
      userAgent: c.hello?.userAgent ?? '',
      listenEndpoint: listen ? formatEndpoint(listen) : undefined,
      purpose: g?.purpose ?? (c.direction === 'inbound' ? 'inbound' : 'outbound'),
      netGroup: netGroupName(c.remoteEndpoint.ip, this.groupOptions),
      asn: this.groupOptions.asmap && classify(c.remoteEndpoint.ip) === 'routable' ? this.groupOptions.asmap.lookup(c.remoteEndpoint.ip) || undefined : undefined,
      minRttMs: c.minRttMs,
    };
  }

  /** All connected peers, oldest connection first. */
  list(): PeerInfo[] {
    return [...this.records()].sort((a, b) => (a.connection.connectedAt ?? 0) - (b.connection.connectedAt ?? 0) || (a.id < b.id ? -1 : 1)).map((r) => this.info(r));
  }
}
