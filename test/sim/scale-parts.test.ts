import { describe, expect, it } from 'vitest';
import { Asmap, netGroup } from '../../src/core/address/index.js';
import { AddressBook, type AddressBookSnapshot } from '../../src/core/addrbook/index.js';
import { createGovernorState, governorInvariants, inspectGovernor } from '../../src/core/governor/index.js';
import { createRandom } from '../../src/core/random.js';
import { AddressPlan, hostilePrefixes } from '../../src/sim/address-plan.js';
import { parseAssignments } from '../../src/sim/params.js';
import { runScenario } from '../../src/sim/run.js';
import { growNetwork, HONEST_PARAMS } from '../../src/sim/scenarios/common.js';
import { resolveParams } from '../../src/sim/params.js';
import { SimStore } from '../../src/sim/sim-store.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import type { Scenario } from '../../src/sim/scenario.js';
import { Simulation, SimInvariantError } from '../../src/sim/simulation.js';
import { shapeOf, topologyOf } from '../../src/sim/topology.js';
import { VirtualClock } from '../../src/platform/index.js';

const params = (set: string) => resolveParams(HONEST_PARAMS, parseAssignments(set, []), []);

describe('address plan', () => {
  it('puts nodes in Zipf-sized ASes that fill /16s of perPrefix nodes, drawn from the seed', () => {
    const plan = () => new AddressPlan(createRandom('plan'), { ases: 0, zipf: 1, perPrefix: 64, distinct: false, nodes: 10_000 });
    const a = plan();
    const ips = Array.from({ length: 10_000 }, (_, i) => a.ip(i));
    expect(new Set(ips).size).toBe(10_000);
    const b = plan();
    expect(Array.from({ length: 50 }, (_, i) => b.ip(i))).toEqual(ips.slice(0, 50));
    const s = a.summary();
    expect(s.ases).toBe(2500);
    // Zipf(1) over 2,500 ASes: the largest about 12 %, the ten largest about 35 %.
    expect(s.largestAsShare).toBeGreaterThan(0.1);
    expect(s.largestAsShare).toBeLessThan(0.15);
    expect(s.top10AsShare).toBeGreaterThan(0.3);
    expect(s.top10AsShare).toBeLessThan(0.4);
    // A /16 holds at most perPrefix nodes, and many hold more than one: groups are shared.
    const perGroup = new Map<string, number>();
    for (const ip of ips) {
      const g = Buffer.from(netGroup(ip)).toString('hex');
      perGroup.set(g, (perGroup.get(g) ?? 0) + 1);
    }
    expect(Math.max(...perGroup.values())).toBe(64);
    expect(perGroup.size).toBe(s.groups);
    expect(perGroup.size).toBeLessThan(3000);
  });

  it('writes its AS table as an asmap that maps every node to its AS', () => {
    const plan = new AddressPlan(createRandom('asmap'), { ases: 0, zipf: 1, perPrefix: 16, distinct: false, nodes: 300 });
    const ips = Array.from({ length: 300 }, (_, i) => plan.ip(i));
    plan.addPrefixes(hostilePrefixes(8, 2));
    const map = Asmap.fromBytes(plan.asmap());
    for (const ip of ips) expect(map.lookup(ip)).toBe(plan.asOf(ip));
    expect(map.lookup('240.0.1.2')).toBe(300_001);
    expect(map.lookup('240.7.1.2')).toBe(300_002);
  });

  it('distinctGroups gives every node its own /16 (the old plan)', () => {
    const plan = new AddressPlan(createRandom('d'), { ases: 0, zipf: 1, perPrefix: 64, distinct: true, nodes: 100 });
    const groups = new Set(Array.from({ length: 100 }, (_, i) => Buffer.from(netGroup(plan.ip(i))).toString('hex')));
    expect(groups.size).toBe(100);
  });
});

describe('census', () => {
  it("agrees with every node's own view (health, peers) at every sample while a network forms", async () => {
    const sim = new Simulation({ seed: 'census', latency: { minMs: 5, maxMs: 50 }, lossRate: 0.01 });
    const net = await growNetwork(sim, 40, params('outbound=6,hot=4,joinWindow=20s'));
    let samples = 0;
    sim.sampleEvery(5000, () => {
      samples++;
      for (const sn of net.live()) {
        const h = sn.node.health();
        const peers = sn.node.peers().filter((p) => p.purpose !== 'feeler');
        expect(sn.inbound, `node ${sn.index} inbound`).toBe(h.inbound);
        expect(sn.outbound, `node ${sn.index} outbound`).toBe(peers.filter((p) => p.direction === 'outbound').length);
        expect(sn.hotOutbound, `node ${sn.index} hot`).toBe(h.hotOutbound);
        expect([...sn.peers.keys()].sort()).toEqual(peers.map((p) => p.id).sort());
      }
      const shape = shapeOf(net.nodes, net.byId);
      const topo = topologyOf(net.nodes, net.byId);
      expect(shape.components).toBe(topo.components);
      expect(shape.largestShare).toBe(topo.largestShare);
    });
    await sim.runUntil(4 * 60_000);
    expect(samples).toBe(48);
    expect(net.live().filter((sn) => sn.outbound === 6 && sn.hotOutbound === 4).length).toBeGreaterThan(30);
  });
});

describe('SimStore', () => {
  it('keeps the live book and, when a node starts again, hands back exactly what MemoryStore would', async () => {
    const sim = new Simulation({ seed: 'store', latency: { minMs: 5, maxMs: 50 } });
    const net = await growNetwork(sim, 12, params('outbound=4,hot=3,joinWindow=10s,distinctGroups=true'));
    const sn = net.nodes[5]!;
    const store = sn.store as SimStore;
    let stopped: AddressBookSnapshot | undefined;
    sim.at(3 * 60_000, 'stop', () => net.stop(sn).then(() => (stopped = store.liveBookSnapshot())));
    await sim.runUntil(4 * 60_000);
    expect(stopped!.entries.length).toBeGreaterThan(5);
    const reference = new MemoryStore();
    reference.saveAddressBook(AddressBook.fromSnapshot(stopped!, { clock: sim.clock, random: createRandom(1) }));
    expect(store.loadAddressBook()).toEqual(reference.loadAddressBook());
    // The rows are dropped again once handed over.
    expect(store.loadAddressBook()).toBeUndefined();
  });
});

describe('invariants while simulating', () => {
  it('the governor invariants catch a broken state (and hold for a fresh one)', () => {
    const clock = new VirtualClock(1_000);
    const state = createGovernorState({ targets: { hot: 1, outbound: 2, maxInbound: 4, maxTotal: 8 } }, clock, createRandom(1));
    const now = clock.now();
    expect(governorInvariants({ ...inspectGovernor(state, now), nextTickAt: now + 1 })).toEqual([]);
    const view = inspectGovernor(state, now);
    const broken = {
      ...view,
      nextTickAt: now - 1,
      counts: { ...view.counts, autoHot: 2, autoOutbound: 3 },
      dials: [
        { endpoint: '1.2.3.4:7000', purpose: 'outbound' as const, netGroup: '1.2.0.0/16', startedAt: now, connected: false, reason: '' },
        { endpoint: '1.2.9.9:7000', purpose: 'outbound' as const, netGroup: '1.2.0.0/16', startedAt: now, connected: false, reason: '' },
      ],
      pendingInbound: Array.from({ length: 5 }, (_, i) => ({ endpoint: `5.5.5.5:${40000 + i}`, since: now, trusted: false })),
    };
    const problems = governorInvariants(broken);
    expect(problems.join('\n')).toMatch(/above the hot target/);
    expect(problems.join('\n')).toMatch(/above the outbound target/);
    expect(problems.join('\n')).toMatch(/net group 1\.2\.0\.0\/16 holds two/);
    expect(problems.join('\n')).toMatch(/5 inbound connections from 5\.5\.5\.5/);
    expect(problems.join('\n')).toMatch(/next tick/);
  });

  it("the book's sampled check runs on one operation in n and reports each result", () => {
    const codes: number[] = [];
    const book = new AddressBook({ key: new Uint8Array(32).fill(1), clock: { now: () => 1_900_000_000_000 }, random: createRandom(2), consistencyChecks: { every: 10, sampleBuckets: 2, onCheck: (c) => codes.push(c) } });
    for (let i = 0; i < 60; i++) book.add({ endpoint: { ip: `9.${i}.1.1`, port: 7000 }, time: 1_900_000_000_000 }, `8.${i}.0.1`);
    expect(codes).toEqual(Array(6).fill(0));
    // In a bigger book a check walks more: one in (entries / 8) changes once that exceeds n.
    let expected = 6;
    for (let i = 0, since = 0; i < 2000; i++) {
      if (++since >= Math.max(10, book.size() >>> 3)) {
        expected++;
        since = 0;
      }
      book.add({ endpoint: { ip: `11.${i >> 8}.${i & 255}.1`, port: 7000 }, time: 1_900_000_000_000 }, `8.${i & 255}.0.1`);
    }
    expect(book.size()).toBeGreaterThan(1500);
    expect(expected).toBeLessThan(60);
    expect(codes).toEqual(Array(expected).fill(0));
  });

  it('a violation stops the run at that instant, with the virtual time and the command that reproduces it', async () => {
    let reached = 0;
    const scenario: Scenario = {
      name: 'fake',
      title: 'fake',
      summary: '',
      defaultNodes: 1,
      minNodes: 1,
      defaultDurationMs: 60_000,
      params: {},
      async run({ sim, durationMs }) {
        sim.after(1234, 'x', () => sim.violation('node 3 (1.2.3.4), governor', 'something impossible'));
        sim.after(1235, 'y', () => {
          reached = sim.elapsed;
        });
        await sim.runUntil(durationMs);
        throw new Error('not reached');
      },
    };
    const err = await runScenario(scenario, { seed: 'a seed', nodes: 7, durationMs: 60_000, assignments: parseAssignments('loss=0.01', []) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimInvariantError);
    expect((err as SimInvariantError).atMs).toBe(1234);
    expect(reached).toBe(0);
    expect((err as Error).message).toContain('invariant violated 1234 ms (virtual) after the start, node 3 (1.2.3.4), governor: something impossible');
    expect((err as Error).message).toContain("reproduce with: peerwarden sim fake --seed 'a seed' --nodes 7 --duration 60000ms --set loss=0.01");
  });
});
