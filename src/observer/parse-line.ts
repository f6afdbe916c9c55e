// Turns one raw trace-log line into a typed event, 'ignored', or a counted parse error; never throws.
//
// Speed matters: a busy relay writes thousands of lines a second and a backfill reads millions. Most
// lines (block fetch, chain sync, mempool, resources) are of no interest, so the namespace is read
// straight from the raw text and JSON.parse runs only for lines whose namespace we use.
import { isObject } from './log-fields.js';
import { CURRENT_NAMESPACES, LEGACY_TRACERS, type Route } from './namespaces.js';
import { parseLogTime } from './timestamp.js';
import type { ParseResult } from './types.js';

const IGNORED: ParseResult = { status: 'ignored' };
const NOT_AN_OBJECT: ParseResult = { status: 'error', reason: 'not a JSON object (truncated, binary or not a trace line)' };
const BAD_JSON: ParseResult = { status: 'error', reason: 'invalid JSON' };
const NO_TIME: ParseResult = { status: 'error', reason: 'missing or invalid "at" timestamp' };
const NO_DATA: ParseResult = { status: 'error', reason: 'missing "data" object' };
const NO_NS: ParseResult = { status: 'error', reason: 'missing "ns"' };

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const OPEN_BRACKET = 0x5b;
const SPACE = 0x20;

function skipSpaces(line: string, i: number): number {
  while (i < line.length && line.charCodeAt(i) <= SPACE) i++;
  return i;
}

/** Reads the JSON string starting at the quote at `i`; undefined if unterminated or escaped. */
function stringAt(line: string, i: number): string | undefined {
  const end = line.indexOf('"', i + 1);
  if (end < 0) return undefined;
  const s = line.slice(i + 1, end);
  // A backslash means escapes we would have to decode; leave such (never seen) lines to JSON.parse.
  return s.includes('\\') ? undefined : s;
}

/**
 * Looks at the first `"ns":` in the raw line. If it names a namespace (or legacy tracer) we do not
 * read, the line is skipped without JSON.parse; anything unusual falls through to a full parse, so
 * the shortcut can only save work, never lose a line. (A payload key named "ns" ahead of the envelope's
 * would be misread; no cardano-node payload has one.)
 */
function worthParsing(line: string): boolean {
  const at = line.indexOf('"ns":');
  if (at < 0) return true;
  let i = skipSpaces(line, at + 5);
  const c = line.charCodeAt(i);
  if (c === QUOTE) {
    // Every namespace we read starts with "Net."; most lines (ChainDB, BlockFetch…) stop here.
    if (!line.startsWith('Net.', i + 1)) return false;
    const ns = stringAt(line, i);
    return ns === undefined || CURRENT_NAMESPACES.has(ns);
  }
  if (c === OPEN_BRACKET) {
    i = skipSpaces(line, i + 1);
    if (line.charCodeAt(i) !== QUOTE) return true;
    const tracer = stringAt(line, i);
    return tracer === undefined || LEGACY_TRACERS.has(tracer);
  }
  return true;
}

/** Parses one line of a cardano-node JSON trace log (current or legacy format). */
export function parseLogLine(line: string): ParseResult {
  // Trim without allocating: lines may carry \r from CRLF files or stray spaces.
  let start = 0;
  let end = line.length;
  while (start < end && line.charCodeAt(start) <= SPACE) start++;
  while (end > start && line.charCodeAt(end - 1) <= SPACE) end--;
  if (start === end) return IGNORED;
  // A trace line is one JSON object. Checking both braces first catches truncated and binary lines
  // cheaply, and counts them as errors even when their namespace is one we would skip.
  if (line.charCodeAt(start) !== OPEN_BRACE || line.charCodeAt(end - 1) !== CLOSE_BRACE) return NOT_AN_OBJECT;
  if (!worthParsing(line)) return IGNORED;

  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    return BAD_JSON;
  }
  if (!isObject(obj)) return NOT_AN_OBJECT;
  const data = obj.data;
  const ns = obj.ns;

  let route: Route | undefined;
  let name: string;
  if (typeof ns === 'string') {
    route = CURRENT_NAMESPACES.get(ns);
    name = ns.slice(ns.lastIndexOf('.') + 1);
  } else if (Array.isArray(ns) && typeof ns[0] === 'string') {
    const kind = isObject(data) && typeof data.kind === 'string' ? data.kind : '';
    route = LEGACY_TRACERS.get(ns[0])?.get(kind);
    name = kind;
  } else {
    return NO_NS;
  }
  if (!route) return IGNORED;

  const at = typeof obj.at === 'string' ? parseLogTime(obj.at) : undefined;
  if (at === undefined) return NO_TIME;
  if (!isObject(data)) return NO_DATA;
  const read = route.read(data, at, name, route.scope);
  if (read === 'ignored') return IGNORED;
  if (read === undefined) return { status: 'error', reason: `${name}: missing or malformed fields` };
  return { status: 'event', event: read };
}
