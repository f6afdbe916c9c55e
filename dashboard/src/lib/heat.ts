// How the address-book heat maps colour a slot: by how many slots its net group holds compared with a typical group.

/** Slots held by each group (index into `groups`), counted from the occupancy cells. */
export function slotsPerGroup(cells: ArrayLike<number>, groupCount: number): Uint32Array {
  const counts = new Uint32Array(groupCount);
  for (let i = 0; i < cells.length; i++) {
    const g = cells[i]!;
    if (g >= 0 && g < groupCount) counts[g]!++;
  }
  return counts;
}

/** The median of the non-zero counts: what a typical group holds in this table. */
export function typicalCount(counts: ArrayLike<number>): number {
  const held = Array.from(counts).filter((c) => c > 0).sort((a, b) => a - b);
  if (held.length === 0) return 0;
  const mid = held.length >> 1;
  return held.length % 2 ? held[mid]! : (held[mid - 1]! + held[mid]!) / 2;
}

/**
 * A group holding this many times the typical group's slots is drawn fully red. Bitcoin Core's
 * bucketing already spreads one group thinly (a /16 reaches at most 8 tried buckets, and 64 new
 * buckets per source group), so in a healthy book groups hold similar numbers of slots; 32× is
 * far outside that, the signature of one network flooding the table.
 */
export const ALARM_RATIO = 32;

/** 0 for a typical group (or one below typical), rising on a log scale to 1 at ALARM_RATIO × typical. */
export function heatOf(count: number, typical: number): number {
  if (count <= 0 || typical <= 0 || count <= typical) return 0;
  return Math.min(1, Math.log2(count / typical) / Math.log2(ALARM_RATIO));
}

/** Colour stops from calm (blue) through amber to alarm (red). */
const STOPS: [number, [number, number, number]][] = [
  [0, [61, 155, 233]],
  [0.5, [242, 179, 61]],
  [1, [229, 72, 77]],
];

/** The RGB colour for a heat in 0…1. */
export function heatColor(heat: number): [number, number, number] {
  const t = Math.max(0, Math.min(1, heat));
  for (let i = 1; i < STOPS.length; i++) {
    const [t1, c1] = STOPS[i]!;
    const [t0, c0] = STOPS[i - 1]!;
    if (t <= t1) {
      const f = (t - t0) / (t1 - t0);
      return [0, 1, 2].map((k) => Math.round(c0[k]! + f * (c1[k]! - c0[k]!))) as [number, number, number];
    }
  }
  return STOPS.at(-1)![1];
}
