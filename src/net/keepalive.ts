// Keep-alive of one connection: a PING right away and every interval, RTT from PONGs, a timeout after missed pongs.

import type { Scheduler, Timer } from '../core/clock.js';
import type { Random } from '../core/random.js';
import { encodePing } from '../wire/control-codec.js';

/** Pings remembered while unanswered: a PONG for any of them still measures the round trip. */
const PING_MEMORY = 3;

export interface KeepAliveHost {
  readonly scheduler: Scheduler;
  readonly random: Random;
  readonly pingIntervalMs: number;
  readonly maxMissedPongs: number;
  /** Queues a PING frame ahead of data; false when the connection could not take it (it handles why). */
  sendPing(frame: Uint8Array): boolean;
  /** `missed` pings in a row went unanswered: end the connection. */
  timedOut(missed: number): void;
  /** A PONG matched none of our recent PINGs. */
  unsolicitedPong(): void;
}

export class KeepAlive {
  /** Last and smallest measured round trip (ms), and when the last PONG came. */
  rttMs: number | undefined;
  minRttMs: number | undefined;
  lastPongAt: number | undefined;
  #host: KeepAliveHost;
  #timer: Timer | undefined;
  #pings: { nonce: bigint; sentAt: number }[] = [];
  #missed = 0;
  #stopped = false;

  constructor(host: KeepAliveHost) {
    this.#host = host;
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
    const host = this.#host;
    if (this.#pings.length > 0) {
      // The previous PING is still unanswered at the next interval: a missed pong.
      if (++this.#missed >= host.maxMissedPongs) {
        this.stop();
        host.timedOut(this.#missed);
        return;
      }
    }
    const bytes = host.random.bytes(8);
    let nonce = 0n;
    for (const b of bytes) nonce = (nonce << 8n) | BigInt(b);
    this.#pings.push({ nonce, sentAt: host.scheduler.now() });
    if (this.#pings.length > PING_MEMORY) this.#pings.shift();
    if (!host.sendPing(encodePing(nonce))) return;
    this.#timer = host.scheduler.after(host.pingIntervalMs, () => {
      this.#timer = undefined;
      this.#tick();
    });
  }

  onPong(nonce: bigint): void {
    const i = this.#pings.findIndex((p) => p.nonce === nonce);
    if (i < 0) {
      this.#host.unsolicitedPong();
      return;
    }
    const now = this.#host.scheduler.now();
    const rtt = now - this.#pings[i]!.sentAt;
    this.lastPongAt = now;
    this.rttMs = rtt;
    this.minRttMs = this.minRttMs === undefined ? rtt : Math.min(this.minRttMs, rtt);
    this.#missed = 0;
    this.#pings.splice(0, i + 1);
  }
}
