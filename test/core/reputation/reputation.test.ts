import { describe, expect, it } from 'vitest';
import { DEFAULT_BAN_DURATION_MS, Reputation, SCORE_HALF_LIFE_MS, type PeerRef } from '../../../src/core/reputation/index.js';

const T0 = 1_700_000_000_000;
const idN = (n: number) => n.toString(16).padStart(64, '0');

function setup(isExempt?: (p: PeerRef) => boolean) {
  const clock = { t: T0, now: () => clock.t };
  const rep = new Reputation({ clock, ...(isExempt ? { isExempt } : {}) });
  return { clock, rep };
}

describe('Reputation', () => {
  it('disconnects at -20 and bans the id for an hour at -50, freezing its score meanwhile', () => {
    const { clock, rep } = setup();
    const peer = { id: idN(1), ip: '1.2.3.4' };
    expect(rep.report(peer, 'high', 'addr-too-many')).toMatchObject({ score: -10, disconnect: false, banned: [] });
    const second = rep.report(peer, 'high', 'addr-too-many');
    expect(second).toMatchObject({ score: -20, disconnect: true, banned: [] });
    rep.report(peer, 'high', 'x');
    rep.report(peer, 'high', 'x');
    const fifth = rep.report(peer, 'high', 'x');
    expect(fifth.disconnect).toBe(true);
    expect(fifth.banned).toHaveLength(1);
    expect(fifth.banned[0]).toMatchObject({ target: idN(1), kind: 'id', createdAt: T0, expiresAt: T0 + DEFAULT_BAN_DURATION_MS });
    expect(fifth.banned[0]!.reason).toMatch(/-50\.0 reached the ban threshold -50 after a high offence: x/);
    expect(rep.isBanned({ id: idN(1) })).toBe(true);
    clock.t = T0 + DEFAULT_BAN_DURATION_MS - 1;
    expect(rep.score(idN(1))).toBe(-50);
    clock.t = T0 + DEFAULT_BAN_DURATION_MS;
    expect(rep.isBanned({ id: idN(1) })).toBe(false);
    expect(rep.sweep().map((b) => b.target)).toEqual([idN(1)]);
    clock.t += SCORE_HALF_LIFE_MS;
    expect(rep.score(idN(1))).toBeCloseTo(-25, 6);
  });

  it('bans at once for a fatal offence and discourages the address', () => {
    const { rep } = setup();
    const out = rep.report({ id: idN(2), ip: '9.9.9.9' }, 'fatal', 'bad-signature');
    expect(out).toMatchObject({ score: -100, disconnect: true, discouraged: true });
    expect(out.banned.map((b) => b.kind)).toEqual(['id']);
    expect(rep.isDiscouraged('9.9.9.9')).toBe(true);
  });

  it('lets low offences pass without disconnecting or discouraging', () => {
    const { rep } = setup();
    for (let i = 0; i < 10; i++) expect(rep.report({ id: idN(3), ip: '8.8.8.8' }, 'low', 'request-timeout').disconnect).toBe(false);
    expect(rep.isDiscouraged('8.8.8.8')).toBe(false);
  });

  it('rewards useful peers only up to a cap', () => {
    const { rep } = setup();
    for (let i = 0; i < 200; i++) rep.report({ id: idN(4) }, 'useful', 'block');
    expect(rep.score(idN(4))).toBe(20);
  });

  it('without an id (before the handshake) discourages the address and asks to disconnect', () => {
    const { rep } = setup();
    const out = rep.report({ ip: '7.7.7.7' }, 'high', 'handshake-violation');
    expect(out).toMatchObject({ disconnect: true, discouraged: true, points: 0, banned: [] });
    expect(rep.isDiscouraged('7.7.7.7')).toBe(true);
  });

  it('bans the IP when more than 5 banned node ids came from it', () => {
    const { rep } = setup();
    for (let n = 10; n < 15; n++) {
      const out = rep.report({ id: idN(n), ip: '6.6.6.6' }, 'fatal', 'x');
      expect(out.banned.map((b) => b.kind)).toEqual(['id']);
    }
    expect(rep.isBanned({ ip: '6.6.6.6' })).toBe(false);
    const sixth = rep.report({ id: idN(15), ip: '6.6.6.6' }, 'fatal', 'x');
    expect(sixth.banned.map((b) => b.kind)).toEqual(['id', 'ip']);
    expect(sixth.banned[1]!.reason).toMatch(/6 banned node ids came from this IP/);
    expect(rep.isBanned({ ip: '6.6.6.6' })).toBe(true);
  });

  it('counts a banned id seen again on another IP, via observe', () => {
    const { rep } = setup();
    for (let n = 20; n < 26; n++) rep.report({ id: idN(n), ip: `5.5.5.${n}` }, 'fatal', 'x');
    let ipBans: unknown[] = [];
    for (let n = 20; n < 26; n++) ipBans = rep.observe({ id: idN(n), ip: '4.4.4.4' });
    expect(ipBans).toHaveLength(1);
    expect(rep.observe({ id: idN(99), ip: '3.3.3.3' })).toEqual([]);
  });

  it('exempts static and trusted peers from everything automatic, never from manual bans', () => {
    const exempt = new Set([idN(30)]);
    const { rep } = setup((p) => (p.id !== undefined && exempt.has(p.id)) || p.ip === '2.2.2.2');
    const out = rep.report({ id: idN(30), ip: '1.1.1.1' }, 'fatal', 'x');
    expect(out).toMatchObject({ exempt: true, disconnect: false, banned: [], discouraged: false, score: -100 });
    expect(rep.shouldDisconnect({ id: idN(30) })).toBe(false);
    // Non-exempt ids on an exempt IP get banned, but the IP never is.
    for (let n = 40; n < 47; n++) rep.report({ id: idN(n), ip: '2.2.2.2' }, 'fatal', 'x');
    expect(rep.isBanned({ ip: '2.2.2.2' })).toBe(false);
    rep.ban(idN(30), { reason: 'operator' });
    expect(rep.isBanned({ id: idN(30) })).toBe(true);
  });

  it('treats an operator unban of an id as a pardon', () => {
    const { rep } = setup();
    rep.report({ id: idN(50), ip: '1.0.0.1' }, 'fatal', 'x');
    expect(rep.unban(idN(50))?.kind).toBe('id');
    expect(rep.score(idN(50))).toBe(0);
    expect(rep.isBanned({ id: idN(50) })).toBe(false);
  });

  it('keeps banning a banned peer that is still connected (disconnect again, no duplicate ban)', () => {
    const { rep } = setup();
    rep.report({ id: idN(60) }, 'fatal', 'x');
    const again = rep.report({ id: idN(60) }, 'low', 'y');
    expect(again).toMatchObject({ disconnect: true, banned: [] });
  });
});
