// One-way link latency between simulated hosts: each IP gets a place on a map, delay grows with distance.
//
// A fixed latency would make every handshake, ping and gossip message of thousands of nodes land
// on the same millisecond, which is neither realistic nor kind to the governor's tie-breaking (it
// measures round trips and protects low-ping inbound peers). Here every IP is placed, from the seed,
// at a point of the unit square; one-way delay = min + (max − min) × distance / √2, rounded to the
// millisecond. Defaults 5–150 ms: from one data centre to the other side of the planet.

import { createRandom } from '../core/random.js';

export interface LatencyOptions {
  /** One-way delay between hosts at the same place (ms). Default 5. */
  minMs?: number;
  /** One-way delay between opposite corners of the map (ms). Default 150. */
  maxMs?: number;
}

export const DEFAULT_LATENCY = { minMs: 5, maxMs: 150 } as const;

/** A latency function for MemoryNetwork, deterministic from the seed. */
export function mapLatency(seed: string, options: LatencyOptions = {}): (fromIp: string, toIp: string) => number {
  const min = options.minMs ?? DEFAULT_LATENCY.minMs;
  const max = options.maxMs ?? DEFAULT_LATENCY.maxMs;
  if (!(min >= 0 && max >= min)) throw new RangeError(`latency needs 0 <= min <= max, got ${min}-${max}`);
  const places = new Map<string, { x: number; y: number }>();
  const place = (ip: string) => {
    let p = places.get(ip);
    if (!p) {
      const r = createRandom(`${seed}/place/${ip}`);
      p = { x: r.float(), y: r.float() };
      places.set(ip, p);
    }
    return p;
  };
  const span = (max - min) / Math.SQRT2;
  return (fromIp, toIp) => {
    const a = place(fromIp);
    const b = place(toIp);
    return Math.round(min + span * Math.hypot(a.x - b.x, a.y - b.y));
  };
}
