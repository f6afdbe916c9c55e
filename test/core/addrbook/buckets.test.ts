import { describe, expect, it } from 'vitest';
import { bucketPosition, newBucket, triedBucket } from '../../../src/core/addrbook/index.js';
import { netGroup } from '../../../src/core/address/index.js';
import { deterministicKey, key1, key2 } from './helpers.js';

describe('bucket hashing (Bitcoin Core reference vectors)', () => {
  it('derives the test key as Core does', () => {
    expect(Buffer.from(key1).toString('hex')).toBe('41f758f2e5cc078d3795b4fc0cb60c2d735fa92cc020572bdc982dd2d564d11b');
  });

  it('places 250.1.1.1:8333 in tried bucket 40 (position 28) and :9999 in 113', () => {
    expect(triedBucket(key1, '250.1.1.1:8333')).toBe(40);
    expect(bucketPosition(key1, false, 40, '250.1.1.1:8333')).toBe(28);
    expect(triedBucket(key1, '250.1.1.1:9999')).toBe(113);
    expect(triedBucket(key1, { ip: '250.1.1.1', port: 9999 })).toBe(113);
  });

  it('places 250.1.2.1:8333 from 250.1.2.1 in new bucket 786 (position 55), whatever the port', () => {
    expect(newBucket(key1, '250.1.2.1:8333', '250.1.2.1')).toBe(786);
    expect(newBucket(key1, '250.1.2.1:8333', '250.1.2.1:8333')).toBe(786);
    expect(newBucket(key1, '250.1.2.1:9999', '250.1.2.1')).toBe(786);
    expect(bucketPosition(key1, true, 786, '250.1.2.1:8333')).toBe(55);
    expect(bucketPosition(key1, true, 786, '250.1.2.1:9999')).not.toBe(55);
  });

  it('changes every placement with the key', () => {
    expect(triedBucket(key2, '250.1.1.1:8333')).toBe(191);
    expect(newBucket(key2, '250.1.2.1:8333', '250.1.2.1')).toBe(852);
  });

  it('spreads one /16 over exactly 8 tried buckets and 255 /16s over 160', () => {
    const one = new Set<number>();
    for (let i = 0; i < 255; i++) one.add(triedBucket(key1, `250.1.1.${i}:0`));
    expect(one.size).toBe(8);
    const many = new Set<number>();
    for (let j = 0; j < 255; j++) many.add(triedBucket(key1, `250.${j}.1.1:0`));
    expect(many.size).toBe(160);
  });

  it('puts one /16 from itself in one new bucket, one source in at most 64, many sources in more', () => {
    const same = new Set<number>();
    for (let i = 0; i < 255; i++) same.add(newBucket(key1, `250.1.1.${i}:0`, `250.1.1.${i}`));
    expect(same.size).toBe(1);
    const oneSource = new Set<number>();
    for (let j = 0; j < 4 * 255; j++) oneSource.add(newBucket(key1, `${250 + Math.floor(j / 255)}.${j % 256}.1.1:0`, '251.4.1.1'));
    expect(oneSource.size).toBeLessThanOrEqual(64);
    const sources = new Set<number>();
    for (let p = 0; p < 255; p++) sources.add(newBucket(key1, '250.1.1.1:0', `250.${p}.1.1`));
    expect(sources.size).toBeGreaterThan(64);
  });

  it('maps 250.1.1.19 and 250.1.1.36 to the same tried slot under the deterministic key', () => {
    const k = deterministicKey();
    expect(triedBucket(k, '250.1.1.19:0')).toBe(121);
    expect(triedBucket(k, '250.1.1.36:0')).toBe(121);
    expect(bucketPosition(k, false, 121, '250.1.1.19:0')).toBe(bucketPosition(k, false, 121, '250.1.1.36:0'));
  });

  it('honours the grouping options and scaled bucket counts', () => {
    // Loopback addresses form one group unless allowLoopback groups them by /16.
    expect(netGroup('127.1.2.3')).toEqual(netGroup('127.9.2.3'));
    const plain = new Set<number>();
    const grouped = new Set<number>();
    for (let j = 0; j < 50; j++) {
      plain.add(newBucket(key1, `127.${j}.0.1:7000`, '127.0.0.1'));
      grouped.add(newBucket(key1, `127.${j}.0.1:7000`, '127.0.0.1', { allowLoopback: true }));
    }
    expect(plain.size).toBe(1);
    expect(grouped.size).toBeGreaterThan(1);
    expect(triedBucket(key1, '250.1.1.1:8333', { bucketCount: 16 })).toBeLessThan(16);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => triedBucket(new Uint8Array(31), '250.1.1.1:1')).toThrow(/32 bytes/);
  });
});
