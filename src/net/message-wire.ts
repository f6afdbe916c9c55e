// A connection's sending side on a message link: the slow-peer mark and byte counters of OutboundQueue, for messages that need no queue.

import type { EncodedFrame } from '../wire/frame.js';
import type { EnqueueResult, Priority } from './outbound-queue.js';
import { FRAME, type MessageLink, type WireMessage } from './message-link.js';

/**
 * What a Connection asks of its sending side; OutboundQueue (bytes) and MessageWire (messages)
 * both provide it.
 */
export interface FrameSink {
  readonly pendingBytes: number;
  readonly chargedBytes: number;
  readonly bytesWritten: number;
  readonly framesWritten: number;
  readonly droppedFrames: number;
  enqueue(item: EncodedFrame | Uint8Array, priority?: Priority): EnqueueResult;
  enqueueControl(bytes: Uint8Array): EnqueueResult;
  enqueuePong(bytes: Uint8Array): EnqueueResult;
  end(last?: Uint8Array): void;
  clear(): void;
  flush(): void;
  whenDrained(): Promise<void>;
}

const frameBytes = (item: EncodedFrame | Uint8Array): Uint8Array =>
  item instanceof Uint8Array ? item : item.payload ? Buffer.concat([item.head, item.payload]) : item.head;

/**
 * Messages go to the link at once (it delivers them one latency later), so nothing waits here:
 * `pendingBytes` is what the link has sent and the peer not yet received, and the high-water mark
 * applies to it as OutboundQueue applies it to queue + socket buffer — over the mark, gossip is
 * dropped and anything else makes the peer slow. Nothing is charged to the node-wide send budget:
 * it bounds what queues hold, and here nothing is queued.
 */
export class MessageWire implements FrameSink {
  readonly chargedBytes = 0;
  bytesWritten = 0;
  framesWritten = 0;
  droppedFrames = 0;
  #link: MessageLink;
  #hwm: number;
  #closed = false;

  constructor(link: MessageLink, highWaterMark: number) {
    this.#link = link;
    this.#hwm = highWaterMark;
  }

  get pendingBytes(): number {
    return this.#link.writableLength;
  }

  /** Sends a message; 'slow' when it would pass the high-water mark, 'dropped' for gossip in that case. */
  send(message: WireMessage, priority: Priority = 'normal'): EnqueueResult {
    if (this.#closed) return 'closed';
    if (priority !== 'high' && this.#link.writableLength + message.size > this.#hwm) {
      if (priority === 'low') {
        this.droppedFrames++;
        return 'dropped';
      }
      return 'slow';
    }
    this.#link.send(message);
    this.bytesWritten += message.size;
    this.framesWritten++;
    return 'queued';
  }

  enqueue(item: EncodedFrame | Uint8Array, priority: Priority = 'normal'): EnqueueResult {
    const bytes = frameBytes(item);
    return this.send({ t: FRAME, bytes, size: bytes.length }, priority);
  }

  enqueueControl(bytes: Uint8Array): EnqueueResult {
    return this.#control({ t: FRAME, bytes, size: bytes.length });
  }

  enqueuePong(bytes: Uint8Array): EnqueueResult {
    return this.#control({ t: FRAME, bytes, size: bytes.length });
  }

  /** Control messages jump no queue here, but still make a peer that reads nothing slow. */
  #control(message: WireMessage): EnqueueResult {
    if (this.#closed) return 'closed';
    if (this.#link.writableLength + message.size > this.#hwm) return 'slow';
    return this.send(message, 'high');
  }

  /** Sends a control message (HELLO, AUTH, PING, PONG) under the same rule. */
  sendControl(message: WireMessage): EnqueueResult {
    return this.#control(message);
  }

  /** Sends a last message (DISCONNECT), then closes the link gracefully behind it. */
  end(last?: Uint8Array): void {
    if (this.#closed) return;
    if (last) this.send({ t: FRAME, bytes: last, size: last.length }, 'high');
    this.endWith(undefined);
  }

  /** Like end(), with the last message already decoded. */
  endWith(last: WireMessage | undefined): void {
    if (this.#closed) return;
    if (last) this.send(last, 'high');
    this.#closed = true;
    this.#link.end();
  }

  clear(): void {
    this.#closed = true;
  }

  flush(): void {}

  whenDrained(): Promise<void> {
    return Promise.resolve();
  }
}
