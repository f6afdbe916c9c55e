// A virtual clock for tests and the simulator: time moves only when advance() is called.
import type { Scheduler, Timer } from '../core/clock.js';

/** A timer in the heap; it is also the Timer handed out (one object per timer, no closure). */
class Pending implements Timer {
  cancelled = false;
  constructor(
    readonly at: number,
    readonly seq: number,
    readonly fn: () => void,
    private readonly onCancel: () => void,
  ) {}

  cancel(): void {
    if (!this.cancelled) {
      this.cancelled = true;
      this.onCancel();
    }
  }
}

const before = (a: Pending, b: Pending) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

/**
 * A Scheduler whose time is set by the caller. Timers fire in order of due time, ties in order of
 * creation, so a run is reproducible. A timer set by a firing timer fires in the same advance() if
 * it falls due within it. Timers live in a binary heap: the simulator keeps many thousands.
 */
export class VirtualClock implements Scheduler {
  #now: number;
  #seq = 0;
  #heap: Pending[] = [];
  #live = 0;
  /** What a timer calls when cancelled before it fired: one function for all of them. */
  readonly #cancelled = (): void => {
    this.#live--;
  };

  constructor(startMs = 1_700_000_000_000) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  after(ms: number, fn: () => void): Timer {
    const p = new Pending(this.#now + Math.max(0, ms), this.#seq++, fn, this.#cancelled);
    this.#push(p);
    this.#live++;
    return p;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    this.advanceTo(this.#now + ms);
  }

  /** Moves time forward to `t` (never backward), firing due timers in order. */
  advanceTo(t: number): void {
    for (;;) {
      const next = this.#heap[0];
      if (!next || next.at > t) break;
      this.#pop();
      if (next.cancelled) continue;
      next.cancelled = true;
      this.#live--;
      this.#now = Math.max(this.#now, next.at);
      next.fn();
    }
    this.#now = Math.max(this.#now, t);
  }

  /** The due time of the next live timer, or undefined. */
  nextDue(): number | undefined {
    while (this.#heap[0]?.cancelled) this.#pop();
    return this.#heap[0]?.at;
  }

  /** Number of live timers (for leak checks in tests). */
  pending(): number {
    return this.#live;
  }

  #push(p: Pending): void {
    const h = this.#heap;
    h.push(p);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i]!, h[parent]!)) break;
      const t = h[i]!;
      h[i] = h[parent]!;
      h[parent] = t;
      i = parent;
    }
  }

  #pop(): void {
    const h = this.#heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l]!, h[m]!)) m = l;
      if (r < h.length && before(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      const t = h[i]!;
      h[i] = h[m]!;
      h[m] = t;
      i = m;
    }
  }
}
