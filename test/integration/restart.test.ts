import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/index.js';
import type { PeerEvent } from '../../src/node/types.js';
import { runFor, runUntil, settle, world } from '../node/helpers.js';
import { ipOf, startNodes, stopNodes } from './network.js';

describe('restart', () => {
  it('a restarted node dials its anchors (its longest-lived hot outbound peers) first and reconnects to them', async () => {
    const w = world('restart', 20);
    const stores = Array.from({ length: 10 }, () => new MemoryStore());
    const nodes = await startNodes(
      w,
      10,
      () => ({ seeds: [`${ipOf(0)}:7000`], targets: { hot: 2, outbound: 3 } }),
      (i) => ({ store: stores[i] }),
    );
    const x = nodes[6]!;
    const hotOutbound = () => x.peers().filter((p) => p.direction === 'outbound' && p.temperature === 'hot');
    expect(await runUntil(w.clock, () => hotOutbound().length === 2, 60_000)).toBe(true);
    await runFor(w.clock, 60_000);
    const hotOut = hotOutbound();
    expect(hotOut).toHaveLength(2);

    await settle(w.clock, x.stop());
    const anchors = stores[6]!.anchors();
    expect(anchors.map((a) => a.endpoint).sort()).toEqual(hotOut.map((p) => p.endpoint).sort());
    expect(anchors.map((a) => a.id).sort()).toEqual(hotOut.map((p) => p.id).sort());
    await runFor(w.clock, 30_000);

    const events: PeerEvent[] = [];
    x.on('peer:event', (e) => events.push(e));
    await x.start();
    await runFor(w.clock, 5_000);
    const dials = events.filter((e) => e.type === 'peer:dialing');
    expect(dials.slice(0, 2).map((e) => e.data?.purpose)).toEqual(['anchor', 'anchor']);
    expect(dials.slice(0, 2).map((e) => e.endpoint).sort()).toEqual(anchors.map((a) => a.endpoint).sort());
    const reconnected = x.peers().filter((p) => anchors.some((a) => a.id === p.id));
    expect(reconnected).toHaveLength(2);
    await stopNodes(w, nodes);
  });
});
