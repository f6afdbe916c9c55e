// The peer graph of a simulation and its shape: components, degrees, shortest paths, diameter.

/** An undirected graph on vertices 0..n-1 (adjacency lists without duplicates). */
export interface Graph {
  readonly n: number;
  readonly adj: number[][];
  readonly edges: number;
}

/** Builds an undirected graph from directed links (a→b and b→a become one edge); self-links are dropped. */
export function graphOf(n: number, links: Iterable<readonly [number, number]>): Graph {
  const sets = Array.from({ length: n }, () => new Set<number>());
  for (const [a, b] of links) {
    if (a === b) continue;
    sets[a]!.add(b);
    sets[b]!.add(a);
  }
  const adj = sets.map((s) => [...s].sort((x, y) => x - y));
  return { n, adj, edges: adj.reduce((sum, a) => sum + a.length, 0) / 2 };
}

export interface Components {
  count: number;
  /** Vertices in the largest component. */
  largest: number;
  /** Component number of every vertex. */
  of: Int32Array;
}

export function components(g: Graph): Components {
  const of = new Int32Array(g.n).fill(-1);
  const sizes: number[] = [];
  const stack: number[] = [];
  for (let s = 0; s < g.n; s++) {
    if (of[s] !== -1) continue;
    const c = sizes.length;
    let size = 0;
    of[s] = c;
    stack.push(s);
    while (stack.length > 0) {
      const v = stack.pop()!;
      size++;
      for (const w of g.adj[v]!) {
        if (of[w] === -1) {
          of[w] = c;
          stack.push(w);
        }
      }
    }
    sizes.push(size);
  }
  return { count: sizes.length, largest: sizes.length ? Math.max(...sizes) : 0, of };
}

/** Breadth-first distances from `source` (-1: unreachable) into `dist`; returns the farthest vertex and sums. */
export function bfs(g: Graph, source: number, dist: Int32Array): { farthest: number; eccentricity: number; reached: number; total: number } {
  dist.fill(-1);
  const queue = new Int32Array(g.n);
  let head = 0;
  let tail = 0;
  queue[tail++] = source;
  dist[source] = 0;
  let farthest = source;
  let total = 0;
  while (head < tail) {
    const v = queue[head++]!;
    const d = dist[v]!;
    total += d;
    if (d > dist[farthest]!) farthest = v;
    for (const w of g.adj[v]!) {
      if (dist[w] === -1) {
        dist[w] = d + 1;
        queue[tail++] = w;
      }
    }
  }
  return { farthest, eccentricity: dist[farthest]!, reached: tail, total };
}

export interface PathStats {
  /** Longest shortest path inside the largest component (exact when every vertex was a source). */
  diameter: number;
  /** Mean shortest-path length between connected pairs. */
  meanPath: number;
  /** Sources the figures come from (all vertices of the largest component, or a sample). */
  sources: number;
  exact: boolean;
}

/**
 * Diameter and mean path length of the largest component: breadth-first search from every vertex
 * (n ≤ maxExact), else from `maxExact` vertices spread evenly, plus double sweeps, which give a
 * lower bound on the diameter that is usually tight on random graphs.
 */
export function pathStats(g: Graph, maxExact = 2500): PathStats {
  const comp = components(g);
  if (g.n === 0) return { diameter: 0, meanPath: 0, sources: 0, exact: true };
  // The largest component's number.
  const counts = new Map<number, number>();
  for (const c of comp.of) counts.set(c, (counts.get(c) ?? 0) + 1);
  let big = 0;
  let bigSize = -1;
  for (const [c, size] of counts) if (size > bigSize || (size === bigSize && c < big)) [big, bigSize] = [c, size];
  const members: number[] = [];
  for (let v = 0; v < g.n; v++) if (comp.of[v] === big) members.push(v);
  const exact = members.length <= maxExact;
  const step = exact ? 1 : members.length / maxExact;
  const dist = new Int32Array(g.n);
  let diameter = 0;
  let total = 0;
  let pairs = 0;
  let sources = 0;
  for (let k = 0; k < members.length; k += step) {
    const r = bfs(g, members[Math.floor(k)]!, dist);
    diameter = Math.max(diameter, r.eccentricity);
    total += r.total;
    pairs += r.reached - 1;
    sources++;
  }
  if (!exact) {
    // Double sweeps from a few vertices: the farthest vertex's eccentricity bounds the diameter from below.
    for (let k = 0; k < 4; k++) {
      const a = bfs(g, members[Math.floor((k * members.length) / 4)]!, dist);
      diameter = Math.max(diameter, bfs(g, a.farthest, dist).eccentricity);
    }
  }
  return { diameter, meanPath: pairs > 0 ? total / pairs : 0, sources, exact };
}

/** A lower bound on the diameter from two double sweeps: cheap enough to track over time. */
export function diameterEstimate(g: Graph): number {
  if (g.n === 0) return 0;
  const dist = new Int32Array(g.n);
  let best = 0;
  for (const start of [0, Math.floor(g.n / 2)]) {
    const a = bfs(g, start, dist);
    best = Math.max(best, a.eccentricity, bfs(g, a.farthest, dist).eccentricity);
  }
  return best;
}

export interface Distribution {
  min: number;
  mean: number;
  p50: number;
  p90: number;
  max: number;
}

/** Min, mean, median, 90th percentile and max (nearest-rank); all 0 for no values. */
export function distribution(values: readonly number[]): Distribution {
  if (values.length === 0) return { min: 0, mean: 0, p50: 0, p90: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  return {
    min: sorted[0]!,
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    p50: rank(0.5),
    p90: rank(0.9),
    max: sorted[sorted.length - 1]!,
  };
}
