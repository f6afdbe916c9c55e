// Which peers a fresh address is relayed to: 2 per address, chosen by a keyed hash that rotates every 24 h.

import { sha256 } from '../core/hash/index.js';

/** Peers each relayed address goes to (Core's RelayAddress: 2 for reachable addresses). */
export const RELAY_FANOUT = 2;
/**
 * The same address goes to the same peers for 24 hours (Core's ROTATE_ADDR_RELAY_DEST_INTERVAL):
 * re-announcing an address cannot spread it to more peers, and a spy cannot learn who relayed it
 * by watching many rounds. Each address rotates at its own offset, so not all switch at once.
 */
export const RELAY_ROTATE_MS = 24 * 60 * 60_000;

const utf8 = new TextEncoder();
/** Message scratch: the head bytes, then the text; grown when a message is longer. */
let scratch = new Uint8Array(256);

/** SHA-256(head ‖ utf8(text)); head is the secret key or a digest. */
function digest(head: Uint8Array, text: string): Uint8Array {
  const need = head.length + 3 * text.length;
  if (scratch.length < need) scratch = new Uint8Array(2 * need);
  scratch.set(head, 0);
  const { written } = utf8.encodeInto(text, scratch.subarray(head.length));
  return sha256(scratch, head.length + written);
}

/**
 * The first 48 bits of SHA-256(head ‖ utf8(text)): plenty to order a few hundred peers, and exact
 * as a JS number. The core's lean SHA-256, not node:crypto: the simulator relays millions of
 * addresses, and a createHash call costs about a microsecond before it hashes a byte.
 */
function hash48(head: Uint8Array, text: string): number {
  const d = digest(head, text);
  return ((d[0]! << 8) | d[1]!) * 2 ** 32 + (((d[2]! << 24) | (d[3]! << 16) | (d[4]! << 8) | d[5]!) >>> 0);
}

/**
 * The relay targets of one address: the `count` candidates with the lowest keyed hash of (address,
 * 24-hour period, candidate). Deterministic for a given key, so tests and the simulator replay; the
 * key is secret, so other nodes cannot predict or steer the choice.
 */
export function relayTargets(key: Uint8Array, address: string, now: number, candidates: readonly string[], count = RELAY_FANOUT): string[] {
  if (candidates.length <= count) return [...candidates];
  const offset = hash48(key, `offset|${address}`) % RELAY_ROTATE_MS;
  const period = Math.floor((now + offset) / RELAY_ROTATE_MS);
  // One digest of (key, address, period); each candidate then costs one short hash over it.
  const prefix = digest(key, `${address}|${period}`);
  return candidates
    .map((c) => ({ c, h: hash48(prefix, c) }))
    .sort((a, b) => a.h - b.h || (a.c < b.c ? -1 : 1))
    .slice(0, count)
    .map((x) => x.c);
}
