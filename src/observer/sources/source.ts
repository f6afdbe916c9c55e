// The interface every log source implements (file, journald, stream), and the older-log search filter.
import type { LineSink } from './line-splitter.js';

export type { LineSink } from './line-splitter.js';

export interface LineSource {
  /** 'file', 'journald' or 'stream': for status output. */
  readonly kind: string;
  /** Human description (path, unit…). */
  readonly description: string;
  /**
   * Starts delivering lines to `sink`. Resolves once the backlog (rotated files, existing content)
   * has been delivered where the source can tell, after which it keeps following.
   */
  start(sink: LineSink): Promise<void>;
  /** Stops following and releases files and processes. */
  stop(): Promise<void>;
  /**
   * Reads older logs (all of them, ignoring the backfill bound) and passes on every line that may
   * concern one of `ips`, plus the node start/stop lines needed to cut history at restarts. The caller
   * checks addresses exactly; this only has to be a cheap superset. Absent when there are no older logs.
   */
  searchOlder?(ips: string[], onLine: (line: string) => void): Promise<void>;
}

/** Raw-text markers of the lines that split history into node runs. */
const LIFECYCLE_MARKERS = ['"Net.Server.', '"cardano.node.Server"', '"cardano.node.LocalServer"', 'Shutdown'];

/**
 * Builds the line filter for searchOlder. IPv4 is matched as text; an IPv6 address may be printed
 * uncompressed or differently compressed, so only its first group is matched (a superset).
 */
export function olderLogFilter(ips: string[]): (line: string) => boolean {
  const needles = [...new Set(ips.map((ip) => (ip.includes(':') ? ip.slice(0, ip.indexOf(':') + 1) : ip)))];
  return (line) => needles.some((n) => line.includes(n)) || LIFECYCLE_MARKERS.some((m) => line.includes(m));
}
