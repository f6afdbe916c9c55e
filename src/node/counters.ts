// Counters for stats() and Prometheus: dials by outcome, messages and bytes by type and direction, penalties, bans, requests.

import type { AddrEntry } from '../wire/control-codec.js';

/** Wire message kinds the node layer sees (HELLO/AUTH/PING/PONG/DISCONNECT stay inside the connection layer). */
export type CountedMessage = 'message' | 'request' | 'response' | 'addr' | 'getaddr';

type Tally = Record<string, number>;

function bump(t: Tally, key: string, n = 1): void {
  t[key] = (t[key] ?? 0) + n;
}

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** Exact frame sizes (length prefix included) of the messages the node counts. */
export const frameSizes = {
  message: (topic: string, payload: Uint8Array) => 4 + 1 + 1 + utf8(topic) + payload.length,
  request: (topic: string, payload: Uint8Array) => 4 + 1 + 4 + 1 + utf8(topic) + payload.length,
  response: (payload: Uint8Array) => 4 + 1 + 4 + 1 + payload.length,
  getaddr: () => 5,
  addr: (entries: readonly AddrEntry[]) => {
    let n = 4 + 1 + 2;
    for (const e of entries) n += 1 + (e.endpoint.ip.includes(':') ? 16 : 4) + 2 + 8 + 4;
    return n;
  },
};

/** Plain counters, JSON-safe: every value only grows (Prometheus counters). */
export interface NodeCounterSnapshot {
  /** Governor dials by outcome: connected, failed reasons (refused, timeout, handshake…), cancelled. */
  dials: Tally;
  /** Connections that passed the handshake, by direction. */
  connections: { inbound: number; outbound: number };
  /** Closed connections by reason (the DISCONNECT reason or connection-lost). */
  disconnects: Tally;
  /** Inbound attempts refused before or during the handshake, by reason. */
  rejected: Tally;
  messages: { in: Tally; out: Tally };
  bytes: { in: Tally; out: Tally };
  /** Penalties applied, by offence (reason string). */
  penalties: Tally;
  /** Penalties by severity. */
  penaltiesBySeverity: Tally;
  bans: { added: number; removed: number };
  /** Requests by direction and outcome. */
  requests: { outbound: Tally; inbound: Tally };
  /** New addresses by origin (seed, dns, exchange, hub, probe, manual, inbound). */
  addressesLearned: Tally;
  /** Short connections of discovery (probe, hub) by outcome. */
  visits: Tally;
  broadcasts: number;
  /** Sum over broadcasts of the peers each was queued for. */
  broadcastDeliveries: number;
  /** Eclipse alarms raised, by kind. */
  alarmsRaised: Tally;
}

export class NodeCounters {
  readonly c: NodeCounterSnapshot = {
    dials: {},
    connections: { inbound: 0, outbound: 0 },
    disconnects: {},
    rejected: {},
    messages: { in: {}, out: {} },
    bytes: { in: {}, out: {} },
    penalties: {},
    penaltiesBySeverity: {},
    bans: { added: 0, removed: 0 },
    requests: { outbound: {}, inbound: {} },
    addressesLearned: {},
    visits: {},
    alarmsRaised: {},
    broadcasts: 0,
    broadcastDeliveries: 0,
  };

  dial(outcome: string): void {
    bump(this.c.dials, outcome);
  }

  connection(direction: 'inbound' | 'outbound'): void {
    this.c.connections[direction]++;
  }

  disconnect(reason: string): void {
    bump(this.c.disconnects, reason);
  }

  rejected(reason: string): void {
    bump(this.c.rejected, reason);
  }

  alarm(kind: string, state: 'raised' | 'cleared'): void {
    if (state === 'raised') bump(this.c.alarmsRaised, kind);
  }

  message(direction: 'in' | 'out', type: CountedMessage, bytes: number, count = 1): void {
    bump(this.c.messages[direction], type, count);
    bump(this.c.bytes[direction], type, bytes);
  }

  penalty(severity: string, reason: string): void {
    bump(this.c.penalties, reason);
    bump(this.c.penaltiesBySeverity, severity);
  }

  ban(added: boolean): void {
    if (added) this.c.bans.added++;
    else this.c.bans.removed++;
  }

  request(direction: 'outbound' | 'inbound', outcome: string): void {
    bump(this.c.requests[direction], outcome);
  }

  learned(origin: string, n: number): void {
    bump(this.c.addressesLearned, origin, n);
  }

  visit(outcome: string): void {
    bump(this.c.visits, outcome);
  }

  broadcast(deliveries: number): void {
    this.c.broadcasts++;
    this.c.broadcastDeliveries += deliveries;
  }

  /** A deep copy, safe to hand out. */
  snapshot(): NodeCounterSnapshot {
    return structuredClone(this.c);
  }
}
