// Turns the devnet snapshot into a graph: one vertex per node, one edge per connection, seen from both ends.

import type { DirectionJson, PolledNodeJson } from '../lib/types.js';

export interface Vertex {
  /** The node's devnet index (1-based); stable across restarts, unlike its id. */
  index: number;
  id: string | undefined;
  up: boolean;
  health: string;
  peers: number;
  apiUrl: string;
  ip: string;
}

/** How one end sees a connection. */
export interface EndView {
  direction: DirectionJson;
  temperature: string;
}

/** A connection from the node that dialled (`from`) to the one that accepted (`to`). */
export interface Edge {
  key: string;
  from: number;
  to: number;
  /** The dialler's view (outbound), when it lists the connection. */
  fromView: EndView | undefined;
  /** The acceptor's view (inbound), when it lists the connection. */
  toView: EndView | undefined;
  /** Both nodes dialled each other: the two edges are drawn bent apart. */
  paired: boolean;
}

/** The graph of the nodes a devnet or fleet page shows (the fleet leaves out its watch APIs). */
export function buildTopology(snapshot: { nodes: readonly PolledNodeJson[] }): { vertices: Vertex[]; edges: Edge[] } {
  const indexOf = new Map<string, number>();
  for (const n of snapshot.nodes) if (n.id) indexOf.set(n.id, n.index);
  const vertices: Vertex[] = snapshot.nodes.map((n) => ({
    index: n.index,
    id: n.id,
    up: n.up,
    health: n.up ? (n.health?.status ?? 'unknown') : 'down',
    peers: n.outbound.hot + n.outbound.warm + n.inbound.hot + n.inbound.warm,
    apiUrl: n.apiUrl,
    ip: n.ip,
  }));
  const edges = new Map<string, Edge>();
  for (const n of snapshot.nodes) {
    if (!n.up) continue;
    for (const p of n.peers) {
      const other = indexOf.get(p.id);
      if (other === undefined || other === n.index) continue;
      const [from, to] = p.direction === 'outbound' ? [n.index, other] : [other, n.index];
      const key = `${from}>${to}`;
      let edge = edges.get(key);
      if (!edge) edges.set(key, (edge = { key, from, to, fromView: undefined, toView: undefined, paired: false }));
      const view = { direction: p.direction, temperature: p.temperature };
      if (p.direction === 'outbound') edge.fromView = view;
      else edge.toView = view;
    }
  }
  for (const e of edges.values()) e.paired = edges.has(`${e.to}>${e.from}`);
  return { vertices, edges: [...edges.values()] };
}
