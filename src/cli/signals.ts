// Graceful shutdown: the first SIGINT/SIGTERM starts it, a second one forces the exit.
import type { Logger } from './logger.js';

/** Resolves on the first SIGINT or SIGTERM; a second signal exits at once with code 130. */
export function onShutdownSignals(log?: Logger): Promise<string> {
  return new Promise((resolve) => {
    let count = 0;
    const handler = (signal: NodeJS.Signals) => {
      count++;
      if (count === 1) {
        log?.info({ signal }, 'shutting down (send the signal again to force)');
        resolve(signal);
      } else {
        log?.warn({ signal }, 'forced exit');
        process.exit(130);
      }
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}
