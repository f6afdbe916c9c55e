import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.js';
import { SeedSource, type SeedResult } from '../../src/discovery/seeds.js';
import { VirtualClock } from '../../src/platform/index.js';
import { book, fakeResolver, recordingSink } from './fakes.js';

const DAY = 24 * 60 * 60_000;
const flush = () => new Promise<void>((r) => setImmediate(r));

function setup(origin: 'seed' | 'dns', seeds: Array<{ host: string; port: number }>, table: Record<string, string[]>) {
  const clock = new VirtualClock();
  const b = book(clock);
  const sink = recordingSink(b);
  const resolver = fakeResolver(table);
  const results: SeedResult[] = [];
  const source = new SeedSource({ origin, seeds, resolver, scheduler: clock, random: createRandom(1), sink, onResult: (r) => results.push(r) });
  return { clock, b, sink, resolver, results, source };
}

describe('SeedSource', () => {
  it('adds configured seeds (IPs and names) as their own source, origin seed, dated now', async () => {
    const { b, sink, source, clock } = setup('seed', [{ host: '1.2.3.4', port: 7000 }, { host: 'node.example.org', port: 7100 }], { 'node.example.org': ['5.6.7.8', '2a01:4f8::1'] });
    await source.start();
    expect(b.size()).toBe(3);
    for (const e of b.entries()) {
      expect(e.origin).toBe('seed');
      expect(e.source).toBe(e.endpoint.ip);
      expect(e.time).toBe(clock.now());
    }
    expect(b.get('5.6.7.8:7100')).toBeDefined();
    expect(sink.discovered.map((d) => d.provenance.from)).toEqual(['seed 1.2.3.4:7000', 'seed node.example.org:7100', 'seed node.example.org:7100']);
  });

  it('adds a DNS seed answer with one source (the lowest address), origin dns, dated 3 to 7 days back', async () => {
    const { b, source, clock, results } = setup('dns', [{ host: 'seed.example.org', port: 7000 }], { 'seed.example.org': ['9.9.9.9', '1.1.1.1', '5.5.5.5'] });
    await source.start();
    expect(b.size()).toBe(3);
    for (const e of b.entries()) {
      expect(e.origin).toBe('dns');
      expect(e.source).toBe('1.1.1.1');
      expect(clock.now() - e.time).toBeGreaterThanOrEqual(3 * DAY);
      expect(clock.now() - e.time).toBeLessThan(7 * DAY);
    }
    expect(results).toEqual([expect.objectContaining({ origin: 'dns', seed: 'seed.example.org:7000', added: 3 })]);
  });

  it('retries a failing name with doubling backoff (11 s, 22 s, 44 s…), capped, and adds once it resolves', async () => {
    const table: Record<string, string[]> = {};
    const { b, source, clock, results, resolver } = setup('dns', [{ host: 'late.example.org', port: 7000 }], table);
    await source.start();
    expect(results[0]).toMatchObject({ error: expect.stringMatching(/late\.example\.org/), retryInMs: 11_000 });
    clock.advance(10_999);
    await flush();
    expect(resolver.queries).toHaveLength(2);
    clock.advance(1);
    await flush();
    expect(results[1]).toMatchObject({ retryInMs: 22_000 });
    clock.advance(22_000);
    await flush();
    expect(results[2]).toMatchObject({ retryInMs: 44_000 });
    table['late.example.org'] = ['7.7.7.7'];
    clock.advance(44_000);
    await flush();
    expect(results[3]).toMatchObject({ added: 1 });
    expect(b.get('7.7.7.7:7000')).toBeDefined();
    clock.advance(60 * 60_000);
    await flush();
    expect(results).toHaveLength(4);
  });

  it('request() asks again, at most once a minute, and never while a retry is pending', async () => {
    const { source, clock, resolver } = setup('seed', [{ host: 'a.example.org', port: 7000 }], { 'a.example.org': ['1.2.3.4'] });
    await source.start();
    const asked = () => resolver.queries.length;
    const first = asked();
    await source.request();
    expect(asked()).toBe(first);
    clock.advance(60_000);
    await source.request();
    expect(asked()).toBe(first + 2);
  });

  it('contributes nothing for port 0 (never dialled or gossiped)', async () => {
    const { b, source } = setup('seed', [{ host: '1.2.3.4', port: 0 }], {});
    await source.start();
    expect(b.size()).toBe(0);
  });

  it('stop() cancels retries', async () => {
    const { source, clock, resolver } = setup('dns', [{ host: 'x.example.org', port: 7000 }], {});
    await source.start();
    source.stop();
    clock.advance(60 * 60_000);
    await flush();
    expect(resolver.queries).toHaveLength(2);
  });
});
