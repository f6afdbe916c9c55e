import { describe, expect, it } from 'vitest';
import { frameSizes, NodeCounters } from '../../src/node/counters.js';
import { EventHistory } from '../../src/node/history.js';
import { PeerLedger } from '../../src/node/peer-ledger.js';
import { MemoryStore } from '../../src/store/index.js';
import { VirtualClock } from '../../src/platform/index.js';
import { encodeMessage, encodeRequest, encodeResponse } from '../../src/wire/app-codec.js';
import { encodeAddr, encodeGetAddr } from '../../src/wire/control-codec.js';
import { parseEndpoint } from '../../src/core/address/index.js';

const ID = 'a'.repeat(64);

describe('EventHistory', () => {
  it('buffers events until a flush, and a query flushes first', () => {
    const store = new MemoryStore();
    const h = new EventHistory(store);
    h.record({ type: 'peer:discovered', at: 1, endpoint: '1.1.1.1:7000', reason: 'learned from seed 1.1.1.1:7000', data: { origin: 'seed' } });
    expect(store.events({})).toEqual([]);
    expect(h.pending).toBe(1);
    h.record({ type: 'peer:connected', at: 2, id: ID, endpoint: '1.1.1.1:7000', direction: 'outbound', reason: 'handshake done (outbound)' });
    h.record({ type: 'peer:penalized', at: 3, id: ID, reason: 'low offence: late-response' });
    h.record({ type: 'peer:connected', at: 4, id: 'b'.repeat(64), endpoint: '2.2.2.2:7000', reason: 'other peer' });
    const rows = h.query({ id: ID, endpoints: ['1.1.1.1:7000'] });
    expect(rows.map((r) => r.kind)).toEqual(['peer:discovered', 'peer:connected', 'peer:penalized']);
    expect(rows[1]).toMatchObject({ id: ID, endpoint: '1.1.1.1:7000', data: { direction: 'outbound' } });
    expect(h.query({ id: ID }, { limit: 1 }).map((r) => r.kind)).toEqual(['peer:penalized']);
    expect(h.query({ endpoints: ['2.2.2.2:7000'] }, { since: 4 })).toHaveLength(1);
  });

  it('keeps events whose write failed for the next flush', () => {
    const store = new MemoryStore();
    let fail = true;
    const flaky = Object.assign(Object.create(store) as MemoryStore, {
      appendEvents: (es: Parameters<MemoryStore['appendEvents']>[0]) => {
        if (fail) throw new Error('disk full');
        store.appendEvents(es);
      },
    });
    const h = new EventHistory(flaky);
    h.record({ type: 'peer:busy', at: 1, id: ID, reason: 'marked busy' });
    expect(() => h.flush()).toThrow('disk full');
    fail = false;
    h.flush();
    expect(store.events({ id: ID })).toHaveLength(1);
  });
});

describe('PeerLedger', () => {
  it('remembers first and last seen, last endpoint, counts and the score when flushed', () => {
    const store = new MemoryStore();
    const clock = new VirtualClock(1000);
    let score = 0;
    const ledger = new PeerLedger(store, clock, () => score);
    ledger.connected(ID, '1.1.1.1:7000', 'outbound');
    clock.advance(500);
    ledger.count(ID, 'penalty.late-response');
    score = -1;
    ledger.disconnected(ID);
    expect(store.peer(ID)).toBeUndefined();
    ledger.flush();
    expect(store.peer(ID)).toEqual({
      id: ID,
      lastEndpoint: '1.1.1.1:7000',
      firstSeen: 1000,
      lastSeen: 1500,
      score: -1,
      scoreAt: 1500,
      counts: { 'connections.outbound': 1, 'penalty.late-response': 1 },
    });
    // A later run continues the same record.
    const again = new PeerLedger(store, clock, () => 0);
    again.connected(ID, '1.1.1.1:7000', 'inbound');
    again.flush();
    expect(store.peer(ID)!.counts).toEqual({ 'connections.outbound': 1, 'connections.inbound': 1, 'penalty.late-response': 1 });
    expect(store.peer(ID)!.firstSeen).toBe(1000);
  });
});

describe('counters', () => {
  it('frame sizes match the wire encoding exactly', () => {
    const payload = new Uint8Array(300);
    expect(frameSizes.message('t/é', payload)).toBe(encodeMessage('t/é', payload).size);
    expect(frameSizes.request('topic', payload)).toBe(encodeRequest(7, 'topic', payload).size);
    expect(frameSizes.response(payload)).toBe(encodeResponse(7, 0, payload).size);
    expect(frameSizes.getaddr()).toBe(encodeGetAddr().length);
    const entries = [
      { endpoint: parseEndpoint('1.2.3.4:7000'), services: 1n, time: 1_700_000_000_000 },
      { endpoint: parseEndpoint('[2a01:4f8::1]:7000'), services: 0n, time: 1_700_000_000_000 },
    ];
    expect(frameSizes.addr(entries)).toBe(encodeAddr(entries).length);
  });

  it('count by kind and hand out copies', () => {
    const c = new NodeCounters();
    c.dial('connected');
    c.dial('connected');
    c.penalty('low', 'request-timeout');
    c.message('in', 'addr', 40, 1);
    const snap = c.snapshot();
    expect(snap.dials).toEqual({ connected: 2 });
    expect(snap.penalties).toEqual({ 'request-timeout': 1 });
    expect(snap.penaltiesBySeverity).toEqual({ low: 1 });
    expect(snap.bytes.in).toEqual({ addr: 40 });
    snap.dials.connected = 99;
    expect(c.snapshot().dials.connected).toBe(2);
  });
});
