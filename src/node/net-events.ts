// Routes the connection manager's events: handshakes and closes to the governor, traffic to exchange, requests and listeners.

import { formatEndpoint } from '../core/address/index.js';
import type { ExchangePeer } from '../discovery/index.js';
import type { CloseInfo, Connection } from '../net/index.js';
import { frameBytes } from './counters.js';
import type { NodeSession } from './session.js';

/** What a connection is to the node: a peer (the governor knows it), a discovery visit, or one being dropped. */
export type ConnectionRole = 'peer' | 'visit' | 'ignored';

function closeText(info: CloseInfo): string {
  const who = info.by === 'local' ? 'we closed' : 'the peer closed';
  return `${info.reason}${info.message ? `: ${info.message}` : ''} (${who})`;
}

function exchangePeer(s: NodeSession, conn: Connection): ExchangePeer {
  return {
    id: conn.remoteId!,
    direction: conn.direction,
    remoteEndpoint: conn.remoteEndpoint,
    listenEndpoint: conn.remoteListenEndpoint,
    sendAddr: (entries) => {
      const ok = conn.sendAddr(entries);
      if (ok) s.counters.message('out', 'addr', frameBytes.addr(entries));
      return ok;
    },
    sendGetAddr: () => {
      const sent = conn.sendGetAddr();
      if (sent) s.eclipse?.askedForAddresses(conn.remoteId!);
      return sent;
    },
  };
}

export function wireNetEvents(s: NodeSession): void {
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
    s.counters.message('in', 'message', frameBytes.message(topic, payload));
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

  cm.on('addr', ({ connection: conn, entries }) => {
    const role = s.roles.get(conn);
    if (role === 'visit') {
      s.visits.onAddr(conn, entries);
      return;
    }
    if (role !== 'peer') return;
    s.counters.message('in', 'addr', frameBytes.addr(entries));
    s.eclipse?.addrReceived(conn.remoteId!, conn.remoteEndpoint.ip, entries.length);
    s.exchange.onAddr(conn.remoteId!, entries);
  });

  cm.on('getaddr', ({ connection: conn }) => {
    if (s.roles.get(conn) !== 'peer') return;
    s.counters.message('in', 'getaddr', frameBytes.getaddr());
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
