import { describe, expect, it } from 'vitest';
import { cryptoRandom } from '../../../src/platform/index.js';
import { addr, ep, makeBook, MINUTE } from './helpers.js';

const source = '252.2.2.2';

describe('AddressBook.select (Core: addrman_select, addrman_select_by_network, addrman_select_special)', () => {
  it('selects from new, then only from tried once the entry moved', () => {
    const { book } = makeBook();
    expect(book.select()).toBeUndefined();
    expect(book.select({ newOnly: true })).toBeUndefined();
    book.add([addr('250.1.1.1:8333')], source);
    expect(ep(book.select({ newOnly: true }))).toBe('250.1.1.1:8333');
    expect(ep(book.select())).toBe('250.1.1.1:8333');
    expect(book.good('250.1.1.1:8333')).toBe(true);
    expect(book.size()).toBe(1);
    expect(book.select({ newOnly: true })).toBeUndefined();
    expect(ep(book.select())).toBe('250.1.1.1:8333');
  });

  it('samples both tables', () => {
    const { book } = makeBook();
    book.add([addr('250.1.1.1:8333')], source);
    book.good('250.1.1.1:8333');
    book.add([addr('250.3.1.1:8333')], '250.3.1.1');
    expect(ep(book.select({ newOnly: true }))).toBe('250.3.1.1:8333');
    book.add([addr('250.3.2.2:9999')], '250.3.2.2');
    book.add([addr('250.3.3.3:9999')], '250.4.1.1');
    for (const [a, port] of [['250.4.4.4', 8333], ['250.4.5.5', 7777], ['250.4.6.6', 8333]] as const) {
      expect(book.add([addr(`${a}:${port}`)], a === '250.4.6.6' ? '250.1.1.3' : '250.3.2.2')).toBe(true);
      expect(book.good(`${a}:${port}`)).toBe(true);
    }
    expect(book.size()).toBe(7);
    const ports = new Set<number>();
    for (let i = 0; i < 20; i++) ports.add(book.select()!.endpoint.port);
    expect(ports.size).toBe(3);
  });

  it('filters by network', () => {
    const { book } = makeBook();
    expect(book.select({ networks: ['ipv4'] })).toBeUndefined();
    book.add([addr('250.1.1.1:8333')], source);
    expect(ep(book.select({ newOnly: true, networks: ['ipv4'] }))).toBe('250.1.1.1:8333');
    expect(ep(book.select({ networks: ['ipv4'] }))).toBe('250.1.1.1:8333');
    expect(book.select({ networks: ['ipv6'] })).toBeUndefined();
    expect(book.select({ networks: ['onion'] })).toBeUndefined();
    expect(ep(book.select({ networks: [] }))).toBe('250.1.1.1:8333');

    book.add([addr('[2a01:4f8::1]:8333')], source);
    expect(ep(book.select({ networks: ['ipv6'] }))).toBe('[2a01:4f8::1]:8333');
    expect(book.select({ networks: ['ipv4', 'ipv6'] })).toBeDefined();
    expect(book.good('[2a01:4f8::1]:8333')).toBe(true);
    expect(book.select({ newOnly: true, networks: ['ipv6'] })).toBeUndefined();
    expect(ep(book.select({ networks: ['ipv6'] }))).toBe('[2a01:4f8::1]:8333');

    book.add([addr('[2a02:4f8::2]:8333')], source);
    expect(ep(book.select({ newOnly: true, networks: ['ipv6'] }))).toBe('[2a02:4f8::2]:8333');
    const seen = new Set<string>();
    for (let i = 0; i < 255 && seen.size < 2; i++) seen.add(ep(book.select({ networks: ['ipv6'] })));
    expect(seen).toEqual(new Set(['[2a01:4f8::1]:8333', '[2a02:4f8::2]:8333']));
  });

  it('finds the only IPv4 entry in new every time when tried holds only IPv6 (random key)', () => {
    for (let run = 0; run < 20; run++) {
      const { book } = makeBook({ key: cryptoRandom.bytes(32), random: cryptoRandom });
      book.add([addr('[2a01:4f8::1]:8333')], source);
      expect(book.good('[2a01:4f8::1]:8333')).toBe(true);
      book.add([addr('250.1.1.3:8333')], source);
      expect(ep(book.select({ networks: ['ipv4'] }))).toBe('250.1.1.3:8333');
    }
  });

  it('prefers entries not tried in the last 10 minutes and with fewer failures', () => {
    const { book, clock } = makeBook({ seed: 5 });
    const now = clock.now();
    // Two entries in different groups, so each sits alone in its bucket.
    book.add([addr('250.1.1.1:1', now)], '250.1.1.1');
    book.add([addr('251.2.2.2:1', now)], '251.2.2.2');
    book.attempt('250.1.1.1:1', false);
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const s = ep(book.select());
      counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    // The chance of the fresh entry is 100 times that of the one just tried.
    expect(counts.get('251.2.2.2:1')!).toBeGreaterThan(10 * (counts.get('250.1.1.1:1') ?? 0));
    expect(book.select()!.lastTry).toBeGreaterThanOrEqual(0);
    clock.t += 11 * MINUTE;
    const selected = [...Array(2000)].map(() => ep(book.select()));
    const tried = selected.filter((s) => s === '250.1.1.1:1').length;
    expect(tried).toBeGreaterThan(600);
    expect(tried).toBeLessThan(1400);
  });

  it('returns the last try with the endpoint', () => {
    const { book, clock } = makeBook();
    book.add([addr('250.1.1.1:1')], source);
    book.attempt('250.1.1.1:1', false);
    expect(book.select()).toEqual({ endpoint: { ip: '250.1.1.1', port: 1 }, lastTry: clock.now() });
  });
});
