// How the CLI prints what `peerwarden watch` observes: a cardano-node's connections on both tracks,
// and the counters the node itself reports. Shared by the client commands and watch's live view.

import type { ObservedPeerJson, ReportedCountersJson, TrackJson } from '../api/dto.js';
import { formatDuration } from '../core/duration.js';
import { formatTime, renderTable } from './table.js';

/** One track of an observed connection: "hot (WarmToHot, 5m)". */
const trackText = (t: TrackJson | undefined, now: number) => (t ? `${t.state} (${t.change}, ${formatDuration(now - t.since)})` : '-');

/** The peers of an observed cardano-node, hottest first: both tracks of each connection. */
export function observedPeersTable(peers: ObservedPeerJson[], now: number): string {
  if (peers.length === 0) return 'no peers observed\n';
  const rank: Record<string, number> = { hot: 0, warm: 1, cooling: 2, cold: 3, unknown: 4 };
  const sorted = [...peers].sort((a, b) => (rank[a.state] ?? 9) - (rank[b.state] ?? 9) || a.remote.localeCompare(b.remote));
  return renderTable(
    ['REMOTE', 'LOCAL', 'STATE', 'DIR', 'OUTBOUND (PEER SELECTION)', 'INBOUND (INBOUND GOVERNOR)', 'OPEN FOR'],
    sorted.map((p) => [
      p.remote,
      p.local ?? '*',
      p.state,
      p.direction === 'inbound' ? 'in' : p.direction === 'outbound' ? 'out' : '-',
      trackText(p.outbound, now),
      trackText(p.inbound, now),
      formatDuration(now - p.since),
    ]),
  );
}

/** What the node itself last reported: its inbound governor's and connection manager's counters. */
export function reportedLines(r: ReportedCountersJson): string[] {
  const lines: string[] = [];
  const ig = r.inboundGovernor;
  if (ig) lines.push(`inbound governor   idle ${ig.idle}, cold ${ig.cold}, warm ${ig.warm}, hot ${ig.hot}  (reported ${formatTime(ig.at)})`);
  const cm = r.connectionManager;
  if (cm) {
    lines.push(
      `connection manager full duplex ${cm.fullDuplex}, duplex ${cm.duplex}, unidirectional ${cm.unidirectional}, inbound ${cm.inbound}, outbound ${cm.outbound}  (reported ${formatTime(cm.at)})`,
    );
  }
  return lines;
}
