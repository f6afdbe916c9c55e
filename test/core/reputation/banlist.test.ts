import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseIpBytes } from '../../../src/core/address/index.js';
import { BanDurationError, BanList, BanTargetError, parseBanTarget, type BanEntry, type BanTarget } from '../../../src/core/reputation/index.js';

/** An independent matcher: 128-bit integers and a shift, nothing shared with the code under test. */
function naiveMatch(t: BanTarget, ip: string): boolean {
  const big = (b: Uint8Array) => b.reduce((acc, x) => (acc << 8n) | BigInt(x), 0n);
  const x = big(parseIpBytes(ip));
  if (t.kind === 'ip') return x === big(parseIpBytes(t.target));
  const [net, len] = t.target.split('/') as [string, string];
  const bits = BigInt((net.includes(':') ? 0 : 96) + Number(len));
  const shift = 128n - bits;
  return x >> shift === big(parseIpBytes(net)) >> shift;
}

const ID = 'AB'.repeat(32);
const id = ID.toLowerCase();

function clockAt(t: number) {
  const c = { t, now: () => c.t };
  return c;
}

describe('parseBanTarget', () => {
  it('recognises node ids, IPs and subnets in canonical form', () => {
    expect(parseBanTarget(ID)).toEqual({ kind: 'id', target: id });
    expect(parseBanTarget('1.2.3.4')).toEqual({ kind: 'ip', target: '1.2.3.4' });
    expect(parseBanTarget('2001:DB8:0::1')).toEqual({ kind: 'ip', target: '2001:db8::1' });
    expect(parseBanTarget('::ffff:1.2.3.4')).toEqual({ kind: 'ip', target: '1.2.3.4' });
    expect(parseBanTarget('10.0.0.0/8')).toEqual({ kind: 'subnet', target: '10.0.0.0/8' });
    expect(parseBanTarget('2001:DB8::/32')).toEqual({ kind: 'subnet', target: '2001:db8::/32' });
    expect(parseBanTarget('0.0.0.0/0')).toEqual({ kind: 'subnet', target: '0.0.0.0/0' });
    expect(parseBanTarget('::/0')).toEqual({ kind: 'subnet', target: '::/0' });
    // A full-length prefix is an IP.
    expect(parseBanTarget('1.2.3.4/32')).toEqual({ kind: 'ip', target: '1.2.3.4' });
    expect(parseBanTarget('2001:db8::1/128')).toEqual({ kind: 'ip', target: '2001:db8::1' });
  });

  it('refuses everything else with a typed error that says what to write', () => {
    const bad = ['', 'abc', 'a'.repeat(63), 'a'.repeat(65), 'g'.repeat(64), 'example.com', '1.2.3.4:7000', '[::1]:7000', '1.2.3.4/33', '2001:db8::/129', '10.1.2.3/8', '2001:db8::1/32', '1.2.3/24', '1.2.3.4/', '1.2.3.4/-1', '::ffff:10.0.0.0/104'];
    for (const s of bad) {
      expect(() => parseBanTarget(s), s).toThrow(BanTargetError);
    }
    expect(() => parseBanTarget('10.1.2.3/8')).toThrow(/did you mean 10\.0\.0\.0\/8/);
    expect(() => parseBanTarget('1.2.3.4:7000')).toThrow(/without a port/);
    expect(() => parseBanTarget('abc')).toThrow(/64 hex characters/);
  });
});

describe('BanList', () => {
  it('bans ids, IPs and subnets (IPv4 and IPv6) and matches peers against them', () => {
    const clock = clockAt(1000);
    const bans = new BanList({ clock });
    bans.add(ID, { reason: 'spam' });
    bans.add('5.6.7.8', { reason: 'scanner' });
    bans.add('10.0.0.0/8', { reason: 'lab' });
    bans.add('2001:db8::/32', { reason: 'docs' });
    expect(bans.isBanned({ id })).toBe(true);
    expect(bans.isBanned({ id: ID })).toBe(true);
    expect(bans.isBanned({ ip: '5.6.7.8' })).toBe(true);
    expect(bans.isBanned({ ip: '5.6.7.9' })).toBe(false);
    expect(bans.isBanned({ ip: '10.200.3.4' })).toBe(true);
    expect(bans.isBanned({ ip: '11.0.0.1' })).toBe(false);
    expect(bans.isBanned({ ip: '2001:db8:ffff::1' })).toBe(true);
    expect(bans.isBanned({ ip: '2001:db9::1' })).toBe(false);
    expect(bans.isBanned({ ip: '::ffff:10.1.1.1' })).toBe(true);
    expect(bans.isBanned({ id: 'cd'.repeat(32), ip: '10.0.0.1' })).toBe(true);
    expect(bans.find({ ip: '10.0.0.1' })).toMatchObject({ target: '10.0.0.0/8', kind: 'subnet', reason: 'lab', createdAt: 1000 });
    expect(bans.size).toBe(4);
  });

  it('reports the most specific subnet', () => {
    const bans = new BanList({ clock: clockAt(0) });
    bans.add('10.0.0.0/8', { reason: 'wide' });
    bans.add('10.1.0.0/16', { reason: 'narrow' });
    expect(bans.find({ ip: '10.1.2.3' })?.reason).toBe('narrow');
    expect(bans.find({ ip: '10.2.2.3' })?.reason).toBe('wide');
  });

  it('lets bans expire by the clock, and sweep removes and returns them', () => {
    const clock = clockAt(0);
    const bans = new BanList({ clock });
    bans.add('1.1.1.1', { reason: 'a', durationMs: 1000 });
    bans.add('2.2.2.0/24', { reason: 'b', durationMs: 5000 });
    bans.add('3.3.3.3', { reason: 'c' });
    expect(bans.nextExpiry()).toBe(1000);
    clock.t = 999;
    expect(bans.isBanned({ ip: '1.1.1.1' })).toBe(true);
    clock.t = 1000;
    expect(bans.isBanned({ ip: '1.1.1.1' })).toBe(false);
    expect(bans.entries().map((e) => e.target).sort()).toEqual(['2.2.2.0/24', '3.3.3.3']);
    clock.t = 6000;
    expect(bans.sweep().map((e) => e.target)).toEqual(['1.1.1.1', '2.2.2.0/24']);
    expect(bans.sweep()).toEqual([]);
    expect(bans.toJSON()).toEqual([{ target: '3.3.3.3', kind: 'ip', reason: 'c', createdAt: 0 }]);
    expect(bans.nextExpiry()).toBeUndefined();
  });

  it('replaces an operator ban, but an extend-only ban never shortens one', () => {
    const clock = clockAt(0);
    const bans = new BanList({ clock });
    bans.add('1.1.1.1', { reason: 'long', durationMs: 10_000 });
    expect(bans.add('1.1.1.1', { reason: 'short', durationMs: 100, extendOnly: true })).toMatchObject({ reason: 'long', expiresAt: 10_000 });
    expect(bans.add('1.1.1.1', { reason: 'longer', durationMs: 20_000, extendOnly: true })).toMatchObject({ reason: 'longer', expiresAt: 20_000 });
    expect(bans.add('1.1.1.1', { reason: 'operator', durationMs: 100 })).toMatchObject({ reason: 'operator', expiresAt: 100 });
    expect(() => bans.add('1.1.1.1', { reason: 'x', durationMs: 0 })).toThrow(BanDurationError);
  });

  it('removes by any spelling of the same target', () => {
    const bans = new BanList({ clock: clockAt(0) });
    bans.add('2001:db8::/32', { reason: 'x' });
    expect(bans.remove('2001:0DB8:0::/32')?.target).toBe('2001:db8::/32');
    expect(bans.remove('2001:db8::/32')).toBeUndefined();
    expect(bans.isBanned({ ip: '2001:db8::1' })).toBe(false);
  });

  it('loads what it saved and refuses corrupt entries, naming them', () => {
    const clock = clockAt(5);
    const a = new BanList({ clock });
    a.add(ID, { reason: 'r1', durationMs: 50 });
    a.add('10.0.0.0/8', { reason: 'r2' });
    const saved: BanEntry[] = JSON.parse(JSON.stringify(a.toJSON()));
    const b = new BanList({ clock, entries: saved });
    expect(b.toJSON()).toEqual(a.toJSON());
    expect(() => new BanList({ clock, entries: [{ target: '10.0.0.0/8', kind: 'ip', reason: 'x', createdAt: 0 }] })).toThrow(/10\.0\.0\.0\/8/);
    expect(() => new BanList({ clock, entries: [{ target: 'nonsense', kind: 'ip', reason: 'x', createdAt: 0 }] })).toThrow(BanTargetError);
  });

  it('matches exactly like a scan of every ban (random subnets and addresses)', () => {
    const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.'));
    const ipv6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((w) => w.map((x) => x.toString(16)).join(':'));
    const subnet = fc.oneof(
      fc.tuple(ipv4, fc.nat(32)).map(([ip, p]) => ({ ip, p, v4: true })),
      fc.tuple(ipv6, fc.nat(128)).map(([ip, p]) => ({ ip, p, v4: false })),
    );
    fc.assert(
      fc.property(fc.array(subnet, { maxLength: 12 }), fc.array(fc.oneof(ipv4, ipv6), { maxLength: 30 }), (subs, probes) => {
        const bans = new BanList({ clock: clockAt(0) });
        const targets: BanTarget[] = [];
        for (const s of subs) {
          // Mask host bits by asking the parser what it would accept.
          let t: BanTarget;
          try {
            t = parseBanTarget(`${s.ip}/${s.p}`);
          } catch (e) {
            const m = /did you mean (\S+)\?/.exec(String(e));
            if (!m) continue;
            t = parseBanTarget(m[1]!);
          }
          bans.add(t, { reason: 'p' });
          targets.push(t);
        }
        for (const ip of [...probes, ...subs.map((s) => s.ip)]) {
          const naive = targets.some((t) => naiveMatch(t, ip));
          expect(bans.isBanned({ ip }), ip).toBe(naive);
        }
      }),
    );
  });
});
