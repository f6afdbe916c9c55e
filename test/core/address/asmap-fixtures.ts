// Bitcoin Core's test asmap and a bit writer for hand-made asmap programs, shared by the asmap tests.

/**
 * Bitcoin Core's src/test/data/asmap.raw (59 bytes), the "artificial minimal mock mapping" its
 * addrman_tests.cpp buckets with: 250.0.0.0/8 AS1000 and 101.n.0.0/16 ASn for n = 1..8 (encoded
 * with asmap.py's fill option, so the map really says 101.0.0.0/15 AS1, 101.8.0.0/13 AS8 and
 * 128.0.0.0/1 AS1000: ranges the comment does not mention may be filled). The bytes come from a
 * gtest port of Core's addrman tests in a Komodo-family repository, which embeds the file with
 * `xxd -i`; Core's test/functional/feature_asmap.py pins the file by its asmap version
 * fec61fa2…15853, which the tests recompute from these bytes, so they are Core's file to the bit.
 * Bitcoin Core is MIT-licensed, © The Bitcoin Core developers.
 */
export const CORE_TEST_ASMAP = Uint8Array.from([
  0xfb, 0x03, 0xec, 0x0f, 0xb0, 0x3f, 0xc0, 0xfe, 0x00, 0xfb, 0x03, 0xec, 0x0f, 0xb0, 0x3f, 0xc0, 0xfe, 0x00, 0xfb, 0x03, 0xec, 0x0f,
  0xb0, 0xff, 0xff, 0xfe, 0xff, 0xed, 0xb0, 0xff, 0xd4, 0x86, 0xe6, 0x28, 0x29, 0x00, 0x00, 0x40, 0x00, 0x00, 0x40, 0x00, 0x40, 0x99,
  0x01, 0x00, 0x80, 0x01, 0x80, 0x04, 0x00, 0x00, 0x05, 0x00, 0x06, 0x00, 0x1c, 0xf0, 0x39,
]);

/** feature_asmap.py's VERSION of that file: Core's asmap version as it was computed then (SHA-256d over the serialized vector<bool>). */
export const CORE_TEST_ASMAP_VERSION = 'fec61fa21a9f46f3b17bdcd660d7f4cd90b966aad3aec593c99b35f0aca15853';

export const RETURN = 0;
export const JUMP = 1;
export const MATCH = 2;
export const DEFAULT = 3;

const TYPE_BITS = [0, 0, 1];
const ASN_BITS = [15, 16, 17, 18, 19, 20, 21, 22, 23, 24];
const MATCH_BITS = [1, 2, 3, 4, 5, 6, 7, 8];
const JUMP_BITS = Array.from({ length: 26 }, (_, i) => i + 5);

/**
 * Writes asmap programs bit by bit, as the EncodeBits helper of Core's src/test/asmap_tests.cpp
 * does: an independent writer, so that the tests do not check the decoder against itself.
 */
export class ProgramWriter {
  readonly bits: number[] = [];

  private number(value: number, min: number, sizes: number[]): this {
    let current = min;
    for (let i = 0; i < sizes.length; i++) {
      const size = sizes[i]!;
      const last = i + 1 === sizes.length;
      if (last || value < current + 2 ** size) {
        if (!last) this.bits.push(0);
        const diff = value - current;
        if (diff >= 2 ** size) throw new Error(`cannot encode ${value}`);
        for (let b = size - 1; b >= 0; b--) this.bits.push(Math.floor(diff / 2 ** b) % 2);
        return this;
      }
      this.bits.push(1);
      current += 2 ** size;
    }
    return this;
  }

  ret(asn: number): this {
    return this.number(RETURN, 0, TYPE_BITS).number(asn, 1, ASN_BITS);
  }
  dflt(asn: number): this {
    return this.number(DEFAULT, 0, TYPE_BITS).number(asn, 1, ASN_BITS);
  }
  /** MATCH of the given pattern bits (1 to 8 of them). */
  match(pattern: number[]): this {
    let value = 1;
    for (const b of pattern) value = value * 2 + b;
    return this.number(MATCH, 0, TYPE_BITS).number(value, 2, MATCH_BITS);
  }
  /** JUMP over `offset` bits (the length of the 0-side that follows). */
  jump(offset: number): this {
    return this.number(JUMP, 0, TYPE_BITS).number(offset, 17, JUMP_BITS);
  }
  /** Raw bits (for padding tests). */
  raw(...bits: number[]): this {
    this.bits.push(...bits);
    return this;
  }
  get length(): number {
    return this.bits.length;
  }

  /** The program as bytes, least significant bit first, zero-padded to a byte boundary. */
  bytes(): Uint8Array {
    const out = new Uint8Array(Math.ceil(this.bits.length / 8));
    this.bits.forEach((b, i) => {
      if (b) out[i >>> 3]! |= 1 << (i & 7);
    });
    return out;
  }
}

/** An IPv6 address whose first bits are `bits` and the rest zero, as text. */
export function addressWithLeadingBits(bits: number[]): string {
  const bytes = new Uint8Array(16);
  bits.forEach((b, i) => {
    if (b) bytes[i >>> 3]! |= 0x80 >>> (i & 7);
  });
  const words: string[] = [];
  for (let i = 0; i < 8; i++) words.push(((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16));
  return words.join(':');
}
