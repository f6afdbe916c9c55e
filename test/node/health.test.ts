import { describe, expect, it } from 'vitest';
import { DEFAULT_TARGETS } from '../../src/node/config.js';
import { computeHealth } from '../../src/node/health.js';
import type { NodeSession } from '../../src/node/session.js';

/** A session with just what health reads: peers (direction, temperature, purpose, group) and the book size. */
function session(peers: Array<{ direction: 'inbound' | 'outbound'; hot?: boolean; purpose?: string; group: string }>): NodeSession {
  const recs = peers.map((p, i) => ({ id: `p${i}`, temperature: p.hot ? 'hot' : 'warm', connection: { direction: p.direction } }));
  const gov = new Map(peers.map((p, i) => [`p${i}`, { purpose: p.purpose ?? (p.direction === 'inbound' ? 'inbound' : 'outbound'), group: p.group }]));
  return { table: { records: () => recs.values() }, governor: { peers: gov }, book: { size: () => 40 } } as unknown as NodeSession;
}

const targets = { ...DEFAULT_TARGETS, hot: 2, outbound: 3 };

describe('computeHealth', () => {
  it('isolated when stopped or without peers', () => {
    expect(computeHealth(undefined, targets)).toMatchObject({ status: 'isolated', reason: 'the node is not running' });
    expect(computeHealth(session([]), targets)).toMatchObject({ status: 'isolated', knownAddresses: 40 });
  });

  it('degraded below targets (feelers do not count), healthy at targets', () => {
    const some = session([
      { direction: 'outbound', hot: true, group: 'a' },
      { direction: 'outbound', hot: false, group: 'b' },
      { direction: 'outbound', hot: true, purpose: 'feeler', group: 'c' },
      { direction: 'inbound', hot: true, group: 'd' },
    ]);
    expect(computeHealth(some, targets)).toMatchObject({ status: 'degraded', reason: 'below targets: outbound 2/3, hot 1/2', outbound: 2, inbound: 1, peers: 4 });
    const full = session([
      { direction: 'outbound', hot: true, group: 'a' },
      { direction: 'outbound', hot: true, group: 'b' },
      { direction: 'outbound', purpose: 'static', group: 'c' },
    ]);
    expect(computeHealth(full, targets)).toMatchObject({ status: 'healthy', outboundGroups: 3 });
  });

  it('degraded when every outbound peer is in one net group', () => {
    const oneGroup = session([
      { direction: 'outbound', hot: true, group: 'a' },
      { direction: 'outbound', hot: true, group: 'a' },
      { direction: 'outbound', purpose: 'manual', group: 'a' },
    ]);
    expect(computeHealth(oneGroup, targets)).toMatchObject({ status: 'degraded', reason: 'every outbound peer is in one net group' });
  });

  it('healthy below targets when connected to every known address (a network smaller than the targets), degraded when one is left to dial', () => {
    const ep = (i: number) => ({ ip: `10.${i}.0.1`, port: 7000 });
    const small = (known: number) => {
      // Three peers: one outbound (connected to its listening endpoint), two inbound (from ephemeral ports, listening on 7000).
      const recs = [0, 1, 2].map((i) => ({
        id: `p${i}`,
        temperature: i === 0 ? 'hot' : 'warm',
        connection: i === 0 ? { direction: 'outbound', remoteEndpoint: ep(i) } : { direction: 'inbound', remoteEndpoint: { ip: ep(i).ip, port: 50000 + i }, remoteListenEndpoint: ep(i) },
      }));
      const gov = new Map(recs.map((r, i) => [r.id, { purpose: i === 0 ? 'outbound' : 'inbound', group: `g${i}` }]));
      const entries = Array.from({ length: known }, (_, i) => ({ endpoint: ep(i) }));
      return { table: { records: () => recs.values() }, governor: { peers: gov }, book: { size: () => known, entries: () => entries } } as unknown as NodeSession;
    };
    expect(computeHealth(small(3), targets)).toMatchObject({
      status: 'healthy',
      reason: 'connected to every known node (3 peers): the network is smaller than the targets (outbound 1/3, hot 1/2)',
    });
    // A fourth known address, not connected: the node could dial it, so below targets is degraded.
    expect(computeHealth(small(4), targets)).toMatchObject({ status: 'degraded', reason: 'below targets: outbound 1/3, hot 1/2' });
  });
});
