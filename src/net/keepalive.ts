// Keep-alive of one connection: a PING right away and every interval, RTT from PONGs, a timeout after missed pongs.

import type { Scheduler, Timer } from '../core/clock.js';
import type { Random } from '../core/random.js';

/** Pings remembered while unanswered: a PONG for any of them still measures the round trip. */
const PING_MEMORY = 3;

/** Timing and randomness, shared by every connection of a manager. */
export interface KeepAliveContext {
  readonly scheduler: Scheduler;
  readonly random: Random;
  readonly config: { readonly pingIntervalMs: number; readonly maxMissedPongs: number };
}

/**
 * What the keep-alive asks of its connection. One hooks object serves all connections (they are
 * passed as `subject`), so a connection's keep-alive costs a few fields, not a set of closures.
 */
export interface KeepAliveHooks<T> {
  /** Queues a PING with this nonce ahead of data; false when the connection could not take it (it handles why). */
  sendPing(subject: T, nonce: bigint): boolean;
  /** `missed` pings in a row went unanswered: end the connection. */
  timedOut(subject: T, missed: number): void;
  /** A PONG matched none of our recent PINGs. */
  unsolicitedPong(subject: T): void;
}

export class KeepAlive<T> {
  /** Last and smallest measured round trip (ms), and when the last PONG came. */
  rttMs: number | undefined;
  minRttMs: number | undefined;
  lastPongAt: number | undefined;
  #subject: T;
  #hooks: KeepAliveHooks<T>;
  #ctx: KeepAliveContext;
  #timer: Timer | undefined;
  /** Unanswered pings, oldest first: [nonce, sentAt] pairs flattened (no object per ping). */
  #pings: (bigint | number)[] = [];
  #missed = 0;
  #stopped = false;
  readonly #onTimer = () => {
    this.#timer = undefined;
    this.#tick();
  };

  constructor(subject: T, hooks: KeepAliveHooks<T>, ctx: KeepAliveContext) {
    this.#subject = subject;
    this.#hooks = hooks;
    this.#ctx = ctx;
  }

  /** Sends the first PING now (eviction and UIs want an RTT early), then one per interval. */
  start(): void {
    this.#tick();
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  #tick(): void {
    if (this.#stopped) return;
    const ctx = this.#ctx;
    if (this.#pings.length > 0) {
      // The previous PING is still unanswered at the next interval: a missed pong.
      if (++this.#missed >= ctx.config.maxMissedPongs) {
        this.stop();
        this.#hooks.timedOut(this.#subject, this.#missed);
        return;
      }
    }
    // 8 random bytes, big-endian, as two 32-bit words: two BigInts per PING, not sixteen.
    const b = ctx.random.bytes(8);
    const hi = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
    const lo = ((b[4]! << 24) | (b[5]! << 16) | (b[6]! << 8) | b[7]!) >>> 0;
    const nonce = (BigInt(hi) << 32n) | BigInt(lo);
    this.#pings.push(nonce, ctx.scheduler.now());
    if (this.#pings.length > 2 * PING_MEMORY) this.#pings.splice(0, 2);
    if (!this.#hooks.sendPing(this.#subject, nonce)) return;
    this.#timer = ctx.scheduler.after(ctx.config.pingIntervalMs, this.#onTimer);
  }

  onPong(nonce: bigint): void {
    const pings = this.#pings;
    let i = 0;
    while (i < pings.length && pings[i] !== nonce) i += 2;
    if (i >= pings.length) {
      this.#hooks.unsolicitedPong(this.#subject);
      return;
    }
    const now = this.#ctx.scheduler.now();
    const rtt = now - (pings[i + 1] as number);
    this.lastPongAt = now;
    this.rttMs = rtt;
    this.minRttMs = this.minRttMs === undefined ? rtt : Math.min(this.minRttMs, rtt);
    this.#missed = 0;
    pings.splice(0, i + 2);
  }
}
