import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/platform/virtual-clock.js';

describe('VirtualClock', () => {
  it('fires timers in due order, ties in creation order, and only when advanced', () => {
    const clock = new VirtualClock(0);
    const log: string[] = [];
    clock.after(20, () => log.push('b'));
    clock.after(10, () => log.push('a'));
    clock.after(20, () => log.push('c'));
    clock.advance(5);
    expect(log).toEqual([]);
    clock.advance(15);
    expect(log).toEqual(['a', 'b', 'c']);
    expect(clock.now()).toBe(20);
  });

  it('runs timers scheduled by timers within the same advance, at their own time', () => {
    const clock = new VirtualClock(0);
    const seen: number[] = [];
    clock.after(10, () => {
      seen.push(clock.now());
      clock.after(10, () => seen.push(clock.now()));
    });
    clock.advance(100);
    expect(seen).toEqual([10, 20]);
    expect(clock.now()).toBe(100);
  });

  it('skips cancelled timers and counts live ones', () => {
    const clock = new VirtualClock(0);
    let fired = false;
    const t = clock.after(10, () => (fired = true));
    clock.after(30, () => {});
    expect(clock.pending()).toBe(2);
    t.cancel();
    t.cancel();
    expect(clock.pending()).toBe(1);
    expect(clock.nextDue()).toBe(30);
    clock.advance(50);
    expect(fired).toBe(false);
    expect(clock.pending()).toBe(0);
  });
});
