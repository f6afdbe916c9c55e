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
/**
 * A flush keeps handing frames to the link past its own high-water mark until this many bytes are
 * buffered there: large frames (a 1 MiB broadcast) then travel without a JS round trip per frame.
 * Broadcast payloads are shared, so this costs references, not copies; it counts toward the
 * slow-peer limit like everything queued.
 */
const WRITE_BUDGET = 1024 * 1024;
/** Consumed slots are compacted away once there are this many (and they are most of the array). */
const COMPACT_AFTER = 1024;

/** A queued frame: an EncodedFrame (shared by a broadcast, maybe with a separate payload) or plain bytes. */
type Item = EncodedFrame | Uint8Array;

const sizeOf = (item: Item): number => (item instanceof Uint8Array ? item.length : item.size);

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
  /** Data frames in order, from #head on; #low[i] marks gossip (parallel array: no per-frame wrapper object). */
  #items: Item[] | undefined;
  #low: boolean[] | undefined;
  #head = 0;
  #bytes = 0;
  #scheduled = false;
  #closed = false;
  #ending = false;
  #lowQueued = 0;
  readonly #flush = () => this.flush();
  #drainWaiters: (() => void)[] | undefined;
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
   * Queues a frame (an EncodedFrame, or a complete frame as one array). Over the high-water mark,
   * queued gossip is dropped first (and a new 'low' frame with it: 'dropped'); if that does not
   * make room for a 'normal' frame, the result is 'slow' and the caller disconnects the peer.
   */
  enqueue(item: Item, priority: Priority = 'normal'): EnqueueResult {
    if (this.#closed || this.#ending) return 'closed';
    if (priority === 'high') {
      if (item instanceof Uint8Array) return this.enqueueControl(item);
      return this.enqueueControl(item.payload ? Buffer.concat([item.head, item.payload]) : item.head);
    }
    const size = sizeOf(item);
    const low = priority === 'low';
    if (this.pendingBytes + size > this.#hwm) {
      this.#dropLow();
      if (low) {
        this.droppedFrames++;
        this.droppedBytes += size;
        return 'dropped';
      }
      if (this.pendingBytes + size > this.#hwm) return 'slow';
    }
    (this.#items ??= []).push(item);
    (this.#low ??= []).push(low);
    if (low) this.#lowQueued++;
    this.#bytes += size;
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
      (this.#items ??= []).push(last);
      (this.#low ??= []).push(false);
      this.#bytes += last.length;
    }
    this.#ending = true;
    this.#schedule();
  }

  /** Resolves once everything queued has been handed to the link and the link takes more (or the queue closed). */
  whenDrained(): Promise<void> {
    if (this.#closed || (this.queuedFrames === 0 && !this.#link.needDrain)) return Promise.resolve();
    return new Promise((resolve) => (this.#drainWaiters ??= []).push(resolve));
  }

  #wakeDrainWaiters(): void {
    const waiters = this.#drainWaiters;
    if (!waiters) return;
    this.#drainWaiters = undefined;
    for (const w of waiters) w();
  }

  /** Forgets everything queued; the link is the caller's to close. */
  clear(): void {
    this.#wakeDrainWaiters();
    this.#closed = true;
    this.#items = undefined;
    this.#low = undefined;
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
    const items: Item[] = [];
    const lows: boolean[] = [];
    for (let i = this.#head; i < this.#items.length; i++) {
      const item = this.#items[i]!;
      if (this.#low![i]) {
        const size = sizeOf(item);
        this.droppedFrames++;
        this.droppedBytes += size;
        this.#bytes -= size;
      } else {
        items.push(item);
        lows.push(false);
      }
    }
    this.#items = items;
    this.#low = lows;
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
    if (this.#closed || link.closed || (link.needDrain && link.writableLength >= WRITE_BUDGET)) return;
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
    if (this.queuedFrames === 0) {
      if (this.#ending && !this.#closed) {
        this.#closed = true;
        link.end();
      }
      if (!link.needDrain) this.#wakeDrainWaiters();
    }
  }

  #flushItems(): void {
    const items = this.#items;
    if (!items) return;
    const lows = this.#low!;
    const link = this.#link;
    let i = this.#head;
    const n = items.length;
    // Stop only when the link asked for a pause *and* holds a full budget: then a drain is sure to come.
    while (i < n && (!link.needDrain || link.writableLength < WRITE_BUDGET)) {
      const item = items[i]!;
      const size = sizeOf(item);
      if (size > BATCH_FRAME_MAX || !(item instanceof Uint8Array || item.payload === undefined)) {
        if (item instanceof Uint8Array) {
          this.#write(item);
        } else {
          this.#write(item.head);
          if (item.payload) this.#write(item.payload);
        }
        this.#take(size, lows[i]!);
        i++;
        continue;
      }
      // A run of small single-array frames: copy them into one buffer.
      let end = i;
      let runBytes = 0;
      while (end < n && runBytes < BATCH_BYTES) {
        const next = items[end]!;
        const s = sizeOf(next);
        if (s > BATCH_FRAME_MAX || !(next instanceof Uint8Array || next.payload === undefined)) break;
        runBytes += s;
        end++;
      }
      if (end - i === 1) {
        this.#write(item instanceof Uint8Array ? item : item.head);
      } else {
        const batch = Buffer.allocUnsafe(runBytes);
        let at = 0;
        for (let j = i; j < end; j++) {
          const it = items[j]!;
          const bytes = it instanceof Uint8Array ? it : it.head;
          batch.set(bytes, at);
          at += bytes.length;
        }
        this.#write(batch);
      }
      for (let j = i; j < end; j++) this.#take(sizeOf(items[j]!), lows[j]!);
      i = end;
    }
    if (i >= n) {
      this.#items = undefined;
      this.#low = undefined;
      this.#head = 0;
    } else if (i > COMPACT_AFTER && i * 2 > n) {
      this.#items = items.slice(i);
      this.#low = lows.slice(i);
      this.#head = 0;
    } else {
      this.#head = i;
    }
  }

  #take(size: number, low: boolean): void {
    this.#bytes -= size;
    this.framesWritten++;
    if (low) this.#lowQueued--;
  }
}
