// A node under cheap attacks: refusals become bounded events, a slow peer is penalised and backed off (memory network, virtual clock).
import { describe, expect, it } from 'vitest';
import type { MemoryLink } from '../../src/net/memory-link.js';
import type { Transport } from '../../src/net/transport.js';
import { REFUSAL_WINDOW_MS } from '../../src/node/refusals.js';
import type { PeerEvent } from '../../src/node/types.js';
import { runFor, settle, world, type World } from './helpers.js';

/** A memory transport for `ip` whose accepted links the test can reach (to stop reading on them). */
function listeningCapture(w: World, ip: string): { transport: Transport; accepted: MemoryLink[] } {
  const inner = w.net.transport(ip);
  const accepted: MemoryLink[] = [];
  return {
    accepted,
    transport: {
      kind: inner.kind,
      encrypted: inner.encrypted,
      dial: (ep, o) => inner.dial(ep, o),
      listen: (ep, onInbound) =>
        inner.listen(ep, (attempt) =>
          onInbound({
            remote: attempt.remote,
            local: attempt.local,
            refuse: (g) => attempt.refuse(g),
            accept: async () => {
              const link = (await attempt.accept()) as MemoryLink;
              accepted.push(link);
              return link;
            },
          }),
        ),
    },
  };
}

describe('refusals at accept time', () => {
  it('are peer:refused events with their reason, one per address and reason per minute with a count, while metrics count each', async () => {
    const w = world('refusals');
    const node = await w.node('10.1.0.1');
    const events: PeerEvent[] = [];
    node.on('peer:refused', (e) => events.push(e));
    await node.start();
    await node.ban('10.66.0.0/16', { reason: 'test' });
    // 100 connections from one banned address and 3 from another, within the minute.
    for (let i = 0; i < 100; i++) {
      await settle(w.clock, w.net.transport('10.66.0.1').dial({ ip: '10.1.0.1', port: 7000 }).catch(() => undefined));
      await runFor(w.clock, 100);
    }
    for (let i = 0; i < 3; i++) await settle(w.clock, w.net.transport('10.66.0.2').dial({ ip: '10.1.0.1', port: 7000 }).catch(() => undefined));
    await runFor(w.clock, 100);
    // The first of each address is announced at once.
    expect(events.map((e) => [e.endpoint!.split(':')[0], e.data?.count])).toEqual([
      ['10.66.0.1', 1],
      ['10.66.0.2', 1],
    ]);
    expect(events[0]).toMatchObject({ type: 'peer:refused', direction: 'inbound', data: { reason: 'banned' } });
    expect(events[0]!.reason).toMatch(/^banned: /);
    await runFor(w.clock, REFUSAL_WINDOW_MS);
    // Then one summary per address with what the window held.
    expect(events.slice(2).map((e) => [e.endpoint!.split(':')[0], e.data?.count])).toEqual([
      ['10.66.0.1', 99],
      ['10.66.0.2', 2],
    ]);
    expect(node.stats().counters.rejected.banned).toBe(103);
    await settle(w.clock, node.stop());
  });
});

describe('a peer that stops reading', () => {
  it('is dropped as slow: a low offence, byUs in its disconnect event, and its address backs off before the redial', async () => {
    const w = world('slow-peer');
    const reader = listeningCapture(w, '10.2.0.1');
    // B dials nobody (no targets), so any reconnection is A's redial.
    const b = await w.node('10.2.0.1', { targets: { hot: 0, outbound: 0 } }, { transport: reader.transport });
    const a = await w.node('10.1.0.1', { staticPeers: ['10.2.0.1:7000'] }, { connections: { highWaterMark: 1024 * 1024, maxFrameBytes: 256 * 1024 } });
    const events: PeerEvent[] = [];
    a.on('peer:event', (e) => events.push(e));
    await b.start();
    await a.start();
    // Long enough that an ordinary close would clear the address's failures and redial at once (2 min).
    await runFor(w.clock, 3 * 60_000);
    const peer = a.peers().find((p) => p.endpoint === '10.2.0.1:7000');
    expect(peer).toBeDefined();
    // B stops reading; A keeps sending until its queue to B passes the high-water mark.
    reader.accepted.forEach((l) => l.pause());
    const payload = new Uint8Array(64 * 1024);
    for (let i = 0; i < 200 && a.peer(peer!.id); i++) a.send(peer!.id, 'bulk', payload);
    await runFor(w.clock, 10);
    const penalty = events.find((e) => e.type === 'peer:penalized');
    expect(penalty).toMatchObject({ id: peer!.id, data: { severity: 'low', points: -1 } });
    expect(penalty!.reason).toMatch(/^low offence: slow/);
    const gone = events.find((e) => e.type === 'peer:disconnected');
    expect(gone).toMatchObject({ id: peer!.id, data: { byUs: true } });
    expect(gone!.reason).toMatch(/^slow/);
    // A static peer is redialled, but only after a backoff (5 s ± 20 %), not at once.
    const droppedAt = w.clock.now();
    await runFor(w.clock, 10_000);
    const redial = events.find((e) => e.type === 'peer:dialing' && e.endpoint === '10.2.0.1:7000' && e.at >= droppedAt);
    expect(redial).toBeDefined();
    expect(redial!.at - droppedAt).toBeGreaterThanOrEqual(4000);
    await settle(w.clock, Promise.all([a.stop(), b.stop()]));
  });
});
