// Inbound eviction: which inbound peer to drop when a new one arrives and inbound is full (Bitcoin Core's SelectNodeToEvict).
//
// The point is that an attacker cannot take over our inbound slots by connecting a lot: each
// protection uses a property he cannot cheaply fake. In order, protect: 4 peers by keyed net
// group (he cannot predict which groups), 8 by lowest ping (he cannot move closer), 4 that most
// recently sent useful messages (he would have to do useful work), then half of the rest by
// uptime (he cannot go back in time). Of those left, prefer discouraged peers; then evict the
// youngest peer of the net group with the most connections (ties: the group whose youngest member
// is youngest). Busy, static and trusted peers are never candidates; the caller leaves them out.

export interface EvictionCandidate {
  id: string;
  connectedAt: number;
  keyedGroup: number;
  /** Lowest ping seen; undefined counts as infinitely slow (Core's default for new peers). */
  minRttMs?: number;
  /** Last useful message; undefined counts as never. */
  lastUsefulAt?: number;
  preferEvict: boolean;
}

export interface EvictionOptions {
  /** With this many candidates or fewer, nothing is evicted. */
  minCandidates?: number;
  protectByGroup?: number;
  protectByPing?: number;
  protectByUseful?: number;
}

/** Core's protection counts. */
export const EVICTION_PROTECT = Object.freeze({ byGroup: 4, byPing: 8, byUseful: 4 });

/** Sorts with `cmp` (ascending) and removes the last `k` — the protected ones. */
function protectLast<T>(list: T[], cmp: (a: T, b: T) => number, k: number): T[] {
  const sorted = [...list].sort(cmp);
  return sorted.slice(0, Math.max(0, sorted.length - k));
}

/** Ties everywhere fall back to connection time then id, so the choice is deterministic. */
function byAge(a: EvictionCandidate, b: EvictionCandidate): number {
  // Younger (later connectedAt) sorts first: more likely evicted.
  return b.connectedAt - a.connectedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Picks the inbound peer to evict, or undefined when every candidate is protected. */
export function selectInboundToEvict(candidates: readonly EvictionCandidate[], opts: EvictionOptions = {}): string | undefined {
  const minCandidates = opts.minCandidates ?? 20;
  if (candidates.length <= minCandidates) return undefined;
  let rest = [...candidates];
  // Highest keyed group values are protected.
  rest = protectLast(rest, (a, b) => a.keyedGroup - b.keyedGroup || byAge(a, b), opts.protectByGroup ?? EVICTION_PROTECT.byGroup);
  // Lowest ping protected: sort slowest first.
  const rtt = (c: EvictionCandidate) => c.minRttMs ?? Infinity;
  rest = protectLast(rest, (a, b) => (rtt(a) === rtt(b) ? byAge(a, b) : rtt(b) - rtt(a)), opts.protectByPing ?? EVICTION_PROTECT.byPing);
  // Most recent useful senders protected: sort least recent first; ties go to the longest connected.
  const useful = (c: EvictionCandidate) => c.lastUsefulAt ?? -Infinity;
  rest = protectLast(rest, (a, b) => (useful(a) === useful(b) ? byAge(a, b) : useful(a) - useful(b)), opts.protectByUseful ?? EVICTION_PROTECT.byUseful);
  // Half of the rest by uptime: sort youngest first, protect the older half.
  rest = protectLast(rest, byAge, Math.floor(rest.length / 2));
  if (rest.length === 0) return undefined;
  if (rest.some((c) => c.preferEvict)) rest = rest.filter((c) => c.preferEvict);
  // rest is sorted youngest first, so each group's first member is its youngest.
  const groups = new Map<number, EvictionCandidate[]>();
  let best: number | undefined;
  let bestSize = 0;
  let bestYoungest = -Infinity;
  for (const c of rest) {
    let g = groups.get(c.keyedGroup);
    if (!g) {
      g = [];
      groups.set(c.keyedGroup, g);
    }
    g.push(c);
    const youngest = g[0]!.connectedAt;
    if (g.length > bestSize || (g.length === bestSize && youngest > bestYoungest)) {
      best = c.keyedGroup;
      bestSize = g.length;
      bestYoungest = youngest;
    }
  }
  return groups.get(best!)![0]!.id;
}
