// What `peerwarden watch` shows on a terminal: the observed node, its peers on both tracks, what the
// node itself reports, and the latest changes — redrawn once a second like the devnet's table.

import type { ObservedPeerJson } from '../api/dto.js';
import { formatEndpoint } from '../core/address/index.js';
import { formatDuration } from '../core/duration.js';
import type { NodeStatus, ObservedPeerEvent, ObserverCounters, PeerCounts } from '../observer/index.js';
import { observedPeersTable, reportedLines } from './observer-text.js';
import { formatTime } from './table.js';
import { safeText } from './terminal-text.js';

export interface WatchViewInput {
  source: { kind: string; description: string };
  nodePort: number;
  apiUrl: string | undefined;
  uptimeMs: number;
  node: NodeStatus;
  counts: PeerCounts;
  counters: ObserverCounters;
  /** Open sessions, as the API serves them (endpoints as text). */
  peers: ObservedPeerJson[];
  /** Newest last. */
  recent: readonly ObservedPeerEvent[];
  warnings: readonly string[];
  now: number;
}

const ORDER = ['hot', 'warm', 'cooling', 'cold', 'unknown'] as const;

/** One change as a line: "23:01:07  changed  1.2.3.4:3001  outbound: warm → hot (WarmToHot) — peer_selection". */
export function changeLine(e: ObservedPeerEvent): string {
  const what = `${e.direction ? `${e.direction}: ` : ''}${e.from ? `${e.from} → ` : ''}${e.to} (${e.change})`;
  return safeText(`${formatTime(e.at).slice(11)}  ${e.kind.padEnd(7)}  ${formatEndpoint(e.remote)}  ${what} — ${e.reason}${e.detail ? ` (${e.detail})` : ''}`);
}

export function renderWatch(v: WatchViewInput): string {
  const n = v.node;
  const c = v.counters;
  const reported = reportedLines({
    inboundGovernor: c.reported.inboundGovernor,
    connectionManager: c.reported.connectionManager,
  });
  const lines = [
    `peerwarden watch: ${safeText(v.source.description)} (${safeText(v.source.kind)}), node port ${v.nodePort}${v.apiUrl ? ` · dashboard ${v.apiUrl}/` : ''} · up ${formatDuration(v.uptimeMs)}`,
    `node ${n.state}${n.lastStartedAt ? ` since ${formatTime(n.lastStartedAt)}` : ''}, ${n.restarts} restart${n.restarts === 1 ? '' : 's'} seen` +
      `${n.listening.length ? `, listening on ${n.listening.map((e) => formatEndpoint(e)).join(', ')}` : ''}` +
      ` · ${v.counts.total} peers open: ${ORDER.map((s) => `${s} ${v.counts.byState[s]}`).join(', ')}`,
    `log: ${c.linesRead} lines read, ${c.linesParsed} events, ${c.parseErrors} unparseable${c.lastEventAt ? `, newest ${formatTime(c.lastEventAt)}` : ''}` +
      ` · sockets: ${c.reconcile.runs ? `${c.reconcile.sockets} established at the last check` : 'not checked yet'}`,
    ...(reported.length ? reported : ['inbound governor   not reported in the log yet (Net.InboundGovernor.Remote.InboundGovernorCounters at Info)']),
    '',
    observedPeersTable(v.peers, v.now).replace(/\n$/, ''),
  ];
  if (v.recent.length) lines.push('', 'recent changes:', ...v.recent.map((e) => `  ${changeLine(e)}`));
  for (const w of v.warnings) lines.push(`warning: ${safeText(w)}`);
  return `${lines.join('\n')}\n`;
}
