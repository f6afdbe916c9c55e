// Node health for operators: healthy, degraded (below targets, one net group) or isolated (no peers), with the reason.

import type { Targets } from './config.js';
import type { NodeSession } from './session.js';
import type { NodeHealth } from './types.js';

/**
 * - isolated: no connected peer at all (or the node is stopped);
 * - degraded: outbound or hot outbound below target, or every outbound peer in one net group
 *   (one /16: an eclipse is one operator away);
 * - healthy: otherwise. Static, manual and automatic outbound peers all count; feelers do not.
 */
export function computeHealth(s: NodeSession | undefined, targets: Targets): NodeHealth {
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
  if (base.peers === 0) {
    base.reason = `no connected peers (${base.knownAddresses} known addresses); the node keeps trying`;
    return base;
  }
  const short: string[] = [];
  if (base.outbound < targets.outbound) short.push(`outbound ${base.outbound}/${targets.outbound}`);
  if (base.hotOutbound < targets.hot) short.push(`hot ${base.hotOutbound}/${targets.hot}`);
  if (short.length > 0) {
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
