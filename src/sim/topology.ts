// The honest network's shape at one instant: who is connected to whom, degrees, components.

import type { PeerInfo } from '../node/types.js';
import { components, graphOf, type Graph } from './graph.js';
import type { SimNode } from './honest.js';

export interface Topology {
  /** The live nodes, in index order; vertex i of the graph is nodes[i]. */
  nodes: SimNode[];
  /** Undirected graph of established non-feeler connections between live honest nodes. */
  graph: Graph;
  /** Per node: automatic, static and manual outbound peers (feelers excluded), of any kind. */
  outbound: number[];
  hotOutbound: number[];
  /** Per node: inbound peers, of any kind. */
  inbound: number[];
  components: number;
  /** Share of live nodes in the largest component (1 when there is none). */
  largestShare: number;
}

const isFeeler = (p: PeerInfo) => p.purpose === 'feeler';

/** Reads every live node's peers once and builds the topology. */
export function topologyOf(all: readonly SimNode[], byId: ReadonlyMap<string, SimNode>): Topology {
  const nodes = all.filter((n) => n.up);
  const local = new Map<SimNode, number>(nodes.map((n, i) => [n, i]));
  const links: [number, number][] = [];
  const outbound: number[] = [];
  const hotOutbound: number[] = [];
  const inbound: number[] = [];
  nodes.forEach((sn, i) => {
    let out = 0;
    let hot = 0;
    let inb = 0;
    for (const p of sn.node.peers()) {
      if (isFeeler(p)) continue;
      if (p.direction === 'inbound') inb++;
      else {
        out++;
        if (p.temperature === 'hot') hot++;
      }
      const other = byId.get(p.id);
      const j = other ? local.get(other) : undefined;
      if (j !== undefined) links.push([i, j]);
    }
    outbound.push(out);
    hotOutbound.push(hot);
    inbound.push(inb);
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
