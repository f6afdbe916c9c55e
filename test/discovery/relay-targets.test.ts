import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EndpointIds, nodeId64, RelayTargetPicker, RELAY_ROTATE_MS, type Id64 } from '../../src/discovery/relay-targets.js';
import { SipHasher } from '../../src/discovery/siphash.js';

const key = new Uint8Array(32).fill(3);
const peers = Array.from({ length: 20 }, (_, i) => ({ name: `peer-${String(i).padStart(2, '0')}`, ...nodeId64(`peer-${i}`) }));
const ids = new EndpointIds(key);
const addr = (text: string): Id64 => {
  const [ip, port] = text.split(':');
  const { hi, lo } = ids.of({ ip: ip!, port: Number(port) });
  return { hi, lo };
};
const names = (xs: { name: string }[]) => xs.map((x) => x.name);

/** An independent SipHash-2-4 over BigInt words, for checking the 32-bit-halves implementation. */
function sipReference(k0: bigint, k1: bigint, words: bigint[]): bigint {
  const M = (1n << 64n) - 1n;
  const rotl = (x: bigint, b: bigint) => ((x << b) | (x >> (64n - b))) & M;
  let v = [k0 ^ 0x736f6d6570736575n, k1 ^ 0x646f72616e646f6dn, k0 ^ 0x6c7967656e657261n, k1 ^ 0x7465646279746573n];
  const round = () => {
    let [v0, v1, v2, v3] = v as [bigint, bigint, bigint, bigint];
    v0 = (v0 + v1) & M; v1 = rotl(v1, 13n); v1 ^= v0; v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & M; v3 = rotl(v3, 16n); v3 ^= v2;
    v0 = (v0 + v3) & M; v3 = rotl(v3, 21n); v3 ^= v0;
    v2 = (v2 + v1) & M; v1 = rotl(v1, 17n); v1 ^= v2; v2 = rotl(v2, 32n);
    v = [v0, v1, v2, v3];
  };
  for (const m of words) {
    v[3]! ^= m; round(); round(); v[0]! ^= m;
  }
  const b = BigInt(words.length * 8) << 56n;
  v[3]! ^= b; round(); round(); v[0]! ^= b;
  v[2]! ^= 0xffn;
  for (let i = 0; i < 4; i++) round();
  return v[0]! ^ v[1]! ^ v[2]! ^ v[3]!;
}

describe('SipHasher', () => {
  const k = Uint8Array.from({ length: 16 }, (_, i) => i);
  const hex = ([hi, lo]: [number, number]) => hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');

  it("matches SipHash-2-4's published vectors (key 00..0f, messages 00.., 0, 8 and 16 bytes) and Core's CSipHasher test", () => {
    expect(hex(SipHasher.keyed(k).digest())).toBe('726fdb47dd0e0e31');
    expect(hex(SipHasher.keyed(k).hashWith(0x07060504, 0x03020100))).toBe('93f5f5799a932462');
    expect(hex(SipHasher.keyed(k).write(0x07060504, 0x03020100).hashWith(0x0f0e0d0c, 0x0b0a0908))).toBe('3f2acc7f57c29bdb');
  });

  it('agrees with a BigInt reference on random keys and words; hashWith leaves the state as it was', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(0xffffffff), { minLength: 4, maxLength: 4 }), fc.array(fc.tuple(fc.nat(0xffffffff), fc.nat(0xffffffff)), { maxLength: 5 }), (kw, words) => {
        const h = new SipHasher(kw[0]!, kw[1]!, kw[2]!, kw[3]!);
        for (const [hi, lo] of words) h.write(hi, lo);
        const k0 = (BigInt(kw[0]!) << 32n) | BigInt(kw[1]!);
        const k1 = (BigInt(kw[2]!) << 32n) | BigInt(kw[3]!);
        const ref = sipReference(k0, k1, [...words.map(([hi, lo]) => (BigInt(hi) << 32n) | BigInt(lo)), 0x1234n]);
        const got = h.hashWith(0, 0x1234);
        const again = h.hashWith(0, 0x1234);
        return ((BigInt(got[0]) << 32n) | BigInt(got[1])) === ref && again[0] === got[0] && again[1] === got[1];
      }),
      { numRuns: 200 },
    );
  });
});

describe('RelayTargetPicker', () => {
  const picker = new RelayTargetPicker(key);

  it('picks 2 distinct candidates, the same ones for the same address within its 24 h period, whatever their order', () => {
    const t0 = 1_700_000_000_000;
    const a = picker.pick(addr('1.2.3.4:7000'), t0, peers);
    expect(a).toHaveLength(2);
    expect(new Set(a).size).toBe(2);
    const period = RelayTargetPicker.period(addr('1.2.3.4:7000'), t0);
    // A moment later within the same period, candidates in another order: the same two.
    const later = t0 + 1000;
    if (RelayTargetPicker.period(addr('1.2.3.4:7000'), later) === period) expect(picker.pick(addr('1.2.3.4:7000'), later, [...peers].reverse())).toEqual(a);
  });

  it('rotates across periods, differs between addresses, and depends on the secret key', () => {
    const t0 = 1_700_000_000_000;
    const periods = new Set<string>();
    for (let d = 0; d < 10; d++) periods.add(names(picker.pick(addr('1.2.3.4:7000'), t0 + d * RELAY_ROTATE_MS, peers)).join());
    expect(periods.size).toBeGreaterThan(5);
    const addresses = new Set<string>();
    for (let i = 0; i < 10; i++) addresses.add(names(picker.pick(addr(`1.2.3.${i}:7000`), t0, peers)).join());
    expect(addresses.size).toBeGreaterThan(5);
    const other = new RelayTargetPicker(new Uint8Array(32).fill(4));
    expect(names(other.pick(addr('1.2.3.4:7000'), t0, peers))).not.toEqual(names(picker.pick(addr('1.2.3.4:7000'), t0, peers)));
  });

  it('each address rotates at its own offset: a day boundary does not move every address at once', () => {
    const periods = new Set<number>();
    for (let i = 0; i < 50; i++) periods.add(RelayTargetPicker.period(addr(`5.6.7.${i}:7000`), 1_700_000_000_000));
    expect(periods.size).toBe(2);
  });

  it('never picks the excluded candidate, and returns every candidate when there are at most 2', () => {
    const a = picker.pick(addr('1.2.3.4:7000'), 0, peers);
    const without = picker.pick(addr('1.2.3.4:7000'), 0, peers, a[0]);
    expect(without).not.toContain(a[0]);
    expect(without[0]).toBe(a[1]);
    expect(names(picker.pick(addr('1.2.3.4:7000'), 0, peers.slice(0, 1)))).toEqual([peers[0]!.name]);
    expect(picker.pick(addr('1.2.3.4:7000'), 0, [])).toEqual([]);
    expect(picker.pick(addr('1.2.3.4:7000'), 0, peers, undefined, 3)).toHaveLength(3);
  });

  it('spreads addresses over all candidates (no peer is never chosen)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (now) => {
        const hits = new Map<string, number>();
        for (let i = 0; i < 400; i++) for (const p of picker.pick(addr(`9.9.${i >> 8}.${i & 255}:7000`), now, peers)) hits.set(p.name, (hits.get(p.name) ?? 0) + 1);
        return hits.size === peers.length;
      }),
      { numRuns: 5 },
    );
  });
});

describe('EndpointIds', () => {
  it('gives one id per endpoint, different ids to different endpoints and keys', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const { hi, lo } = ids.of({ ip: `10.${i >> 8}.${i & 255}.1`, port: 7000 + (i % 3) });
      seen.add(`${hi}:${lo}`);
    }
    expect(seen.size).toBe(20_000);
    const a = { ...ids.of({ ip: '1.2.3.4', port: 7000 }) };
    expect({ ...ids.of({ ip: '1.2.3.4', port: 7000 }) }).toEqual(a);
    expect({ ...ids.of({ ip: '1.2.3.4', port: 7001 }) }).not.toEqual(a);
    expect({ ...new EndpointIds(new Uint8Array(32).fill(9)).of({ ip: '1.2.3.4', port: 7000 }) }).not.toEqual(a);
  });
});
