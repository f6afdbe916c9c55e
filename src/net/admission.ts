// Inbound admission: the limits on inbound connections, and the slot check an authenticated peer must pass.

import { DEFAULT_MAX_PENDING_HANDSHAKES, DEFAULT_MAX_PENDING_PER_IP } from './pending-pool.js';

export interface InboundLimits {
  /** Authenticated inbound connections. Default 100. */
  maxInbound: number;
  /** Authenticated inbound + outbound connections (dials in progress count). Default 125. */
  maxTotal: number;
  /** Inbound connections from one IP, handshaking or authenticated. Default 4. */
  maxPerIpInbound: number;
  /** Inbound connections still handshaking, node-wide (they never hold an inbound slot). Default 64. */
  maxPending: number;
  /** Of those, from one IP. Default 4. */
  maxPendingPerIp: number;
}

export const DEFAULT_LIMITS: InboundLimits = {
  maxInbound: 100,
  maxTotal: 125,
  maxPerIpInbound: 4,
  maxPending: DEFAULT_MAX_PENDING_HANDSHAKES,
  maxPendingPerIp: DEFAULT_MAX_PENDING_PER_IP,
};

export interface InboundCounts {
  /** Authenticated inbound connections. */
  inbound: number;
  /** Authenticated inbound plus every outbound connection or dial. */
  total: number;
  /** Inbound connections from the newcomer's IP (authenticated ones; pending ones are the pool's to count). */
  fromIp: number;
}

export type AdmissionRefusal = 'too-many-from-ip' | 'too-many-inbound' | 'too-many-total';

/**
 * Why one more authenticated inbound connection does not fit, or undefined when it does. The per-IP
 * limit comes first: evicting someone else cannot make room for a fifth connection from one address.
 */
export function checkInbound(counts: InboundCounts, limits: InboundLimits): AdmissionRefusal | undefined {
  if (counts.fromIp >= limits.maxPerIpInbound) return 'too-many-from-ip';
  if (counts.inbound >= limits.maxInbound) return 'too-many-inbound';
  if (counts.total >= limits.maxTotal) return 'too-many-total';
  return undefined;
}
