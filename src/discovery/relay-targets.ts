// Which peers a fresh address is relayed to: 2 per address, chosen by a keyed hash that rotates every 24 h.

import { createHash } from 'node:crypto';

/** Peers each relayed address goes to (Core's RelayAddress: 2 for reachable addresses). */
export const RELAY_FANOUT = 2;
/**
 * The same address goes to the same peers for 24 hours (Core's ROTATE_ADDR_RELAY_DEST_INTERVAL):
 * re-announcing an address cannot spread it to more peers, and a spy cannot learn who relayed it
 * by watching many rounds. Each address rotates at its own offset, so not all switch at once.
 */
export const RELAY_ROTATE_MS = 24 * 60 * 60_000;

function hash48(parts: readonly (string | Uint8Array)[]): number {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  const d = h.digest();
  // 48 bits: plenty to order a few hundred peers, and exact as a JS number.
  return d.readUIntBE(0, 6);
}

/**
 * The relay targets of one address: the `count` candidates with the lowest keyed hash of (address,
 * 24-hour period, candidate). Deterministic for a given key, so tests and the simulator replay; the
 * key is secret, so other nodes cannot predict or steer the choice.
 */
export function relayTargets(key: Uint8Array, address: string, now: number, candidates: readonly string[], count = RELAY_FANOUT): string[] {
  if (candidates.length <= count) return [...candidates];
  const offset = hash48([key, 'offset', address]) % RELAY_ROTATE_MS;
  const period = String(Math.floor((now + offset) / RELAY_ROTATE_MS));
  return candidates
    .map((c) => ({ c, h: hash48([key, address, '|', period, '|', c]) }))
    .sort((a, b) => a.h - b.h || (a.c < b.c ? -1 : 1))
    .slice(0, count)
    .map((x) => x.c);
}
