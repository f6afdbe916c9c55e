// A connection's bounded outbound queue: follows the link's back-pressure, batches small frames, sheds gossip when slow.

import type { EncodedFrame } from '../wire/frame.js';
import type { Link } from './transport.js';

/** 'low' is gossip (dropped first when the peer is slow); 'high' frames (PING/PONG) jump the data queue. */
export type Priority = 'high' | 'normal' | 'low';

/** Default high-water mark (DESIGN §8): queued + unsent bytes above this make the peer "slow". */
export const DEFAULT_HIGH_WATER_MARK = 8 * 1024 * 1024;

/**
 * Small frames are copied into one buffer of up to this size per write: one write call instead of
 * hundreds for a burst of 100-byte messages. Larger batches stop helping once past the socket's
 * own buffer size.
 */
const BATCH_BYTES = 64 * 1024;
/** Frames at most this big are batched; bigger ones are written as they are (no copy). */
const BATCH_FRAME_MAX = 4096;

interface Item {
  frame: EncodedFrame;
  low: boolean;
}

export type EnqueueResult = 'queued' | 'dropped' | 'slow' | 'closed';

/**
 * Frames wait here until the link can take them; everything queued in one synchronous run is
 * written in one flush (a microtask), corked into one vectored write. Per-connection memory is
 * lazy: an idle queue holds no arrays.
 */
export class OutboundQueue {
  #link: Link;
  #hwm: number;
  #control: Uint8Array[] | undefined;
  #items: Item[] | undefined;
  #head = 0;
  #bytes = 0;
  #scheduled = false;
  #closed = false;
  #ending = false;
  #lowQueued = 0;
  readonly #flush = () => this.flush();
  /** Frames and bytes dropped by the slow-peer policy. */
  droppedFrames = 0;
  droppedBytes = 0;
  /** Bytes handed to the link. */
  bytesWritten = 0;
  framesWritten = 0;

  constructor(link: Link, highWaterMark = DEFAULT_HIGH_WATER_MARK) {
    this.#link = link;
    this.#hwm = highWaterMark;
  }

  /** Bytes waiting here plus bytes the link has not sent yet: what the slow-peer policy measures. */
  get pendingBytes(): number {
    return this.#bytes + this.#link.writableLength;
  }

  get queuedFrames(): number {
    return (this.#items ? this.#items.length - this.#head : 0) + (this.#control?.length ?? 0);
  }

  /**
   * Queues a frame. Over the high-water mark, queued gossip is dropped first (and a new 'low'
   * frame with it: 'dropped'); if that does not make room for a 'normal' frame, the result is
   * 'slow' and the caller disconnects the peer.
   */
  enqueue(frame: EncodedFrame, priority: Priority = 'normal'): EnqueueResult {
    if (this.#closed || this.#ending) return 'closed';
    if (priority === 'high') return this.enqueueControl(frame.payload ? Buffer.concat([frame.head, frame.payload]) : frame.head);
    const low = priority === 'low';
    if (this.pendingBytes + frame.size > this.#hwm) {
      this.#dropLow();
      if (low) {
        this.droppedFrames++;
        this.droppedBytes += frame.size;
        return 'dropped';
      }
      if (this.pendingBytes + frame.size > this.#hwm) return 'slow';
    }
    (this.#items ??= []).push({ frame, low });
    if (low) this.#lowQueued++;
    this.#bytes += frame.size;
    this.#schedule();
    return 'queued';
  }

  /** Queues a small control frame ahead of data; 'slow' when even that would pass the mark. */
  enqueueControl(bytes: Uint8Array): EnqueueResult {
    if (this.#closed || this.#ending) return 'closed';
    if (this.pendingBytes + bytes.length > this.#hwm) {
      this.#dropLow();
      if (this.pendingBytes + bytes.length > this.#hwm) return 'slow';
    }
    (this.#control ??= []).push(bytes);
    this.#bytes += bytes.length;
    this.#schedule();
    return 'queued';
  }

  /** Queues a last frame (DISCONNECT), then closes the link gracefully once everything is out. */
  end(last?: Uint8Array): void {
    if (this.#closed || this.#ending) return;
    if (last) {
      (this.#items ??= []).push({ frame: { type: last[4] ?? 0, head: last, payload: undefined, size: last.length }, low: false });
      this.#bytes += last.length;
    }
    this.#ending = true;
    this.#schedule();
  }

  /** Forgets everything queued; the link is the caller's to close. */
  clear(): void {
    this.#closed = true;
    this.#items = undefined;
    this.#control = undefined;
    this.#head = 0;
    this.#bytes = 0;
    this.#lowQueued = 0;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(this.#flush);
  }

  #dropLow(): void {
    if (this.#lowQueued === 0 || !this.#items) return;
    const kept: Item[] = [];
    for (let i = this.#head; i < this.#items.length; i++) {
      const item = this.#items[i]!;
      if (item.low) {
        this.droppedFrames++;
        this.droppedBytes += item.frame.size;
        this.#bytes -= item.frame.size;
      } else {
        kept.push(item);
      }
    }
    this.#items = kept;
    this.#head = 0;
    this.#lowQueued = 0;
  }

  #write(bytes: Uint8Array): void {
    this.#link.write(bytes);
    this.bytesWritten += bytes.length;
  }

  /** Writes as much as the link takes now; called from a microtask and on the link's drain. */
  flush(): void {
    this.#scheduled = false;
    const link = this.#link;
    if (this.#closed || link.closed || link.needDrain) return;
    link.cork();
    try {
      const control = this.#control;
      if (control) {
        for (const bytes of control) {
          this.#write(bytes);
          this.#bytes -= bytes.length;
          this.framesWritten++;
        }
        this.#control = undefined;
      }
      this.#flushItems();
    } finally {
      link.uncork();
    }
    if (this.#ending && this.queuedFrames === 0 && !this.#closed) {
      this.#closed = true;
      link.end();
    }
  }

  #flushItems(): void {
    const items = this.#items;
    if (!items) return;
    const link = this.#link;
    let i = this.#head;
    const n = items.length;
    while (i < n && !link.needDrain) {
      const item = items[i]!;
      const f = item.frame;
      if (f.payload || f.size > BATCH_FRAME_MAX) {
        this.#write(f.head);
        if (f.payload) this.#write(f.payload);
        this.#take(item);
        i++;
        continue;
      }
      // A run of small frames: copy them into one buffer.
      let end = i;
      let runBytes = 0;
      while (end < n && runBytes < BATCH_BYTES) {
        const g = items[end]!.frame;
        if (g.payload || g.size > BATCH_FRAME_MAX) break;
        runBytes += g.size;
        end++;
      }
      if (end - i === 1) {
        this.#write(f.head);
      } else {
        const batch = Buffer.allocUnsafe(runBytes);
        let at = 0;
        for (let j = i; j < end; j++) {
          const head = items[j]!.frame.head;
          batch.set(head, at);
          at += head.length;
        }
        this.#write(batch);
      }
      for (let j = i; j < end; j++) this.#take(items[j]!);
      i = end;
    }
    if (i >= n) {
      this.#items = undefined;
      this.#head = 0;
    } else if (i > 1024 && i * 2 > n) {
      // Compact now and then so a long-lived backlog does not keep consumed slots.
      this.#items = items.slice(i);
      this.#head = 0;
    } else {
      this.#head = i;
    }
  }

  #take(item: Item): void {
    this.#bytes -= item.frame.size;
    this.framesWritten++;
    if (item.low) this.#lowQueued--;
  }
}
