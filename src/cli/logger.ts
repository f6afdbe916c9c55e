// Structured logs for the daemons: pino, pretty on a terminal, JSON lines otherwise.
import { pino, type Logger } from 'pino';
import type { LogLevel } from '../node/config.js';

export type { Logger };

/** A logger at `level`; `pretty` defaults to whether stdout is a terminal. Logs go to stderr-free stdout. */
export function createLogger(level: LogLevel, pretty = Boolean(process.stdout.isTTY)): Logger {
  if (!pretty) return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime });
  return pino({
    level,
    base: undefined,
    transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } },
  });
}
