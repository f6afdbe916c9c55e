// The book's allocation-free parsing and classification must agree with src/core/address exactly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAcceptable, netGroup, parseEndpoint, parseIpBytes } from '../../../src/core/address/index.js';
import { BookState } from '../../../src/core/addrbook/book-state.js';
import { readEndpoint, readSourceIp } from '../../../src/core/addrbook/endpoint-bytes.js';
import { createRandom } from '../../../src/core/random.js';

const pieces = fc.constantFrom('0', '1', '2', '5', '9', '.', ':', '[', ']', 'a', 'f', ' ', '-', '+', '00', '255', '256', '65535', '65536', '::', 'ffff');
const text = fc.array(pieces, { maxLength: 14 }).map((a) => a.join(''));
const anyIp = fc.oneof(
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.')),
  fc.constantFrom('127.0.0.1', '10.1.2.3', '192.168.0.1', '100.64.0.1', '169.254.1.1', '::1', 'fe80::1', 'fc00::5', '2002:a01:203::1', '2001:0:9999::fefd:fcfb', '64:ff9b::102:304', '2001:470:abcd::1', '2a01:4f8::1'),
);

function viaParse(s: string): string {
  try {
    const e = parseEndpoint(s);
    return `${Buffer.from(parseIpBytes(e.ip)).toString('hex')}:${e.port}`;
  } catch {
    return 'error';
  }
}

function viaRead(s: string): string {
  const q = { ip: new Uint8Array(16), port: 0 };
  try {
    readEndpoint(s, q);
    return `${Buffer.from(q.ip).toString('hex')}:${q.port}`;
  } catch {
    return 'error';
  }
}

describe("the book's endpoint reader", () => {
  it('accepts and refuses exactly what parseEndpoint does', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(viaRead(s)).toBe(viaParse(s));
      }),
      { numRuns: 20_000 },
    );
    for (const s of ['1.2.3.4:7000', '0.0.0.0:0', '255.255.255.255:65535', '01.2.3.4:1', '1.2.3.4:', '1.2.3:4', '[::1]:80', '[::ffff:1.2.3.4]:5']) {
      expect(viaRead(s)).toBe(viaParse(s));
    }
  });

  it('reads a source given as an IP, an endpoint or an object', () => {
    const out = new Uint8Array(16);
    for (const [source, ip] of [
      ['1.2.3.4', '1.2.3.4'],
      ['1.2.3.4:99', '1.2.3.4'],
      ['2001:db8::1', '2001:db8::1'],
      ['[2001:db8::1]:80', '2001:db8::1'],
    ] as const) {
      readSourceIp(source, out);
      expect(out).toEqual(parseIpBytes(ip));
    }
    readSourceIp({ ip: '5.6.7.8', port: 1 }, out);
    expect(out).toEqual(parseIpBytes('5.6.7.8'));
    expect(() => readSourceIp('not an ip', out)).toThrow();
  });

  it('admits and groups addresses exactly as isAcceptable and netGroup do', () => {
    for (const allowPrivate of [false, true]) {
      for (const allowLoopback of [false, true]) {
        const s = new BookState({ key: new Uint8Array(32).fill(1), clock: { now: () => 1 }, random: createRandom(1), allowPrivate, allowLoopback, newBucketCount: 4, triedBucketCount: 4 });
        fc.assert(
          fc.property(anyIp, (ip) => {
            const bytes = parseIpBytes(ip);
            const group = s.admit(bytes);
            const opts = { allowPrivate, allowLoopback };
            expect(group !== undefined).toBe(isAcceptable(bytes, opts));
            if (group) expect([...group]).toEqual([...netGroup(bytes, opts)]);
          }),
          { numRuns: 500 },
        );
      }
    }
  });
});
