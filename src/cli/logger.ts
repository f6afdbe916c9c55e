// Structured logs for the daemons: pino, pretty on a terminal, JSON lines otherwise; peer text never reaches the terminal raw.
import { pino, type Logger } from 'pino';
import type { LogLevel } from '../node/config.js';
import { safeJsonText, safeValue } from './terminal-text.js';

export type { Logger };

/** A logger at `level`; `pretty` defaults to whether stdout is a terminal. Logs go to stderr-free stdout. */
export function createLogger(level: LogLevel, pretty = Boolean(process.stdout.isTTY)): Logger {
  if (!pretty) {
    return pino({
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      // JSON lines keep every value exactly (consumers such as jq read the real text), but
      // JSON.stringify leaves C1 controls and bidi overrides raw, and `journalctl -o cat` or `tail`
      // would hand them to a terminal. Re-escaping them as \uXXXX inside the line is the same JSON.
      hooks: { streamWrite: safeJsonText },
    });
  }
  return pino({
    level,
    base: undefined,
    // pino-pretty (in its worker) parses each JSON line and prints its strings as they are, so an
    // ESC in a peer's DISCONNECT reason would reach the terminal. Escape the message and every
    // field of the call before pino serialises it: the terminal then shows "\x1b[2J" as text.
    hooks: {
      logMethod(args, method) {
        // safeValue keeps an Error an Error (of its class), so pino still takes log.error(err)'s message from it.
        method.apply(this, args.map((a) => safeValue(a)) as Parameters<typeof method>);
      },
    },
    transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } },
  });
}
