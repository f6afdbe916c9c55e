// The devnet's terminal summary: one line per node, redrawn in place on a terminal.

import type { DevnetNodeJson, DevnetVerdictJson } from '../../api/dto.js';
import { formatDuration } from '../../core/duration.js';
import { renderTable, shortId } from '../table.js';
import { safeText } from '../terminal-text.js';

export function renderSummary(views: DevnetNodeJson[], verdict: DevnetVerdictJson, elapsedMs: number, uiUrl: string | undefined, formedAfterMs?: number): string {
  const now = Date.now();
  const rows = views.map((v) => [
    String(v.index),
    v.id ? shortId(v.id) : v.exitCode !== undefined ? `exited ${v.exitCode}` : 'starting…',
    v.ip,
    `${v.outbound.hot}/${v.targets?.hot ?? '-'}`,
    String(v.outbound.warm),
    String(v.inbound.hot + v.inbound.warm),
    String(v.addresses),
    v.health?.status ?? '',
    // Whole: on a terminal the line is cut at the terminal's width (with an ellipsis), not mid-reason here.
    v.lastEvent ? `${formatDuration(now - v.lastEvent.at)} ago ${v.lastEvent.kind.replace('peer:', '')}: ${v.lastEvent.reason ?? ''}` : '',
  ]);
  const table = renderTable(['#', 'ID', 'IP', 'HOT', 'WARM', 'IN', 'ADDRS', 'HEALTH', 'LAST EVENT'], rows);
  // renderTable escapes its cells (the last event's reason may quote a peer); the state line gets the same.
  const formed = formedAfterMs === undefined ? '' : ` (formed after ${(formedAfterMs / 1000).toFixed(1)} s)`;
  const state = safeText(verdict.ok ? `every node at its targets (or fully meshed), one connected graph${formed}` : verdict.problems[0] ?? '');
  return `devnet: ${views.length} nodes, up ${formatDuration(elapsedMs)}${uiUrl ? `, network view at ${uiUrl}/` : ''}\n${table}${state}\n`;
}
