// The governor's state invariants as a pure check: what must hold between any two steps, whatever happened before.
//
// Stated on the governor's view (inspectGovernor), so the same check runs on a state in a test, on
// a running node (node.inspectGovernor()) and on every node of a simulation. Each problem is one
// sentence; an empty list means every invariant holds.

import { parseEndpoint } from '../address/index.js';
import { inspectGovernor, type GovernorView } from './inspect.js';
import type { GovernorState } from './types.js';

/** Settings the view does not carry; defaults are the governor's. */
export interface InvariantOptions {
  /** Inbound connections allowed from one IP (default: the view's). */
  maxInboundPerIp?: number;
}

/**
 * The invariants that the governor keeps at every step:
 * - automatic hot outbound peers at most the hot target; automatic outbound peers plus automatic
 *   dials at most the outbound target;
 * - inbound connections (live and pending) at most maxInbound, all connections at most maxTotal
 *   (trusted and static inbound peers, static and manual outbound ones exempt);
 * - at most one automatic outbound connection or dial per net group;
 * - at most maxInboundPerIp inbound connections (live and pending) from one IP, trusted ones exempt;
 * - the next tick is in the future (unless the governor stopped).
 * Peers that are closing no longer count, as the governor counts them.
 */
export function governorInvariants(view: GovernorView, options: InvariantOptions = {}): string[] {
  const problems: string[] = [];
  const t = view.targets;
  const c = view.counts;
  if (c.autoHot > t.hot) problems.push(`${c.autoHot} automatic hot outbound peers, above the hot target ${t.hot}`);
  if (c.autoOutbound + c.autoDialing > t.outbound) {
    problems.push(`${c.autoOutbound} automatic outbound peers and ${c.autoDialing} dials, above the outbound target ${t.outbound}`);
  }
  const peers = [...view.peers.outbound.hot, ...view.peers.outbound.warm, ...view.peers.inbound.hot, ...view.peers.inbound.warm].filter((p) => p.closing === undefined);
  let exemptInbound = 0;
  let pinned = 0;
  for (const p of peers) {
    if (p.direction === 'inbound' && (p.trusted || p.static)) exemptInbound++;
    if (p.direction === 'outbound' && (p.purpose === 'static' || p.purpose === 'manual')) pinned++;
  }
  for (const q of view.pendingInbound) if (q.trusted) exemptInbound++;
  for (const d of view.dials) if (d.purpose === 'static' || d.purpose === 'manual') pinned++;
  if (c.inbound - exemptInbound > t.maxInbound) problems.push(`${c.inbound - exemptInbound} inbound connections, above maxInbound ${t.maxInbound}`);
  if (c.total - exemptInbound - pinned > t.maxTotal) problems.push(`${c.total - exemptInbound - pinned} connections, above maxTotal ${t.maxTotal}`);

  // One automatic outbound connection per net group.
  const groups = new Map<string, string>();
  const note = (group: string | undefined, endpoint: string) => {
    if (group === undefined) return;
    const other = groups.get(group);
    if (other !== undefined) problems.push(`net group ${group} holds two automatic outbound connections: ${other} and ${endpoint}`);
    else groups.set(group, endpoint);
  };
  for (const p of peers) if (p.direction === 'outbound' && (p.purpose === 'outbound' || p.purpose === 'anchor')) note(p.netGroup, p.endpoint);
  for (const d of view.dials) if (d.purpose === 'outbound' || d.purpose === 'anchor') note(d.netGroup, d.endpoint);

  // Per-IP inbound limit.
  const maxPerIp = options.maxInboundPerIp ?? view.maxInboundPerIp;
  if (maxPerIp !== undefined) {
    const perIp = new Map<string, number>();
    const count = (endpoint: string) => {
      const ip = parseEndpoint(endpoint).ip;
      perIp.set(ip, (perIp.get(ip) ?? 0) + 1);
    };
    for (const p of peers) if (p.direction === 'inbound' && !p.trusted) count(p.endpoint);
    for (const q of view.pendingInbound) if (!q.trusted) count(q.endpoint);
    for (const [ip, n] of perIp) if (n > maxPerIp) problems.push(`${n} inbound connections from ${ip}, above maxInboundPerIp ${maxPerIp}`);
  }

  if (!view.stopped && view.nextTickAt <= view.now) problems.push(`the next tick (${view.nextTickAt}) is not in the future (now ${view.now})`);
  return problems;
}

/** governorInvariants of a state at `now`. */
export function checkGovernor(state: GovernorState, now: number): string[] {
  return governorInvariants(inspectGovernor(state, now));
}
