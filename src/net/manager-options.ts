// ConnectionManager options: their defaults and their validation (every problem reported at once).

import { parseEndpoint, type Endpoint, type EndpointLike } from '../core/address/index.js';
import type { Scheduler } from '../core/clock.js';
import type { Random } from '../core/random.js';
import { DEFAULT_MAX_FRAME_BYTES, MAX_USER_AGENT_BYTES } from '../wire/constants.js';
import type { InboundLimits } from './admission.js';
import type { Connection } from './connection.js';
import type { NodeIdentity } from './identity.js';
import type { Transport } from './transport.js';

export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
export const DEFAULT_PING_INTERVAL_MS = 30_000;
export const DEFAULT_MAX_MISSED_PONGS = 3;
/** A goodbye that takes longer than this is cut short: the peer is not reading. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

export interface ConnectionManagerOptions {
  identity: NodeIdentity;
  /** Network name; hashed into the HELLO's network id. */
  network: string;
  /** 'tls' (default) or 'none'; ignored when `transport` is given. */
  encryption?: 'tls' | 'none';
  /** A transport to use instead of tcp/tls (e.g. a MemoryNetwork's). */
  transport?: Transport;
  /** Endpoints to listen on; none means outbound only. */
  listen?: EndpointLike | EndpointLike[];
  limits?: Partial<InboundLimits>;
  isBanned?: { ip?(ip: string): boolean; id?(nodeId: string): boolean };
  /** Inbound IPs that bypass the limits (trusted peers). */
  isExempt?(ip: string): boolean;
  /** Discouraged IPs are accepted only while slots are free (no eviction for them). */
  isDiscouraged?(ip: string): boolean;
  /**
   * Inbound slots are full and an authenticated peer at `remote` wants one: name a connection to
   * evict for it, or undefined to refuse it.
   */
  selectEviction?(remote: Endpoint): Connection | undefined;
  /** The net group of an IP, as a map key (pending handshakes are evicted per group). Default: the /16 (IPv4) or /32 (IPv6). */
  netGroupOf?(ip: string): string;
  /** What all outbound queues together may hold, in bytes (default 64 MiB); the peers holding most are dropped past it. */
  sendBudgetBytes?: number;
  /** PINGs a peer may send per second (default 1) and in a burst (default 5); the excess is unanswered and an offence. */
  pingsPerSecond?: number;
  pingBurst?: number;
  scheduler?: Scheduler;
  random?: Random;
  services?: bigint;
  userAgent?: string;
  /** The port announced in HELLO; default: the first listener's port (0 without listeners). */
  listenPort?: number;
  handshakeTimeoutMs?: number;
  pingIntervalMs?: number;
  maxMissedPongs?: number;
  maxFrameBytes?: number;
  highWaterMark?: number;
  closeTimeoutMs?: number;
  maxOutstandingRequests?: number;
  /** Dial from the listening IP when it is a specific address of the target's kind (default true). */
  bindDials?: boolean;
}

export interface DialCallOptions {
  /** Bound on connect + TLS + handshake; default the handshake timeout (10 s). */
  timeoutMs?: number;
}

export interface ManagerStats {
  established: number;
  /** Authenticated inbound connections (the ones holding inbound slots). */
  inbound: number;
  outbound: number;
  /** Connections not yet authenticated: outbound dials and handshakes, and the inbound pending pool. */
  handshaking: number;
  /** Inbound connections in the pending pool (unauthenticated; they hold no slot). */
  pendingInbound: number;
  /** Bytes all outbound queues hold against the node-wide send budget, and the budget. */
  sendBudget: { usedBytes: number; limitBytes: number };
  listening: Endpoint[];
}


export function validateOptions(o: ConnectionManagerOptions): string[] {
  const problems: string[] = [];
  const positive = (name: string, v: number | undefined) => {
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) problems.push(`${name} must be a positive number, got ${String(v)}`);
  };
  if (!o.identity || typeof o.identity.sign !== 'function') problems.push('identity is required (a NodeIdentity)');
  if (typeof o.network !== 'string' || o.network.length === 0) problems.push('network must be a non-empty name');
  if (o.encryption !== undefined && o.encryption !== 'tls' && o.encryption !== 'none') problems.push(`encryption must be 'tls' or 'none', got ${String(o.encryption)}`);
  if (o.userAgent !== undefined && Buffer.byteLength(o.userAgent, 'utf8') > MAX_USER_AGENT_BYTES) problems.push(`userAgent must be at most ${MAX_USER_AGENT_BYTES} bytes of UTF-8`);
  if (o.services !== undefined && (typeof o.services !== 'bigint' || o.services < 0n || o.services >= 1n << 64n)) problems.push('services must be a bigint in [0, 2^64)');
  if (o.listenPort !== undefined && !(Number.isInteger(o.listenPort) && o.listenPort >= 0 && o.listenPort <= 65535)) problems.push('listenPort must be 0-65535');
  for (const [k, v] of Object.entries(o.limits ?? {})) if (!(Number.isInteger(v) && (v as number) >= 0)) problems.push(`limits.${k} must be a non-negative integer`);
  positive('handshakeTimeoutMs', o.handshakeTimeoutMs);
  positive('pingIntervalMs', o.pingIntervalMs);
  positive('maxMissedPongs', o.maxMissedPongs);
  positive('closeTimeoutMs', o.closeTimeoutMs);
  positive('maxOutstandingRequests', o.maxOutstandingRequests);
  positive('sendBudgetBytes', o.sendBudgetBytes);
  positive('pingsPerSecond', o.pingsPerSecond);
  if (o.pingBurst !== undefined && !(Number.isFinite(o.pingBurst) && o.pingBurst >= 1)) problems.push(`pingBurst must be at least 1, got ${String(o.pingBurst)}`);
  if (o.maxFrameBytes !== undefined && !(Number.isInteger(o.maxFrameBytes) && o.maxFrameBytes >= 256 && o.maxFrameBytes <= 0xffffffff)) {
    problems.push('maxFrameBytes must be an integer between 256 and 2^32-1');
  }
  if (o.highWaterMark !== undefined && !(o.highWaterMark >= (o.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES) + 5)) {
    problems.push('highWaterMark must be larger than maxFrameBytes + 5 (one frame must always fit)');
  }
  for (const l of o.listen === undefined ? [] : Array.isArray(o.listen) ? o.listen : [o.listen]) {
    try {
      parseEndpoint(l);
    } catch (err) {
      problems.push(`listen: ${(err as Error).message}`);
    }
  }
  return problems;
}

