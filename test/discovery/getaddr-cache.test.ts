import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.js';
import { GetAddrCache, getAddrAnswerSize } from '../../src/discovery/getaddr-cache.js';
import { VirtualClock } from '../../src/platform/index.js';
import { book } from './fakes.js';

const H = 60 * 60_000;

function fill(b: ReturnType<typeof book>, n: number, from = 0) {
  for (let i = from; i < from + n; i++) b.add([{ endpoint: `${1 + (i % 200)}.${(i >> 8) & 255}.${i & 255}.9:7000`, time: Date.now() }], `${1 + (i % 200)}.${(i >> 8) & 255}.${i & 255}.9`);
}

describe('getAddrAnswerSize', () => {
  it('is 23 % of the book, at most 1000, and at least 23 (or the whole book when smaller)', () => {
    expect(getAddrAnswerSize(0)).toBe(0);
    expect(getAddrAnswerSize(7)).toBe(7);
    expect(getAddrAnswerSize(23)).toBe(23);
    expect(getAddrAnswerSize(50)).toBe(23);
    expect(getAddrAnswerSize(100)).toBe(23);
    expect(getAddrAnswerSize(1000)).toBe(230);
    expect(getAddrAnswerSize(4347)).toBe(999);
    expect(getAddrAnswerSize(100_000)).toBe(1000);
  });
});

describe('GetAddrCache', () => {
  it('answers with the same set for 21–27 h, then re-samples', () => {
    const clock = new VirtualClock(Date.now());
    const b = book(clock);
    fill(b, 600);
    const size = b.size();
    const cache = new GetAddrCache({ book: b, random: createRandom(5) });
    const keep = () => true;
    const first = cache.get(clock.now(), keep).map((e) => `${e.endpoint.ip}`);
    expect(first).toHaveLength(getAddrAnswerSize(size));
    clock.advance(21 * H - 1);
    expect(cache.get(clock.now(), keep).map((e) => `${e.endpoint.ip}`)).toEqual(first);
    clock.advance(6 * H + 1);
    expect(cache.get(clock.now(), keep).map((e) => `${e.endpoint.ip}`)).not.toEqual(first);
  });

  it('filters the cached answer again at each use (a ban after the build still applies)', () => {
    const clock = new VirtualClock(Date.now());
    const b = book(clock);
    fill(b, 10);
    const cache = new GetAddrCache({ book: b, random: createRandom(5) });
    const all = cache.get(clock.now(), () => true);
    const banned = all[0]!.endpoint.ip;
    expect(cache.get(clock.now(), (ep) => ep.ip !== banned).map((e) => e.endpoint.ip)).not.toContain(banned);
  });

  it('stays current while the book is small, and re-samples early when the book doubles', () => {
    const clock = new VirtualClock(Date.now());
    const b = book(clock);
    fill(b, 3);
    const cache = new GetAddrCache({ book: b, random: createRandom(5) });
    expect(cache.get(clock.now(), () => true)).toHaveLength(3);
    fill(b, 4, 3);
    expect(cache.get(clock.now(), () => true)).toHaveLength(b.size());
    fill(b, 300, 10);
    const big = b.size();
    const answer = cache.get(clock.now(), () => true);
    expect(answer).toHaveLength(getAddrAnswerSize(big));
    const builtAt = cache.builtAt;
    clock.advance(1000);
    fill(b, 10, 400);
    cache.get(clock.now(), () => true);
    expect(cache.builtAt).toBe(builtAt);
  });
});
