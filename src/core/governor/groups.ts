// Net groups for the governor: the diversity key of an IP (hex of its net group) and the keyed hash eviction sorts by.

import { createHash } from 'node:crypto';
import { netGroup, type NetGroupOptions } from '../address/index.js';

/** The net group of an IP as a hex string, usable as a Map key ("01fa01" for 250.1.x.x). */
export function groupKeyOf(ip: string, opts: NetGroupOptions): string {
  const g = netGroup(ip, opts);
  let s = '';
  for (const b of g) s += (b < 16 ? '0' : '') + b.toString(16);
  return s;
}

/** The bytes of a group key. */
export function groupBytesOf(key: string): Uint8Array {
  const out = new Uint8Array(key.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(key.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * A secret-keyed 48-bit hash of a net group (Core's nKeyedNetGroup). Eviction protects the peers
 * with the highest values: an attacker cannot know which groups those are, so he cannot pick
 * addresses that will be protected.
 */
export function keyedGroupValue(secret: Uint8Array, groupKey: string): number {
  const h = createHash('sha256').update(secret).update(groupBytesOf(groupKey)).digest();
  return h.readUIntBE(0, 6);
}
