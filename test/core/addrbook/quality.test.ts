import { describe, expect, it } from 'vitest';
import { addr, HOUR, makeBook, MINUTE, TIME_INIT } from './helpers.js';

const source = '252.2.2.2';
const DAY = 24 * HOUR;

describe('getAddresses (Core: addrman_getaddr, getaddr_unfiltered)', () => {
  it('returns nothing from an empty book', () => {
    const { book } = makeBook();
    expect(book.getAddresses()).toEqual([]);
    expect(book.getAddresses({ max: 0, maxPercent: 0 })).toEqual([]);
  });

  it('returns 23 % of the book, 2006 entries giving 461', () => {
    const { book, clock } = makeBook();
    const now = clock.now();
    expect(book.add([addr('250.250.2.1:8333', now), addr('251.252.2.3:8333', now), addr('252.254.4.5:8333', now)], '250.1.2.1')).toBe(true);
    expect(book.add([addr('250.251.2.2:9999', now), addr('252.253.3.4:8333', now)], '250.2.3.3')).toBe(true);
    expect(book.getAddresses().length).toBe(5);
    expect(book.getAddresses({ max: 2500, maxPercent: 23 }).length).toBe(1);
    expect(book.good('250.250.2.1:8333')).toBe(true);
    expect(book.good('250.251.2.2:9999')).toBe(true);
    expect(book.getAddresses().length).toBe(5);
    expect(book.getAddresses({ max: 2500, maxPercent: 23 }).length).toBe(1);

    for (let i = 1; i < 8 * 256; i++) {
      const ip = `${i % 256}.${i >> 8}.1.23`;
      book.add([addr(`${ip}:0`, now)], ip);
      if (i % 8 === 0) book.good(`${ip}:0`);
    }
    expect(book.size()).toBe(2006);
    const got = book.getAddresses({ max: 2500, maxPercent: 23 });
    expect(got.length).toBe(461);
    expect(new Set(got.map((a) => `${a.endpoint.ip}:${a.endpoint.port}`)).size).toBe(461);
    expect(book.getAddresses({ max: 100, maxPercent: 23 }).length).toBe(100);
    // Core's positional form, as the issue writes it: getAddresses(1000, 23 %).
    expect(book.getAddresses(2500, 23).length).toBe(461);
    expect(book.getAddresses(100, 23).length).toBe(100);
    expect(book.getAddresses(0, 0).length).toBe(2006);
    expect(book.checkConsistency()).toBe(0);
  });

  it('refuses any other call with a TypeError that shows the right one, instead of returning the whole book', () => {
    const { book, clock } = makeBook();
    for (let i = 0; i < 50; i++) book.add([addr(`250.${i}.1.1:1`, clock.now())], `251.${i}.0.1`);
    const wrong: unknown[][] = [
      [1000], // a lone number: is it max or maxPercent?
      ['1000', '23'],
      [1000, 23, 'ipv4'],
      [null],
      [[1000, 23]],
      [-1, 23],
      [1000, Number.NaN],
      [{ max: '1000' }],
      [{ maxPercent: -5 }],
      [{ network: 'ipv5' }],
      [{ filtered: 'no' }],
    ];
    for (const args of wrong) {
      const call = () => (book.getAddresses as (...a: unknown[]) => unknown)(...args);
      expect(call).toThrow(TypeError);
      expect(call).toThrow(/getAddresses\(\{ max: 1000, maxPercent: 23 \}\) or getAddresses\(1000, 23\)/);
    }
    expect(() => (book.getAddresses as (...a: unknown[]) => unknown)(1000)).toThrow(/got \(1000\)/);
    // Nothing, undefined and an options object still work.
    expect(book.getAddresses().length).toBe(50);
    expect(book.getAddresses(undefined).length).toBe(50);
    expect(book.getAddresses({ max: 1000, maxPercent: 10 }).length).toBe(5);
  });

  it('leaves out terrible entries unless unfiltered', () => {
    const { book, clock } = makeBook();
    const now = clock.now();
    expect(book.add([addr('250.250.2.1:8333', now), addr('250.251.2.2:9999')], '250.1.2.1')).toBe(true);
    book.good('250.251.2.3:9998'); // unknown: only sets the good() epoch
    expect(book.add([addr('250.251.2.3:9998', now)], '250.1.2.1')).toBe(true);
    for (let i = 0; i < 3; i++) {
      clock.t = now - 61_000;
      book.attempt('250.251.2.3:9998', true);
    }
    clock.t = now;
    expect(book.getAddresses().length).toBe(1);
    expect(book.getAddresses({ filtered: false }).length).toBe(3);
  });

  it('filters by network', () => {
    const { book, clock } = makeBook();
    const now = clock.now();
    book.add([addr('250.1.1.1:1', now), addr('[2a01:4f8::1]:1', now)], source);
    expect(book.getAddresses({ network: 'ipv6' }).map((a) => a.endpoint.ip)).toEqual(['2a01:4f8::1']);
    expect(book.getAddresses({ network: 'ipv4' }).map((a) => a.endpoint.ip)).toEqual(['250.1.1.1']);
  });
});

describe('isTerrible and attempt', () => {
  it('judges entries as Core does, in order', () => {
    const { book, clock } = makeBook();
    const now = clock.now();
    book.add([addr('250.1.1.1:1', now + 11 * MINUTE)], source); // from the future
    book.add([addr('250.1.1.2:1', now - 31 * DAY)], source); // too old
    book.add([addr('250.1.1.3:1', now)], source);
    book.add([addr('250.1.1.4:1', now - 29 * DAY)], source);
    expect(book.isTerrible('250.1.1.1:1')).toBe(true);
    expect(book.isTerrible('250.1.1.2:1')).toBe(true);
    expect(book.isTerrible('250.1.1.3:1')).toBe(false);
    expect(book.isTerrible('250.1.1.4:1')).toBe(false);
    expect(book.isTerrible('250.9.9.9:1')).toBe(false);
    // Tried in the last minute: never terrible.
    book.attempt('250.1.1.2:1', false);
    expect(book.isTerrible('250.1.1.2:1')).toBe(false);
    clock.t += 61_000;
    expect(book.isTerrible('250.1.1.2:1')).toBe(true);
  });

  it('counts failed attempts once per good() epoch; 3 failures without success is terrible', () => {
    const { book, clock } = makeBook();
    book.add([addr('250.1.1.3:1', clock.now())], source);
    book.attempt('250.1.1.3:1', true);
    book.attempt('250.1.1.3:1', true);
    expect(book.get('250.1.1.3:1')!.attempts).toBe(1);
    book.attempt('250.1.1.3:1', false);
    expect(book.get('250.1.1.3:1')!.attempts).toBe(1);
    // A success elsewhere opens a new epoch.
    clock.t += 1000;
    book.good('250.9.9.9:1');
    clock.t += 1000;
    book.attempt('250.1.1.3:1', true);
    clock.t += 1000;
    book.good('250.9.9.9:1');
    clock.t += 1000;
    book.attempt('250.1.1.3:1', true);
    expect(book.get('250.1.1.3:1')!.attempts).toBe(3);
    clock.t += 61_000;
    expect(book.isTerrible('250.1.1.3:1')).toBe(true);
    // A success resets the count.
    book.good('250.1.1.3:1');
    expect(book.get('250.1.1.3:1')).toMatchObject({ attempts: 0, lastSuccess: clock.t, lastTry: clock.t, inTried: true });
  });

  it('calls 10 failures without success for a week terrible', () => {
    const { book, clock } = makeBook();
    book.add([addr('250.1.1.3:1', clock.now())], source);
    book.good('250.1.1.3:1');
    for (let i = 0; i < 10; i++) {
      clock.t += HOUR;
      book.good('250.9.9.9:1');
      book.attempt('250.1.1.3:1', true);
    }
    expect(book.get('250.1.1.3:1')!.attempts).toBe(10);
    clock.t += 6 * DAY;
    book.connected('250.1.1.3:1');
    expect(book.isTerrible('250.1.1.3:1')).toBe(false);
    clock.t += 2 * DAY;
    book.connected('250.1.1.3:1');
    expect(book.isTerrible('250.1.1.3:1')).toBe(true);
  });

  it('does not refresh time on good()', () => {
    const { book, clock } = makeBook();
    book.add([addr('250.1.1.3:1', TIME_INIT)], source);
    book.good('250.1.1.3:1');
    expect(book.get('250.1.1.3:1')!.time).toBe(TIME_INIT);
    expect(book.get('250.1.1.3:1')!.lastSuccess).toBe(clock.now());
  });
});
