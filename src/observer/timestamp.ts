// Parses the `at` timestamps of cardano-node trace lines (ISO 8601 with 0–9 fractional digits).

// Date and time, optional fraction of any length up to nanoseconds, then Z or an offset. The node
// writes UTC with a trailing Z, but with as few as 1 and as many as 9 fractional digits (aeson
// drops trailing zeros), so Date.parse's 3-digit expectation cannot be relied on.
const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

// Consecutive lines mostly fall in the same second: remember the last validated "YYYY-MM-DDTHH:MM:SS"
// and its value, so that most timestamps cost a prefix compare and a few digit reads, not a regex.
let cachedSecond = '';
let cachedSecondMs = 0;

/** The fraction and "Z" after a cached second: ms to add, or -1 if the tail is not `[.d{1,9}]Z`. */
function utcTailMs(text: string): number {
  const n = text.length;
  if (text.charCodeAt(n - 1) !== 0x5a /* Z */) return -1;
  if (n === 20) return 0;
  if (text.charCodeAt(19) !== 0x2e /* . */ || n < 22 || n > 30) return -1;
  let ms = 0;
  for (let i = 20; i < n - 1; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    if (i < 23) ms += d * (i === 20 ? 100 : i === 21 ? 10 : 1);
  }
  return ms;
}

/** Milliseconds since the Unix epoch for an ISO timestamp, or undefined when the text is not one. */
export function parseLogTime(text: string): number | undefined {
  if (cachedSecond !== '' && text.startsWith(cachedSecond)) {
    const tail = utcTailMs(text);
    if (tail >= 0) return cachedSecondMs + tail;
  }
  const m = ISO.exec(text);
  if (!m) return undefined;
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  // 60 allows a leap second as printed by some clocks; Date.UTC rolls it into the next minute.
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  let ms = Date.UTC(Number(m[1]), month - 1, day, hour, minute, second);
  if (m[8] === 'Z' && second < 60) {
    cachedSecond = text.slice(0, 19);
    cachedSecondMs = ms;
  }
  const fraction = m[7];
  // Milliseconds are the first three fractional digits; the rest (µs, ns) is below our resolution.
  if (fraction) ms += Number((fraction + '00').slice(0, 3));
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return ms;
}
