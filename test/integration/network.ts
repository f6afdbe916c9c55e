// Multi-node helpers for integration tests: start many nodes on one memory world, judge convergence, inspect the graph.
import type { Node } from '../../src/node/node.js';
import type { NodeConfig } from '../../src/node/config.js';
import type { NodeRuntime } from '../../src/node/runtime.js';
import { runFor, settle, type World } from '../node/helpers.js';

/** node i listens on 10.<i+1>.0.1:7000: every node in its own /16, so net-group diversity holds. */
export const ipOf = (i: number) => `10.${i + 1}.0.1`;

export async function startNodes(w: World, n: number, config: (i: number) => NodeConfig, runtime: (i: number) => NodeRuntime = () => ({})): Promise<Node[]> {
  const nodes: Node[] = [];
  for (let i = 0; i < n; i++) nodes.push(await w.node(ipOf(i), config(i), runtime(i)));
  for (const node of nodes) await node.start();
  return nodes;
}

export async function stopNodes(w: World, nodes: Node[]): Promise<void> {
  await settle(w.clock, Promise.all(nodes.map((n) => n.stop())));
}

/** A node is converged when its outbound and hot targets are met, or when it is connected to every other node. */
export function converged(node: Node, others: number): boolean {
  // health() counts without building PeerInfo objects: cheap enough to ask every few virtual ms.
  const h = node.health();
  if (h.peers >= others) return true;
  return h.outbound >= h.targets.outbound && h.hotOutbound >= h.targets.hot;
}

/** Runs virtual time in steps of `stepMs` until every live node has converged; returns the virtual time it took, or undefined. */
export async function runUntilConverged(w: World, nodes: Node[], limitMs: number, stepMs = 100): Promise<number | undefined> {
  const start = w.clock.now();
  const live = nodes.filter((n) => n.isRunning);
  while (w.clock.now() - start <= limitMs) {
    if (live.every((n) => converged(n, live.length - 1))) return w.clock.now() - start;
    await runFor(w.clock, stepMs);
  }
  return undefined;
}

/** Number of connected components of the peer graph (edges: established connections, either direction). */
export function components(nodes: Node[]): number {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const parent = nodes.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  nodes.forEach((n, i) => {
    for (const p of n.peers()) {
      const j = index.get(p.id);
      if (j !== undefined) parent[find(i)] = find(j);
    }
  });
  return new Set(nodes.map((_, i) => find(i))).size;
}
