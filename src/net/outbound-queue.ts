// A connection's bounded outbound queue: accounted in bytes, small frames packed into shared chunks, gossip shed first.

import type { EncodedFrame } from '../wire/frame.js';
import type { SendBudget } from './send-budget.js';
import type { Link } from './transport.js';

/** 'low' is gossip (dropped first when the peer is slow); 'high' frames (PING/handshake) jump the data queue. */
export type Priority = 'high' | 'normal' | 'low';

/** Default high-water mark: queued + unsent bytes above this make the peer "slow". */
export const DEFAULT_HIGH_WATER_MARK = 8 * 1024 * 1024;

/**
 * What one queued object costs besides its bytes: a Uint8Array view (~70 bytes in V8), its slot in
 * the queue's arrays and its priority flag. Counting it is what makes the byte accounting honest: a
 * million 13-byte frames are not 13 MB but ~100 MB of heap, and the high-water mark must see that.
 */
export const ITEM_OVERHEAD_BYTES = 96;

/**
 * Small frames of normal priority are copied, as they are queued, into chunks of this size: a
 * peer that makes us answer a stream of small frames while never reading costs one object per
 * 16 KiB, not one per frame. 16 KiB also matches a socket's own write high-water mark.
 */
const CHUNK_BYTES = 16 * 1024;
/** Frames at most this big are packed into chunks (and batched at flush); bigger ones travel as they are (no copy). */
const SMALL_FRAME_MAX = 4096;
/** Runs of small separate frames (gossip) are copied into one write of up to this size at flush. */
const BATCH_BYTES = 64 * 1024;
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

/** #meta's mark for a gossip frame (every other value counts frames). */
const LOW = -1;

const sizeOf = (item: Item): number => (item instanceof Uint8Array ? item.length : item.size);
/** Bytes of an item that other queues share (a broadcast's frame): memory the node holds once, whoever queues it. */
const sharedOf = (item: Item): number => (item instanceof Uint8Array || !item.shared ? 0 : item.size);
const isSmall = (item: Item): boolean => sizeOf(item) <= SMALL_FRAME_MAX && (item instanceof Uint8Array || item.payload === undefined);

export type EnqueueResult = 'queued' | 'dropped' | 'slow' | 'closed';

/**
 * Frames wait here until the link can take them; everything queued in one synchronous run is
 * written in one flush (a microtask), corked into one vectored write. Per-connection memory is
 * lazy: an idle queue holds no arrays.
 *
 * Accounting: `pendingBytes` (what the per-peer high-water mark compares) is the bytes queued here,
 * plus ITEM_OVERHEAD_BYTES per separate object, plus what the link has not sent yet. `chargedBytes`
 * is this queue's share of the node-wide SendBudget: the same, minus broadcast frames (one object
 * shared by every target, so charged nowhere: the application decides what it broadcasts) and
 * minus link bytes that are such frames as far as we can tell.
 */
export class OutboundQueue<S = unknown> {
  /** Whose queue this is (the budget names it when it must drop someone). */
  readonly subject: S;
  #link: Link;
  #hwm: number;
  #budget: SendBudget<S> | undefined;
  /** Our own control frames (HELLO, AUTH, PING), in order. Few by construction: the remote cannot add to them. */
  #control: Uint8Array[] | undefined;
  /** The one PONG waiting to go out: a newer PING's answer replaces it, so a PING flood queues one frame. */
  #pong: Uint8Array | undefined;
  /**
   * Data frames in order, from #head on. #meta[i] (a parallel array: no per-frame wrapper object) is
   * LOW for gossip, else how many frames the item holds (a chunk holds many).
   */
  #items: Item[] | undefined;
  #meta: number[] | undefined;
  #head = 0;
  /** The chunk small frames are being packed into (logically the last item), how much of it is used, how many frames. */
  #tail: Buffer | undefined;
  #tailUsed = 0;
  #tailFrames = 0;
  /** Bytes and objects held here (the tail counts as one object), and the shared part of the bytes. */
  #bytes = 0;
  #objects = 0;
  #sharedBytes = 0;
  /** Unshared bytes handed to the link that may still sit in its buffer (an upper bound, see #settle). */
  #linkCharged = 0;
  /** What was last reported to the budget. */
  #charged = 0;
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

  constructor(link: Link, highWaterMark = DEFAULT_HIGH_WATER_MARK, budget?: SendBudget<S>, subject?: S) {
    this.subject = subject as S;
    this.#link = link;
    this.#hwm = highWaterMark;
    this.#budget = budget;
  }

  /** Bytes waiting here (with their per-object cost) plus bytes the link has not sent yet: what the slow-peer policy measures. */
  get pendingBytes(): number {
    return this.#bytes + this.#objects * ITEM_OVERHEAD_BYTES + this.#link.writableLength;
  }

  /** This queue's share of the node-wide send budget (see the class comment). */
  get chargedBytes(): number {
    return this.#charged;
  }

  get queuedFrames(): number {
    return (this.#items ? this.#items.length - this.#head : 0) + (this.#control?.length ?? 0) + (this.#pong ? 1 : 0) + (this.#tail ? 1 : 0);
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
    const packed = !low && isSmall(item);
    const cost = size + (packed ? 0 : ITEM_OVERHEAD_BYTES);
    if (this.pendingBytes + cost > this.#hwm) {
      this.#dropLow();
      if (low) {
        this.droppedFrames++;
        this.droppedBytes += size;
        return 'dropped';
      }
      if (this.pendingBytes + cost > this.#hwm) return 'slow';
    }
    if (packed) {
      this.#pack(item instanceof Uint8Array ? item : item.head);
    } else {
      this.#closeTail();
      this.#push(item, low);
    }
    this.#schedule();
    this.#settle();
    return 'queued';
  }

  /** Queues a small control frame ahead of data; 'slow' when even that would pass the mark. */
  enqueueControl(bytes: Uint8Array): EnqueueResult {
    if (this.#closed || this.#ending) return 'closed';
    if (!this.#fits(bytes.length + ITEM_OVERHEAD_BYTES)) return 'slow';
    (this.#control ??= []).push(bytes);
    this.#bytes += bytes.length;
    this.#objects++;
    this.#schedule();
    this.#settle();
    return 'queued';
  }

  /**
   * Queues the answer to a PING ahead of data, replacing a PONG that has not gone out yet: the
   * remote side decides how often it pings, so its PONGs must never pile up (the newest answer is
   * the one its round-trip measurement waits for).
   */
  enqueuePong(bytes: Uint8Array): EnqueueResult {
    if (this.#closed || this.#ending) return 'closed';
    const previous = this.#pong;
    if (!previous && !this.#fits(bytes.length + ITEM_OVERHEAD_BYTES)) return 'slow';
    if (previous) this.#bytes -= previous.length;
    else this.#objects++;
    this.#pong = bytes;
    this.#bytes += bytes.length;
    this.#schedule();
    this.#settle();
    return 'queued';
  }

  /** Queues a last frame (DISCONNECT), then closes the link gracefully once everything is out. */
  end(last?: Uint8Array): void {
    if (this.#closed || this.#ending) return;
    if (last) {
      this.#closeTail();
      this.#push(last, false);
    }
    this.#ending = true;
    this.#schedule();
    this.#settle();
  }

  /** Resolves once everything queued has been handed to the link and the link takes more (or the queue closed). */
  whenDrained(): Promise<void> {
    if (this.#closed || (this.queuedFrames === 0 && !this.#link.needDrain)) return Promise.resolve();
    return new Promise((resolve) => (this.#drainWaiters ??= []).push(resolve));
  }

  /** Forgets everything queued and gives its budget back; the link is the caller's to close. */
  clear(): void {
    this.#wakeDrainWaiters();
    this.#closed = true;
    this.#items = undefined;
    this.#meta = undefined;
    this.#control = undefined;
    this.#pong = undefined;
    this.#tail = undefined;
    this.#tailUsed = 0;
    this.#tailFrames = 0;
    this.#head = 0;
    this.#bytes = 0;
    this.#objects = 0;
    this.#sharedBytes = 0;
    this.#linkCharged = 0;
    this.#lowQueued = 0;
    this.#settle();
  }

  /** Re-reads how much the link still holds and reports the change to the budget (the budget calls this before it drops anyone). */
  refresh(): void {
    this.#settle();
  }

  #wakeDrainWaiters(): void {
    const waiters = this.#drainWaiters;
    if (!waiters) return;
    this.#drainWaiters = undefined;
    for (const w of waiters) w();
  }

  /** True when `cost` more bytes fit under the mark, after shedding gossip if needed. */
  #fits(cost: number): boolean {
    if (this.pendingBytes + cost <= this.#hwm) return true;
    this.#dropLow();
    return this.pendingBytes + cost <= this.#hwm;
  }

  #push(item: Item, low: boolean, frames = 1): void {
    (this.#items ??= []).push(item);
    (this.#meta ??= []).push(low ? LOW : frames);
    if (low) this.#lowQueued++;
    this.#bytes += sizeOf(item);
    this.#sharedBytes += sharedOf(item);
    this.#objects++;
  }

  /** Copies a small frame into the tail chunk (opening one when it is full or missing). */
  #pack(bytes: Uint8Array): void {
    let tail = this.#tail;
    if (tail && this.#tailUsed + bytes.length > tail.length) {
      this.#closeTail();
      tail = undefined;
    }
    if (!tail) {
      // A frame alone needs no chunk: it is queued as it is until a second one joins it.
      if (this.#items === undefined || this.#items.length === this.#head || !this.#lastIsLoneSmall()) {
        this.#push(bytes, false);
        return;
      }
      // Two small frames in a row: from now on they share a chunk (the previous one moves in too).
      const prev = this.#items!.pop() as Uint8Array;
      this.#meta!.pop();
      tail = this.#tail = Buffer.allocUnsafe(CHUNK_BYTES);
      tail.set(prev, 0);
      this.#tailUsed = prev.length;
      this.#tailFrames = 1;
    }
    tail.set(bytes, this.#tailUsed);
    this.#tailUsed += bytes.length;
    this.#tailFrames++;
    this.#bytes += bytes.length;
  }

  /** True when the last queued item is a small normal frame that was queued alone (it may join a chunk). */
  #lastIsLoneSmall(): boolean {
    const i = this.#items!.length - 1;
    const last = this.#items![i]!;
    return this.#meta![i] === 1 && last instanceof Uint8Array && last.length <= SMALL_FRAME_MAX;
  }

  /** Turns the tail chunk into an ordinary item (its used part), so nothing more is packed into it. */
  #closeTail(): void {
    const tail = this.#tail;
    if (!tail) return;
    this.#tail = undefined;
    // The tail already counts as one object and its bytes: hand them over to the item it becomes.
    this.#objects--;
    this.#bytes -= this.#tailUsed;
    this.#push(tail.subarray(0, this.#tailUsed), false, this.#tailFrames);
    this.#tailUsed = 0;
    this.#tailFrames = 0;
  }

  /**
   * Recomputes this queue's charge and reports the change to the budget. The link drains in order,
   * so at most `writableLength` of what we handed it is still there: the unshared part is bounded
   * by both numbers.
   */
  #settle(): void {
    if (this.#linkCharged > 0) this.#linkCharged = Math.min(this.#linkCharged, this.#link.writableLength);
    const charged = this.#closed ? 0 : this.#bytes - this.#sharedBytes + this.#objects * ITEM_OVERHEAD_BYTES + this.#linkCharged;
    const delta = charged - this.#charged;
    if (delta === 0) return;
    this.#charged = charged;
    this.#budget?.adjust(this, delta);
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(this.#flush);
  }

  #dropLow(): void {
    if (this.#lowQueued === 0 || !this.#items) return;
    const items: Item[] = [];
    const metas: number[] = [];
    for (let i = this.#head; i < this.#items.length; i++) {
      const item = this.#items[i]!;
      const meta = this.#meta![i]!;
      if (meta === LOW) {
        const size = sizeOf(item);
        this.droppedFrames++;
        this.droppedBytes += size;
        this.#bytes -= size;
        this.#sharedBytes -= sharedOf(item);
        this.#objects--;
      } else {
        items.push(item);
        metas.push(meta);
      }
    }
    this.#items = items;
    this.#meta = metas;
    this.#head = 0;
    this.#lowQueued = 0;
    this.#settle();
  }

  #write(bytes: Uint8Array, shared: boolean): void {
    this.#link.write(bytes);
    this.bytesWritten += bytes.length;
    if (!shared) this.#linkCharged += bytes.length;
  }

  /** Writes as much as the link takes now; called from a microtask and on the link's drain. */
  flush(): void {
    this.#scheduled = false;
    const link = this.#link;
    if (this.#closed || link.closed || (link.needDrain && link.writableLength >= WRITE_BUDGET)) {
      this.#settle();
      return;
    }
    link.cork();
    try {
      const control = this.#control;
      if (control) {
        for (const bytes of control) {
          this.#write(bytes, false);
          this.#bytes -= bytes.length;
          this.#objects--;
          this.framesWritten++;
        }
        this.#control = undefined;
      }
      const pong = this.#pong;
      if (pong) {
        this.#pong = undefined;
        this.#write(pong, false);
        this.#bytes -= pong.length;
        this.#objects--;
        this.framesWritten++;
      }
      this.#closeTail();
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
    this.#settle();
  }

  #flushItems(): void {
    const items = this.#items;
    if (!items) return;
    const metas = this.#meta!;
    const link = this.#link;
    let i = this.#head;
    const n = items.length;
    // Stop only when the link asked for a pause *and* holds a full budget: then a drain is sure to come.
    while (i < n && (!link.needDrain || link.writableLength < WRITE_BUDGET)) {
      const item = items[i]!;
      if (!isSmall(item)) {
        if (item instanceof Uint8Array) {
          this.#write(item, false);
        } else {
          const shared = item.shared === true;
          this.#write(item.head, shared);
          if (item.payload) this.#write(item.payload, shared);
        }
        this.#take(item, metas[i]!);
        i++;
        continue;
      }
      // A run of small single-array frames (gossip between chunks): copy them into one buffer.
      let end = i;
      let runBytes = 0;
      while (end < n && runBytes < BATCH_BYTES && isSmall(items[end]!)) {
        runBytes += sizeOf(items[end]!);
        end++;
      }
      if (end - i === 1) {
        this.#write(item instanceof Uint8Array ? item : item.head, false);
      } else {
        const batch = Buffer.allocUnsafe(runBytes);
        let at = 0;
        for (let j = i; j < end; j++) {
          const it = items[j]!;
          const bytes = it instanceof Uint8Array ? it : it.head;
          batch.set(bytes, at);
          at += bytes.length;
        }
        this.#write(batch, false);
      }
      for (let j = i; j < end; j++) this.#take(items[j]!, metas[j]!);
      i = end;
    }
    if (i >= n) {
      this.#items = undefined;
      this.#meta = undefined;
      this.#head = 0;
    } else if (i > COMPACT_AFTER && i * 2 > n) {
      this.#items = items.slice(i);
      this.#meta = metas.slice(i);
      this.#head = 0;
    } else {
      this.#head = i;
    }
  }

  #take(item: Item, meta: number): void {
    this.#bytes -= sizeOf(item);
    this.#sharedBytes -= sharedOf(item);
    this.#objects--;
    if (meta === LOW) {
      this.framesWritten++;
      this.#lowQueued--;
    } else {
      this.framesWritten += meta;
    }
  }
}
