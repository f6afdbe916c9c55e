// Routes the connection manager's events: handshakes and closes to the governor, traffic to exchange, requests and listeners.

import { formatEndpoint } from '../core/address/index.js';
import type { GovernorState } from '../core/governor/index.js';
import type { ExchangePeer, PeerExchange } from '../discovery/index.js';
import type { CloseInfo, Connection, ConnectionManager, TypedEmitter } from '../net/index.js';
import { frameSizes, type NodeCounters } from './counters.js';
import type { DialTracker } from './dials.js';
import type { EclipseWatch } from './eclipse-watch.js';
import type { GovernorDriver } from './governor-driver.js';
import type { PeerLedger } from './peer-ledger.js';
import type { PeerTable } from './peer-table.js';
import type { RefusalLog } from './refusals.js';
import type { ReputationBridge } from './reputation-bridge.js';
import type { RequestService } from './requests.js';
import type { NodeEvents } from './types.js';
import type { VisitTracker } from './visits.js';

/**
 * The parts of a node the connection manager's events reach: each named, so what a connection
 * event can touch is written here rather than "the whole session".
 */
export interface NetEventParts {
  readonly cm: Pick<ConnectionManager, 'on'>;
  readonly roles: WeakMap<Connection, ConnectionRole>;
  readonly dials: Pick<DialTracker, 'claim'>;
  readonly visits: Pick<VisitTracker, 'claims' | 'onClosed' | 'onAddr'>;
  readonly table: Pick<PeerTable, 'add' | 'remove' | 'get' | 'info'>;
  readonly counters: Pick<NodeCounters, 'connection' | 'disconnect' | 'message' | 'rejected'>;
  readonly ledger: Pick<PeerLedger, 'connected' | 'disconnected'>;
  readonly exchange: Pick<PeerExchange, 'peerConnected' | 'peerIntroduced' | 'peerDisconnected' | 'onAddr' | 'onGetAddr'>;
  readonly driver: Pick<GovernorDriver, 'feed'>;
  readonly governor: Pick<GovernorState, 'inbound'>;
  readonly bridge: Pick<ReputationBridge, 'offence'>;
  readonly refusals: Pick<RefusalLog, 'refused'>;
  readonly requests: Pick<RequestService, 'onRequest'>;
  readonly eclipse: Pick<EclipseWatch, 'askedForAddresses' | 'addrReceived' | 'peerGone'> | undefined;
  readonly emitter: Pick<TypedEmitter<NodeEvents>, 'emit'>;
  /** Bytes of connections that have closed (live ones are read from the connections). */
  readonly closedBytes: { in: number; out: number };
}

/** What a connection is to the node: a peer (the governor knows it), a discovery visit, or one being dropped. */
export type ConnectionRole = 'peer' | 'visit' | 'ignored';

function closeText(info: CloseInfo): string {
  const who = info.by === 'local' ? 'we closed' : 'the peer closed';
  return `${info.reason}${info.message ? `: ${info.message}` : ''} (${who})`;
}

function exchangePeer(s: NetEventParts, conn: Connection): ExchangePeer {
  return {
    id: conn.remoteId!,
    direction: conn.direction,
    remoteEndpoint: conn.remoteEndpoint,
    listenEndpoint: conn.remoteListenEndpoint,
    sendAddr: (entries) => {
      const ok = conn.sendAddr(entries);
      if (ok) s.counters.message('out', 'addr', frameSizes.addr(entries));
      return ok;
    },
    sendGetAddr: () => {
      const sent = conn.sendGetAddr();
      if (sent) s.eclipse?.askedForAddresses(conn.remoteId!);
      return sent;
    },
  };
}

export function wireNetEvents(s: NetEventParts): void {
  const { cm } = s;

  cm.on('established', ({ connection: conn }) => {
    let role: ConnectionRole = 'peer';
    if (conn.direction === 'outbound') {
      const claim = s.dials.claim(conn);
      if (claim === 'ignored') role = 'ignored';
      else if (claim === undefined && s.visits.claims(conn)) role = 'visit';
    }
    s.roles.set(conn, role);
    if (role !== 'peer') return;
    const id = conn.remoteId!;
    s.table.add(conn);
    s.counters.connection(conn.direction);
    const listen = conn.remoteListenEndpoint;
    s.ledger.connected(id, formatEndpoint(listen ?? conn.remoteEndpoint), conn.direction);
    s.exchange.peerConnected(exchangePeer(s, conn));
    // First the governor learns of the peer (so the address it listens on counts as in use)…
    s.driver.feed({
      type: 'handshakeDone',
      id,
      endpoint: conn.remoteEndpoint,
      direction: conn.direction,
      ...(listen ? { listenEndpoint: listen } : {}),
      ...(conn.minRttMs !== undefined ? { rttMs: conn.minRttMs } : {}),
    });
    // …then peer exchange notes where it listens and announces us, unless the governor closed it at once.
    if (conn.isOpen) s.exchange.peerIntroduced(id);
  });

  cm.on('closed', (e) => {
    const conn = e.connection;
    const role = s.roles.get(conn);
    s.closedBytes.in += conn.bytesIn;
    s.closedBytes.out += conn.bytesOut;
    if (role === 'visit') return s.visits.onClosed(conn);
    if (role !== 'peer') return;
    const id = conn.remoteId!;
    s.table.remove(conn);
    s.exchange.peerDisconnected(id);
    s.eclipse?.peerGone(id);
    s.ledger.disconnected(id);
    s.counters.disconnect(e.reason);
    s.driver.feed({
      type: 'disconnected',
      id,
      endpoint: conn.remoteEndpoint,
      reason: closeText(e),
      byUs: e.by === 'local',
      // A peer that stopped reading is not redialled at once: its address backs off like a failure.
      ...(e.reason === 'slow' && e.by === 'local' ? { misbehaved: true } : {}),
    });
  });

  cm.on('message', ({ connection: conn, topic, payload }) => {
    if (s.roles.get(conn) !== 'peer') return;
    s.counters.message('in', 'message', frameSizes.message(topic, payload));
    const rec = s.table.get(conn.remoteId!);
    if (!rec || rec.connection !== conn) return;
    s.emitter.emit('message', { topic, payload, peer: s.table.info(rec) });
  });

  cm.on('request', (e) => {
    const rec = s.roles.get(e.connection) === 'peer' ? s.table.get(e.connection.remoteId!) : undefined;
    if (!rec) {
      e.reply(new Uint8Array(0), 'unknown-topic');
      return;
    }
    s.requests.onRequest(e, () => s.table.info(rec));
  });

  cm.on('addr', ({ connection: conn, entries, bytes }) => {
    const role = s.roles.get(conn);
    if (role === 'visit') {
      s.visits.onAddr(conn, entries, bytes);
      return;
    }
    if (role !== 'peer') return;
    s.counters.message('in', 'addr', bytes);
    s.eclipse?.addrReceived(conn.remoteId!, conn.remoteEndpoint.ip, entries.length);
    s.exchange.onAddr(conn.remoteId!, entries);
  });

  cm.on('getaddr', ({ connection: conn }) => {
    if (s.roles.get(conn) !== 'peer') return;
    s.counters.message('in', 'getaddr', frameSizes.getaddr());
    s.exchange.onGetAddr(conn.remoteId!);
  });

  cm.on('misbehaviour', (e) => {
    const conn = e.connection;
    const id = s.roles.get(conn) === 'peer' || conn.isOpen ? e.peer : undefined;
    s.bridge.offence({ ...(id !== undefined ? { id } : {}), endpoint: e.endpoint }, e.offence, e.detail, () => {
      if (conn.state === 'handshaking' || conn.state === 'open') void conn.disconnect('protocol-violation', e.offence);
    });
  });

  cm.on('rejected', (e) => {
    s.counters.rejected(e.reason);
    if (e.by === 'local') s.refusals.refused(e.remote, e.reason, e.detail, e.peer);
    const key = formatEndpoint(e.remote);
    // An inbound the governor admitted (eviction path) that never finished its handshake.
    if (s.governor.inbound.has(key)) s.driver.feed({ type: 'disconnected', endpoint: e.remote, reason: `inbound handshake failed: ${e.reason}` });
  });
}
