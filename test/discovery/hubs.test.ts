import { describe, expect, it } from 'vitest';
import { parseEndpoint } from '../../src/core/address/index.js';
import { HubClient } from '../../src/discovery/hubs.js';
import { GOSSIP_PENALTY_MS } from '../../src/discovery/peer-exchange.js';
import { VirtualClock } from '../../src/platform/index.js';
import { book, fakeResolver, fakeVisitor, recordingSink } from './fakes.js';

describe('HubClient', () => {
  it('visits each hub: announces our endpoints, fetches its addresses (origin hub, hub IP as source, 2 h penalty), says goodbye', async () => {
    const clock = new VirtualClock();
    const b = book(clock);
    const sink = recordingSink(b);
    const now = clock.now();
    const { visitor, log } = fakeVisitor(
      { '1.1.1.1:7000': 'h'.repeat(64) },
      { '1.1.1.1:7000': [{ endpoint: parseEndpoint('9.9.9.9:7000'), services: 0n, time: now }] },
    );
    const client = new HubClient({
      hubs: [{ host: 'hub.example.org', port: 7000 }, { host: '2.2.2.2', port: 7000 }],
      resolver: fakeResolver({ 'hub.example.org': ['1.1.1.1'] }),
      visitor,
      sink,
      clock,
      selfEndpoints: () => [{ ip: '3.3.3.3', port: 7000 }],
    });
    const visits = await client.visitAll()!;
    expect(visits).toEqual([
      { hub: 'hub.example.org:7000', id: 'h'.repeat(64), received: 1, added: 1 },
      { hub: '2.2.2.2:7000', received: 0, added: 0, error: expect.stringMatching(/refused/) },
    ]);
    expect(log.announced).toEqual([{ to: '1.1.1.1:7000', entries: [{ endpoint: { ip: '3.3.3.3', port: 7000 }, services: 0n, time: now }] }]);
    expect(log.closed).toEqual(['1.1.1.1:7000']);
    expect(b.get('9.9.9.9:7000')).toMatchObject({ origin: 'hub', source: '1.1.1.1', time: now - GOSSIP_PENALTY_MS });
  });

  it('visits again only after the interval (unless forced), and skips a hub we are connected to as a peer', async () => {
    const clock = new VirtualClock();
    const { visitor, log } = fakeVisitor({ '1.1.1.1:7000': 'h'.repeat(64) });
    const client = new HubClient({ hubs: [{ host: '1.1.1.1', port: 7000 }], resolver: fakeResolver({}), visitor, sink: recordingSink(book(clock)), clock, selfEndpoints: () => [] });
    await client.visitAll();
    expect(client.visitAll()).toBeUndefined();
    clock.advance(60_000);
    log.connected.add('1.1.1.1:7000');
    const again = await client.visitAll()!;
    expect(again[0]!.error).toMatch(/already connected/);
    expect(log.visits).toEqual(['hub 1.1.1.1:7000']);
  });
});
