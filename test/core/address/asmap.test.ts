// Asmap: Bitcoin Core's asmap file format, its sanity check, GetMappedAS's lookup rules, and our encoder.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ASMAP_MAX_ASN,
  AddressParseError,
  Asmap,
  AsmapError,
  encodeAsmap,
  formatNetGroup,
  netGroup,
  netGroupName,
  parseIpBytes,
  type AsmapEntry,
} from '../../../src/core/address/index.js';
import { CORE_TEST_ASMAP, CORE_TEST_ASMAP_VERSION, ProgramWriter, addressWithLeadingBits } from './asmap-fixtures.js';

const sha256d = (b: Uint8Array) => createHash('sha256').update(createHash('sha256').update(b).digest()).digest();

describe("Bitcoin Core's test asmap (src/test/data/asmap.raw)", () => {
  const map = Asmap.fromBytes(CORE_TEST_ASMAP);

  it('is the file feature_asmap.py pins (its asmap version, SHA-256d of the serialized bit vector)', () => {
    // Core then hashed std::vector<bool>: CompactSize(bit count), then one byte per bit.
    const bits = Array.from(CORE_TEST_ASMAP).flatMap((byte) => Array.from({ length: 8 }, (_, i) => (byte >> i) & 1));
    const serialized = Uint8Array.from([0xfd, bits.length & 0xff, bits.length >> 8, ...bits]);
    expect(Buffer.from(sha256d(serialized)).reverse().toString('hex')).toBe(CORE_TEST_ASMAP_VERSION);
    expect(map.byteLength).toBe(59);
    expect(map.checksum).toBe(createHash('sha256').update(CORE_TEST_ASMAP).digest('hex'));
  });

  it("maps addrman_tests.cpp's mock prefixes: 250.0.0.0/8 AS1000, 101.n.0.0/16 ASn", () => {
    expect(map.lookup('250.1.1.1')).toBe(1000);
    expect(map.lookup('250.255.0.1')).toBe(1000);
    for (let n = 1; n <= 8; n++) expect(map.lookup(`101.${n}.7.9`)).toBe(n);
    // What the fill option made of the rest, read from the file itself.
    expect(map.entries()).toEqual([
      { prefix: '101.0.0.0/15', asn: 1 },
      { prefix: '101.2.0.0/16', asn: 2 },
      { prefix: '101.3.0.0/16', asn: 3 },
      { prefix: '101.4.0.0/16', asn: 4 },
      { prefix: '101.5.0.0/16', asn: 5 },
      { prefix: '101.6.0.0/16', asn: 6 },
      { prefix: '101.7.0.0/16', asn: 7 },
      { prefix: '101.8.0.0/13', asn: 8 },
      { prefix: '128.0.0.0/1', asn: 1000 },
    ]);
    expect(map.lookup('1.2.3.4')).toBe(0);
    expect(map.lookup('2a01:4f8::1')).toBe(0);
  });

  it("honours a view's byteOffset (a Buffer slice of a larger file read)", () => {
    const big = new Uint8Array(100).fill(0xaa);
    big.set(CORE_TEST_ASMAP, 17);
    const view = big.subarray(17, 17 + CORE_TEST_ASMAP.length);
    const fromView = Asmap.fromBytes(view);
    expect(fromView.checksum).toBe(map.checksum);
    expect(fromView.lookup('250.1.1.1')).toBe(1000);
    expect(Asmap.fromBytes(Buffer.from(big.buffer, 17, CORE_TEST_ASMAP.length)).lookup('101.3.1.1')).toBe(3);
    // Changing the caller's buffer afterwards changes nothing.
    big.fill(0);
    expect(fromView.lookup('250.1.1.1')).toBe(1000);
  });

  it('fails the sanity check when cut short', () => {
    expect(() => Asmap.fromBytes(CORE_TEST_ASMAP.subarray(0, 58))).toThrow(AsmapError);
  });
});

describe("Core's asmap_tests.cpp programs", () => {
  it('DEFAULT 9, MATCH [1,0], RETURN 42: 42 for addresses starting 10, 9 otherwise (address bits read MSB first)', () => {
    const bytes = new ProgramWriter().dflt(9).match([1, 0]).ret(42).bytes();
    const map = Asmap.fromBytes(bytes);
    expect(map.interpret(addressWithLeadingBits([1, 0]))).toBe(42);
    expect(map.interpret(addressWithLeadingBits([1, 1]))).toBe(9);
    expect(map.interpret('8000::')).toBe(42);
    expect(map.interpret('bfff:ffff::')).toBe(42);
    expect(map.interpret('c000::')).toBe(9);
    expect(map.interpret('::')).toBe(9);
  });

  it('refuses a DEFAULT without RETURN, a RETURN right after a DEFAULT, and a byte of padding', () => {
    // Core rejects it too; its padding reads as the start of a RETURN, refused first as "RETURN after DEFAULT".
    expect(() => Asmap.fromBytes(new ProgramWriter().dflt(1).bytes())).toThrow(AsmapError);
    expect(() => Asmap.fromBytes(new ProgramWriter().dflt(1).raw(1, 1, 0, 1, 1).bytes())).toThrow(/without a final RETURN|runs past the end/);
    expect(() => Asmap.fromBytes(new ProgramWriter().dflt(1).ret(2).bytes())).toThrow(/RETURN right after a DEFAULT/);
    const w = new ProgramWriter().ret(13);
    const padded = new ProgramWriter().ret(13).raw(...new Array<number>(8 - (w.length % 8) + 8).fill(0)).bytes();
    expect(Asmap.fromBytes(w.bytes()).interpret('::')).toBe(13);
    expect(() => Asmap.fromBytes(padded)).toThrow(/at most 7 bits of padding/);
  });

  it('accepts a MATCH pattern as long as 128 input bits allow (and asmap_tests: a 3-bit match needs 3 bits)', () => {
    const w = new ProgramWriter().dflt(5);
    for (let i = 0; i < 16; i++) w.match([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(Asmap.fromBytes(w.ret(7).bytes()).interpret('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(7);
  });
});

describe('the sanity check (Core SanityCheckAsmap for 128-bit inputs)', () => {
  const refuses = (bytes: Uint8Array, why: RegExp) => {
    let caught: unknown;
    try {
      Asmap.fromBytes(bytes);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AsmapError);
    expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).name).toBe('AsmapError');
    expect((caught as Error).message).toMatch(why);
  };

  it('refuses an empty map', () => refuses(new Uint8Array(0), /empty/));
  it('refuses two DEFAULTs in a row', () => refuses(new ProgramWriter().dflt(1).dflt(2).ret(3).bytes(), /two DEFAULTs in a row/));
  it('refuses a MATCH chain past 128 bits', () => {
    const w = new ProgramWriter();
    for (let i = 0; i < 16; i++) w.match([0, 0, 0, 0, 0, 0, 0, 0]);
    refuses(w.match([0]).ret(1).bytes(), /MATCH would read more than 128 address bits/);
  });
  it('refuses a JUMP chain past 128 bits', () => {
    // JUMP over a RETURN (its 0-side), 129 deep on the 1-side.
    const w = new ProgramWriter();
    for (let i = 0; i < 129; i++) w.jump(new ProgramWriter().ret(1).length).ret(1);
    refuses(w.ret(2).bytes(), /JUMP would read more than 128 address bits/);
    const ok = new ProgramWriter();
    for (let i = 0; i < 128; i++) ok.jump(new ProgramWriter().ret(1).length).ret(i + 1);
    const map = Asmap.fromBytes(ok.ret(999).bytes());
    expect(map.interpret('::')).toBe(1);
    expect(map.interpret('4000::')).toBe(1); // the first bit is 0: the first JUMP's 0-side
    expect(map.interpret('8000::')).toBe(2);
    expect(map.interpret('ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe')).toBe(128);
    expect(map.interpret('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(999);
  });
  it('refuses two short MATCHes in one chain', () => refuses(new ProgramWriter().match([1]).match([0]).ret(1).bytes(), /fewer than 8 bits/));
  it('refuses a non-zero padding bit', () => refuses(new ProgramWriter().ret(1).raw(0, 0, 1).bytes(), /non-zero padding bit/));
  it('refuses unreachable code', () => {
    const zeroSide = new ProgramWriter().ret(1).ret(2);
    refuses(new ProgramWriter().jump(zeroSide.length).ret(1).ret(2).ret(3).bytes(), /intersecting|unreachable|inside/);
    // A JUMP whose 0-side is shorter than the offset says: the bits in between are never run.
    const short = new ProgramWriter().ret(1).length;
    refuses(new ProgramWriter().jump(short + 17).ret(1).ret(5).ret(2).bytes(), /unreachable code/);
  });
  it('refuses a JUMP past the end and an instruction cut short', () => {
    refuses(new ProgramWriter().jump(4000).ret(1).ret(2).bytes(), /past the end/);
    refuses(new ProgramWriter().raw(1, 1, 1).bytes(), /runs past the end/);
  });
  it('names the bit where the problem is', () => {
    const w = new ProgramWriter().dflt(1);
    const at = w.length;
    try {
      Asmap.fromBytes(w.dflt(2).ret(3).bytes());
      expect.unreachable();
    } catch (err) {
      expect((err as AsmapError).bitOffset).toBe(at);
      expect((err as Error).message).toContain(`at bit ${at}`);
    }
  });
  it('refuses what is not bytes', () => {
    expect(() => Asmap.fromBytes('abc' as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe("lookup: Core's GetMappedAS rules", () => {
  // Everything in one AS, so that only the rules decide.
  const everything = Asmap.fromBytes(encodeAsmap([{ prefix: '::/0', asn: 7 }]));

  it.each([
    '10.1.1.1',
    '172.16.0.1',
    '192.168.1.1',
    '127.0.0.1',
    '0.1.2.3',
    '0.0.0.0',
    '169.254.1.1',
    '100.64.0.1',
    '198.18.0.1',
    '192.0.2.1',
    '198.51.100.1',
    '203.0.113.1',
    '255.255.255.255',
    '2001:db8::1',
    'fc00::1',
    'fd6b:88c0:8724::1',
    'fe80::1',
    '2001:10::1',
    '2001:20::1',
    '::',
    '::1',
  ])('%s is not routable: 0 without consulting the map', (ip) => {
    expect(everything.lookup(ip)).toBe(0);
    expect(everything.lookup(parseIpBytes(ip))).toBe(0);
    expect(everything.interpret(ip)).toBe(7);
  });

  it.each(['1.2.3.4', '250.1.1.1', '224.0.0.1', '2a01:4f8::1', 'fe80:0:0:1::1', '::1.2.3.4', '2002:a00:1::1'])('%s is routable: mapped', (ip) => {
    expect(everything.lookup(ip)).toBe(7);
  });

  const table: AsmapEntry[] = [
    { prefix: '1.2.0.0/16', asn: 100 },
    { prefix: '10.0.0.0/8', asn: 600 },
    { prefix: '2002::/16', asn: 200 },
    { prefix: '2001::/32', asn: 300 },
    { prefix: '64:ff9b::/96', asn: 400 },
    { prefix: '::/96', asn: 500 },
    { prefix: '2a01::/16', asn: 700 },
  ];
  const map = Asmap.fromBytes(encodeAsmap(table));

  it('looks IPv4 up as ::ffff:a.b.c.d', () => {
    expect(map.lookup('1.2.3.4')).toBe(100);
    expect(map.lookup('::ffff:1.2.3.4')).toBe(100);
    expect(map.interpret('::ffff:102:304')).toBe(100);
    expect(map.lookup('1.3.0.1')).toBe(0);
  });

  it('looks IPv6 that embeds IPv4 up by its IPv4: 6to4, Teredo (bit-flipped), NAT64, IPv4-translated', () => {
    expect(map.lookup('2002:102:304:9999:9999:9999:9999:9999')).toBe(100); // RFC 3964, bytes 2-5
    expect(map.lookup('2001:0:9999:9999:9999:9999:fefd:fcfb')).toBe(100); // RFC 4380: ~fefd:fcfb = 1.2.3.4
    expect(map.lookup('64:ff9b::102:304')).toBe(100); // RFC 6052
    expect(map.lookup('::ffff:0:102:304')).toBe(100); // RFC 6145
    // The map itself says otherwise for these bits: the rule, not the map, decides.
    expect(map.interpret('2002:102:304::')).toBe(200);
    expect(map.interpret('2001:0:9999::fefd:fcfb')).toBe(300);
    expect(map.interpret('64:ff9b::102:304')).toBe(400);
    // Unmapped embedded IPv4: 0, not the tunnel prefix's AS.
    expect(map.lookup('2002:505:505::1')).toBe(0);
  });

  it('judges routability on the IPv6 address: 6to4 of a private IPv4 is routable and looked up by that IPv4', () => {
    expect(map.lookup('10.0.0.1')).toBe(0);
    expect(map.lookup('2002:a00:1::1')).toBe(600);
  });

  it('treats ::a.b.c.d (IPv4-compatible) as plain IPv6', () => {
    expect(map.lookup('::1.2.3.4')).toBe(500);
    expect(map.lookup('2a01:4f8::1')).toBe(700);
  });

  it('throws AddressParseError for text that is not an address', () => {
    expect(() => map.lookup('1.2.3')).toThrow(AddressParseError);
    expect(() => map.lookup('1.2.3.256')).toThrow(AddressParseError);
    expect(() => map.lookup('nonsense:')).toThrow(AddressParseError);
  });
});

describe('netGroup with an asmap', () => {
  const map = Asmap.fromBytes(
    encodeAsmap([
      { prefix: '1.2.0.0/16', asn: 13335 },
      { prefix: '2606:4700::/32', asn: 13335 },
      { prefix: '2001:470::/32', asn: 6939 },
      { prefix: '10.0.0.0/8', asn: 64512 },
      { prefix: '127.0.0.0/8', asn: 64513 },
      { prefix: '5.6.0.0/16', asn: 298 },
    ]),
  );
  const g = (ip: string, opts = {}) => Array.from(netGroup(ip, { asmap: map, ...opts }));

  it('is {2, asn u32 LE} for IPv4 and IPv6 of one AS alike', () => {
    expect(g('1.2.3.4')).toEqual([2, 0x17, 0x34, 0, 0]); // 13335 = 0x3417
    expect(g('2606:4700::1111')).toEqual([2, 0x17, 0x34, 0, 0]);
    expect(g('2002:102:304::')).toEqual([2, 0x17, 0x34, 0, 0]);
  });

  it('keeps the ordinary group where the map has no AS', () => {
    expect(g('1.3.4.5')).toEqual([1, 1, 3]);
    expect(g('2a01:4f8::1')).toEqual([2, 0x2a, 0x01, 0x04, 0xf8]);
  });

  it('keeps the AS group where the ordinary group would be a /36 (Hurricane Electric)', () => {
    expect(g('2001:470:abcd::1')).toEqual([2, 0x1b, 0x1b, 0, 0]); // 6939 = 0x1b1b
    expect(Array.from(netGroup('2001:470:abcd::1'))).toEqual([2, 0x20, 0x01, 0x04, 0x70, 0xaf]);
  });

  it('never looks up loopback or private addresses let in by allowLoopback/allowPrivate', () => {
    expect(g('10.7.1.1', { allowPrivate: true })).toEqual([1, 10, 7]);
    expect(g('127.3.0.1', { allowLoopback: true })).toEqual([1, 127, 3]);
    expect(g('10.7.1.1')).toEqual([0]);
  });

  it('names AS groups AS<n> when told the group came from the map, and netGroupName knows by itself', () => {
    expect(formatNetGroup(netGroup('1.2.3.4', { asmap: map }), { mapped: true })).toBe('AS13335');
    // The bytes alone look like an IPv6 /32 group: 13335 LE = 17 34 00 00.
    expect(formatNetGroup(netGroup('1.2.3.4', { asmap: map }))).toBe('1734:0::/32');
    expect(netGroupName('1.2.3.4', { asmap: map })).toBe('AS13335');
    expect(netGroupName('2606:4700::1', { asmap: map })).toBe('AS13335');
    expect(netGroupName('1.3.4.5', { asmap: map })).toBe('1.3.0.0/16');
    expect(netGroupName('10.7.1.1', { asmap: map, allowPrivate: true })).toBe('10.7.0.0/16');
    expect(netGroupName('1.2.3.4')).toBe('1.2.0.0/16');
    // AS298 = 2a 01 00 00: the same bytes as the /32 group of 2a01::/32, which the map leaves unmapped.
    expect(netGroup('5.6.7.8', { asmap: map })).toEqual(netGroup('2a01::1', { asmap: map }));
    expect(netGroupName('5.6.7.8', { asmap: map })).toBe('AS298');
    expect(netGroupName('2a01::1', { asmap: map })).toBe('2a01:0::/32');
  });
});

describe('encodeAsmap', () => {
  /** The AS of the longest prefix of `table` containing `ip` (16 bytes), 0 when none: the meaning of a table. */
  function longestMatch(table: { bytes: Uint8Array; length: number; asn: number }[], ip: Uint8Array): number {
    let best = -1;
    let asn = 0;
    for (const t of table) {
      if (t.length <= best) continue;
      let inside = true;
      for (let i = 0; i < t.length && inside; i++) {
        if (((ip[i >>> 3]! ^ t.bytes[i >>> 3]!) >>> (7 - (i & 7))) & 1) inside = false;
      }
      if (inside) {
        best = t.length;
        asn = t.asn;
      }
    }
    return asn;
  }

  const parse = (e: AsmapEntry) => {
    const [address, len] = e.prefix.split('/') as [string, string];
    const v6 = address.includes(':');
    return { bytes: parseIpBytes(address), length: Number(len) + (v6 ? 0 : 96), asn: e.asn };
  };

  /** A prefix of `length` bits of `seed`, as CIDR text. */
  const prefixOf = (v6: boolean, seed: Uint8Array, length: number): string => {
    const bytes = seed.slice();
    const total = v6 ? 128 : 32;
    const off = v6 ? 0 : 12;
    for (let i = length; i < total; i++) bytes[off + (i >>> 3)]! &= ~(0x80 >>> (i & 7));
    if (v6) {
      const words: string[] = [];
      for (let i = 0; i < 8; i++) words.push(((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16));
      return `${words.join(':')}/${length}`;
    }
    return `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}/${length}`;
  };

  // Prefixes clustered in a few ranges so that they nest and overlap; AS numbers from a small pool
  // (so that siblings share ASes and DEFAULT pays) plus the extremes of the format, and 0 for holes.
  const asn = fc.oneof(fc.constantFrom(0, 1, 2, 3, 1000, ASMAP_MAX_ASN), fc.integer({ min: 1, max: ASMAP_MAX_ASN }));
  const v4 = fc
    .tuple(fc.constantFrom(1, 101, 250, 10, 0, 255), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 32 }), asn)
    .map(([a, b, c, d, len, n]) => ({ prefix: prefixOf(false, Uint8Array.from([...new Array<number>(10).fill(0), 0xff, 0xff, a, b, c, d]), len), asn: n }));
  // IPv6 around a few real prefixes, in ::ffff:0:0/96 (overlapping the IPv4 ones) and near ::.
  const v6 = fc
    .tuple(
      fc.constantFrom([0x2a01, 0x4f8, -1, 0, 0, 0, 0, -1], [0x2001, 0x470, -1, 0, 0, 0, 0, -1], [0x2002, 0x102, -1, 0, 0, 0, 0, -1], [0, 0, 0, 0, 0, 0xffff, -1, -1], [0, 0, 0, 0, 0, 0, 0, -1]),
      fc.integer({ min: 0, max: 0xffff }),
      fc.integer({ min: 0, max: 128 }),
      asn,
    )
    .map(([words, x, len, n]) => {
      const bytes = new Uint8Array(16);
      words.forEach((w, i) => {
        const v = w < 0 ? x : w;
        bytes[2 * i] = v >> 8;
        bytes[2 * i + 1] = v & 0xff;
      });
      return { prefix: prefixOf(true, bytes, len), asn: n };
    });
  const tableArb = fc.uniqueArray(fc.oneof({ weight: 3, arbitrary: v4 }, { weight: 1, arbitrary: v6 }), {
    minLength: 1,
    maxLength: 24,
    selector: (e) => parse(e).bytes.join('.') + '/' + parse(e).length,
  });

  it('round-trips random tables: Core accepts the bytes, every lookup is the longest match, entries() gives the table back', () => {
    fc.assert(
      fc.property(tableArb, fc.array(fc.uint8Array({ minLength: 16, maxLength: 16 }), { maxLength: 8 }), (table, randomIps) => {
        const parsed = table.map(parse);
        if (!table.some((e) => e.asn !== 0)) {
          expect(() => encodeAsmap(table)).toThrow(RangeError);
          return;
        }
        let bytes: Uint8Array;
        try {
          bytes = encodeAsmap(table);
        } catch (err) {
          // Only a table whose mapped prefixes are all overridden by holes maps nothing.
          expect(err).toBeInstanceOf(RangeError);
          expect((err as Error).message).toMatch(/maps no address/);
          return;
        }
        const map = Asmap.fromBytes(bytes); // Core's sanity check
        // Every prefix's first and last address, and random addresses (mapped into the IPv4 space too).
        const probes: Uint8Array[] = [];
        for (const t of parsed) {
          const last = t.bytes.slice();
          for (let i = t.length; i < 128; i++) last[i >>> 3]! |= 0x80 >>> (i & 7);
          probes.push(t.bytes, last);
        }
        for (const r of randomIps) {
          probes.push(r);
          const mapped = r.slice();
          mapped.set([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]);
          probes.push(mapped);
        }
        for (const ip of probes) expect(map.interpret(ip)).toBe(longestMatch(parsed, ip));
        // The decoded table: non-overlapping prefixes with the same meaning, re-encoded to the same bytes.
        const entries = map.entries();
        expect(Buffer.from(encodeAsmap(entries)).equals(Buffer.from(bytes))).toBe(true);
        const decoded = entries.map(parse);
        for (const ip of probes) expect(longestMatch(decoded, ip)).toBe(longestMatch(parsed, ip));
        expect(entries.every((e) => e.asn > 0)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('gives a non-overlapping table back as it was, in address order', () => {
    const table: AsmapEntry[] = [
      { prefix: '1.2.0.0/16', asn: 100 },
      { prefix: '1.3.0.0/16', asn: 200 },
      { prefix: '8.8.8.0/24', asn: 15169 },
      { prefix: '2001:470::/32', asn: 6939 },
      { prefix: '2a01:4f8::/29', asn: 24940 },
    ];
    const entries = Asmap.fromBytes(encodeAsmap(table)).entries();
    // IPv4 lives in ::ffff:0:0/96, below 2000::/3.
    expect(entries).toEqual(table);
  });

  it('writes ASNs up to the format limit (33,521,664) and refuses bad tables', () => {
    expect(Asmap.fromBytes(encodeAsmap([{ prefix: '1.0.0.0/8', asn: ASMAP_MAX_ASN }])).lookup('1.1.1.1')).toBe(ASMAP_MAX_ASN);
    expect(() => encodeAsmap([{ prefix: '1.0.0.0/8', asn: ASMAP_MAX_ASN + 1 }])).toThrow(RangeError);
    expect(() => encodeAsmap([{ prefix: '1.0.0.0/8', asn: -1 }])).toThrow(RangeError);
    expect(() => encodeAsmap([])).toThrow(/maps no address/);
    expect(() => encodeAsmap([{ prefix: '1.0.0.0/8', asn: 0 }])).toThrow(/maps no address/);
    expect(() => encodeAsmap([{ prefix: '1.0.0.0/8', asn: 1 }, { prefix: '1.0.0.0/8', asn: 2 }])).toThrow(/mapped twice/);
    expect(Asmap.fromBytes(encodeAsmap([{ prefix: '1.0.0.0/8', asn: 1 }, { prefix: '1.0.0.0/8', asn: 1 }])).lookup('1.9.9.9')).toBe(1);
    expect(() => encodeAsmap([{ prefix: '1.2.3.4/8', asn: 1 }])).toThrow(/beyond the prefix length/);
    expect(() => encodeAsmap([{ prefix: '1.2.3.0/33', asn: 1 }])).toThrow(AddressParseError);
    expect(() => encodeAsmap([{ prefix: '1.2.3.0', asn: 1 }])).toThrow(AddressParseError);
  });

  it('punches holes with AS0 and lets longer prefixes win', () => {
    const map = Asmap.fromBytes(
      encodeAsmap([
        { prefix: '0.0.0.0/0', asn: 1 },
        { prefix: '8.0.0.0/8', asn: 0 },
        { prefix: '8.8.8.0/24', asn: 15169 },
      ]),
    );
    expect(map.lookup('9.9.9.9')).toBe(1);
    expect(map.lookup('8.8.4.4')).toBe(0);
    expect(map.lookup('8.8.8.8')).toBe(15169);
    expect(map.lookup('2a01::1')).toBe(0);
  });
});
