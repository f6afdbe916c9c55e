// node.stats(): a JSON-safe snapshot of peers, targets, addresses, bans, traffic and every counter.

import type { ExchangeCounters } from '../discovery/index.js';
import type { Targets } from './config.js';
import { NodeCounters, type NodeCounterSnapshot } from './counters.js';
import type { AddressBook } from '../core/addrbook/index.js';
import type { Clock } from '../core/clock.js';
import type { Reputation } from '../core/reputation/index.js';
import type { Discovery, PeerExchange } from '../discovery/index.js';
import type { PeerTable } from './peer-table.js';

/** What node.stats() reads of a running node. */
export interface StatsParts {
  readonly scheduler: Clock;
  readonly startedAt: number;
  readonly counters: Pick<NodeCounters, 'snapshot'>;
  readonly exchange: Pick<PeerExchange, 'counters'>;
  readonly discovery: Pick<Discovery, 'lastRequest'>;
  readonly table: Pick<PeerTable, 'records'>;
  readonly book: Pick<AddressBook, 'stats'>;
  readonly reputation: Pick<Reputation, 'bans' | 'discouraged'>;
  readonly closedBytes: { readonly in: number; readonly out: number };
}

export interface NodeStats {
  id: string;
  network: string;
  running: boolean;
  startedAt: number | undefined;
  uptimeMs: number;
  listenAddresses: string[];
  peers: {
    total: number;
    inbound: { hot: number; warm: number };
    outbound: { hot: number; warm: number };
  };
  targets: Targets;
  addresses: { total: number; new: number; tried: number; collisions: number; byOrigin: Record<string, number> };
  bans: number;
  discouraged: number;
  /** All traffic, live and closed connections, in bytes. */
  bytes: { in: number; out: number };
  counters: NodeCounterSnapshot;
  /** Peer-exchange counters (undefined while stopped). */
  exchange: ExchangeCounters | undefined;
  lastDiscovery: { at: number; reason: string } | undefined;
}

interface NodeLike {
  readonly id: string;
  readonly config: { network: string; targets: Targets };
  readonly listenAddresses: string[];
}

export function collectStats(node: NodeLike, s: StatsParts | undefined): NodeStats {
  const out: NodeStats = {
    id: node.id,
    network: node.config.network,
    running: s !== undefined,
    startedAt: s?.startedAt,
    uptimeMs: s ? s.scheduler.now() - s.startedAt : 0,
    listenAddresses: node.listenAddresses,
    peers: { total: 0, inbound: { hot: 0, warm: 0 }, outbound: { hot: 0, warm: 0 } },
    targets: { ...node.config.targets },
    addresses: { total: 0, new: 0, tried: 0, collisions: 0, byOrigin: {} },
    bans: 0,
    discouraged: 0,
    bytes: { in: 0, out: 0 },
    counters: s ? s.counters.snapshot() : new NodeCounters().snapshot(),
    exchange: s ? { ...s.exchange.counters } : undefined,
    lastDiscovery: s?.discovery.lastRequest,
  };
  if (!s) return out;
  out.bytes = { ...s.closedBytes };
  for (const rec of s.table.records()) {
    out.peers.total++;
    out.peers[rec.connection.direction][rec.temperature]++;
    out.bytes.in += rec.connection.bytesIn;
    out.bytes.out += rec.connection.bytesOut;
  }
  const b = s.book.stats();
  out.addresses = { total: b.total, new: b.new, tried: b.tried, collisions: b.collisions, byOrigin: { ...b.byOrigin } };
  out.bans = s.reputation.bans.size;
  out.discouraged = s.reputation.discouraged.size;
  return out;
}
