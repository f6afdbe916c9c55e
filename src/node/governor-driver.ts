// Drives the pure governor: one input at a time, effects carried out in order, one timer at state.nextTickAt.

import type { Scheduler, Timer } from '../core/clock.js';
import { step, type GovernorContext, type GovernorEffect, type GovernorInput, type GovernorState } from '../core/governor/index.js';
import type { Random } from '../core/random.js';

export interface GovernorDriverOptions {
  state: GovernorState;
  scheduler: Scheduler;
  random: Random;
  context: GovernorContext;
  /** Carries out one step's effects, in order. May feed new inputs: they queue behind the current one. */
  execute(effects: GovernorEffect[]): void;
  /** A step or an effect threw: a bug, reported, never fatal to the node. */
  onError(err: Error, input: GovernorInput): void;
}

/**
 * The governor's shell. Inputs are queued and applied one at a time, each step's effects carried
 * out before the next input, so an effect that reports back (a disconnect closing a connection
 * at once) never re-enters `step` halfway through another step's effects.
 */
export class GovernorDriver {
  readonly state: GovernorState;
  #o: GovernorDriverOptions;
  #queue: GovernorInput[] = [];
  #running = false;
  #timer: Timer | undefined;
  #timerAt = Infinity;
  #stopped = false;

  constructor(options: GovernorDriverOptions) {
    this.#o = options;
    this.state = options.state;
  }

  /** True while a step's effects are being carried out. */
  get busy(): boolean {
    return this.#running;
  }

  /** The first tick: due at once. */
  start(): void {
    this.feed({ type: 'tick' });
  }

  /** Applies an input now, or after the one being applied. */
  feed(input: GovernorInput): void {
    if (this.#stopped) return;
    this.#queue.push(input);
    if (this.#running) return;
    this.#running = true;
    try {
      for (let next = this.#queue.shift(); next; next = this.#queue.shift()) this.#apply(next);
    } finally {
      this.#running = false;
    }
    this.#arm();
  }

  /**
   * Applies an input synchronously and returns its effects without carrying them out (the caller
   * decides: inbound admission answers the connection manager from them). Undefined when a step
   * is in progress; the caller must then answer on its own.
   */
  stepNow(input: GovernorInput): GovernorEffect[] | undefined {
    if (this.#running || this.#stopped) return undefined;
    try {
      return step(this.state, input, this.#o.scheduler, this.#o.random, this.#o.context).effects;
    } catch (err) {
      this.#o.onError(err as Error, input);
      return [];
    }
  }

  /** Carries out effects obtained from stepNow (and anything they queue), then re-arms the timer. */
  executeNow(effects: GovernorEffect[]): void {
    this.#running = true;
    try {
      this.#o.execute(effects);
      for (let next = this.#queue.shift(); next; next = this.#queue.shift()) this.#apply(next);
    } finally {
      this.#running = false;
    }
    this.#arm();
  }

  /** No more inputs; the timer is cancelled. */
  stop(): void {
    this.#stopped = true;
    this.#queue = [];
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }

  #apply(input: GovernorInput): void {
    let effects: GovernorEffect[];
    try {
      effects = step(this.state, input, this.#o.scheduler, this.#o.random, this.#o.context).effects;
    } catch (err) {
      this.#o.onError(err as Error, input);
      return;
    }
    try {
      this.#o.execute(effects);
    } catch (err) {
      this.#o.onError(err as Error, input);
    }
  }

  #arm(): void {
    if (this.#stopped) return;
    const at = this.state.nextTickAt;
    if (this.#timer && at === this.#timerAt) return;
    this.#timer?.cancel();
    this.#timerAt = at;
    const { scheduler } = this.#o;
    this.#timer = scheduler.after(Math.max(0, at - scheduler.now()), () => {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      this.feed({ type: 'tick' });
    });
  }
}
