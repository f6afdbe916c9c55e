// The simulation's world and event loop: a virtual clock, a seeded random source, a memory network, timed actions and sampling.
//
// Everything a simulated node does is driven by timers on one VirtualClock and by promise
// continuations those timers start. The loop fires the timers due at the next instant, then lets
// every continuation run (one turn of Node's event loop) before moving on, so the same seed always
// produces the same sequence of events: the run is a pure function of the seed and parameters.

import type { Random } from '../core/random.js';
import { createRandom } from '../core/random.js';
import { MemoryNetwork } from '../net/memory.js';
import { VirtualClock } from '../platform/index.js';
import { mapLatency, type LatencyOptions } from './latency.js';

/** Virtual start time of every run: a fixed instant, so results never depend on when they were computed. */
export const SIM_EPOCH_MS = Date.UTC(2030, 0, 1);

export interface SimulationOptions {
  seed: string;
  latency?: LatencyOptions;
  /** Probability that a dial's SYN or a data chunk is lost (TCP retransmits it 200 ms later). Default 0. */
  lossRate?: number;
}

/** Something that went wrong inside the simulation (a node error, a failed action), with when. */
export interface SimProblem {
  atMs: number;
  context: string;
  message: string;
}

export interface RunHooks {
  /** Called now and then with the virtual time reached (ms since the start), for progress displays. */
  onProgress?(elapsedMs: number): void;
}

/** Lets every pending promise continuation run: one turn of Node's event loop. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** How many timer instants between progress callbacks (a callback is cheap, but not free). */
const PROGRESS_EVERY = 512;

export class Simulation {
  readonly seed: string;
  readonly clock: VirtualClock;
  readonly net: MemoryNetwork;
  readonly startMs: number;
  readonly problems: SimProblem[] = [];
  /** Distinct virtual instants the loop stopped at (each fired one or more timers). */
  instants = 0;
  #sampleEveryMs = 0;
  #nextSampleAt = Infinity;
  #onSample: (() => void) | undefined;

  constructor(options: SimulationOptions) {
    this.seed = options.seed;
    this.startMs = SIM_EPOCH_MS;
    this.clock = new VirtualClock(this.startMs);
    const lossRate = options.lossRate ?? 0;
    this.net = new MemoryNetwork({
      scheduler: this.clock,
      latencyMs: mapLatency(this.seed, options.latency),
      lossRate,
      ...(lossRate > 0 ? { random: this.random('network-loss') } : {}),
    });
  }

  /** Virtual milliseconds since the start of the run. */
  get elapsed(): number {
    return this.clock.now() - this.startMs;
  }

  /** A random stream of its own for each purpose, so adding one consumer never shifts another's draws. */
  random(label: string): Random {
    return createRandom(`${this.seed}/${label}`);
  }

  /** Records a problem; the run goes on (a simulation reports failures, it does not stop at the first). */
  problem(context: string, err: unknown): void {
    this.problems.push({ atMs: this.elapsed, context, message: err instanceof Error ? err.message : String(err) });
  }

  /** Runs `action` at `atMs` after the start (at once if that is past); a rejected promise is recorded as a problem. */
  at(atMs: number, context: string, action: () => void | Promise<unknown>): void {
    this.clock.after(Math.max(0, this.startMs + atMs - this.clock.now()), () => this.#guard(context, action));
  }

  /** Runs `action` after `delayMs` from now. */
  after(delayMs: number, context: string, action: () => void | Promise<unknown>): void {
    this.clock.after(Math.max(0, delayMs), () => this.#guard(context, action));
  }

  #guard(context: string, action: () => void | Promise<unknown>): void {
    try {
      const r = action();
      if (r && typeof (r as Promise<unknown>).then === 'function') (r as Promise<unknown>).catch((err) => this.problem(context, err));
    } catch (err) {
      this.problem(context, err);
    }
  }

  /**
   * Calls `onSample` at every multiple of `everyMs` since the start (the first at `everyMs`), after
   * the timers due at that instant have fired and their continuations have run.
   */
  sampleEvery(everyMs: number, onSample: () => void): void {
    if (!(everyMs > 0)) throw new RangeError(`the sampling interval must be positive, got ${everyMs}`);
    this.#sampleEveryMs = everyMs;
    this.#onSample = onSample;
    this.#nextSampleAt = this.startMs + (Math.floor(this.elapsed / everyMs) + 1) * everyMs;
  }

  /** Lets pending continuations run without moving the clock (after creating or starting nodes). */
  settle(): Promise<void> {
    return turn();
  }

  /** Runs virtual time up to `untilMs` after the start, instant by instant. */
  async runUntil(untilMs: number, hooks: RunHooks = {}): Promise<void> {
    const end = this.startMs + untilMs;
    const clock = this.clock;
    await turn();
    let sinceProgress = 0;
    for (;;) {
      const next = clock.nextDue();
      const sampleAt = this.#nextSampleAt;
      if (next !== undefined && next <= end && next <= sampleAt) {
        clock.advanceTo(next);
        this.instants++;
        await turn();
        if (++sinceProgress >= PROGRESS_EVERY) {
          sinceProgress = 0;
          hooks.onProgress?.(this.elapsed);
        }
        continue;
      }
      if (sampleAt <= end) {
        clock.advanceTo(sampleAt);
        await turn();
        this.#nextSampleAt += this.#sampleEveryMs;
        this.#onSample?.();
        continue;
      }
      break;
    }
    clock.advanceTo(end);
    await turn();
    hooks.onProgress?.(this.elapsed);
  }
}
