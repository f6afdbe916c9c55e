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
});
