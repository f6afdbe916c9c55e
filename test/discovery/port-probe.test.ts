import { describe, expect, it } from 'vitest';
import { PortProbe } from '../../src/discovery/port-probe.js';
import { VirtualClock } from '../../src/platform/index.js';
import { book, fakeResolver, fakeVisitor, recordingSink } from './fakes.js';

describe('PortProbe', () => {
  function setup() {
    const clock = new VirtualClock();
    const b = book(clock, { allowLoopback: true });
    const sink = recordingSink(b);
    const { visitor, log } = fakeVisitor({ '127.0.0.1:7001': 'a'.repeat(64), '127.0.0.1:7003': 'b'.repeat(64) });
    log.connected.add('127.0.0.1:7002');
    const probe = new PortProbe({
      host: 'localhost',
      fromPort: 7000,
      toPort: 7004,
      resolver: fakeResolver({ localhost: ['127.0.0.1'] }),
      visitor,
      sink,
      clock,
      self: () => [{ ip: '127.0.0.1', port: 7000 }],
    });
    return { clock, b, log, probe };
  }

  it('visits every port but our own and those already connected, and adds the nodes that answer (origin probe, own source)', async () => {
    const { b, log, probe } = setup();
    const result = await probe.run()!;
    expect(log.visits.sort()).toEqual(['probe 127.0.0.1:7001', 'probe 127.0.0.1:7003', 'probe 127.0.0.1:7004']);
    expect(result).toMatchObject({ probed: 3, skipped: 2, added: 2 });
    expect(result.found.map((e) => e.port)).toEqual([7001, 7003]);
    expect(log.closed.sort()).toEqual(['127.0.0.1:7001', '127.0.0.1:7003']);
    expect(b.get('127.0.0.1:7001')).toMatchObject({ origin: 'probe', source: '127.0.0.1' });
  });

  it('runs at most once per interval unless forced', async () => {
    const { clock, probe, log } = setup();
    await probe.run();
    expect(probe.run()).toBeUndefined();
    clock.advance(5 * 60_000);
    await probe.run();
    await probe.run(true);
    expect(log.visits).toHaveLength(9);
  });

  it('reports a host that does not resolve', async () => {
    const clock = new VirtualClock();
    const { visitor } = fakeVisitor({});
    const probe = new PortProbe({ host: 'nowhere', fromPort: 1, toPort: 2, resolver: fakeResolver({}), visitor, sink: recordingSink(book(clock)), clock, self: () => [] });
    expect(await probe.run()).toMatchObject({ probed: 0, error: expect.stringMatching(/nowhere/) });
  });
});
