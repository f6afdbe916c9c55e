import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameDecoder } from '../../src/wire/decoder.js';
import { FrameTooLargeError } from '../../src/wire/errors.js';
import { encodeFrame } from '../../src/wire/frame.js';
import { PRE_HANDSHAKE_MAX_FRAME_BYTES, PRE_HANDSHAKE_MAX_FRAME_TOTAL } from '../../src/wire/constants.js';

type Frame = { type: number; body: Uint8Array };

function collect(limit = 1 << 20) {
  const frames: Frame[] = [];
  const decoder = new FrameDecoder((type, body) => frames.push({ type, body: new Uint8Array(body) }), limit);
  return { frames, decoder };
}

const frameArb = fc.record({ type: fc.integer({ min: 0, max: 255 }), body: fc.uint8Array({ maxLength: 300 }) });

/** Cuts `bytes` at the given positions. */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  out.push(bytes.subarray(prev));
  return out;
}

describe('FrameDecoder', () => {
  it('delivers the same frames for any split of the stream (property)', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 30 }), (frames, cuts) => {
        const stream = Buffer.concat(frames.map((f) => encodeFrame(f.type, f.body)));
        const { frames: got, decoder } = collect();
        for (const chunk of split(stream, cuts)) decoder.push(chunk);
        expect(got).toEqual(frames);
        expect(decoder.bufferedBytes).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('delivers coalesced frames from one chunk, in order, as views without copying', () => {
    const stream = Buffer.concat([encodeFrame(1, Buffer.from('a')), encodeFrame(2, Buffer.from('bb')), encodeFrame(3)]);
    const bodies: Uint8Array[] = [];
    const decoder = new FrameDecoder((_t, body) => bodies.push(body), 100);
    decoder.push(stream);
    expect(bodies.map((b) => Buffer.from(b).toString())).toEqual(['a', 'bb', '']);
    expect(bodies[0]!.buffer).toBe(stream.buffer);
  });

  it('joins a frame larger than one chunk, fed one 64 KiB chunk at a time', () => {
    const body = Buffer.alloc(1_000_000);
    for (let i = 0; i < body.length; i++) body[i] = i % 251;
    const stream = encodeFrame(0x10, body);
    const { frames, decoder } = collect(2_000_000);
    for (let at = 0; at < stream.length; at += 65536) decoder.push(stream.subarray(at, at + 65536));
    expect(frames).toHaveLength(1);
    expect(Buffer.compare(frames[0]!.body, body)).toBe(0);
  });

  it('assembles large frames in place under any split, mixed with small frames (property)', () => {
    const big = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 200_000, max: 700_000 }), { minLength: 1, maxLength: 3 }), fc.array(fc.nat(), { maxLength: 40 }), (sizes, cuts) => {
        const frames = sizes.flatMap((n, i) => [{ type: 0x10, body: big(n, i) }, { type: 3, body: Uint8Array.of(i) }]);
        const stream = Buffer.concat(frames.map((f) => encodeFrame(f.type, f.body)));
        const { frames: got, decoder } = collect(1 << 20);
        for (const chunk of split(stream, cuts.map((c) => c * 997))) decoder.push(chunk);
        expect(got.length).toBe(frames.length);
        got.forEach((g, i) => {
          expect(g.type).toBe(frames[i]!.type);
          expect(Buffer.compare(g.body, frames[i]!.body)).toBe(0);
        });
      }),
      { numRuns: 30 },
    );
  });

  it('handles a header split byte by byte', () => {
    const stream = encodeFrame(7, Buffer.from('hello'));
    const { frames, decoder } = collect();
    for (const byte of stream) decoder.push(Uint8Array.of(byte));
    expect(frames).toEqual([{ type: 7, body: new Uint8Array(Buffer.from('hello')) }]);
  });

  it('accepts a length of exactly the limit and refuses limit + 1 as soon as the header is in', () => {
    const limit = 1000;
    const ok = collect(limit);
    ok.decoder.push(encodeFrame(1, new Uint8Array(limit - 1))); // length = 1 + body = limit
    expect(ok.frames).toHaveLength(1);

    const bad = collect(limit);
    const header = Uint8Array.of(0, 0, (limit + 1) >> 8, (limit + 1) & 0xff);
    expect(() => bad.decoder.push(header)).toThrow(FrameTooLargeError);
    expect(bad.decoder.stopped).toBe(true);
    expect(bad.decoder.bufferedBytes).toBe(0);
  });

  it('refuses a 4 GiB length field without allocating for it, even when the header arrives in pieces', () => {
    const { decoder } = collect(4 * 1024 * 1024);
    decoder.push(Uint8Array.of(0xff, 0xff));
    expect(() => decoder.push(Uint8Array.of(0xff, 0xff, 0x10))).toThrow(FrameTooLargeError);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('refuses a zero length (a frame without its type byte)', () => {
    const { decoder } = collect();
    expect(() => decoder.push(Uint8Array.of(0, 0, 0, 0))).toThrow(FrameTooLargeError);
  });

  it('enforces the 256-byte pre-handshake frame limit (the largest HELLO is 186)', () => {
    const ok = collect(PRE_HANDSHAKE_MAX_FRAME_BYTES);
    ok.decoder.push(encodeFrame(1, new Uint8Array(PRE_HANDSHAKE_MAX_FRAME_TOTAL - 5)));
    expect(ok.frames).toHaveLength(1);
    const bad = collect(PRE_HANDSHAKE_MAX_FRAME_BYTES);
    expect(() => bad.decoder.push(encodeFrame(1, new Uint8Array(PRE_HANDSHAKE_MAX_FRAME_TOTAL - 4)))).toThrow(FrameTooLargeError);
  });

  it('applies a limit raised inside the handler to the very next frame of the same chunk', () => {
    const seen: number[] = [];
    const decoder = new FrameDecoder((type) => {
      seen.push(type);
      decoder.setLimit(10_000);
    }, 100);
    decoder.push(Buffer.concat([encodeFrame(1, new Uint8Array(10)), encodeFrame(2, new Uint8Array(5000))]));
    expect(seen).toEqual([1, 2]);
  });

  it('stops delivering when the handler calls stop()', () => {
    const seen: number[] = [];
    const decoder = new FrameDecoder((type) => {
      seen.push(type);
      decoder.stop();
    }, 100);
    decoder.push(Buffer.concat([encodeFrame(1), encodeFrame(2)]));
    decoder.push(encodeFrame(3));
    expect(seen).toEqual([1]);
  });

  it('holds at most limit + 4 bytes for a frame that never completes', () => {
    const limit = 64 * 1024;
    const { decoder, frames } = collect(limit);
    const stream = encodeFrame(1, new Uint8Array(limit - 1));
    decoder.push(stream.subarray(0, stream.length - 1));
    expect(frames).toHaveLength(0);
    expect(decoder.bufferedBytes).toBeLessThanOrEqual(limit + 4);
  });

  it('copies small tails out of the read chunk (an idle peer pins no large read buffer)', () => {
    const big = new Uint8Array(65536 + 3);
    big.set(encodeFrame(1, new Uint8Array(65536 - 5)), 0);
    big.set([0, 0, 0], 65536); // the start of the next frame's header
    const frames: Frame[] = [];
    const decoder = new FrameDecoder((type, body) => frames.push({ type, body: new Uint8Array(body) }), 1 << 20);
    decoder.push(big);
    expect(decoder.bufferedBytes).toBe(3);
    big.fill(0xee); // the transport reusing its buffer must not corrupt the held tail
    decoder.push(Uint8Array.of(2, 9, 7));
    expect(frames.map((f) => f.type)).toEqual([1, 9]);
    expect([...frames[1]!.body]).toEqual([7]);
  });
});
