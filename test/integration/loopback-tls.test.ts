import { describe, expect, it } from 'vitest';
import { createNode } from '../../src/node/create-node.js';
import { RemoteError } from '../../src/node/errors.js';
import type { Node } from '../../src/node/node.js';
import type { PeerMessage, PeerEvent } from '../../src/node/types.js';
import { createTlsTransport, type Link, type Listener, type Transport } from '../../src/net/index.js';
import { systemScheduler } from '../../src/platform/index.js';

/** A TLS transport that can be killed like a crashed process: listeners and sockets vanish without a goodbye. */
function killableTls(): Transport & { kill(): Promise<void> } {
  const inner = createTlsTransport({ scheduler: systemScheduler });
  const links = new Set<Link>();
  const listeners: Listener[] = [];
  let dead = false;
  const track = (l: Link) => {
    if (dead) l.destroy();
    else links.add(l);
    return l;
  };
  return {
    kind: inner.kind,
    encrypted: inner.encrypted,
    async listen(endpoint, onInbound) {
      const listener = await inner.listen(endpoint, (attempt) =>
        onInbound({ ...attempt, remote: attempt.remote, local: attempt.local, accept: () => attempt.accept().then(track), refuse: (g) => attempt.refuse(g) }),
      );
      listeners.push(listener);
      return listener;
    },
    dial: (endpoint, options) => (dead ? Promise.reject(new Error('this process is dead')) : inner.dial(endpoint, options).then(track)),
    async kill() {
      dead = true;
      // Sockets first: a server's close waits for its connections to end.
      for (const l of links) l.destroy();
      await Promise.all(listeners.map((l) => l.close()));
    },
  };
}

/** Waits (real time) until `pred` holds; fails after `ms`. */
async function until(pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('8 nodes over TLS on loopback', () => {
  it('discover each other from one seed, mesh fully, broadcast once to each peer, answer requests, and recover from a killed node', async () => {
    const N = 8;
    const transports = Array.from({ length: N }, () => killableTls());
    const nodes: Node[] = [];
    const make = (i: number, seeds: string[]) =>
      createNode(
        { network: 'loopback-test', dataDir: null, listen: `127.${i + 1}.0.1:0`, encryption: 'tls', allowLoopback: true, seeds, api: false },
        { transport: transports[i], connections: { pingIntervalMs: 2_000 } },
      );
    try {
      const seed = await make(0, []);
      await seed.start();
      nodes.push(seed);
      const seedAddress = seed.listenAddresses[0]!;
      expect(seedAddress).toMatch(/^127\.1\.0\.1:\d+$/);
      for (let i = 1; i < N; i++) {
        const node = await make(i, [seedAddress]);
        await node.start();
        nodes.push(node);
      }
      // Default targets (12 outbound) exceed N-1: every node ends up connected to every other.
      // …and stays so: no dial in flight anywhere (a late duplicate could still replace a connection).
      let calm = 0;
      const meshed = () => nodes.every((n) => n.peers().length === N - 1 && n.inspectGovernor()!.dials.length === 0);
      await until(() => (calm = meshed() ? calm + 1 : 0) >= 10, 20_000, 'a full mesh');
      for (const n of nodes) {
        const ids = new Set(n.peers().map((p) => p.id));
        expect(ids.size).toBe(N - 1);
        expect(ids.has(n.id)).toBe(false);
        // Learned through peer exchange and handshakes, from the one seed.
        expect(n.addressBook.size()).toBeGreaterThanOrEqual(N - 1);
      }

      // broadcast: queued once per directly connected peer, received exactly once by each.
      const received = new Map<string, PeerMessage[]>();
      for (const n of nodes) n.on('message', (m) => (m.topic === 'hello' ? received.set(n.id, [...(received.get(n.id) ?? []), m]) : undefined));
      const sender = nodes[1]!;
      expect(sender.broadcast('hello', Buffer.from('from node 1'))).toBe(N - 1);
      await until(() => received.size === N - 1, 5_000, 'the broadcast');
      // …and only once: a second broadcast travels behind the first in each connection's queue, so
      // when it has arrived everywhere, any duplicate of the first would have arrived before it.
      const fenced = new Set<string>();
      for (const n of nodes) n.on('message', (m) => (m.topic === 'fence' && m.peer.id === sender.id ? fenced.add(n.id) : undefined));
      expect(sender.broadcast('fence', new Uint8Array(0))).toBe(N - 1);
      await until(() => fenced.size === N - 1, 5_000, 'the second broadcast');
      for (const n of nodes) {
        if (n === sender) expect(received.get(n.id)).toBeUndefined();
        else expect(received.get(n.id)!.map((m) => [m.peer.id, Buffer.from(m.payload).toString()])).toEqual([[sender.id, 'from node 1']]);
      }

      // request/handle end to end.
      nodes[2]!.handle('sum', (payload) => Buffer.from(String(Buffer.from(payload).toString().split('+').reduce((a, b) => a + Number(b), 0))));
      const answer = await nodes[5]!.request(nodes[2]!.id, 'sum', Buffer.from('2+3+37'), { timeoutMs: 5_000 });
      expect(Buffer.from(answer).toString()).toBe('42');
      await expect(nodes[5]!.request(nodes[2]!.id, 'product', Buffer.from('1'))).rejects.toBeInstanceOf(RemoteError);

      // Kill node 3 (no goodbye): its peers notice, and stay meshed among themselves.
      const victim = nodes[3]!;
      const noticed: PeerEvent[] = [];
      for (const n of nodes) if (n !== victim) n.on('peer:disconnected', (e) => (e.id === victim.id ? noticed.push(e) : undefined));
      await transports[3]!.kill();
      const survivors = nodes.filter((n) => n !== victim);
      await until(() => noticed.length === N - 1, 10_000, 'the peers to notice the dead node');
      expect(noticed.every((e) => /connection-lost/.test(e.reason))).toBe(true);
      const settled = () => survivors.every((n) => n.peer(victim.id) === undefined && n.peers().length === N - 2 && n.health().status !== 'isolated');
      await until(settled, 10_000, 'the survivors to settle among themselves');
      for (const n of survivors) {
        expect(n.peer(victim.id)).toBeUndefined();
        expect(n.peers()).toHaveLength(N - 2);
        expect(n.health().status).not.toBe('isolated');
      }
      // They keep trying the dead node (backoff), and broadcasts now reach the 6 survivors.
      expect(survivors[0]!.broadcast('hello', Buffer.from('again'))).toBe(N - 2);
    } finally {
      await Promise.all(nodes.map((n) => n.stop()));
    }
  }, 45_000);
});
