// Node health for operators: healthy, degraded (below targets, one net group) or isolated (no peers), with the reason.

import { formatEndpoint } from '../core/address/index.js';
import type { Targets } from './config.js';
import type { AddressBook } from '../core/addrbook/index.js';
import type { GovernorState } from '../core/governor/index.js';
import type { EclipseWatch } from './eclipse-watch.js';
import type { PeerTable } from './peer-table.js';

/** What health is computed from: the peer table, the governor, the book and the eclipse alarm. */
export interface HealthParts {
  readonly table: Pick<PeerTable, 'records'>;
  readonly governor: GovernorState;
  readonly book: Pick<AddressBook, 'size' | 'entries'>;
  readonly eclipse: Pick<EclipseWatch, 'active'> | undefined;
}
import type { NodeHealth } from './types.js';

/**
 * - isolated: no connected peer at all (or the node is stopped);
 * - degraded: an eclipse alarm is in force, outbound or hot outbound below target, or every outbound peer in one net group
 *   (one /16: an eclipse is one operator away) — unless the node is connected to every address it
 *   knows: then the network is smaller than the targets (a devnet, a small private network) and
 *   there is nothing more to dial, which is healthy;
 * - healthy: otherwise. Static, manual and automatic outbound peers all count; feelers do not.
 */
export function computeHealth(s: HealthParts | undefined, targets: Targets): NodeHealth {
  const base: NodeHealth = {
    status: 'isolated',
    reason: 'the node is not running',
    peers: 0,
    outbound: 0,
    hotOutbound: 0,
    inbound: 0,
    outboundGroups: 0,
    targets: { hot: targets.hot, outbound: targets.outbound },
    knownAddresses: 0,
    alarms: [],
  };
  if (!s) return base;
  const groups = new Set<string>();
  for (const rec of s.table.records()) {
    base.peers++;
    const g = s.governor.peers.get(rec.id);
    if (rec.connection.direction === 'inbound') {
      base.inbound++;
      continue;
    }
    if (g?.purpose === 'feeler') continue;
    base.outbound++;
    if (rec.temperature === 'hot') base.hotOutbound++;
    if (g) groups.add(g.group);
  }
  base.outboundGroups = groups.size;
  base.knownAddresses = s.book.size();
  base.alarms = s.eclipse?.active() ?? [];
  if (base.peers === 0) {
    base.reason = `no connected peers (${base.knownAddresses} known addresses); the node keeps trying`;
    return base;
  }
  const short: string[] = [];
  if (base.outbound < targets.outbound) short.push(`outbound ${base.outbound}/${targets.outbound}`);
  if (base.hotOutbound < targets.hot) short.push(`hot ${base.hotOutbound}/${targets.hot}`);
  if (short.length > 0 && connectedToEveryKnown(s, base.peers)) {
    base.status = 'healthy';
    base.reason = `connected to every known node (${base.peers} peer${base.peers === 1 ? '' : 's'}): the network is smaller than the targets (${short.join(', ')})`;
  } else if (base.alarms.length > 0) {
    // An eclipse being set up outranks everything but isolation: the targets may look met because of it.
    base.status = 'degraded';
    base.reason = `eclipse alarm (${base.alarms[0]!.kind}): ${base.alarms[0]!.message}${base.alarms.length > 1 ? ` (and ${base.alarms.length - 1} more)` : ''}`;
  } else if (short.length > 0) {
    base.status = 'degraded';
    base.reason = `below targets: ${short.join(', ')}`;
  } else if (base.outbound > 1 && base.outboundGroups === 1) {
    base.status = 'degraded';
    base.reason = 'every outbound peer is in one net group';
  } else {
    base.status = 'healthy';
    base.reason = `at targets: outbound ${base.outbound}/${targets.outbound}, hot ${base.hotOutbound}/${targets.hot}, ${base.inbound} inbound`;
  }
  return base;
}

/**
 * True when every address in the book belongs to a connected peer (by the endpoint it is connected
 * from or the one it listens on). Checked only when the book is no bigger than the peer table, so a
 * real node's book of thousands costs nothing.
 */
function connectedToEveryKnown(s: HealthParts, peers: number): boolean {
  const known = s.book.size();
  if (known === 0 || known > peers) return false;
  const connected = new Set<string>();
  for (const rec of s.table.records()) {
    connected.add(formatEndpoint(rec.connection.remoteEndpoint));
    const listen = rec.connection.remoteListenEndpoint;
    if (listen) connected.add(formatEndpoint(listen));
  }
  return s.book.entries().every((e) => connected.has(formatEndpoint(e.endpoint)));
}
