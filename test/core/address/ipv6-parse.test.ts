// The character-by-character IPv6 parser against the straightforward split-and-regex rule it replaced.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressParseError, formatIpBytes, parseIpBytes } from '../../../src/core/address/index.js';

/** The strict rule, written plainly (the parser before it was rewritten for speed). */
function reference(s: string): Uint8Array | undefined {
  if (s.length < 2 || s.length > 45) return undefined;
  const v4 = (t: string): number[] | undefined => {
    const parts = t.split('.');
    if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
    const b = parts.map(Number);
    return [(b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!];
  };
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (text: string, allowV4Tail: boolean): number[] | undefined => {
    if (text === '') return [];
    const parts = text.split(':');
    const words: number[] = [];
    for (let i = 0; i < parts.length; i++) {
      const g = parts[i]!;
      if (allowV4Tail && i === parts.length - 1 && g.includes('.')) {
        const w = v4(g);
        if (!w) return undefined;
        words.push(...w);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      words.push(parseInt(g, 16));
    }
    return words;
  };
  let words: number[];
  if (halves.length === 2) {
    const head = groups(halves[0]!, false);
    const tail = groups(halves[1]!, true);
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = groups(s, true);
    if (!all || all.length !== 8) return undefined;
    words = all;
  }
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

function ours(s: string): Uint8Array | undefined {
  try {
    return parseIpBytes(s);
  } catch (err) {
    expect(err).toBeInstanceOf(AddressParseError);
    return undefined;
  }
}

describe('IPv6 text parsing', () => {
  it('agrees with the plain rule on arbitrary strings of the IPv6 alphabet', () => {
    const alphabet = fc.constantFrom(...'0123456789abcdefABCDEFg:::::....'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { minLength: 2, maxLength: 46 }).map((cs) => cs.join('')), (s) => {
        if (!s.includes(':')) return; // IPv4 text takes the other parser
        expect(ours(s)).toEqual(reference(s));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees on near-valid addresses: real ones with groups dropped, doubled, compressed or given an IPv4 tail', () => {
    const word = fc.oneof(fc.integer({ min: 0, max: 0xffff }).map((w) => w.toString(16)), fc.constantFrom('0', '00', '0000', 'FFFF', '12345', ''));
    const tail = fc.oneof(fc.constant(''), fc.constantFrom('1.2.3.4', '255.255.255.255', '01.2.3.4', '1.2.3', '256.1.1.1'));
    fc.assert(
      fc.property(fc.array(word, { minLength: 0, maxLength: 9 }), fc.integer({ min: -1, max: 9 }), tail, (ws, gapAt, v4) => {
        const parts = [...ws];
        if (v4) parts.push(v4);
        let s = parts.join(':');
        if (gapAt >= 0 && gapAt <= parts.length) s = [parts.slice(0, gapAt).join(':'), parts.slice(gapAt).join(':')].join('::');
        if (!s.includes(':')) return;
        expect(ours(s)).toEqual(reference(s));
      }),
      { numRuns: 20_000 },
    );
  });

  it('round-trips canonical text of random addresses', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.integer({ min: 0, max: 3 }), (bytes, zeros) => {
        const b = bytes.slice();
        b.fill(0, 4, 4 + 2 * zeros);
        const text = formatIpBytes(b);
        if (!text.includes(':')) return;
        expect(parseIpBytes(text)).toEqual(b);
        expect(parseIpBytes(text.toUpperCase())).toEqual(b);
      }),
    );
  });

  it.each(['::', '::1', '1::', '::ffff:1.2.3.4', '64:ff9b::1.2.3.4', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:1.2.3.4', '2001:DB8::a:B:c'])('parses %s', (s) => {
    expect(ours(s)).toEqual(reference(s));
    expect(ours(s)).toBeDefined();
  });

  it.each([':::', '1:::2', '1::2::3', ':1::2', '1:2:3:4:5:6:7:8:', '1:2:3:4:5:6:7:8::', '1.2.3.4::', '::1.2.3.4:5', '1:2:3:4:5:6:7:1.2.3.4', '12345::', '::g'])(
    'refuses %s',
    (s) => {
      expect(ours(s)).toBeUndefined();
      expect(reference(s)).toBeUndefined();
    },
  );
});
