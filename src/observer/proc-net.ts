// Reads the kernel's TCP socket tables (/proc/net/tcp, /proc/net/tcp6): established sockets on a port.
//
// Each row is `sl: LOCAL REMOTE ST …` with addresses as HEXIP:HEXPORT. The IP is printed as 32-bit
// words in host byte order (reversed bytes on little-endian machines); the port is big-endian hex.
// ST 01 is TCP_ESTABLISHED. IPv4 peers of a dual-stack socket appear in tcp6 as ::ffff:a.b.c.d,
// which formatIpBytes prints as a.b.c.d, so they match the node's log lines.
import { PeerwardenError } from '../core/errors.js';
import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { formatIpBytes, type Endpoint } from '../core/address/index.js';

/** TCP_ESTABLISHED in include/net/tcp_states.h. */
const ESTABLISHED = '01';

export const DEFAULT_PROC_PATHS = ['/proc/net/tcp', '/proc/net/tcp6'];

export interface SocketPair {
  local: Endpoint;
  remote: Endpoint;
}

/** The kernel tables could not be read (not Linux, no /proc, no permission). */
export class SocketTableError extends PeerwardenError {
  readonly code = 'socket-table-unreadable';
  override readonly name = 'SocketTableError';
  constructor(path: string, cause: Error) {
    super(
      `cannot read ${path} (${cause.message}); socket reconciliation needs Linux's /proc — ` +
        'run the observer on the node\'s host, or turn reconciliation off',
    );
  }
}

const LITTLE_ENDIAN = endianness() === 'LE';

function hexIp(hex: string, littleEndian: boolean): Uint8Array | undefined {
  if (hex.length !== 8 && hex.length !== 32) return undefined;
  const out = new Uint8Array(16);
  // IPv4 goes into the mapped block ::ffff:0:0/96.
  const offset = hex.length === 8 ? 12 : 0;
  if (offset) out[10] = out[11] = 0xff;
  for (let word = 0; word < hex.length / 8; word++) {
    for (let b = 0; b < 4; b++) {
      const byte = parseInt(hex.substr(word * 8 + b * 2, 2), 16);
      if (Number.isNaN(byte)) return undefined;
      out[offset + word * 4 + (littleEndian ? 3 - b : b)] = byte;
    }
  }
  return out;
}

function hexEndpoint(text: string, littleEndian: boolean): Endpoint | undefined {
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  const bytes = hexIp(text.slice(0, colon), littleEndian);
  const port = parseInt(text.slice(colon + 1), 16);
  if (!bytes || !Number.isInteger(port) || port < 0 || port > 65535) return undefined;
  return { ip: formatIpBytes(bytes), port };
}

export interface ParseSocketsOptions {
  /** Keep only sockets whose local port is this (the node's port). */
  localPort?: number;
  /** Byte order of the machine that wrote the table (default: this machine's). */
  littleEndian?: boolean;
}

/** Established sockets in the text of a /proc/net/tcp or tcp6 table; malformed rows are skipped. */
export function parseSocketTable(text: string, options: ParseSocketsOptions = {}): SocketPair[] {
  const littleEndian = options.littleEndian ?? LITTLE_ENDIAN;
  const out: SocketPair[] = [];
  for (const row of text.split('\n')) {
    const f = row.trim().split(/\s+/);
    // f[0] "0:", f[1] local, f[2] remote, f[3] state; the header row has "sl" and fails the state test.
    if (f.length < 4 || f[3] !== ESTABLISHED) continue;
    const local = hexEndpoint(f[1]!, littleEndian);
    const remote = hexEndpoint(f[2]!, littleEndian);
    if (!local || !remote) continue;
    if (options.localPort !== undefined && local.port !== options.localPort) continue;
    out.push({ local, remote });
  }
  return out;
}

/**
 * Established sockets with local port `port`, from every table in `paths`. A missing table (no
 * IPv6 in the kernel) is skipped; if none can be read, SocketTableError is thrown, so that a caller
 * never mistakes "cannot see" for "no sockets".
 */
export async function readEstablishedSockets(port: number, paths: readonly string[] = DEFAULT_PROC_PATHS): Promise<SocketPair[]> {
  const out: SocketPair[] = [];
  let readable = 0;
  let firstError: SocketTableError | undefined;
  for (const path of paths) {
    try {
      const text = await readFile(path, 'latin1');
      readable++;
      out.push(...parseSocketTable(text, { localPort: port }));
    } catch (err) {
      firstError ??= new SocketTableError(path, err as Error);
    }
  }
  if (readable === 0 && firstError) throw firstError;
  return out;
}
