import { describe, expect, it } from 'vitest';
import { OutboundQueue } from '../../src/net/outbound-queue.js';
import type { Link, LinkHandlers } from '../../src/net/transport.js';
import { encodeMessage } from '../../src/wire/app-codec.js';
import { encodePing } from '../../src/wire/control-codec.js';

/** A link that records writes and needs a drain once `capacity` bytes are buffered. */
class RecordingLink implements Link {
  readonly remote = { ip: '10.0.0.2', port: 1 };
  readonly local = { ip: '10.0.0.1', port: 2 };
  readonly channelBinding = new Uint8Array(32);
  writes: Uint8Array[] = [];
  buffered = 0;
  ended = false;
  closed = false;
  constructor(private capacity = Infinity) {}
  get writableLength() {
    return this.buffered;
  }
  get needDrain() {
    return this.buffered >= this.capacity;
  }
  attach(_h: LinkHandlers) {}
  write(chunk: Uint8Array) {
    this.writes.push(chunk);
    this.buffered += chunk.length;
    return !this.needDrain;
  }
  cork() {}
  uncork() {}
  end() {
    this.ended = true;
  }
  destroy() {
    this.closed = true;
  }
  /** The network took everything. */
  drainAll() {
    this.buffered = 0;
  }
}

const microtask = () => new Promise<void>((resolve) => queueMicrotask(resolve));

describe('OutboundQueue', () => {
  it('writes everything queued in one synchronous run as one batch, control frames first', async () => {
    const link = new RecordingLink();
    const q = new OutboundQueue(link);
    for (let i = 0; i < 100; i++) q.enqueue(encodeMessage('t', Uint8Array.of(i)).head);
    q.enqueueControl(encodePing(1n));
    expect(link.writes).toHaveLength(0);
    await microtask();
    expect(link.writes).toHaveLength(2);
    expect(link.writes[0]![4]).toBe(0x03); // the PING went first
    expect(link.writes[1]!.length).toBe(100 * 8);
    expect(q.framesWritten).toBe(101);
    expect(q.bytesWritten).toBe(13 + 800);
  });

  it('passes large payloads through by reference, never copied', async () => {
    const link = new RecordingLink();
    const q = new OutboundQueue(link);
    const payload = new Uint8Array(100_000);
    q.enqueue(encodeMessage('t', payload));
    await microtask();
    expect(link.writes[1]).toBe(payload);
  });

  it('follows back-pressure: stops when the link is full and resumes on flush after a drain', async () => {
    const link = new RecordingLink(2 * 1024 * 1024);
    const q = new OutboundQueue(link);
    for (let i = 0; i < 10; i++) q.enqueue(encodeMessage('t', new Uint8Array(512 * 1024)));
    await microtask();
    const firstFlush = link.writes.length;
    expect(firstFlush).toBeLessThan(20);
    expect(q.queuedFrames).toBeGreaterThan(0);
    const drained = q.whenDrained();
    let done = false;
    void drained.then(() => (done = true));
    while (q.queuedFrames > 0) {
      link.drainAll();
      q.flush();
    }
    link.drainAll();
    q.flush();
    await microtask();
    expect(done).toBe(true);
    expect(link.writes).toHaveLength(20);
  });

  it('sheds queued gossip first when over the high-water mark, then reports the peer slow', async () => {
    const link = new RecordingLink(0); // never takes anything: a peer that does not read
    const q = new OutboundQueue(link, 10_000);
    const frame = (n: number) => encodeMessage('t', new Uint8Array(n));
    expect(q.enqueue(frame(4000), 'low')).toBe('queued');
    expect(q.enqueue(frame(4000), 'normal')).toBe('queued');
    // 8 KiB queued; another 4 KiB of gossip does not fit: it and the queued gossip go.
    expect(q.enqueue(frame(4000), 'low')).toBe('dropped');
    expect(q.droppedFrames).toBe(2);
    expect(q.pendingBytes).toBeLessThan(5000);
    expect(q.enqueue(frame(4000), 'normal')).toBe('queued');
    expect(q.enqueue(frame(4000), 'normal')).toBe('slow');
  });

  it('ends the link after the last frame on a graceful close, and refuses frames afterwards', async () => {
    const link = new RecordingLink();
    const q = new OutboundQueue(link);
    q.enqueue(encodeMessage('t', Uint8Array.of(1)).head);
    q.end(Uint8Array.of(0, 0, 0, 1, 7));
    expect(q.enqueue(encodeMessage('t', Uint8Array.of(2)).head)).toBe('closed');
    await microtask();
    expect(link.ended).toBe(true);
    expect(Buffer.concat(link.writes).subarray(-5)).toEqual(Buffer.from([0, 0, 0, 1, 7]));
  });
});
