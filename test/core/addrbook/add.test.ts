import { describe, expect, it } from 'vitest';
import { AddressBookError } from '../../../src/core/addrbook/index.js';
import { AddressParseError } from '../../../src/core/address/index.js';
import { addr, ep, HOUR, makeBook, TIME_INIT } from './helpers.js';

const source = '252.2.2.2';

describe('AddressBook.add (Core: addrman_simple, addrman_ports, addrman_new_collisions)', () => {
  it('starts empty and selects nothing', () => {
    const { book } = makeBook();
    expect(book.size()).toBe(0);
    expect(book.select()).toBeUndefined();
    expect(book.checkConsistency()).toBe(0);
  });

  it('adds an address once and selects it', () => {
    const { book } = makeBook();
    expect(book.has('250.1.1.1:8333')).toBe(false);
    expect(book.add([addr('250.1.1.1:8333')], source)).toBe(true);
    expect(book.size()).toBe(1);
    expect(book.has('250.1.1.1:8333')).toBe(true);
    expect(book.has('250.1.1.1:8334')).toBe(false);
    expect(ep(book.select())).toBe('250.1.1.1:8333');
    expect(book.add([addr('250.1.1.1:8333')], source)).toBe(false);
    expect(book.size()).toBe(1);
    expect(book.add([addr('250.1.1.2:8333')], source)).toBe(true);
    expect(book.size()).toBeGreaterThanOrEqual(1);
  });

  it('returns true when any address of a batch was placed', () => {
    const { book } = makeBook();
    expect(book.add([addr('250.1.1.3:8333'), addr('250.1.1.4:8333')], source)).toBe(true);
    expect(book.size()).toBeGreaterThanOrEqual(1);
    expect(book.add(addr('250.1.1.5:8333'), source)).toBe(true);
  });

  it('crowdedIps: the IPs holding at least n entries (one per port), most first', () => {
    const { book } = makeBook();
    for (let port = 8000; port < 8012; port++) book.add([addr(`250.1.1.1:${port}`)], source);
    for (let port = 8000; port < 8003; port++) book.add([addr(`250.2.2.2:${port}`)], source);
    book.add([addr('250.3.3.3:8333')], source);
    const held = (ip: string) => book.entries().filter((e) => e.endpoint.ip === ip).length;
    expect(book.crowdedIps(3)).toEqual([
      { ip: '250.1.1.1', entries: held('250.1.1.1') },
      { ip: '250.2.2.2', entries: held('250.2.2.2') },
    ].filter((c) => c.entries >= 3));
    expect(book.crowdedIps(1).reduce((n, c) => n + c.entries, 0)).toBe(book.size());
    expect(book.crowdedIps(100)).toEqual([]);
  });

  it('keeps the same IP with another port as a separate entry, and promotes only that port', () => {
    const { book } = makeBook();
    expect(book.add([addr('250.1.1.1:8333')], source)).toBe(true);
    expect(book.add([addr('250.1.1.1:8334')], source)).toBe(true);
    expect(book.size()).toBe(2);
    expect(['250.1.1.1:8333', '250.1.1.1:8334']).toContain(ep(book.select()));
    book.good('250.1.1.1:8334');
    expect(book.size()).toBe(2);
    expect(ep(book.select({ newOnly: true }))).toBe('250.1.1.1:8333');
  });

  it('lets the 23rd address replace a terrible occupant: size stays 22, then grows again', () => {
    const { book } = makeBook();
    for (let i = 1; i <= 22; i++) {
      expect(book.add([addr(`250.1.1.${i}:0`)], source)).toBe(true);
      expect(book.size()).toBe(i);
    }
    expect(book.add([addr('250.1.1.23:0')], source)).toBe(true);
    expect(book.size()).toBe(22);
    expect(book.add([addr('250.1.1.24:0')], source)).toBe(true);
    expect(book.size()).toBe(23);
    expect(book.checkConsistency()).toBe(0);
  });

  it('never lets a healthy entry with one reference be pushed out', () => {
    const { book, clock } = makeBook();
    const now = clock.now();
    for (let i = 1; i <= 22; i++) book.add([addr(`250.1.1.${i}:0`, now)], source);
    // 23 collides with an occupant that is now healthy: the newcomer is dropped.
    expect(book.add([addr('250.1.1.23:0', now)], source)).toBe(false);
    expect(book.size()).toBe(22);
    expect(book.get('250.1.1.23:0')).toBeUndefined();
  });

  it('stays at one reference when the time does not increase, and reaches exactly 8 when it does', () => {
    const { book, clock } = makeBook();
    const start = clock.now();
    const target = '253.3.3.3:8333';
    for (let i = 1; i < 20; i++) book.add([addr(target, start)], `${i % 256}.${i >> 8}.1.1`);
    expect(book.get(target)!.refCount).toBe(1);
    expect(book.size()).toBe(1);
    for (let i = 1; i < 400; i++) book.add([addr(target, start + i * 1000)], `${i % 256}.${i >> 8}.1.1`);
    expect(book.get(target)!.refCount).toBe(8);
    expect(book.size()).toBe(1);
    expect(book.checkConsistency()).toBe(0);
  });

  it('refuses unroutable addresses unless allowed', () => {
    const { book } = makeBook();
    for (const bad of ['10.0.0.1:1', '127.0.0.1:1', '192.168.1.1:1', '169.254.0.1:1', '0.1.2.3:1', '[::1]:1', '[fe80::1]:1', '[2001:db8::1]:1', '255.255.255.255:1']) {
      expect(book.add([addr(bad)], source)).toBe(false);
    }
    expect(book.size()).toBe(0);
    const { book: dev } = makeBook({ allowLoopback: true, allowPrivate: true });
    expect(dev.add([addr('127.0.0.1:7000'), addr('10.1.2.3:7000')], '127.0.0.1')).toBe(true);
    expect(dev.size()).toBe(2);
    expect(dev.get('127.0.0.1:7000')!.group).toBe('127.0.0.0/16');
  });

  it('accepts port 0, IPv6 and endpoint objects', () => {
    const { book } = makeBook();
    expect(book.add([addr('250.1.1.1:0'), addr('[2a00:1450::1]:8333'), { endpoint: { ip: '250.9.9.9', port: 1 }, time: TIME_INIT }], source)).toBe(true);
    expect(book.size()).toBe(3);
    expect(book.get('[2a00:1450::1]:8333')).toMatchObject({ network: 'ipv6', group: '2a00:1450::/32' });
    expect(book.size({ network: 'ipv6' })).toBe(1);
  });

  it('throws AddressParseError for a malformed endpoint or source', () => {
    const { book } = makeBook();
    expect(() => book.add([addr('nonsense')], source)).toThrow(AddressParseError);
    expect(() => book.add([addr('250.1.1.1:1')], 'nonsense')).toThrow(AddressParseError);
  });

  it('takes the penalty off gossiped times, but not off a self-announcement', () => {
    const { book, clock } = makeBook();
    const now = clock.now();
    book.add([addr('250.1.1.1:1', now)], '252.2.2.2', 2 * HOUR);
    expect(book.get('250.1.1.1:1')!.time).toBe(now - 2 * HOUR);
    book.add([addr('250.7.7.7:1', now)], '250.7.7.7', 2 * HOUR);
    expect(book.get('250.7.7.7:1')!.time).toBe(now);
  });

  it('refreshes time only when it moved by more than the update interval plus the penalty', () => {
    const { book, clock } = makeBook();
    const now = clock.now();
    book.add([addr('250.1.1.1:1', now - 3 * HOUR)], source);
    book.add([addr('250.1.1.1:1', now - 2.5 * HOUR)], source); // only 30 min newer: < 1 h
    expect(book.get('250.1.1.1:1')!.time).toBe(now - 3 * HOUR);
    book.add([addr('250.1.1.1:1', now - HOUR)], source);
    expect(book.get('250.1.1.1:1')!.time).toBe(now - HOUR);
    // Older than a day: the interval is 24 h.
    book.add([addr('250.2.2.2:1', now - 100 * HOUR)], source);
    book.add([addr('250.2.2.2:1', now - 90 * HOUR)], source);
    expect(book.get('250.2.2.2:1')!.time).toBe(now - 100 * HOUR);
  });

  it('keeps the first origin and records the source', () => {
    const { book } = makeBook();
    book.add([{ endpoint: '250.1.1.1:1', time: TIME_INIT, origin: 'seed' }], '252.2.2.2:9999');
    book.add([{ endpoint: '250.1.1.1:1', time: TIME_INIT + 1e9, origin: 'hub' }], '252.3.3.3');
    book.add([addr('250.1.1.2:1')], source);
    expect(book.get('250.1.1.1:1')).toMatchObject({ origin: 'seed', source: '252.2.2.2' });
    expect(book.get('250.1.1.2:1')!.origin).toBe('exchange');
  });

  it('refuses bad options with AddressBookError', () => {
    expect(() => makeBook({ key: new Uint8Array(16) })).toThrow(AddressBookError);
    expect(() => makeBook({ newBucketCount: 0 })).toThrow(/newBucketCount/);
    expect(() => makeBook({ triedBucketCount: 1.5 })).toThrow(/triedBucketCount/);
  });
});

describe('connected, setServices and services (Core: addrman_update_address)', () => {
  const NODE_NETWORK = 1n;
  const NODE_NETWORK_LIMITED = 1n << 10n;
  const NODE_P2P_V2 = 1n << 11n;

  it('updates only the exact endpoint, ORs services in through add, overwrites them with setServices', () => {
    const { book, clock } = makeBook();
    const start = clock.now() - 10_000_000;
    expect(book.add([addr('250.1.1.1:8333', start)], source)).toBe(true);

    book.connected('250.1.1.1:8334');
    book.setServices('250.1.1.1:8334', NODE_NETWORK_LIMITED);
    let [a] = book.getAddresses();
    expect(a!.time).toBe(start);
    expect(a!.services).toBe(0n);

    book.connected('250.1.1.1:8333');
    book.setServices('250.1.1.1:8333', NODE_NETWORK_LIMITED);
    [a] = book.getAddresses();
    expect(a!.time).toBeGreaterThanOrEqual(start + 10_000_000);
    expect(a!.services).toBe(NODE_NETWORK_LIMITED);

    expect(book.add([addr('250.1.1.1:8333', start, NODE_P2P_V2)], source)).toBe(false);
    expect(book.getAddresses()[0]!.services).toBe(NODE_P2P_V2 | NODE_NETWORK_LIMITED);

    book.setServices('250.1.1.1:8333', NODE_NETWORK);
    expect(book.getAddresses()[0]!.services).toBe(NODE_NETWORK);

    expect(book.good('250.1.1.1:8333')).toBe(true);
    expect(book.getAddresses()[0]!.services).toBe(NODE_NETWORK);

    expect(book.add([addr('250.1.1.1:8333', start, NODE_P2P_V2)], source)).toBe(false);
    expect(book.getAddresses()[0]!.services).toBe(NODE_NETWORK | NODE_P2P_V2);
  });

  it('refreshes time on connected() only when it is older than 20 minutes', () => {
    const { book, clock } = makeBook();
    const now = clock.now();
    book.add([addr('250.1.1.1:1', now - 10 * 60_000)], source);
    book.connected('250.1.1.1:1');
    expect(book.get('250.1.1.1:1')!.time).toBe(now - 10 * 60_000);
    clock.t += 15 * 60_000;
    book.connected('250.1.1.1:1');
    expect(book.get('250.1.1.1:1')!.time).toBe(clock.t);
  });

  it('keeps services as a u64', () => {
    const { book } = makeBook();
    book.add([addr('250.1.1.1:1', TIME_INIT, (1n << 63n) | 5n)], source);
    expect(book.get('250.1.1.1:1')!.services).toBe((1n << 63n) | 5n);
  });
});
