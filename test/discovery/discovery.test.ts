import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.js';
import { Discovery, type DiscoveryEvent } from '../../src/discovery/discovery.js';
import { VirtualClock } from '../../src/platform/index.js';
import { book, fakeResolver, fakeVisitor, recordingSink } from './fakes.js';

const flush = () => new Promise<void>((r) => setImmediate(r));

describe('Discovery', () => {
  it('asks every source at start, then again whenever the book is below its low-water mark', async () => {
    const clock = new VirtualClock();
    const b = book(clock, { allowLoopback: true });
    const sink = recordingSink(b);
    const { visitor, log } = fakeVisitor({ '127.0.0.1:7001': 'a'.repeat(64), '4.4.4.4:7000': 'h'.repeat(64) });
    const resolver = fakeResolver({ 'dns.example.org': ['5.5.5.5'] });
    const events: DiscoveryEvent[] = [];
    const d = new Discovery({
      seeds: [{ host: '1.2.3.4', port: 7000 }],
      dnsSeeds: [{ host: 'dns.example.org', port: 7000 }],
      hubs: [{ host: '4.4.4.4', port: 7000 }],
      localProbe: { host: '127.0.0.1', fromPort: 7000, toPort: 7001 },
      resolver,
      scheduler: clock,
      random: createRandom(1),
      sink,
      visitor,
      selfEndpoints: () => [{ ip: '127.0.0.1', port: 7000 }],
      lowWater: 10,
      onEvent: (e) => events.push(e),
    });
    await d.start();
    expect(events.map((e) => e.source).sort()).toEqual(['dns', 'hub', 'probe', 'seed']);
    expect(b.stats().byOrigin).toMatchObject({ seed: 1, dns: 1, probe: 1 });
    expect(log.visits.sort()).toEqual(['hub 4.4.4.4:7000', 'probe 127.0.0.1:7001']);
    expect(d.lastRequest).toMatchObject({ reason: 'startup' });

    // 3 addresses < 10: the check a minute later asks the seeds and hubs again.
    clock.advance(60_000);
    await flush();
    await flush();
    expect(d.lastRequest!.reason).toMatch(/address book low \(3 < 10/);
    expect(log.visits.filter((v) => v.startsWith('hub'))).toHaveLength(2);
    d.stop();
    clock.advance(10 * 60_000);
    await flush();
    expect(log.visits.filter((v) => v.startsWith('hub'))).toHaveLength(2);
  });
});
