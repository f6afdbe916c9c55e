// Inbound admission: the cheap checks made when a socket is accepted, before any handshake work.

export interface InboundLimits {
  /** Inbound connections (handshaking or established). Default 100 (DESIGN §6). */
  maxInbound: number;
  /** Inbound + outbound connections. Default 125. */
  maxTotal: number;
  /** Inbound connections from one IP. Default 4. */
  maxPerIpInbound: number;
}

export const DEFAULT_LIMITS: InboundLimits = { maxInbound: 100, maxTotal: 125, maxPerIpInbound: 4 };

export interface InboundCounts {
  inbound: number;
  total: number;
  fromIp: number;
}

export type AdmissionRefusal = 'too-many-from-ip' | 'too-many-inbound' | 'too-many-total';

/**
 * Why a new inbound connection does not fit, or undefined when it does. The per-IP limit comes
 * first: evicting someone else cannot make room for a fifth connection from one address.
 */
export function checkInbound(counts: InboundCounts, limits: InboundLimits): AdmissionRefusal | undefined {
  if (counts.fromIp >= limits.maxPerIpInbound) return 'too-many-from-ip';
  if (counts.inbound >= limits.maxInbound) return 'too-many-inbound';
  if (counts.total >= limits.maxTotal) return 'too-many-total';
  return undefined;
}
