// Turns numbers into the short text a dashboard shows: bytes, durations, times, ids.

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** 1536 → "1.5 kB" (powers of 1000, as network tools count). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '–';
  let i = 0;
  let v = Math.abs(n);
  while (v >= 1000 && i < UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  return `${n < 0 ? '-' : ''}${i === 0 ? v.toFixed(0) : v.toFixed(v < 10 ? 1 : 0)} ${UNITS[i]}`;
}

/** 93_000 → "1m 33s"; the two largest units only, enough to read at a glance. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Local wall-clock time with seconds (12:03:04); with the date (2025-12-01 12:03:04) when not today. */
export function formatTime(at: number, now = Date.now()): string {
  const d = new Date(at);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return new Date(now).toDateString() === d.toDateString() ? time : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

/** The first 12 hex digits of a node id: unique enough on one screen, short enough for a table. */
export function shortId(id: string | undefined): string {
  if (!id) return '';
  return /^[0-9a-f]{64}$/i.test(id) ? `${id.slice(0, 12)}…` : id;
}

export function formatNumber(n: number, digits = 0): string {
  return Number.isFinite(n) ? n.toLocaleString(undefined, { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–';
}

export function percent(part: number, whole: number): string {
  if (part === 0 && whole > 0) return '0%';
  return whole > 0 ? `${((100 * part) / whole).toFixed(part / whole < 0.1 ? 1 : 0)}%` : '–';
}

/** "3 peers", "1 peer", "12 of 5000 peers" — what a filtered list shows. */
export function countText(shown: number, total: number, noun: string): string {
  const plural = (n: number) => `${noun}${n === 1 ? '' : 's'}`;
  return shown === total ? `${total} ${plural(total)}` : `${shown} of ${total} ${plural(total)}`;
}
