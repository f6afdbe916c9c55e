// Plain-text tables and human-friendly numbers for the CLI's default (non-JSON) output.

import { safeText } from './terminal-text.js';

/**
 * Renders rows under a header with columns padded to fit; numbers (and cells starting with a digit)
 * align right. Every cell goes through safeText: cells hold peer-chosen text (user agents,
 * DISCONNECT reasons), and an escape sequence or newline in one must not reach the terminal.
 */
export function renderTable(header: string[], unsafeRows: string[][]): string {
  const rows = unsafeRows.map((r) => r.map((c) => safeText(c)));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^-?[0-9][0-9.,]*\s?[A-Za-z%]*$|^$/.test(r[i] ?? '')));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

/** 1536 → "1.5 KiB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 10 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`;
}

/** A timestamp as local ISO-like text without milliseconds: 2026-11-23 14:05:09. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  const p = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** The first 12 hex digits of a node id, as UIs show it. */
export const shortId = (id: string) => (/^[0-9a-f]{64}$/.test(id) ? id.slice(0, 12) : id);
