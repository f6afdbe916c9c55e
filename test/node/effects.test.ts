import { describe, expect, it } from 'vitest';
import type { GovernorEffect, GovernorInput } from '../../src/core/governor/index.js';
import { executeEffects, type EffectParts } from '../../src/node/effects.js';
import type { PeerEvent } from '../../src/node/types.js';

/** The executor's parts, each recording what it was asked to do (a unit test of the executor alone). */
function fakeSession() {
  const calls: string[] = [];
  const fed: GovernorInput[] = [];
  const published: PeerEvent[] = [];
  const anchors: unknown[] = [];
  const temps = new Map<string, string>();
  const conn = (id: string) => ({
    remoteId: id,
    connectedAt: 123,
    disconnect: (reason: string, message: string) => {
      calls.push(`disconnect ${id} ${reason} "${message}"`);
      return Promise.resolve();
    },
  });
  const peers: Record<string, ReturnType<typeof conn>> = { aa: conn('aa') };
  const s: EffectParts = {
    scheduler: { now: () => 1000 },
    dials: { start: (ep: { ip: string }, purpose: string, id?: string) => calls.push(`dial ${ep.ip} ${purpose} ${id ?? '-'}`), cancel: (ep: { ip: string }) => calls.push(`cancel ${ep.ip}`) },
    table: {
      get: (id: string) => (peers[id] ? { id, connection: peers[id] } : undefined),
      setTemperature: (id: string, t: string) => temps.set(id, t),
      findByEndpoint: (key: string) => (key === '1.1.1.1:7000' ? { id: 'aa', connection: peers.aa } : undefined),
    },
    driver: { feed: (i: GovernorInput) => fed.push(i) },
    book: {
      good: (ep: { ip: string }) => calls.push(`good ${ep.ip}`),
      attempt: (ep: { ip: string }, count: boolean) => calls.push(`attempt ${ep.ip} ${count}`),
      connected: (ep: { ip: string }) => calls.push(`connected ${ep.ip}`),
      resolveCollisions: () => calls.push('resolveCollisions'),
    },
    exchange: { sendGetAddr: (id: string) => (calls.push(`getaddr ${id}`), true) },
    counters: { message: (dir: string, type: string) => calls.push(`count ${dir} ${type}`) },
    store: { setAnchors: (a: unknown[]) => anchors.push(...a) },
    discovery: { requestAddresses: (reason: string) => (calls.push(`request ${reason}`), Promise.resolve()) },
    publish: (e: PeerEvent) => published.push(e),
    guard: (_: string, fn: () => void) => fn(),
    reportError: () => {},
  };
  return { session: s, calls, fed, published, anchors, temps };
}

const ep = (ip: string) => ({ ip, port: 7000 });

describe('executeEffects', () => {
  it('carries out each effect in order', () => {
    const f = fakeSession();
    const effects: GovernorEffect[] = [
      { type: 'dial', endpoint: ep('2.2.2.2'), purpose: 'static', reason: 'static peer', expectedId: 'bb' },
      { type: 'bookAttempt', endpoint: ep('2.2.2.2'), countFailure: true },
      { type: 'cancelDial', endpoint: ep('3.3.3.3'), reason: 'timed out' },
      { type: 'promote', id: 'aa', reason: 'filling hot slot 1/8' },
      { type: 'bookGood', endpoint: ep('1.1.1.1') },
      { type: 'sendGetAddr', id: 'aa' },
      { type: 'resolveCollisions' },
      { type: 'bookConnected', endpoint: ep('1.1.1.1') },
      { type: 'requestAddresses', reason: 'starving' },
      { type: 'emit', event: { type: 'peer:promoted', at: 1000, id: 'aa', endpoint: '1.1.1.1:7000', reason: 'filling hot slot 1/8' } },
      { type: 'demote', id: 'aa', reason: 'churn' },
    ];
    executeEffects(f.session, effects);
    expect(f.calls).toEqual([
      'dial 2.2.2.2 static bb',
      'attempt 2.2.2.2 true',
      'cancel 3.3.3.3',
      'good 1.1.1.1',
      'getaddr aa',
      'count out getaddr',
      'resolveCollisions',
      'connected 1.1.1.1',
      'request starving',
    ]);
    expect(f.published).toEqual([expect.objectContaining({ type: 'peer:promoted', id: 'aa' })]);
    expect(f.temps.get('aa')).toBe('warm');
  });

  it('closes a peer with the governor\'s cause as the DISCONNECT reason and its words as the message, and reports closes it cannot make', () => {
    const f = fakeSession();
    executeEffects(f.session, [
      { type: 'disconnect', id: 'aa', endpoint: ep('1.1.1.1'), cause: 'churn', reason: 'churn: replacing 1 of 8 hot peers' },
      { type: 'disconnect', id: 'zz', endpoint: ep('9.9.9.9'), cause: 'evicted', reason: 'evicted to admit a new inbound peer' },
      { type: 'disconnect', endpoint: ep('8.8.8.8'), cause: 'requested', reason: 'inbound handshake not reported in time' },
    ]);
    expect(f.calls).toEqual(['disconnect aa churn "churn: replacing 1 of 8 hot peers"']);
    expect(f.fed).toEqual([
      { type: 'disconnected', id: 'zz', endpoint: ep('9.9.9.9'), reason: 'already closed (evicted to admit a new inbound peer)' },
      { type: 'disconnected', endpoint: ep('8.8.8.8'), reason: 'already closed (inbound handshake not reported in time)' },
    ]);
  });

  it('saves anchors with the node ids connected there', () => {
    const f = fakeSession();
    executeEffects(f.session, [{ type: 'saveAnchors', endpoints: [ep('1.1.1.1'), ep('4.4.4.4')] }]);
    expect(f.anchors).toEqual([
      { id: 'aa', endpoint: '1.1.1.1:7000', connectedAt: 123 },
      { id: '', endpoint: '4.4.4.4:7000', connectedAt: 1000 },
    ]);
  });
});
