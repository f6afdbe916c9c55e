// Reduced forms of the hostile bench's attacks, over real loopback sockets against a real node: each limit is driven over its edge.
import { afterEach, describe, expect, it } from 'vitest';
import { generateIdentity } from '../../src/net/identity.js';
import { ConnectionManager } from '../../src/net/manager.js';
import { createNode, type Node } from '../../src/node/index.js';
import { loopbackIps, pingFlood, sleep, squat, type Target } from '../helpers/hostile-peer.js';
import { eventually } from '../net/helpers.js';

const nodes: Node[] = [];
afterEach(async () => {
  for (const n of nodes.splice(0)) await n.stop();
});

async function victim(ip: string, encryption: 'tls' | 'none', limits: Record<string, number> = {}): Promise<{ node: Node; target: Target }> {
  const node = await createNode({ network: 'hostile-test', dataDir: null, listen: `${ip}:0`, encryption, allowLoopback: true, api: false, limits });
  await node.start();
  nodes.push(node);
  const port = Number(node.listenAddresses[0]!.split(':').pop());
  return { node, target: { host: ip, port, encryption, network: 'hostile-test' } };
}

/** Dials until the node takes an authenticated connection as a peer (it got a slot); gives up after `attempts`. */
async function honestGetsIn(node: Node, target: Target, fromIp: string, attempts = 40): Promise<number> {
  const cm = new ConnectionManager({ identity: generateIdentity(), network: target.network, encryption: target.encryption, listen: `${fromIp}:0` });
  await cm.start();
  try {
    for (let i = 1; i <= attempts; i++) {
      try {
        const conn = await cm.dial(`${target.host}:${target.port}`);
        // The node's verdict: it lists us among its peers (a slot), or it closes the connection.
        await eventually(() => !conn.isOpen || node.peer(cm.identity.nodeId) !== undefined, 'the node to take or drop the honest peer', 5_000);
        if (conn.isOpen) return i;
      } catch {
        /* refused, evicted, or no verdict in time: try again */
      }
      await sleep(100); // a pause between attempts, not a wait for anything
    }
    return Infinity;
  } finally {
    await cm.close();
  }
}

describe('hostile peers over real sockets', () => {
  it('slow readers flooding PINGs: unanswered past the allowance, penalised, disconnected, and the node holds nothing for them', async () => {
    const { node, target } = await victim('127.61.0.1', 'none');
    const penalties: string[] = [];
    node.on('peer:penalized', (e) => penalties.push(e.reason));
    const flood = pingFlood(target, loopbackIps(2, 62), 2, Date.now() + 6_000);
    // While they flood (the node has penalised one already), an honest peer still gets in, and what
    // the node has queued stays small.
    await eventually(() => penalties.some((r) => r.startsWith('mid offence: ping-flood')), 'the first ping-flood penalty', 8_000);
    expect(await honestGetsIn(node, target, '127.70.0.1')).toBeLessThan(Infinity);
    const stats = await flood;
    expect(stats.sessions).toBeGreaterThanOrEqual(4);
    expect(penalties.filter((r) => r.startsWith('mid offence: ping-flood')).length).toBeGreaterThanOrEqual(4);
    // Four mid offences reach the disconnect threshold (-20): every flooder was closed by the node.
    expect(stats.dropped).toBeGreaterThanOrEqual(4);
    expect(node.stats().counters.disconnects.score ?? 0).toBeGreaterThanOrEqual(4);
  }, 30_000);

  for (const encryption of ['none', 'tls'] as const) {
    it(`silent sockets squatting the pending pool (${encryption}): honest peers still get in, and no squatter ever holds an inbound slot`, async () => {
      const { node, target } = await victim(`127.${encryption === 'tls' ? 81 : 71}.0.1`, encryption, { maxPendingHandshakes: 8, maxPendingPerIp: 2 });
      const refused: string[] = [];
      node.on('peer:refused', (e) => refused.push(String(e.data?.reason)));
      // 10 addresses x 4 silent sockets against a pool of 8, re-opened whenever dropped.
      const attack = squat(target, loopbackIps(10, encryption === 'tls' ? 82 : 72), 4, Date.now() + 4_000);
      // The pool is full once the node starts evicting squatters to make room for new ones.
      await eventually(() => refused.includes('evicted'), 'the squatters to fill the pending pool', 5_000);
      for (let i = 0; i < 3; i++) {
        expect(await honestGetsIn(node, target, `127.${encryption === 'tls' ? 95 : 90}.${i}.1`), `honest peer ${i}`).toBeLessThan(Infinity);
      }
      // The honest dialers left again (their goodbyes reach the node a moment after they close).
      await eventually(() => expect(node.peers().filter((p) => p.direction === 'inbound')).toHaveLength(0), 'the honest dialers to be gone');
      const stats = await attack;
      expect(stats.closedByNode).toBeGreaterThan(0);
      expect(refused).toContain('evicted');
      expect(refused).toContain('too-many-from-ip');
      expect(node.stats().counters.rejected.evicted ?? 0).toBeGreaterThan(0);
    }, 30_000);
  }
});
