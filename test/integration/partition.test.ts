import { describe, expect, it } from 'vitest';
import { runFor, world } from '../node/helpers.js';
import { components, ipOf, runUntilConverged, startNodes, stopNodes } from './network.js';

describe('partition', () => {
  it('a network split in two falls apart into two halves, then heals into one graph', async () => {
    const w = world('partition', 20);
    const n = 12;
    // Shorter keep-alive and backoff than the defaults (30 s pings, backoff up to 160 s) keep the test quick.
    const nodes = await startNodes(
      w,
      n,
      () => ({ seeds: [`${ipOf(0)}:7000`, `${ipOf(6)}:7000`] }),
      () => ({ connections: { pingIntervalMs: 10_000 }, governor: { backoffMaxExponent: 3 } }),
    );
    expect(await runUntilConverged(w, nodes, 60_000)).toBeDefined();
    expect(components(nodes)).toBe(1);

    const left = Array.from({ length: 6 }, (_, i) => ipOf(i));
    const right = Array.from({ length: 6 }, (_, i) => ipOf(i + 6));
    w.net.partition([left, right]);
    // Cross links die of missed pongs (3 × 10 s), and dials across time out.
    await runFor(w.clock, 60_000);
    expect(components(nodes)).toBe(2);
    for (const node of nodes) expect(node.peers().length).toBeGreaterThanOrEqual(1);

    w.net.heal();
    // Below target, every node keeps redialling what it knows; backoff is at most 40 s here (+20 %).
    await runFor(w.clock, 90_000);
    expect(components(nodes)).toBe(1);
    const crossLinks = nodes.slice(0, 6).reduce((a, node) => a + node.peers().filter((p) => right.some((ip) => p.endpoint.startsWith(`${ip}:`))).length, 0);
    expect(crossLinks).toBeGreaterThan(5);
    await stopNodes(w, nodes);
  });
});
