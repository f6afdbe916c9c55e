// Makes text that came from peers (user agents, DISCONNECT reasons, log fields) safe to print on a terminal.
//
// A peer chooses its user agent and the reason in its DISCONNECT message, and those strings reach
// `peers`, `explain`, the logs and the devnet table. Printed raw, an ESC sequence in them can clear
// the screen, move the cursor to overwrite earlier lines, retitle the window, or (on some terminals)
// write to the clipboard; a newline can forge a whole table row or log line; a bidi override makes
// text read differently from what it is (an id or address that looks like another). So every such
// character is shown as a visible escape instead: "\x1b[2J" prints as the seven characters \x1b[2J.

/**
 * What is escaped: C0 controls (U+0000–001F, newline and tab included: a cell or field is one line),
 * DEL and the C1 controls (U+007F–009F; U+009B is a one-character CSI on terminals that honour C1),
 * the Arabic letter mark and left-to-right/right-to-left marks (U+061C, U+200E, U+200F), the line and
 * paragraph separators (U+2028, U+2029), and the bidi embeddings, overrides and isolates
 * (U+202A–202E, U+2066–2069).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same set without newline, for multi-line text that is ours (a stack trace) but may quote a peer. */
// eslint-disable-next-line no-control-regex -- as above
const UNSAFE_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const hex = (c: string, width: number) => c.charCodeAt(0).toString(16).padStart(width, '0');
/** "\x1b" for a character up to U+00FF, "\u202e" above: the forms JavaScript and most tools read back. */
const visible = (c: string) => (c.charCodeAt(0) <= 0xff ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`);

/** `s` with every control, separator and bidi-formatting character replaced by a visible escape. */
export function safeText(s: string, opts: { keepNewlines?: boolean } = {}): string {
  const re = opts.keepNewlines ? UNSAFE_BUT_NEWLINE : UNSAFE;
  // Most text is clean: test first (no allocation) and only then rebuild the string.
  re.lastIndex = 0;
  if (!re.test(s)) return s;
  re.lastIndex = 0;
  return s.replace(re, visible);
}

/**
 * Characters JSON.stringify leaves raw although a terminal acts on them (it escapes only U+0000–001F,
 * quotes and backslashes). Outside strings they never occur in JSON, so replacing them with `\uXXXX`
 * everywhere yields the same JSON value.
 */
const RAW_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** A JSON text made terminal-safe without changing the value it encodes. */
export function safeJsonText(json: string): string {
  RAW_IN_JSON.lastIndex = 0;
  if (!RAW_IN_JSON.test(json)) return json;
  RAW_IN_JSON.lastIndex = 0;
  return json.replace(RAW_IN_JSON, (c) => `\\u${hex(c, 4)}`);
}

/**
 * An error's stack, safe: its first line repeats the message (which may quote a peer) and is escaped
 * whole, newlines included; the frames below keep their line breaks.
 */
function safeStack(e: Error): string | undefined {
  const stack = e.stack;
  if (stack === undefined) return undefined;
  const head = `${e.name}: ${e.message}`;
  return stack.startsWith(head) ? safeText(head) + safeText(stack.slice(head.length), { keepNewlines: true }) : safeText(stack, { keepNewlines: true });
}

/**
 * A copy of a log call's argument with every string in it made safe (plain objects and arrays are
 * walked, to a small depth). An Error stays an error of its class (loggers name its type) with its
 * message, stack and own fields made safe. Other values pass through unchanged.
 */
export function safeValue(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return safeText(v);
  if (v === null || typeof v !== 'object' || depth > 6) return v;
  if (v instanceof Error) {
    const copy = Object.create(Object.getPrototypeOf(v) as object) as Error;
    for (const [k, x] of Object.entries(v)) (copy as unknown as Record<string, unknown>)[k] = safeValue(x, depth + 1);
    Object.defineProperty(copy, 'message', { value: safeText(v.message), enumerable: false, writable: true, configurable: true });
    const stack = safeStack(v);
    if (stack !== undefined) Object.defineProperty(copy, 'stack', { value: stack, enumerable: false, writable: true, configurable: true });
    if (Object.prototype.hasOwnProperty.call(v, 'name')) copy.name = safeText(v.name);
    return copy;
  }
  if (Array.isArray(v)) return v.map((x) => safeValue(x, depth + 1));
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[safeText(k)] = safeValue(x, depth + 1);
  return out;
}
