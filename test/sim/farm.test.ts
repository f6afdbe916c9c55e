import { describe, expect, it } from 'vitest';
import { identityFromSeed } from '../../src/net/identity.js';
import { ConnectionManager } from '../../src/net/manager.js';
import type { AddrEntry } from '../../src/wire/control-codec.js';
import { endpointOf, hostileIp } from '../../src/sim/addresses.js';
import { HostFarm, sampleAddrs } from '../../src/sim/farm.js';
import { SIM_NETWORK } from '../../src/sim/honest.js';
import { Simulation } from '../../src/sim/simulation.js';

describe('host farm', () => {
  it('listens on many endpoints but builds a host (identity, connection manager) only when one is contacted; each answers GETADDR once', async () => {
    const sim = new Simulation({ seed: 'farm' });
    const endpoints = Array.from({ length: 500 }, (_, h) => endpointOf(hostileIp(h % 5, Math.floor(h / 5))));
    const farm = new HostFarm(sim, { label: 'test', behaviour: { answerGetAddr: (host) => [{ endpoint: host.endpoint, services: 0n, time: sim.clock.now() }] } });
    await farm.listen(endpoints);
    expect(farm.stats).toMatchObject({ listening: 500, hosts: 0 });

    const dialer = new ConnectionManager({
      identity: identityFromSeed(sim.random('dialer').bytes(32)),
      network: SIM_NETWORK,
      transport: sim.net.transport('11.0.0.1'),
      listen: '11.0.0.1:7000',
      scheduler: sim.clock,
      random: sim.random('dialer/r'),
    });
    await dialer.start();
    const received: AddrEntry[][] = [];
    dialer.on('addr', ({ entries }) => received.push(entries));
    const ids = new Set<string>();
    for (const target of [endpoints[7]!, endpoints[123]!]) {
      const p = dialer.dial(target);
      await sim.runUntil(sim.elapsed + 2_000);
      const conn = await p;
      ids.add(conn.remoteId!);
      conn.sendGetAddr();
      conn.sendGetAddr();
      await sim.runUntil(sim.elapsed + 2_000);
    }
    expect(farm.stats.hosts).toBe(2);
    expect(ids.size).toBe(2);
    expect(received).toHaveLength(2);
    expect(received[0]![0]!.endpoint).toEqual(endpoints[7]);
    expect(farm.stats.getaddrAnswered).toBe(2);
  });

  it('samples distinct addresses', () => {
    const sim = new Simulation({ seed: 's' });
    const pool = Array.from({ length: 50 }, (_, h) => endpointOf(hostileIp(0, h)));
    const picked = sampleAddrs(pool, 40, 123, sim.random('x'));
    expect(new Set(picked.map((e) => e.endpoint.ip)).size).toBe(40);
    expect(picked.every((e) => e.time === 123)).toBe(true);
    expect(sampleAddrs(pool, 80, 0, sim.random('y'))).toHaveLength(50);
  });
});
