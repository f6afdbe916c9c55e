import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  AddressParseError,
  formatEndpoint,
  formatIpBytes,
  parseEndpoint,
  parseIpBytes,
  normalizeIp,
} from '../../../src/core/address/index.js';

describe('parseEndpoint', () => {
  it('parses IPv4 and bracketed IPv6 endpoints', () => {
    expect(parseEndpoint('1.2.3.4:7000')).toEqual({ ip: '1.2.3.4', port: 7000 });
    expect(parseEndpoint('[2001:db8::1]:7000')).toEqual({ ip: '2001:db8::1', port: 7000 });
    expect(parseEndpoint('[2001:DB8:0:0:0:0:0:1]:0')).toEqual({ ip: '2001:db8::1', port: 0 });
    expect(parseEndpoint('0.0.0.0:65535')).toEqual({ ip: '0.0.0.0', port: 65535 });
  });

  it('turns IPv4-mapped IPv6 into plain IPv4', () => {
    expect(parseEndpoint('[::ffff:1.2.3.4]:1')).toEqual({ ip: '1.2.3.4', port: 1 });
    expect(parseEndpoint('[::ffff:102:304]:1')).toEqual({ ip: '1.2.3.4', port: 1 });
  });

  it('normalises endpoint objects', () => {
    expect(parseEndpoint({ ip: 'FE80::0:1', port: 9 })).toEqual({ ip: 'fe80::1', port: 9 });
  });

  it.each([
    '1.2.3.4',
    '1.2.3.4:',
    '1.2.3.4:65536',
    '1.2.3.4:-1',
    '1.2.3.4:+80',
    '1.2.3.4: 80',
    '256.1.1.1:80',
    '01.2.3.4:80',
    '1.2.3:80',
    '1.2.3.4.5:80',
    '2001:db8::1:80',
    '[2001:db8::1]',
    '[2001:db8::1]80',
    '[1.2.3.4]:80',
    '[fe80::1%eth0]:80',
    '[1:2:3:4:5:6:7:8:9]:80',
    '[1::2::3]:80',
    '[12345::]:80',
    'example.com:80',
    '',
    ':80',
  ])('rejects %j with an AddressParseError naming the input', (bad) => {
    let caught: unknown;
    try {
      parseEndpoint(bad);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AddressParseError);
    expect((caught as AddressParseError).input).toBe(bad);
    expect((caught as Error).message).toContain(JSON.stringify(bad));
  });

  it('rejects objects with bad ports', () => {
    expect(() => parseEndpoint({ ip: '1.2.3.4', port: 70000 })).toThrow(AddressParseError);
    expect(() => parseEndpoint({ ip: '1.2.3.4', port: 1.5 })).toThrow(AddressParseError);
  });
});

describe('formatEndpoint', () => {
  it('brackets IPv6 and compresses it per RFC 5952', () => {
    expect(formatEndpoint({ ip: '2001:0db8:0000:0000:0001:0000:0000:0001', port: 1 })).toBe('[2001:db8::1:0:0:1]:1');
    expect(formatEndpoint('[2001:db8:0:1:1:1:1:1]:2')).toBe('[2001:db8:0:1:1:1:1:1]:2');
    expect(formatEndpoint('[::]:3')).toBe('[::]:3');
    expect(formatEndpoint('[::1]:3')).toBe('[::1]:3');
    expect(formatEndpoint('1.2.3.4:5')).toBe('1.2.3.4:5');
  });

  it('round-trips any address and port', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.integer({ min: 0, max: 65535 }), (bytes, port) => {
        const ip = formatIpBytes(bytes);
        expect(parseIpBytes(ip)).toEqual(bytes);
        const text = formatEndpoint({ ip, port });
        expect(formatEndpoint(parseEndpoint(text))).toBe(text);
        expect(parseEndpoint(text)).toEqual({ ip, port });
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with the platform on IPv6 text forms', () => {
    fc.assert(
      fc.property(fc.ipV6(), (text) => {
        const n = normalizeIp(text);
        expect(normalizeIp(n)).toBe(n);
        expect(parseIpBytes(n)).toEqual(parseIpBytes(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('parses every IPv4 fast-check generates', () => {
    fc.assert(
      fc.property(fc.ipV4(), (text) => {
        expect(normalizeIp(text)).toBe(text);
      }),
    );
  });

  it('accepts exactly the strict dotted quads: four parts of 1–3 digits, each ≤ 255, no leading zeros', () => {
    const strict = (t: string) => {
      const parts = t.split('.');
      return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
    };
    fc.assert(
      fc.property(fc.oneof(fc.stringMatching(/^[0-9]{0,4}(\.[0-9]{0,4}){1,4}\.?$/), fc.ipV4(), fc.ipV4Extended()), (text) => {
        let bytes: Uint8Array | undefined;
        try {
          bytes = parseIpBytes(text);
        } catch (err) {
          expect(err).toBeInstanceOf(AddressParseError);
        }
        expect(bytes !== undefined).toBe(strict(text));
        if (bytes) expect(formatIpBytes(bytes)).toBe(text);
      }),
      { numRuns: 5000 },
    );
  });
});
