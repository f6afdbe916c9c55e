import { describe, expect, it } from 'vitest';
import { createBookSink } from '../../src/discovery/sink.js';
import type { Provenance } from '../../src/discovery/types.js';
import { VirtualClock } from '../../src/platform/index.js';
import { book } from './fakes.js';

describe('createBookSink', () => {
  it('adds with origin, source and penalty, reports each new address once, and refuses what accept() rejects', () => {
    const clock = new VirtualClock();
    const b = book(clock);
    const discovered: string[] = [];
    const learned: number[] = [];
    const sink = createBookSink({
      book: b,
      accept: (ep) => ep.ip !== '6.6.6.6',
      onDiscovered: (ep, p) => discovered.push(`${ep.ip} via ${p.origin} from ${p.from}`),
      onLearned: (n) => learned.push(n),
    });
    const p: Provenance = { origin: 'hub', source: '2.2.2.2', penaltyMs: 60_000, from: 'hub 2.2.2.2:7000' };
    const now = clock.now();
    expect(sink.add([{ endpoint: { ip: '5.5.5.5', port: 7000 }, time: now }, { endpoint: { ip: '6.6.6.6', port: 7000 }, time: now }], p)).toBe(1);
    expect(sink.add([{ endpoint: { ip: '5.5.5.5', port: 7000 }, time: now }], { ...p, origin: 'seed' })).toBe(0);
    expect(b.get('5.5.5.5:7000')).toMatchObject({ origin: 'hub', source: '2.2.2.2', time: now - 60_000 });
    expect(discovered).toEqual(['5.5.5.5 via hub from hub 2.2.2.2:7000']);
    expect(learned).toEqual([1]);
    expect(sink.size()).toBe(1);
  });
});
