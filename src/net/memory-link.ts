// One end of an in-process link: ordered delivery on the injected clock, a send window, loss as delay, partitions.

import type { Endpoint } from '../core/address/index.js';
import type { Scheduler, Timer } from '../core/clock.js';
import { NO_CHANNEL_BINDING, type Link, type LinkHandlers } from './transport.js';

/** What a link asks of the network it runs on (a LinkMedium): time, delays, loss, partitions. */
export interface LinkMedium {
  readonly scheduler: Scheduler;
  /** Bytes in flight before write() reports back-pressure. */
  readonly windowBytes: number;
  /** Extra delay of a lost (and retransmitted) chunk. */
  readonly retransmitMs: number;
  latency(fromIp: string, toIp: string): number;
  lost(): boolean;
  partitioned(a: string, b: string): boolean;
  /** Parks a link until the partition between its ends heals. */
  holdUntilHealed(link: MemoryLink): void;
  /** The link closed: the network stops tracking it. */
  forget(link: MemoryLink): void;
}

interface Delivery {
  at: number;
  data: Uint8Array | undefined; // undefined: the FIN
}

export class MemoryLink implements Link {
  peer!: MemoryLink;
  #net: LinkMedium;
  #handlers: LinkHandlers | undefined;
  /** The peer closed; reported once everything held before it has been delivered. */
  #finReceived = false;
  /** Outgoing chunks and the FIN, in order, with their arrival times. */
  #outbox: Delivery[] = [];
  #timer: Timer | undefined;
  #lastAt = 0;
  #inFlight = 0;
  #needDrain = false;
  #corked: Uint8Array[] | undefined;
  #corks = 0;
  #ended = false;
  #closed = false;
  #paused = false;
  /** Chunks that arrived before attach() or while paused, in order. */
  #held: Uint8Array[] = [];

  constructor(
    net: LinkMedium,
    readonly local: Endpoint,
    readonly remote: Endpoint,
  ) {
    this.#net = net;
  }

  readonly channelBinding = NO_CHANNEL_BINDING;

  get writableLength(): number {
    return this.#inFlight;
  }

  get needDrain(): boolean {
    return this.#needDrain;
  }

  get closed(): boolean {
    return this.#closed;
  }

  attach(handlers: LinkHandlers): void {
    this.#handlers = handlers;
    this.#deliverHeld();
  }

  write(chunk: Uint8Array): boolean {
    if (this.#closed || this.#ended) return false;
    if (this.#corks > 0) {
      (this.#corked ??= []).push(chunk);
    } else {
      this.#send(Buffer.from(chunk)); // copy: the receiver must not share the sender's memory
    }
    this.#inFlight += chunk.length;
    if (this.#inFlight >= this.#net.windowBytes) this.#needDrain = true;
    return !this.#needDrain;
  }

  cork(): void {
    this.#corks++;
  }

  uncork(): void {
    if (this.#corks === 0) return;
    if (--this.#corks > 0) return;
    const parts = this.#corked;
    this.#corked = undefined;
    if (parts && !this.#closed) this.#send(Buffer.concat(parts));
  }

  end(): void {
    if (this.#closed || this.#ended) return;
    this.uncork();
    this.#ended = true;
    this.#enqueue(undefined);
  }

  destroy(): void {
    if (this.#closed) return;
    this.#outbox = [];
    this.#timer?.cancel();
    this.#timer = undefined;
    // The peer learns of it one latency later, like a FIN/RST on the wire.
    const peer = this.peer;
    this.#net.scheduler.after(this.#net.latency(this.local.ip, this.remote.ip), () => peer.#remoteClosed());
    this.#close(undefined);
  }

  /** Stops delivering received data (as a process that never reads): the sender's window fills up. */
  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#deliverHeld();
  }

  #send(data: Uint8Array): void {
    this.#enqueue(data);
  }

  #enqueue(data: Uint8Array | undefined): void {
    const net = this.#net;
    const now = net.scheduler.now();
    let delay = net.latency(this.local.ip, this.remote.ip);
    if (data && net.lost()) delay += net.retransmitMs;
    // Never before an earlier chunk: the stream stays ordered, as TCP keeps it.
    const at = Math.max(this.#lastAt, now + delay);
    this.#lastAt = at;
    this.#outbox.push({ at, data });
    if (!this.#timer) this.#arm();
  }

  #arm(): void {
    const next = this.#outbox[0];
    if (!next) return;
    const net = this.#net;
    this.#timer = net.scheduler.after(next.at - net.scheduler.now(), () => {
      this.#timer = undefined;
      this.#flushDue();
    });
  }

  /** Moves every due chunk to the peer (or holds them while partitioned). */
  #flushDue(): void {
    const net = this.#net;
    if (net.partitioned(this.local.ip, this.remote.ip)) {
      net.holdUntilHealed(this);
      return;
    }
    const now = net.scheduler.now();
    while (this.#outbox.length > 0 && this.#outbox[0]!.at <= now && !this.#closed) {
      const d = this.#outbox.shift()!;
      if (d.data === undefined) {
        this.peer.#remoteClosed();
        this.#close(undefined);
        return;
      }
      this.peer.#arrive(d.data);
    }
    if (!this.#closed) this.#arm();
  }

  /** Called by the network after a partition heals. */
  resumeDelivery(): void {
    if (!this.#timer && !this.#closed) this.#flushDue();
  }

  /** Data from the peer: delivered now, or held while paused or not yet attached (then unacknowledged). */
  #arrive(data: Uint8Array): void {
    if (this.#closed) return;
    if (this.#paused || !this.#handlers) {
      this.#held.push(data);
      return;
    }
    this.peer.#acked(data.length);
    this.#handlers.onData(data);
  }

  #deliverHeld(): void {
    while (this.#held.length > 0 && !this.#paused && this.#handlers && !this.#closed) {
      const data = this.#held.shift()!;
      this.peer.#acked(data.length);
      this.#handlers.onData(data);
    }
    if (this.#finReceived && this.#held.length === 0 && this.#handlers) this.#close(undefined);
  }

  #acked(n: number): void {
    this.#inFlight -= n;
    if (this.#needDrain && this.#inFlight < this.#net.windowBytes / 2 && !this.#closed) {
      this.#needDrain = false;
      this.#handlers?.onDrain();
    }
  }

  #remoteClosed(): void {
    this.#finReceived = true;
    this.#deliverHeld();
  }

  #close(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#outbox = [];
    this.#net.forget(this);
    const h = this.#handlers;
    if (h) queueMicrotask(() => h.onClose(error));
  }
}
