import { describe, expect, it } from 'vitest';
import type { PeerEvent } from '../../src/node/types.js';
import { world } from '../node/helpers.js';
import { components, ipOf, runUntilConverged, startNodes, stopNodes } from './network.js';

const N = 50;
const seeds = [`${ipOf(0)}:7000`, `${ipOf(1)}:7000`];

/** Boots 50 nodes from 2 seeds on a memory network; returns the convergence time and every node's event log. */
async function bootstrap(seed: string) {
  // 40 ms one way: a continent apart, so handshakes and gossip take realistic round trips.
  const w = world(seed, 40);
  const nodes = await startNodes(w, N, () => ({ seeds }));
  const logs = nodes.map(() => [] as PeerEvent[]);
  const errors: string[] = [];
  nodes.forEach((n, i) => {
    n.on('peer:event', (e) => logs[i]!.push(e));
    n.on('node:error', (e) => errors.push(`${e.context}: ${e.error.message}`));
  });
  const wallStart = performance.now();
  const virtualMs = await runUntilConverged(w, nodes, 10 * 60_000, 20);
  const wallMs = performance.now() - wallStart;
  const graph = components(nodes);
  const connections = nodes.reduce((a, n) => a + n.peers().length, 0) / 2;
  const outbound = nodes.map((n) => n.peers().filter((p) => p.direction === 'outbound').length);
  await stopNodes(w, nodes);
  return { virtualMs, wallMs, graph, connections, outbound, errors, log: JSON.stringify(logs) };
}

describe('50 nodes on a memory network', () => {
  it('converge from 2 seeds to their targets (or a full mesh) within bounded virtual time, in one connected graph, and replay byte for byte', async () => {
    const first = await bootstrap('convergence');
    console.log(`50-node convergence: ${first.virtualMs} ms virtual, ${first.wallMs.toFixed(0)} ms wall, ${first.connections} connections, outbound ${first.outbound.join(',')}`);
    expect(first.virtualMs).toBeDefined();
    expect(first.virtualMs!).toBeLessThanOrEqual(2 * 60_000);
    expect(first.graph).toBe(1);
    expect(first.errors).toEqual([]);
    // Every node but the seeds (which everyone dials, so they end up meshed through inbound) fills its 12 outbound slots.
    expect(first.outbound.slice(2).every((n) => n === 12)).toBe(true);
    const again = await bootstrap('convergence');
    expect(again.virtualMs).toBe(first.virtualMs);
    expect(again.log.length).toBeGreaterThan(10_000);
    expect(again.log).toBe(first.log);
    const other = await bootstrap('another seed');
    expect(other.log).not.toBe(first.log);
  }, 60_000);
});
