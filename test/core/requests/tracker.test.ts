import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RequestLimitError } from '../../../src/core/requests/errors.js';
import { MAX_OUTSTANDING_REQUESTS, RequestTracker, type RequestPenaltyReason } from '../../../src/core/requests/tracker.js';

function tracker() {
  const penalties: [string, RequestPenaltyReason, number][] = [];
  const t = new RequestTracker<string, string>({ onPenalty: (peer, reason, id) => penalties.push([peer, reason, id]) });
  return { t, penalties };
}

describe('RequestTracker', () => {
  it('assigns distinct ids per peer and matches responses to their requests', () => {
    const { t, penalties } = tracker();
    const a1 = t.begin('a', 0, 1000, 'a-first');
    const a2 = t.begin('a', 0, 1000, 'a-second');
    const b1 = t.begin('b', 0, 1000, 'b-first');
    expect(a1).not.toBe(a2);
    expect(t.settle('a', a2, 10)).toEqual({ outcome: 'matched', value: 'a-second' });
    expect(t.settle('b', b1, 10)).toEqual({ outcome: 'matched', value: 'b-first' });
    // An id is matched only for the peer it was sent to.
    expect(t.settle('b', a1, 10)).toEqual({ outcome: 'unsolicited' });
    expect(t.outstanding('a')).toBe(1);
    expect(penalties).toEqual([['b', 'unsolicited-response', a1]]);
  });

  it(`allows at most ${MAX_OUTSTANDING_REQUESTS} requests in flight per peer, then throws RequestLimitError`, () => {
    const { t } = tracker();
    const ids = Array.from({ length: MAX_OUTSTANDING_REQUESTS }, (_, i) => t.begin('a', 0, 1000, `r${i}`));
    expect(() => t.begin('a', 0, 1000, 'one too many')).toThrow(RequestLimitError);
    expect(t.begin('b', 0, 1000, 'other peer')).toBeTypeOf('number');
    t.settle('a', ids[0]!, 1);
    expect(t.begin('a', 1, 1000, 'room again')).toBeTypeOf('number');
  });

  it('expires requests at their deadline from the given time, penalising each as a timeout', () => {
    const { t, penalties } = tracker();
    const fast = t.begin('a', 0, 100, 'fast');
    const slow = t.begin('a', 0, 500, 'slow');
    expect(t.nextDeadline()).toBe(100);
    expect(t.expire(99)).toEqual([]);
    expect(t.expire(100)).toEqual([{ peer: 'a', requestId: fast, value: 'fast' }]);
    expect(t.nextDeadline()).toBe(500);
    expect(penalties).toEqual([['a', 'request-timeout', fast]]);
    expect(t.settle('a', slow, 200).outcome).toBe('matched');
    expect(t.nextDeadline()).toBeUndefined();
  });

  it('tells a late response (after its timeout) from an unsolicited one', () => {
    const { t, penalties } = tracker();
    const id = t.begin('a', 0, 100, 'x');
    t.expire(100);
    expect(t.settle('a', id, 150)).toEqual({ outcome: 'late' });
    expect(t.settle('a', id, 160)).toEqual({ outcome: 'unsolicited' });
    expect(penalties.map((p) => p[1])).toEqual(['request-timeout', 'late-response', 'unsolicited-response']);
  });

  it('treats a response past its deadline as a timeout even before expire() ran', () => {
    const { t, penalties } = tracker();
    const id = t.begin('a', 0, 100, 'x');
    expect(t.settle('a', id, 100)).toEqual({ outcome: 'timed-out', value: 'x' });
    expect(penalties.map((p) => p[1])).toEqual(['request-timeout', 'late-response']);
  });

  it('hands back the outstanding requests of a dropped peer and forgets it both ways', () => {
    const { t } = tracker();
    t.begin('a', 0, 100, 'x');
    t.begin('a', 0, 100, 'y');
    t.acceptIncoming('a', 5);
    expect(t.dropPeer('a').sort()).toEqual(['x', 'y']);
    expect(t.size).toBe(0);
    expect(t.incoming('a')).toBe(0);
    expect(t.expire(1000)).toEqual([]);
  });

  it('limits incoming requests per peer and spots duplicate ids', () => {
    const { t } = tracker();
    for (let i = 0; i < MAX_OUTSTANDING_REQUESTS; i++) expect(t.acceptIncoming('a', i)).toBe('accepted');
    expect(t.acceptIncoming('a', 1000)).toBe('over-limit');
    expect(t.acceptIncoming('a', 3)).toBe('duplicate');
    expect(t.finishIncoming('a', 3)).toBe(true);
    expect(t.finishIncoming('a', 3)).toBe(false);
    expect(t.acceptIncoming('a', 1000)).toBe('accepted');
  });

  it('never expires a request before its deadline nor keeps one past it; settles agree with a model (property)', () => {
    const reqArb = fc.record({ start: fc.nat(1000), timeout: fc.integer({ min: 1, max: 500 }), answerAfter: fc.option(fc.nat(700)) });
    fc.assert(
      fc.property(fc.array(reqArb, { maxLength: 40 }), fc.array(fc.nat(2000), { maxLength: 10 }), (reqs, checks) => {
        type Ev = { time: number; order: number; run: () => void };
        const t = new RequestTracker<number, number>({ maxOutstanding: 1000 });
        const ids = new Map<number, number>();
        const state = new Map<number, 'open' | 'done' | 'expired'>();
        const deadline = (i: number) => reqs[i]!.start + reqs[i]!.timeout;
        const events: Ev[] = [];
        reqs.forEach((r, i) => {
          events.push({ time: r.start, order: 0, run: () => (ids.set(i, t.begin(0, r.start, r.timeout, i)), state.set(i, 'open')) });
          if (r.answerAfter !== null) {
            const at = r.start + r.answerAfter;
            events.push({
              time: at,
              order: 1,
              run: () => {
                const outcome = t.settle(0, ids.get(i)!, at).outcome;
                const expected = state.get(i) === 'expired' ? 'late' : at < deadline(i) ? 'matched' : 'timed-out';
                expect(outcome).toBe(expected);
                state.set(i, 'done');
              },
            });
          }
        });
        for (const c of checks) {
          events.push({
            time: c,
            order: 2,
            run: () => {
              for (const e of t.expire(c)) {
                expect(deadline(e.value)).toBeLessThanOrEqual(c);
                expect(state.get(e.value)).toBe('open');
                state.set(e.value, 'expired');
              }
              const stillDue = [...state].filter(([i, s]) => s === 'open' && deadline(i) <= c);
              expect(stillDue).toEqual([]);
              const open = [...state].filter(([, s]) => s === 'open').map(([i]) => deadline(i));
              const next = t.nextDeadline();
              if (open.length === 0) expect(next).toBeUndefined();
              else expect(next).toBeLessThanOrEqual(Math.min(...open));
            },
          });
        }
        events.sort((a, b) => a.time - b.time || a.order - b.order);
        for (const e of events) e.run();
      }),
    );
  });
});
