// Durations as people write them ("90s", "1h30m", "2d", "500ms") parsed to milliseconds.

import { PeerwardenError } from './errors.js';
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Thrown when a duration text does not parse; the message shows the accepted forms. */
export class DurationParseError extends PeerwardenError {
  readonly code = 'duration-invalid';
  override readonly name = 'DurationParseError';
  constructor(readonly input: string) {
    super(`invalid duration ${JSON.stringify(input)}: use a number with a unit, e.g. 500ms, 30s, 15m, 1h, 1h30m, 7d`);
  }
}

/** Parses "1h30m"-style text (units ms, s, m, h, d, w) to milliseconds. A bare number is seconds. */
export function parseDuration(text: string): number {
  const s = text.trim();
  if (/^[0-9]+(\.[0-9]+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const re = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let end = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    end = re.lastIndex;
  }
  if (s.length === 0 || end !== s.length) throw new DurationParseError(text);
  return Math.round(total);
}

/** Formats milliseconds compactly for humans: 0s, 45s, 12m, 3h5m, 2d4h. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const neg = ms < 0;
  let s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts = d ? [`${d}d`, h ? `${h}h` : ''] : h ? [`${h}h`, m ? `${m}m` : ''] : m ? [`${m}m`, s ? `${s}s` : ''] : [`${s}s`];
  return (neg ? '-' : '') + parts.join('');
}
