// The honest network's shape at one instant, from the census: who is connected to whom, degrees, components.

import { components, graphOf, type Graph } from './graph.js';
import type { SimNode } from './honest.js';

export interface Topology {
  /** The live nodes, in index order; vertex i of the graph is nodes[i]. */
  nodes: SimNode[];
  /** Undirected graph of established connections between live honest nodes (feelers never count). */
  graph: Graph;
  /** Per node: automatic, static and manual outbound peers, of any kind. */
  outbound: number[];
  hotOutbound: number[];
  /** Per node: inbound peers, of any kind. */
  inbound: number[];
  components: number;
  /** Share of live nodes in the largest component (1 when there is none). */
  largestShare: number;
}

/** Builds the topology from every live node's census (no node is asked for its peers). */
export function topologyOf(all: readonly SimNode[], byId: ReadonlyMap<string, SimNode>): Topology {
  const nodes = all.filter((n) => n.up);
  // Node i of the network has index i (HonestNetwork numbers them as it adds them).
  const local = new Int32Array(all.length).fill(-1);
  nodes.forEach((n, i) => (local[n.index] = i));
  const links: [number, number][] = [];
  const outbound: number[] = [];
  const hotOutbound: number[] = [];
  const inbound: number[] = [];
  nodes.forEach((sn, i) => {
    for (const p of sn.peers.values()) {
      const other = byId.get(p.id);
      const j = other ? local[other.index]! : -1;
      if (j >= 0) links.push([i, j]);
    }
    outbound.push(sn.outbound);
    hotOutbound.push(sn.hotOutbound);
    inbound.push(sn.inbound);
  });
  const graph = graphOf(nodes.length, links);
  const comp = components(graph);
  return {
    nodes,
    graph,
    outbound,
    hotOutbound,
    inbound,
    components: comp.count,
    largestShare: nodes.length ? comp.largest / nodes.length : 1,
  };
}

/** The numbers a sample records about the network's shape, without building its graph. */
export interface Shape {
  live: number;
  components: number;
  largestShare: number;
  meanOutbound: number;
  meanInbound: number;
}

/**
 * The live network's components and mean degrees from the census, by union–find over the
 * connections: linear in the connections, no graph built. What every sample needs; topologyOf
 * builds the graph for paths and the end of a run.
 */
export function shapeOf(all: readonly SimNode[], byId: ReadonlyMap<string, SimNode>): Shape {
  const parent = new Int32Array(all.length);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  let live = 0;
  let out = 0;
  let inb = 0;
  for (const sn of all) {
    if (!sn.up) continue;
    live++;
    out += sn.outbound;
    inb += sn.inbound;
    for (const p of sn.peers.values()) {
      const other = byId.get(p.id);
      if (!other || !other.up) continue;
      const a = find(sn.index);
      const b = find(other.index);
      if (a !== b) parent[a < b ? b : a] = a < b ? a : b;
    }
  }
  const sizes = new Map<number, number>();
  for (const sn of all) if (sn.up) sizes.set(find(sn.index), (sizes.get(find(sn.index)) ?? 0) + 1);
  let largest = 0;
  for (const n of sizes.values()) largest = Math.max(largest, n);
  return {
    live,
    components: sizes.size,
    largestShare: live ? largest / live : 1,
    meanOutbound: live ? out / live : 0,
    meanInbound: live ? inb / live : 0,
  };
}
