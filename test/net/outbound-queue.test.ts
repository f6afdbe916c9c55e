import { describe, expect, it } from 'vitest';
import { ITEM_OVERHEAD_BYTES, OutboundQueue } from '../../src/net/outbound-queue.js';
import { SendBudget } from '../../src/net/send-budget.js';
import type { Link, LinkHandlers } from '../../src/net/transport.js';
import { encodeMessage } from '../../src/wire/app-codec.js';
import { encodePing, encodePong } from '../../src/wire/control-codec.js';
import { FrameDecoder } from '../../src/wire/decoder.js';

/** A link that records writes and needs a drain once `capacity` bytes are buffered. */
class RecordingLink implements Link {
  readonly remote = { ip: '10.0.0.2', port: 1 };
  readonly local = { ip: '10.0.0.1', port: 2 };
  readonly channelBinding = new Uint8Array(32);
  writes: Uint8Array[] = [];
  buffered = 0;
  ended = false;
  closed = false;
  constructor(public capacity = Infinity) {}
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

  it('keeps one PONG at most: a newer answer replaces one not yet sent, so a PING flood queues one frame', async () => {
    const link = new RecordingLink(0); // a peer that never reads
    const q = new OutboundQueue(link);
    for (let i = 0; i < 10_000; i++) expect(q.enqueuePong(encodePong(BigInt(i)))).toBe('queued');
    expect(q.queuedFrames).toBe(1);
    expect(q.pendingBytes).toBe(13 + ITEM_OVERHEAD_BYTES);
    link.capacity = Infinity;
    q.flush();
    expect(link.writes).toEqual([encodePong(9999n)]);
  });

  it('packs small frames into shared chunks as they are queued: a non-reading peer costs one object per 16 KiB, not one per frame', async () => {
    const link = new RecordingLink(0);
    const q = new OutboundQueue(link, 64 * 1024 * 1024);
    const frames = 100_000;
    for (let i = 0; i < frames; i++) expect(q.enqueue(encodeMessage('t', Uint8Array.of(i & 255)).head)).toBe('queued');
    const bytes = frames * 8;
    // Objects: about bytes / 16 KiB chunks; the accounting sees bytes plus their per-object cost.
    expect(q.queuedFrames).toBeLessThanOrEqual(Math.ceil(bytes / (16 * 1024)) + 1);
    expect(q.pendingBytes).toBeLessThan(bytes + (bytes / (16 * 1024) + 2) * ITEM_OVERHEAD_BYTES);
    // Everything still goes out, in order, and counts as `frames` messages.
    link.capacity = Infinity;
    while (q.queuedFrames > 0) q.flush();
    const seen: number[] = [];
    const decoder = new FrameDecoder((_type, body) => seen.push(body[body.length - 1]!), 1024);
    for (const w of link.writes) decoder.push(w);
    expect(seen).toHaveLength(frames);
    expect(seen.every((v, i) => v === (i & 255))).toBe(true);
    expect(q.framesWritten).toBe(frames);
  });

  it('counts the cost of every queued object toward the high-water mark (gossip frames are kept apart, so they count)', () => {
    const link = new RecordingLink(0);
    const hwm = 100_000;
    const q = new OutboundQueue(link, hwm);
    const frame = encodeMessage('t', Uint8Array.of(1)).head; // 8 bytes
    let queued = 0;
    while (q.enqueue(frame, 'low') === 'queued') queued++;
    // Each gossip frame costs its 8 bytes and one object: far fewer than hwm / 8 fit.
    expect(queued).toBe(Math.floor(hwm / (8 + ITEM_OVERHEAD_BYTES)));
  });

  it('charges the node-wide budget with what it holds, shared broadcast payloads excepted, and gives it all back when cleared', async () => {
    const budget = new SendBudget<string>(1 << 30, () => {});
    const link = new RecordingLink(0);
    const q = new OutboundQueue<string>(link, 64 * 1024 * 1024, budget, 'peer');
    const shared = { ...encodeMessage('block', new Uint8Array(200_000)), shared: true }; // one frame for many queues
    q.enqueue(shared);
    expect(q.chargedBytes).toBe(ITEM_OVERHEAD_BYTES);
    const own = encodeMessage('reply', new Uint8Array(100_000)); // a frame of its own (a large response, say)
    q.enqueue(own);
    expect(q.chargedBytes).toBe(own.size + 2 * ITEM_OVERHEAD_BYTES);
    expect(budget.usedBytes).toBe(q.chargedBytes);
    // Handed to the link, its own bytes stay charged until the link has sent them.
    link.capacity = Infinity;
    q.flush();
    expect(q.queuedFrames).toBe(0);
    expect(budget.usedBytes).toBe(own.size);
    link.drainAll();
    q.refresh();
    expect(budget.usedBytes).toBe(0);
    q.enqueue(new Uint8Array(5000));
    q.clear();
    expect(budget.usedBytes).toBe(0);
  });
});

describe('SendBudget', () => {
  it('drops the queues holding most first, after the current synchronous work, until the budget is met', async () => {
    const dropped: string[] = [];
    const links = new Map<string, RecordingLink>();
    const queues = new Map<string, OutboundQueue<string>>();
    const budget: SendBudget<string> = new SendBudget<string>(100_000, (biggestFirst, excess) => {
      let left = excess;
      for (const q of biggestFirst) {
        if (left <= 0) break;
        left -= q.chargedBytes;
        dropped.push(q.subject);
        queues.get(q.subject)!.clear();
      }
    });
    for (const [name, bytes] of [['a', 30_000], ['b', 50_000], ['c', 10_000], ['d', 40_000]] as const) {
      const link = new RecordingLink(0);
      links.set(name, link);
      const q = new OutboundQueue<string>(link, 10_000_000, budget, name);
      queues.set(name, q);
      q.enqueue(new Uint8Array(bytes));
    }
    // 130 KB charged against 100 KB: nobody is dropped synchronously…
    expect(dropped).toEqual([]);
    await microtask();
    // …then the biggest (b) goes, which is enough.
    expect(dropped).toEqual(['b']);
    expect(budget.usedBytes).toBeLessThanOrEqual(100_000);
    expect(budget.exceeded).toBe(1);
  });

  it('refreshes every charge before dropping anyone: links that drained quietly are not held against their peers', async () => {
    let calls = 0;
    const budget = new SendBudget<string>(10_000, () => calls++);
    const link = new RecordingLink();
    const q = new OutboundQueue<string>(link, 10_000_000, budget, 'p');
    q.enqueue(new Uint8Array(20_000));
    q.flush(); // handed to the link, which buffers it
    link.drainAll(); // and sends it without a drain event
    await microtask();
    expect(calls).toBe(0);
    expect(budget.usedBytes).toBe(0);
  });
});
