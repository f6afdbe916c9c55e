import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyMidstate, sha256, sha256d, sha256dCheap, sha256dCheapKeyed, u64Mod } from '../../../src/core/hash/index.js';

const nodeSha = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('sha256', () => {
  it('matches the FIPS 180 examples', () => {
    expect(hex(sha256(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(sha256(new TextEncoder().encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('matches node:crypto on random inputs of every length around the block boundaries', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (data) => {
        expect(hex(sha256(data))).toBe(hex(nodeSha(data)));
        expect(hex(sha256d(data))).toBe(hex(nodeSha(nodeSha(data))));
      }),
      { numRuns: 400 },
    );
    for (let n = 50; n <= 130; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      expect(hex(sha256(data))).toBe(hex(nodeSha(data)));
    }
  });

  it('hashes a prefix when given a length', () => {
    const data = Uint8Array.from({ length: 80 }, (_, i) => i);
    expect(hex(sha256(data, 33))).toBe(hex(nodeSha(data.subarray(0, 33))));
  });

  it('computes the cheap hash (first 8 bytes of SHA-256d, little-endian) with and without a key midstate', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 0, maxLength: 31 }), (key, rest) => {
        const msg = new Uint8Array(64);
        msg.set(key);
        msg.set(rest, 32);
        const len = 32 + rest.length;
        const d = nodeSha(nodeSha(msg.subarray(0, len)));
        const expected = Buffer.from(d.subarray(0, 8)).readBigUInt64LE();
        const out = new Uint32Array(2);
        sha256dCheap(msg, len, out);
        expect(BigInt(out[0]!) | (BigInt(out[1]!) << 32n)).toBe(expected);
        const block = new Uint8Array(64);
        block.set(rest, 32);
        sha256dCheapKeyed(keyMidstate(key), block, len, out);
        expect(BigInt(out[0]!) | (BigInt(out[1]!) << 32n)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('reduces a u64 modulo any table size exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.integer({ min: 1, max: 1 << 20 }), (v, n) => {
        expect(u64Mod(Number(v & 0xffffffffn), Number(v >> 32n), n)).toBe(Number(v % BigInt(n)));
      }),
    );
  });
});
