// `peerwarden fleet status`: one line per node — health, alarms, peers against targets, last event.

import type { FleetSnapshotJson } from '../../api/dto.js';
import { formatDuration } from '../../core/duration.js';
import { renderTable, shortId } from '../table.js';
import { safeText } from '../terminal-text.js';

export function renderFleet(snap: FleetSnapshotJson, pageUrl: string | undefined): string {
  const now = Date.now();
  const rows = snap.nodes.map((n) => {
    const kind = n.mode === 'observer' ? 'watch' : (n.mode ?? '');
    if (!n.up) return [n.name, n.apiUrl, kind, '', 'down', '', '', '', '', '', n.error ?? ''];
    if (n.mode === 'observer') {
      const o = n.observed!;
      return [n.name, n.apiUrl, kind, '', n.health?.status ?? '', String(n.alarms.length), `${o.hot}`, `${o.warm}`, '', '', `${o.total} connections of the observed node`];
    }
    return [
      n.name,
      n.apiUrl,
      kind,
      n.id ? shortId(n.id) : '',
      n.health?.status ?? '',
      String(n.alarms.length),
      `${n.outbound.hot}/${n.targets?.hot ?? '-'}`,
      String(n.outbound.warm),
      String(n.inbound.hot + n.inbound.warm),
      String(n.addresses),
      n.lastEvent ? `${formatDuration(now - n.lastEvent.at)} ago ${n.lastEvent.kind.replace(/^peer:/, '')}: ${n.lastEvent.reason ?? ''}` : '',
    ];
  });
  // renderTable escapes every cell: names, reasons and errors may quote what a node or a peer said.
  const table = renderTable(['NAME', 'API', 'KIND', 'ID', 'HEALTH', 'ALARMS', 'HOT', 'WARM', 'IN', 'ADDRS', 'LAST EVENT'], rows);
  const v = snap.verdict;
  const head = `fleet: ${v.answering} of ${snap.nodes.length} answering${pageUrl ? `, page at ${pageUrl}/` : ''}, polled ${formatDuration(now - snap.polledAt)} ago`;
  const state = v.ok ? 'every node answering and healthy, no alarms' : v.problems.map((p) => safeText(p)).join('\n');
  return `${head}\n${table}${state}\n`;
}
