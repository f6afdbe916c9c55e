import { describe, expect, it } from 'vitest';
import type { PeerEvent } from '../../src/node/types.js';
import { runFor, settle, world } from '../node/helpers.js';
import { addrBatch, attacker, dial, truncatedAddrFrame } from './attacker.js';

describe('hostile peers', () => {
  it('a peer that floods ADDR is rate-limited: the victim book grows by a trickle, the excess is dropped and counted', async () => {
    const w = world('flood', 10);
    const victim = await w.node('10.1.0.1');
    await victim.start();
    const flooder = await attacker(w, '10.66.0.1');
    const conn = await dial(w, flooder, '10.1.0.1:7000');
    await runFor(w.clock, 100);
    const before = victim.addressBook.size();
    for (let k = 0; k < 20; k++) {
      conn.sendAddr(addrBatch(k * 1000, w.clock.now()));
      await runFor(w.clock, 1_000);
    }
    await runFor(w.clock, 60_000);
    const grown = victim.addressBook.size() - before;
    // 1 token at the start, 0.1 per second after: about 8 in 80 s, never thousands.
    expect(grown).toBeLessThanOrEqual(10);
    const ex = victim.stats().exchange!;
    expect(ex.addrReceived).toBe(20_000);
    expect(ex.addrRateLimited).toBeGreaterThanOrEqual(19_990);
    // Rate-limited gossip is not an offence (Core drops and counts it).
    expect(victim.peer(flooder.identity.nodeId)).toBeDefined();
    expect(victim.bans()).toEqual([]);
    await settle(w.clock, victim.stop());
  });

  // (An ADDR of 1001 entries is a high offence, not a fatal one: see test/node/raw-peer.test.ts.)
  it('a peer that sends a malformed ADDR (count 2, one entry) is banned, disconnected, and never redialled while banned', async () => {
    const w = world('ban', 10);
    const bad = await attacker(w, '10.66.0.1');
    const victim = await w.node('10.1.0.1', { seeds: ['10.66.0.1:7000'] });
    const events: PeerEvent[] = [];
    victim.on('peer:event', (e) => events.push(e));
    bad.on('established', ({ connection }) => connection.sendFrame(truncatedAddrFrame(w.clock.now())));
    await victim.start();
    await runFor(w.clock, 2_000);

    const badId = bad.identity.nodeId;
    expect(victim.bans()).toEqual([expect.objectContaining({ target: badId, kind: 'id' })]);
    expect(victim.peer(badId)).toBeUndefined();
    const banned = events.find((e) => e.type === 'peer:banned')!;
    expect(banned).toMatchObject({ id: badId });
    expect(events.find((e) => e.type === 'peer:penalized')).toMatchObject({ id: badId, data: { severity: 'fatal' } });
    expect(events.filter((e) => e.type === 'peer:disconnected' && e.id === badId)).toHaveLength(1);

    // For the next 50 minutes (the ban lasts an hour): no dial to it, and its own dials are refused.
    const dialsBefore = events.filter((e) => e.type === 'peer:dialing' && e.endpoint === '10.66.0.1:7000').length;
    await runFor(w.clock, 25 * 60_000);
    const err = await settle(w.clock, bad.dial('10.1.0.1:7000').then(() => undefined, (e: Error) => e));
    expect(err).toMatchObject({ reason: 'banned' });
    await runFor(w.clock, 25 * 60_000);
    expect(events.filter((e) => e.type === 'peer:dialing' && e.endpoint === '10.66.0.1:7000').length).toBe(dialsBefore);
    expect(victim.peers()).toEqual([]);
    expect(victim.health().status).toBe('isolated');
    await settle(w.clock, victim.stop());
  });
});
