// Replaying each fixture file yields the expected peer list. The same table is in docs/observer.md.
import { describe, expect, it } from 'vitest';
import { Observer } from '../../src/observer/observer.js';
import type { ObservedPeer, ObservedPeerEvent } from '../../src/observer/types.js';
import { fixturePath } from './fixtures.js';

async function replay(file: string): Promise<Observer & { events: ObservedPeerEvent[] }> {
  const observer = new Observer({ log: fixturePath(file), follow: false, reconcile: false });
  const events: ObservedPeerEvent[] = [];
  observer.on('event', (e) => events.push(e));
  await observer.start();
  await observer.stop();
  return Object.assign(observer, { events });
}

/** The part of a peer the expectations speak about. */
function summary(p: ObservedPeer) {
  return { id: p.id, state: p.state, direction: p.direction, outbound: p.outbound?.state, inbound: p.inbound?.state };
}

describe('replaying the fixture files', () => {
  it('cardano-node-10.6-testnet: one duplex connection, hot on both tracks', async () => {
    const o = await replay('cardano-node-10.6-testnet.jsonl');
    // Node 127.0.0.1:30000. Its dial to :30001 is refused (line 7: a `failed` event, no session). The
    // other node then dials us from its listening port; the handshake (line 10) opens the session,
    // the inbound governor takes it idle → warm → hot (lines 12–18), and our outbound governor
    // reuses the same duplex connection: ColdToWarm, WarmToHot (lines 21, 23).
    expect(o.peers().map(summary)).toEqual([
      { id: '127.0.0.1:30000-127.0.0.1:30001', state: 'hot', direction: 'outbound', outbound: 'hot', inbound: 'hot' },
    ]);
    const p = o.peer('127.0.0.1:30001')!;
    expect(p.provenance).toBe('Inbound');
    expect(p.handshake).toEqual({ versionNumber: 15, diffusionMode: 'InitiatorAndResponderDiffusionMode', peerSharing: 'PeerSharingDisabled' });
    // The refused dial came before the session existed: emitted, but not in the session's history.
    expect(o.events[0]).toMatchObject({ kind: 'failed', id: '127.0.0.1:30000-127.0.0.1:30001', reason: 'connect_error', detail: expect.stringContaining('refused') });
    expect(p.history.map((h) => `${h.kind}:${h.direction ?? '-'}:${h.to}:${h.change}`)).toEqual([
      'opened:-:unknown:HandshakeSuccess',
      'changed:inbound:cold:RemoteIdleSt',
      'changed:inbound:warm:PromotedToWarmRemote',
      'changed:inbound:hot:PromotedToHotRemote',
      'changed:outbound:warm:ColdToWarm',
      'changed:outbound:hot:WarmToHot',
    ]);
    expect(o.nodeStatus()).toMatchObject({ state: 'running', generation: 1, restarts: 0, listening: [{ ip: '127.0.0.1', port: 30000 }] });
    const c = o.counters();
    expect(c).toMatchObject({ linesRead: 26, linesParsed: 15, linesIgnored: 11, parseErrors: 0 });
    expect(c.reported.inboundGovernor).toMatchObject({ idle: 0, cold: 0, warm: 0, hot: 1 });
    expect(c.reported.connectionManager).toBeUndefined();
  });

  it('openblockperf-mainnet-relay: one outbound warm peer, one inbound hot peer', async () => {
    const o = await replay('openblockperf-mainnet-relay.jsonl');
    // Line 1: our governor promotes 3.228.174.253:6000 cold → warm. Lines 3–4: the relay at
    // 85.106.4.146:3001 promotes its use of our connection to warm, then hot (inbound track only).
    // Lines 5–9 are block samples (ignored). No server start is in the extract: node state unknown.
    expect(o.peers().map(summary)).toEqual([
      { id: '172.0.118.125:3001-3.228.174.253:6000', state: 'warm', direction: 'outbound', outbound: 'warm', inbound: undefined },
      { id: '172.0.118.125:3001-85.106.4.146:3001', state: 'hot', direction: 'inbound', outbound: undefined, inbound: 'hot' },
    ]);
    expect(o.nodeStatus().state).toBe('unknown');
    expect(o.counters()).toMatchObject({ linesRead: 9, linesParsed: 4, linesIgnored: 5, parseErrors: 0 });
    expect(o.counters().reported.inboundGovernor).toMatchObject({ idle: 1, cold: 53, warm: 1, hot: 0 });
  });

  it('blockperf-legacy-8.1: no peers (block-fetch and chain-sync samples only)', async () => {
    const o = await replay('blockperf-legacy-8.1.jsonl');
    expect(o.peers()).toEqual([]);
    expect(o.counters()).toMatchObject({ linesRead: 7, linesParsed: 0, linesIgnored: 7, parseErrors: 0 });
  });

  it('synthetic/current-lifecycle: every session of the first run closes for its reason; one peer after the restart', async () => {
    const o = await replay('synthetic/current-lifecycle.jsonl');
    expect(o.peers().map(summary)).toEqual([
      { id: '10.0.0.1:3001-192.0.2.10:3001', state: 'warm', direction: 'outbound', outbound: 'warm', inbound: undefined },
    ]);
    expect(o.peer('10.0.0.1:3001-192.0.2.10:3001')?.generation).toBe(2);
    const closed = Object.fromEntries(o.peers({ includeClosed: true }).filter((p) => p.closed).map((p) => [p.id, p.closed!.reason]));
    expect(closed).toEqual({
      '10.0.0.1:3001-203.0.113.5:41000': 'demoted_cold', // DemotedToColdRemote with CommitTr
      '10.0.0.1:3001-203.0.113.9:50000': 'mux_error', // handshake, then MuxErrored
      '10.0.0.1:3001-198.51.100.7:3001': 'status_change_failed', // ColdToWarm Nothing, inbound KeepTr, failed WarmToHot
      '[2001:db8::1]:3001-[2001:db8::20]:6000': 'node_restart', // left cooling; the Shutdown closes it
    });
    // The first 192.0.2.10 session closed with cooling_to_cold and was reopened after the restart.
    expect(o.peer('10.0.0.1:3001-192.0.2.10:3001')!.history.filter((h) => h.kind === 'closed').map((h) => h.reason)).toEqual(['cooling_to_cold']);
    expect(o.nodeStatus()).toMatchObject({ state: 'running', generation: 2, restarts: 1 });
    expect(o.counters().reported.connectionManager).toMatchObject({ fullDuplex: 1, duplex: 2, unidirectional: 1, inbound: 3, outbound: 2 });
    expect(o.counters()).toMatchObject({ linesRead: 29, linesParsed: 28, linesIgnored: 1, parseErrors: 0 });
  });

  it('synthetic/legacy-peers: the same peers from the legacy format', async () => {
    const o = await replay('synthetic/legacy-peers.jsonl');
    expect(o.peers().map(summary)).toEqual([
      { id: '192.168.0.137:3001-3.11.145.214:3002', state: 'hot', direction: 'outbound', outbound: 'hot', inbound: undefined },
      { id: '192.168.0.137:3001-66.45.255.78:6000', state: 'hot', direction: 'inbound', outbound: undefined, inbound: 'hot' },
    ]);
    expect(o.nodeStatus()).toMatchObject({ state: 'running', listening: [{ ip: '192.168.0.137', port: 3001 }] });
    expect(o.counters()).toMatchObject({ linesRead: 12, linesParsed: 10, linesIgnored: 2, parseErrors: 0 });
  });
});
