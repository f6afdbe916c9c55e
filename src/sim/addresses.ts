// The simulator's address plan: which IPs honest nodes, background addresses, attackers and sybils use, and telling them apart.
//
// Every honest node gets its own /16 (net groups are what the address book and the governor's
// diversity rules look at, so a plan that packed nodes into a few /16s would measure the plan, not
// the policy). All addresses are routable IPv4 in the address book's sense: the honest ones come
// from ordinary unicast space, the hostile ones from 240.0.0.0/4, which Bitcoin Core (and our
// book) treat as routable and which Core's own addrman tests use for fake peers (250.x–253.x).

import { formatEndpoint, type Endpoint } from '../core/address/index.js';

/** Port every simulated host listens on (hosts that share an IP use the following ports). */
export const SIM_PORT = 7000;

/**
 * First octets of honest space: unicast, skipping 0/8, 10/8, 100/8 (CGNAT lives in it), 127/8,
 * 169/8 (link-local), 172/8 and 192/8 (private and documentation blocks), 198/8 (benchmarking),
 * 203/8 (documentation), multicast 224/4 and the hostile range 240/4.
 */
const HONEST_OCTETS: readonly number[] = (() => {
  const skip = new Set([0, 10, 100, 127, 169, 172, 192, 198, 203]);
  const out: number[] = [];
  for (let o = 1; o < 224; o++) if (!skip.has(o)) out.push(o);
  return out;
})();

/** /16 groups available to honest hosts (about 55,000). */
export const HONEST_GROUPS = HONEST_OCTETS.length * 256;
/** Background (pre-known honest) addresses use groups from here on, so they never collide with node IPs. */
export const BACKGROUND_GROUP_BASE = 20_000;
/** At most this many simulated nodes: their /16s must stay below the background range. */
export const MAX_SIM_NODES = BACKGROUND_GROUP_BASE;
/** Hostile addresses live in 240.0.0.0–254.255.255.255: 15 × 256 /16 groups. */
const HOSTILE_FIRST_OCTET = 240;
export const HOSTILE_GROUPS = 15 * 256;

/** The IP of host `host` (0-based) in honest /16 number `group`: a.b.c.d with c.d = host + 1. */
export function honestIp(group: number, host = 0): string {
  if (!(group >= 0 && group < HONEST_GROUPS)) throw new RangeError(`honest group ${group} is out of range (0-${HONEST_GROUPS - 1})`);
  const h = host + 1;
  return `${HONEST_OCTETS[Math.floor(group / 256)]}.${group % 256}.${(h >> 8) & 255}.${h & 255}`;
}

/** Simulated node `index` listens on its own /16: honestIp(index). */
export const nodeIp = (index: number): string => {
  if (index >= MAX_SIM_NODES) throw new RangeError(`at most ${MAX_SIM_NODES} simulated nodes`);
  return honestIp(index);
};

/** The IP of host `host` in hostile /16 number `group` (240.0.0.0/16 is group 0). */
export function hostileIp(group: number, host = 0): string {
  if (!(group >= 0 && group < HOSTILE_GROUPS)) throw new RangeError(`hostile group ${group} is out of range (0-${HOSTILE_GROUPS - 1})`);
  const h = host + 1;
  if (h > 65_534) throw new RangeError('at most 65,534 hosts per hostile /16');
  return `${HOSTILE_FIRST_OCTET + Math.floor(group / 256)}.${group % 256}.${h >> 8}.${h & 255}`;
}

/** True for addresses of the hostile range (attackers and sybils). */
export function isHostileIp(ip: string): boolean {
  const dot = ip.indexOf('.');
  if (dot < 0) return false;
  const first = Number(ip.slice(0, dot));
  return first >= HOSTILE_FIRST_OCTET && first < 255;
}

/** True for a net group name as the address book writes it ("241.7.0.0/16") in the hostile range. */
export const isHostileGroup = (group: string): boolean => isHostileIp(group);

/** The first octet of an IPv4 address (NaN for anything else). */
export const firstOctet = (ip: string): number => Number(ip.slice(0, ip.indexOf('.')));

export const endpointOf = (ip: string, port = SIM_PORT): Endpoint => ({ ip, port });
export const endpointText = (ip: string, port = SIM_PORT): string => formatEndpoint({ ip, port });

/** The IP part of "a.b.c.d:port". */
export function ipOfEndpoint(text: string): string {
  const colon = text.lastIndexOf(':');
  return colon < 0 ? text : text.slice(0, colon).replace(/^\[|\]$/g, '');
}
