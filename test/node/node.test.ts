import { describe, expect, it } from 'vitest';
import { BanTargetError } from '../../src/core/reputation/index.js';
import { ConnectError, NodeStateError, PeerGoneError, ReadyTimeoutError, RemoteError, RequestTimeoutError } from '../../src/node/errors.js';
import type { Node } from '../../src/node/node.js';
import type { PeerMessage, PeerEvent, RequestCompletedEvent } from '../../src/node/types.js';
import { MemoryStore } from '../../src/store/index.js';
import { runFor, runUntil, settle, world, type World } from './helpers.js';
import { VERSION } from '../../src/version.js';

/** A star: node 0 (10.1.0.1) is everyone's seed. */
async function star(n: number, seed = 'node-api', extra: (i: number) => object = () => ({})) {
  const w = world(seed);
  const stores = Array.from({ length: n }, () => new MemoryStore());
  const nodes: Node[] = [];
  for (let i = 0; i < n; i++) nodes.push(await w.node(`10.${i + 1}.0.1`, i === 0 ? { ...extra(i) } : { seeds: ['10.1.0.1:7000'], ...extra(i) }, { store: stores[i] }));
  for (const node of nodes) await node.start();
  await runUntil(w.clock, () => nodes.slice(1).every((x) => x.peers().length > 0), 10_000);
  return { w, nodes, stores };
}

async function stopAll(w: World, nodes: Node[]) {
  await settle(w.clock, Promise.all(nodes.map((n) => n.stop())));
}

describe('Node: peers', () => {
  it('lists connected peers with every PeerInfo field', async () => {
    const { w, nodes } = await star(2);
    const [a, b] = nodes as [Node, Node];
    await runFor(w.clock, 1_000);
    const seen = a.peer(b.id)!;
    expect(Object.keys(seen).sort()).toEqual(
      [
        'id',
        'endpoint',
        'direction',
        'temperature',
        'score',
        'rttMs',
        'connectedAt',
        'bytesIn',
        'bytesOut',
        'messagesIn',
        'messagesOut',
        'busy',
        'static',
        'trusted',
        'services',
        'userAgent',
        'listenEndpoint',
        'purpose',
        'netGroup',
        'asn',
        'minRttMs',
      ].sort(),
    );
    expect(seen).toMatchObject({ id: b.id, direction: 'inbound', temperature: 'hot', score: 0, busy: false, static: false, trusted: false, services: 0n, userAgent: `peerwarden/${VERSION}` });
    expect(seen.listenEndpoint).toBe('10.2.0.1:7000');
    expect(seen.netGroup).toBe('10.2.0.0/16');
    expect(seen.rttMs).toBe(10);
    expect(seen.bytesIn).toBeGreaterThan(0);
    expect(b.peers()).toEqual([expect.objectContaining({ id: a.id, endpoint: '10.1.0.1:7000', direction: 'outbound', temperature: 'hot', purpose: 'outbound' })]);
    expect(a.peer('f'.repeat(64))).toBeUndefined();
    await stopAll(w, nodes);
  });

  it('before start: empty views, and calls that need a running node throw NodeStateError', async () => {
    const w = world('idle');
    const a = await w.node('10.1.0.1');
    expect(a.id).toMatch(/^[0-9a-f]{64}$/);
    expect(a.peers()).toEqual([]);
    expect(a.bans()).toEqual([]);
    expect(a.addressBook.size()).toBe(0);
    expect(a.health()).toMatchObject({ status: 'isolated' });
    expect(a.stats()).toMatchObject({ running: false, peers: { total: 0 } });
    expect(a.broadcast('t', new Uint8Array(1))).toBe(0);
    expect(() => a.ban('10.0.0.0/8', { reason: 'x' })).toThrow(NodeStateError);
    expect(() => a.connect('10.2.0.1:7000')).toThrow(NodeStateError);
    await expect(a.request('f'.repeat(64), 't', new Uint8Array(0))).rejects.toBeInstanceOf(PeerGoneError);
  });

  it('connect() dials an operator connection (hot, manual) and resolves with it; disconnect() closes it', async () => {
    const { w, nodes } = await star(3, 'connect', () => ({ targets: { hot: 1, outbound: 1 } }));
    const [, b, c] = nodes as [Node, Node, Node];
    const info = await settle(w.clock, b.connect('10.3.0.1:7000'));
    expect(info).toMatchObject({ id: c.id, direction: 'outbound', purpose: 'manual', temperature: 'hot' });
    expect(b.addressBook.get('10.3.0.1:7000')).toBeDefined();
    // Already connected: resolves at once with the same peer.
    expect((await b.connect('10.3.0.1:7000')).id).toBe(c.id);
    const gone: PeerEvent[] = [];
    b.on('peer:disconnected', (e) => gone.push(e));
    expect(b.disconnect(c.id, 'testing')).toBe(true);
    await runFor(w.clock, 100);
    expect(b.peer(c.id)).toBeUndefined();
    expect(gone).toEqual([expect.objectContaining({ id: c.id, reason: 'testing' })]);
    expect(b.disconnect(c.id)).toBe(false);
    const err = await settle(w.clock, b.connect('10.9.0.1:7000').catch((e: unknown) => e));
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).reason).toMatch(/refused/);
    await stopAll(w, nodes);
  });

  it('checks the node id a static peer must have: another node there is closed and the dial fails', async () => {
    const w = world('static-id');
    const a = await w.node('10.1.0.1');
    const wrong = 'ab'.repeat(32);
    const b = await w.node('10.2.0.1', { staticPeers: [`${wrong}@10.1.0.1:7000`] });
    const failed: PeerEvent[] = [];
    b.on('peer:dial-failed', (e) => failed.push(e));
    await a.start();
    await b.start();
    await runFor(w.clock, 2_000);
    // Not as an outbound peer: the node at that endpoint is not the one configured (it may still dial us).
    expect(b.peers().filter((p) => p.direction === 'outbound')).toEqual([]);
    expect(failed[0]).toMatchObject({ endpoint: '10.1.0.1:7000', reason: expect.stringMatching(/expected node id abababababab/) });
    expect(b.stats().counters.dials['wrong-id']).toBeGreaterThanOrEqual(1);
    await stopAll(w, [a, b]);
  });

  it('keeps a correct static peer connected and marks it static', async () => {
    const w = world('static-ok');
    const a = await w.node('10.1.0.1');
    const b = await w.node('10.2.0.1', { staticPeers: [`${a.id}@10.1.0.1:7000`] });
    await a.start();
    await b.start();
    await runFor(w.clock, 2_000);
    expect(b.peer(a.id)).toMatchObject({ static: true, temperature: 'hot' });
    await settle(w.clock, a.stop());
    await runFor(w.clock, 1_000);
    await a.start();
    await runFor(w.clock, 30_000);
    expect(b.peer(a.id)).toMatchObject({ static: true });
    await stopAll(w, [a, b]);
  });

  it('setBusy marks a peer busy (event and PeerInfo); unknown ids return false', async () => {
    const { w, nodes } = await star(2);
    const [a, b] = nodes as [Node, Node];
    const events: PeerEvent[] = [];
    a.on('peer:busy', (e) => events.push(e));
    expect(a.setBusy(b.id, true)).toBe(true);
    expect(a.peer(b.id)!.busy).toBe(true);
    expect(events).toEqual([expect.objectContaining({ id: b.id, data: { busy: true } })]);
    expect(a.inspectGovernor()!.peers.inbound.hot[0]!.busy).toBe(true);
    expect(a.setBusy('0'.repeat(64), true)).toBe(false);
    await stopAll(w, nodes);
  });
});

describe('Node: traffic', () => {
  it('broadcast queues one frame per hot peer (except those named) and each peer receives it exactly once', async () => {
    const { w, nodes } = await star(5, 'broadcast');
    const [hub, ...leaves] = nodes as [Node, ...Node[]];
    await runFor(w.clock, 1_000);
    const got = new Map<string, PeerMessage[]>();
    for (const leaf of leaves) leaf.on('message', (m) => (m.topic === 'news' ? got.set(leaf.id, [...(got.get(leaf.id) ?? []), m]) : undefined));
    const direct = hub.peers().filter((p) => p.temperature === 'hot');
    expect(direct.length).toBe(4);
    expect(hub.broadcast('news', Buffer.from('hello'), { except: leaves[0]!.id })).toBe(3);
    await runFor(w.clock, 100);
    expect(got.get(leaves[0]!.id)).toBeUndefined();
    for (const leaf of leaves.slice(1)) {
      expect(got.get(leaf.id)).toHaveLength(1);
      const m = got.get(leaf.id)![0]!;
      expect(Buffer.from(m.payload).toString()).toBe('hello');
      expect(m.peer).toMatchObject({ id: hub.id, direction: 'outbound' });
    }
    expect(hub.broadcast('news', Buffer.from('again'), { to: 'all' })).toBe(4);
    expect(hub.send(leaves[0]!.id, 'direct', Buffer.from('one'))).toBe(true);
    expect(hub.send('0'.repeat(64), 'direct', Buffer.from('one'))).toBe(false);
    await runFor(w.clock, 100);
    expect(got.get(leaves[0]!.id)).toHaveLength(1);
    const s = hub.stats();
    expect(s.counters.broadcasts).toBe(2);
    expect(s.counters.messages.out.message).toBe(8);
    expect(s.counters.bytes.out.message).toBe(3 * (4 + 1 + 1 + 4 + 5) + 4 * (4 + 1 + 1 + 4 + 5) + (4 + 1 + 1 + 6 + 3));
    await stopAll(w, nodes);
  });

  it('request/handle: answers, unknown topics, handler errors, timeouts, gone peers — each reported with its duration', async () => {
    const { w, nodes } = await star(2, 'requests');
    const [a, b] = nodes as [Node, Node];
    const done: RequestCompletedEvent[] = [];
    a.on('request:completed', (e) => done.push(e));
    b.handle('echo', (payload, peer) => Buffer.concat([Buffer.from(`${peer.id.slice(0, 4)}:`), payload]));
    b.handle('fail', () => {
      throw new Error('no such block');
    });
    b.handle('never', () => new Promise<Uint8Array>(() => {}));
    const reply = await settle(w.clock, a.request(b.id, 'echo', Buffer.from('ping')));
    expect(Buffer.from(reply).toString()).toBe(`${a.id.slice(0, 4)}:ping`);
    const unknown = await settle(w.clock, a.request(b.id, 'nope', new Uint8Array(0)).catch((e: unknown) => e));
    expect(unknown).toBeInstanceOf(RemoteError);
    expect(unknown).toMatchObject({ status: 'unknown-topic' });
    const failed = await settle(w.clock, a.request(b.id, 'fail', new Uint8Array(0)).catch((e: unknown) => e));
    expect(failed).toMatchObject({ name: 'RemoteError', status: 'error' });
    expect((failed as Error).message).toMatch(/no such block/);
    const slow = await settle(w.clock, a.request(b.id, 'never', new Uint8Array(0), { timeoutMs: 2_000 }).catch((e: unknown) => e));
    expect(slow).toBeInstanceOf(RequestTimeoutError);
    await expect(a.request('0'.repeat(64), 'echo', new Uint8Array(0))).rejects.toBeInstanceOf(PeerGoneError);
    expect(done.map((e) => `${e.topic}:${e.outcome}`)).toEqual(['echo:ok', 'nope:unknown-topic', 'fail:error', 'never:timeout']);
    expect(done[0]!.durationMs).toBe(10);
    expect(done[3]!.durationMs).toBe(2_000);
    expect(a.stats().counters.requests.outbound).toEqual({ ok: 1, 'unknown-topic': 1, error: 1, timeout: 1 });
    expect(b.stats().counters.requests.inbound).toMatchObject({ ok: 1, 'unknown-topic': 1, error: 1 });
    // A timeout costs the peer a low penalty.
    expect(a.peer(b.id)!.score).toBeLessThan(0);
    await stopAll(w, nodes);
  });

  it('ready() resolves once enough peers are connected, and times out with ReadyTimeoutError otherwise', async () => {
    const w = world('ready');
    const a = await w.node('10.1.0.1');
    const b = await w.node('10.2.0.1', { seeds: ['10.1.0.1:7000'] });
    await a.start();
    await b.start();
    await settle(w.clock, b.ready({ minPeers: 1, timeoutMs: 5_000 }));
    expect(b.peers()).toHaveLength(1);
    const err = await settle(w.clock, b.ready({ minPeers: 3, timeoutMs: 5_000 }).catch((e: unknown) => e));
    expect(err).toBeInstanceOf(ReadyTimeoutError);
    expect(err).toMatchObject({ minPeers: 3, peers: 1 });
    await stopAll(w, [a, b]);
  });
});

describe('Node: reputation and bans', () => {
  it('ban() closes matching peers and is in the store before it returns; unban() lifts it', async () => {
    const { w, nodes, stores } = await star(2, 'bans');
    const [a, b] = nodes as [Node, Node];
    const events: PeerEvent[] = [];
    a.on('peer:event', (e) => events.push(e));
    const entry = a.ban(b.id, { reason: 'spam', durationMs: 60_000 });
    expect(entry).toMatchObject({ target: b.id, kind: 'id', reason: 'spam', expiresAt: w.clock.now() + 60_000 });
    expect(stores[0]!.bans()).toEqual([entry]);
    await runFor(w.clock, 100);
    expect(a.peer(b.id)).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['peer:banned', 'peer:disconnected']));
    expect(events.find((e) => e.type === 'peer:disconnected')!.reason).toMatch(/^banned/);
    expect(a.bans()).toEqual([entry]);
    expect(a.ban('10.0.0.0/8', { reason: 'lab' })).toMatchObject({ kind: 'subnet', target: '10.0.0.0/8' });
    expect(() => a.ban('10.1.2.3/8', { reason: 'x' })).toThrow(BanTargetError);
    expect(a.unban(b.id)).toBe(true);
    expect(a.unban(b.id)).toBe(false);
    expect(stores[0]!.bans().map((x) => x.target)).toEqual(['10.0.0.0/8']);
    expect(events.filter((e) => e.type === 'peer:unbanned')).toEqual([expect.objectContaining({ id: b.id, reason: 'lifted by the operator' })]);
    expect(a.stats().counters.bans).toEqual({ added: 2, removed: 1 });
    await stopAll(w, nodes);
  });

  it('an expired ban is swept and announced', async () => {
    const { w, nodes, stores } = await star(1, 'expiry');
    const a = nodes[0]!;
    const unbanned: PeerEvent[] = [];
    a.on('peer:unbanned', (e) => unbanned.push(e));
    a.ban('9.9.9.9', { reason: 'short', durationMs: 5_000 });
    await runFor(w.clock, 6_000);
    expect(a.bans()).toEqual([]);
    expect(stores[0]!.bans()).toEqual([]);
    expect(unbanned).toEqual([expect.objectContaining({ endpoint: '9.9.9.9', reason: 'the ban expired' })]);
    await stopAll(w, nodes);
  });

  it('reportPeer: penalties lower the score with an event each; at -20 the peer is disconnected', async () => {
    const { w, nodes } = await star(2, 'report');
    const [a, b] = nodes as [Node, Node];
    const penalized: PeerEvent[] = [];
    a.on('peer:penalized', (e) => penalized.push(e));
    expect(a.reportPeer(b.id, 'useful', 'good block').score).toBe(1);
    a.reportPeer(b.id, 'high', 'invalid block');
    expect(a.peer(b.id)!.score).toBeCloseTo(-9, 1);
    a.reportPeer(b.id, 'high', 'invalid block');
    await runFor(w.clock, 100);
    // -19: still above the disconnect threshold (-20).
    expect(a.peer(b.id)!.score).toBeCloseTo(-19, 1);
    a.reportPeer(b.id, 'high', 'invalid block');
    await runFor(w.clock, 100);
    expect(a.peer(b.id)).toBeUndefined();
    expect(penalized).toHaveLength(3);
    expect(penalized[0]).toMatchObject({ id: b.id, reason: 'high offence: invalid block', data: { severity: 'high', points: -10 } });
    expect(a.stats().counters.penalties).toEqual({ 'invalid block': 3 });
    expect(() => a.reportPeer(b.id, 'awful' as 'low', 'x')).toThrow(TypeError);
    await stopAll(w, nodes);
  });
});

describe('Node: views for operators', () => {
  it('history(id) tells when the address was learned and from whom, each dial, connection and promotion', async () => {
    const { w, nodes } = await star(2, 'history');
    const [a, b] = nodes as [Node, Node];
    await runFor(w.clock, 2_000);
    const h = b.history(a.id);
    const kinds = h.map((e) => e.kind);
    expect(kinds.slice(0, 4)).toEqual(['peer:discovered', 'peer:dialing', 'peer:connected', 'peer:promoted']);
    expect(h[0]).toMatchObject({ endpoint: '10.1.0.1:7000', reason: 'learned from seed 10.1.0.1:7000', data: { origin: 'seed' } });
    expect(h[2]).toMatchObject({ id: a.id, reason: 'handshake done (outbound)' });
    expect(b.history('10.1.0.1:7000', { limit: 2 }).map((e) => e.kind)).toEqual(['peer:connected', 'peer:promoted']);
    // The other side: learned from the handshake.
    expect(a.history(b.id).map((e) => e.kind)).toEqual(expect.arrayContaining(['peer:discovered', 'peer:connected', 'peer:promoted']));
    await stopAll(w, nodes);
  });

  it('health(): isolated without peers, degraded below targets, healthy at targets or connected to every known node', async () => {
    const w = world('health');
    const a = await w.node('10.1.0.1');
    await a.start();
    expect(a.health()).toMatchObject({ status: 'isolated', reason: expect.stringMatching(/no connected peers/) });
    // b knows a and an address where nothing listens: below its targets with an address left to try.
    const b = await w.node('10.2.0.1', { seeds: ['10.1.0.1:7000', '10.9.0.1:7000'] });
    await b.start();
    await runFor(w.clock, 2_000);
    expect(b.health()).toMatchObject({ status: 'degraded', outbound: 1, reason: 'below targets: outbound 1/12, hot 1/8' });
    // a knows only b, and is connected to it: the network is smaller than its targets, nothing is left to dial.
    expect(a.health()).toMatchObject({ status: 'healthy', inbound: 1, reason: expect.stringMatching(/^connected to every known node \(1 peer\)/) });
    const c = await w.node('10.3.0.1', { seeds: ['10.1.0.1:7000'], targets: { hot: 1, outbound: 1 } });
    await c.start();
    await runFor(w.clock, 2_000);
    expect(c.health()).toMatchObject({ status: 'healthy', outbound: 1, hotOutbound: 1 });
    await stopAll(w, [a, b, c]);
  });

  it('stats(), the address book view and the governor view', async () => {
    const { w, nodes } = await star(3, 'stats');
    const [a, b] = nodes as [Node, Node];
    await runFor(w.clock, 2_000);
    const s = b.stats();
    expect(s).toMatchObject({ id: b.id, network: 'test', running: true, listenAddresses: ['10.2.0.1:7000'] });
    expect(s.uptimeMs).toBeGreaterThan(0);
    expect(s.peers.total).toBe(b.peers().length);
    expect(s.counters.dials.connected).toBeGreaterThanOrEqual(1);
    expect(s.counters.connections.outbound).toBeGreaterThanOrEqual(1);
    expect(s.counters.addressesLearned.seed).toBe(1);
    expect(s.counters.messages.out.getaddr).toBeGreaterThanOrEqual(1);
    expect(s.bytes.in).toBeGreaterThan(0);
    expect(s.addresses.byOrigin.seed).toBe(1);
    expect(b.addressBook.stats().total).toBe(b.addressBook.size());
    expect(b.addressBook.occupancy('new').slotsPerBucket).toBe(64);
    expect('add' in b.addressBook).toBe(false);
    const g = b.inspectGovernor()!;
    expect(g.targets).toMatchObject({ hot: 8, outbound: 12 });
    expect(g.peers.outbound.hot.map((p) => p.id)).toContain(a.id);
    await stopAll(w, nodes);
  });

  it('stop() says goodbye to peers and saves anchors; the node starts again on the same store', async () => {
    const { w, nodes, stores } = await star(2, 'stop');
    const [a, b] = nodes as [Node, Node];
    const gone: PeerEvent[] = [];
    a.on('peer:disconnected', (e) => gone.push(e));
    await settle(w.clock, b.stop());
    await runFor(w.clock, 100);
    expect(b.isRunning).toBe(false);
    expect(gone[0]).toMatchObject({ id: b.id, reason: expect.stringMatching(/^shutdown/) });
    expect(stores[1]!.anchors().map((x) => x.endpoint)).toEqual(['10.1.0.1:7000']);
    const dials: PeerEvent[] = [];
    b.on('peer:dialing', (e) => dials.push(e));
    await b.start();
    await runFor(w.clock, 2_000);
    expect(dials[0]).toMatchObject({ endpoint: '10.1.0.1:7000', data: { purpose: 'anchor' } });
    expect(b.peer(a.id)).toBeDefined();
    await stopAll(w, nodes);
  });
});
