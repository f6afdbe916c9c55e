// The simulation's world and event loop: a virtual clock, a seeded random source, a memory network, timed actions and sampling.
//
// Everything a simulated node does is driven by timers on one VirtualClock and by promise
// continuations those timers start. The loop fires the timers due at the next instant, then lets
// every continuation run (one turn of Node's event loop) before moving on, so the same seed always
// produces the same sequence of events: the run is a pure function of the seed and parameters.
//
// A turn of the event loop costs a few microseconds, and a long run has hundreds of millions of
// instants, most of which only deliver messages and fire keep-alive timers, synchronously. So on
// the message-level network the loop turns only after an instant that created or settled a promise
// or queued a microtask (watched through V8's promise hooks and a wrapper around queueMicrotask
// while the loop runs): every continuation still runs at the instant that caused it. The byte-level
// network queues a microtask for every write, so there the loop turns at every instant.

import { promiseHooks } from 'node:v8';
import type { Random } from '../core/random.js';
import { createRandom } from '../core/random.js';
import { PeerwardenError } from '../core/errors.js';
import { MemoryNetwork } from '../net/memory.js';
import { MessageNetwork } from '../net/message-network.js';
import type { Transport } from '../net/transport.js';
import { VirtualClock } from '../platform/index.js';
import { mapLatency, type LatencyOptions } from './latency.js';

/**
 * Which network carries the nodes' traffic: 'message' (decoded messages handed across, identities
 * vouched for by the network: the fast path) or 'bytes' (MemoryNetwork: every frame encoded, sent
 * as bytes, decoded; Ed25519 handshakes). The policies above them are the same code.
 */
export type SimTransport = 'message' | 'bytes';

/** What the simulation needs of its network (MemoryNetwork and MessageNetwork both are one). */
export interface SimNetwork {
  transport(ip: string): Transport;
  partition(groups: readonly (readonly string[])[]): void;
  heal(): void;
  readonly stats: { dials: number; refused: number; lostDials: number; links: number };
}

/** Virtual start time of every run: a fixed instant, so results never depend on when they were computed. */
export const SIM_EPOCH_MS = Date.UTC(2030, 0, 1);

export interface SimulationOptions {
  seed: string;
  latency?: LatencyOptions;
  /** Probability that a dial's SYN or a data chunk is lost (TCP retransmits it 200 ms later). Default 0. */
  lossRate?: number;
  /** Default 'message'. */
  transport?: SimTransport;
  /** Default DEFAULT_CHECKS. */
  checks?: SimChecks;
}

/**
 * The invariant checks every simulation runs (see HonestNetwork): the address book's consistency
 * check on one operation in `bookEvery` of every node's book (0: off), and the governor's state
 * invariants on every node once per `governorEveryMs` of virtual time (0: off).
 */
export interface SimChecks {
  bookEvery: number;
  governorEveryMs: number;
}

export const DEFAULT_CHECKS: SimChecks = { bookEvery: 1000, governorEveryMs: 10 * 60_000 };

/**
 * An invariant was violated: the run stops at once. The message says when (virtual time) and
 * where; runScenario adds the command that reproduces it (same seed, same settings).
 */
export class SimInvariantError extends PeerwardenError {
  override readonly name = 'SimInvariantError';
  readonly code = 'sim-invariant-violated';
  constructor(
    readonly atMs: number,
    readonly context: string,
    readonly detail: string,
  ) {
    super(`invariant violated ${atMs} ms (virtual) after the start, ${context}: ${detail}`);
  }
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

/** Set whenever a promise is created or settled, or a microtask queued, while a loop watches (see the header). */
let asyncWork = false;
const markAsync = (): void => {
  asyncWork = true;
};

/** How many timer instants between progress callbacks (a callback is cheap, but not free). */
const PROGRESS_EVERY = 512;

export class Simulation {
  readonly seed: string;
  readonly clock: VirtualClock;
  readonly net: SimNetwork;
  readonly transport: SimTransport;
  readonly checks: SimChecks;
  /** Checks made so far (book checks count each sampled operation checked). */
  readonly checked = { book: 0, governor: 0 };
  #violation: SimInvariantError | undefined;
  readonly startMs: number;
  readonly problems: SimProblem[] = [];
  /** Distinct virtual instants the loop stopped at (each fired one or more timers). */
  instants = 0;
  /** Instants after which the loop let the event loop turn (promise work was pending). */
  turns = 0;
  /** Honest nodes running now (kept by HonestNetwork, for progress displays). */
  liveNodes = 0;
  /** Periodic hooks (sampling, invariant checks): each runs at its multiples of `every` after that instant's timers and continuations. */
  #hooks: { every: number; next: number; fn: () => void }[] = [];
  #sample: { every: number; next: number; fn: () => void } | undefined;

  constructor(options: SimulationOptions) {
    this.seed = options.seed;
    this.startMs = SIM_EPOCH_MS;
    this.clock = new VirtualClock(this.startMs);
    const lossRate = options.lossRate ?? 0;
    this.transport = options.transport ?? 'message';
    this.checks = options.checks ?? DEFAULT_CHECKS;
    const network = {
      scheduler: this.clock,
      latencyMs: mapLatency(this.seed, options.latency),
      lossRate,
      ...(lossRate > 0 ? { random: this.random('network-loss') } : {}),
    };
    this.net = this.transport === 'message' ? new MessageNetwork({ ...network, vouchKey: this.random('vouchers').bytes(32) }) : new MemoryNetwork(network);
  }

  /** Events so far: messages delivered by the network (the message-level one counts them) and timer instants. */
  get events(): number {
    const stats = this.net.stats as { messages?: number };
    return this.instants + (stats.messages ?? 0);
  }

  /** Virtual milliseconds since the start of the run. */
  get elapsed(): number {
    return this.clock.now() - this.startMs;
  }

  /** A random stream of its own for each purpose, so adding one consumer never shifts another's draws. */
  random(label: string): Random {
    return createRandom(`${this.seed}/${label}`);
  }

  /** An invariant was violated: the run stops at the end of this instant with a SimInvariantError. The first one wins. */
  violation(context: string, detail: string): void {
    this.#violation ??= new SimInvariantError(this.elapsed, context, detail);
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
    if (this.#sample) this.#hooks = this.#hooks.filter((h) => h !== this.#sample);
    this.#sample = this.#addHook(everyMs, onSample);
  }

  /**
   * Calls `fn` at every multiple of `everyMs` since the start, like sampling: after the timers due
   * at that instant have fired and their continuations have run, so it sees a settled state.
   * Hooks due at the same instant run in the order they were added.
   */
  every(everyMs: number, fn: () => void): void {
    if (!(everyMs > 0)) throw new RangeError(`the interval must be positive, got ${everyMs}`);
    this.#addHook(everyMs, fn);
  }

  #addHook(everyMs: number, fn: () => void): { every: number; next: number; fn: () => void } {
    const hook = { every: everyMs, next: this.startMs + (Math.floor(this.elapsed / everyMs) + 1) * everyMs, fn };
    this.#hooks.push(hook);
    return hook;
  }

  /** The earliest due time of the periodic hooks (Infinity when none). */
  #nextHookAt(): number {
    let at = Infinity;
    for (const h of this.#hooks) if (h.next < at) at = h.next;
    return at;
  }

  /** Lets pending continuations run without moving the clock (after creating or starting nodes). */
  settle(): Promise<void> {
    return turn();
  }

  /** Runs virtual time up to `untilMs` after the start, instant by instant. */
  async runUntil(untilMs: number, hooks: RunHooks = {}): Promise<void> {
    const end = this.startMs + untilMs;
    const clock = this.clock;
    const always = this.transport !== 'message';
    await turn();
    const unwatch = watchAsync();
    try {
      let sinceProgress = 0;
      for (;;) {
        const next = clock.nextDue();
        const sampleAt = this.#nextHookAt();
        if (next !== undefined && next <= end && next <= sampleAt) {
          asyncWork = false;
          clock.advanceTo(next);
          this.instants++;
          if (always || asyncWork) {
            this.turns++;
            await turn();
          }
          if (this.#violation) throw this.#violation;
          if (++sinceProgress >= PROGRESS_EVERY) {
            sinceProgress = 0;
            hooks.onProgress?.(this.elapsed);
          }
          continue;
        }
        if (sampleAt <= end) {
          clock.advanceTo(sampleAt);
          await turn();
          if (this.#violation) throw this.#violation;
          for (const h of this.#hooks) {
            if (h.next !== sampleAt) continue;
            h.next += h.every;
            h.fn();
          }
          if (this.#violation) throw this.#violation;
          continue;
        }
        break;
      }
    } finally {
      unwatch();
    }
    clock.advanceTo(end);
    await turn();
    if (this.#violation) throw this.#violation;
    hooks.onProgress?.(this.elapsed);
  }
}

/**
 * Watches for work that needs a turn of the event loop: promises created or settled (V8's promise
 * hooks) and microtasks queued (queueMicrotask, wrapped). Returns the function that stops watching.
 */
function watchAsync(): () => void {
  const stopHooks = promiseHooks.createHook({ init: markAsync, settled: markAsync });
  const original = globalThis.queueMicrotask;
  globalThis.queueMicrotask = (callback: () => void) => {
    asyncWork = true;
    original(callback);
  };
  return () => {
    stopHooks();
    globalThis.queueMicrotask = original;
  };
}
