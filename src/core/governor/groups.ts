// Net groups for the governor: the diversity key of an IP (hex of its net group) and the keyed hash eviction sorts by.

import { createHash } from 'node:crypto';
import { formatNetGroup, netGroup, type NetGroupOptions } from '../address/index.js';

/**
 * The net group of an IP as a Map key: the hex of its group bytes ("01fa01" for 250.1.x.x), or
 * "AS13335" when an AS map places it in an AS. The two never collide: an AS group has the same
 * bytes as some IPv6 /32 group, so it must not be keyed by its bytes.
 */
export function groupKeyOf(ip: string, opts: NetGroupOptions): string {
  const g = netGroup(ip, opts);
  if (opts.asmap !== undefined && g.length === 5 && g[0] === 2 && !(g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0)) {
    const asn = (g[1]! | (g[2]! << 8) | (g[3]! << 16) | (g[4]! << 24)) >>> 0;
    // Only a mapped address gets an AS key: an unmapped IPv6 /32 keeps its hex key.
    if (opts.asmap.lookup(ip) === asn) return `AS${asn}`;
  }
  let s = '';
  for (const b of g) s += (b < 16 ? '0' : '') + b.toString(16);
  return s;
}

/** True for the key of an AS group ("AS13335"). */
export function isAsGroupKey(key: string): boolean {
  return key.startsWith('AS');
}

/** A group key as people read it: "AS13335" as it is, else formatNetGroup of its bytes ("1.2.0.0/16"). */
export function groupKeyName(key: string): string {
  return isAsGroupKey(key) ? key : formatNetGroup(groupBytesOf(key));
}

/** The bytes of a group key (an AS key's are its text: they only need to be distinct and stable). */
export function groupBytesOf(key: string): Uint8Array {
  if (isAsGroupKey(key)) return new TextEncoder().encode(key);
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
