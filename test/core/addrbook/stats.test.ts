import { describe, expect, it } from 'vitest';
import { addr, makeBook } from './helpers.js';

describe('stats and occupancy', () => {
  it('counts by table, network, group and origin', () => {
    const { book, clock } = makeBook();
    const now = clock.now();
    book.add([{ endpoint: '250.1.1.1:1', time: now, origin: 'seed' }, { endpoint: '250.1.2.2:1', time: now, origin: 'seed' }], '252.2.2.2');
    book.add([addr('251.1.1.1:1', now), { endpoint: '[2a01:4f8::1]:1', time: now, origin: 'dns' }], '252.2.2.2');
    book.good('250.1.1.1:1');
    const s = book.stats();
    expect(s).toMatchObject({ new: 3, tried: 1, total: 4, collisions: 0 });
    expect(s.byNetwork).toEqual({ ipv4: { new: 2, tried: 1 }, ipv6: { new: 1, tried: 0 } });
    expect(s.byGroup[0]).toEqual({ group: '250.1.0.0/16', new: 1, tried: 1 });
    expect(s.byGroup.map((g) => g.group).sort()).toEqual(['250.1.0.0/16', '251.1.0.0/16', '2a01:4f8::/32']);
    expect(s.byOrigin).toEqual({ seed: 2, dns: 1, exchange: 1, hub: 0, probe: 0, manual: 0, inbound: 0 });
  });

  it('maps every occupied slot to its net group', () => {
    const { book, clock } = makeBook({ newBucketCount: 4, triedBucketCount: 2 });
    const now = clock.now();
    book.add([addr('250.1.1.1:1', now), addr('250.1.1.2:1', now), addr('251.7.1.1:1', now)], '252.2.2.2');
    book.good('251.7.1.1:1');
    const n = book.occupancy('new');
    expect(n.buckets).toBe(4);
    expect(n.slotsPerBucket).toBe(64);
    expect(n.cells.length).toBe(4 * 64);
    const used = [...n.cells].filter((c) => c >= 0);
    expect(used.length).toBe(2);
    expect(used.map((c) => n.groups[c])).toEqual(['250.1.0.0/16', '250.1.0.0/16']);
    const t = book.occupancy('tried');
    expect([...t.cells].filter((c) => c >= 0).map((c) => t.groups[c])).toEqual(['251.7.0.0/16']);
  });
});
