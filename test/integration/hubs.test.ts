import { describe, expect, it } from 'vitest';
import type { DiscoveryEvent } from '../../src/discovery/index.js';
import { createRandom } from '../../src/core/random.js';
import { identityFromSeed } from '../../src/net/identity.js';
import { runFor, world } from '../node/helpers.js';
import { components, ipOf, startNodes, stopNodes } from './network.js';

describe('hubs and the local probe', () => {
  it('nodes that know only a hub visit it (short connections), learn each other there, and connect directly', async () => {
    const w = world('hubs', 10);
    const hubIp = ipOf(0);
    const events: DiscoveryEvent[] = [];
    const nodes = await startNodes(
      w,
      6,
      (i) => (i === 0 ? { hub: true, targets: { hot: 0, outbound: 0 } } : { hubs: [`${hubIp}:7000`], targets: { hot: 2, outbound: 3 } }),
      () => ({ discovery: { minIntervalMs: 5_000, lowBookCheckMs: 5_000 } }),
    );
    nodes[5]!.on('discovery', (e) => events.push(e));
    await runFor(w.clock, 60_000);
    const [hub, ...clients] = nodes;
    // The hub learned every client from its handshake and answered their GETADDRs generously.
    expect(hub!.addressBook.size()).toBe(5);
    expect(hub!.addressBook.stats().byOrigin.inbound).toBe(5);
    for (const c of clients) {
      const direct = c.peers().filter((p) => p.id !== hub!.id);
      expect(direct.length).toBeGreaterThanOrEqual(3);
      expect(c.addressBook.stats().byOrigin.hub).toBeGreaterThan(0);
    }
    expect(components(clients)).toBe(1);
    expect(events.some((e) => e.source === 'hub' && e.visits.some((v) => v.received > 0))).toBe(true);
    // Visits are not peers: the hub holds no outbound connections and clients keep no hub connection.
    expect(hub!.peers().filter((p) => p.direction === 'outbound')).toEqual([]);
    expect(clients[0]!.stats().counters.visits['hub:connected']).toBeGreaterThanOrEqual(1);
    await stopNodes(w, nodes);
  });

  it('a devnet node finds its neighbours by probing a port range on one host', async () => {
    const w = world('probe', 5);
    const host = '10.9.0.1';
    const nodes = [];
    for (let port = 7000; port < 7004; port++) {
      // Four nodes on one IP: each needs its own identity and random stream (the helper derives them from the IP).
      const runtime = { identity: identityFromSeed(createRandom(`probe-id/${port}`).bytes(32)), random: createRandom(`probe/${port}`) };
      nodes.push(await w.node(host, { listen: `${host}:${port}`, localProbe: { host, ports: '7000-7003' } }, runtime));
    }
    const found = new Set<string>();
    for (const n of nodes) n.on('discovery', (e) => (e.source === 'probe' ? e.found.forEach((f) => found.add(`${f.ip}:${f.port}`)) : undefined));
    for (const n of nodes) await n.start();
    await runFor(w.clock, 10_000);
    // Probes running at once may cross (two visits between one pair: one loses the duplicate rule).
    expect(found.size).toBeGreaterThanOrEqual(3);
    for (const n of nodes) {
      // Every other node is known (from our probe, or from its probe's handshake with us)…
      expect(n.addressBook.size()).toBe(3);
      // …but one IP is one net group: one automatic outbound peer, the rest inbound.
      expect(n.peers().filter((p) => p.direction === 'outbound')).toHaveLength(1);
    }
    expect(components(nodes)).toBe(1);
    await stopNodes(w, nodes);
  });
});
