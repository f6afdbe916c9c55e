// Frame encoding: u32 length (type + body) · u8 type · body, and the shape of an encoded outbound frame.

import { FRAME_HEADER_BYTES } from './constants.js';

/**
 * An encoded frame ready to queue: `head` holds the header and the fixed fields (and the payload
 * itself when small); a large `payload` is carried by reference, so a 1 MiB broadcast is never
 * copied — every target's queue holds these same two arrays. Callers must not modify a payload
 * after handing it over until it has been written.
 */
export interface EncodedFrame {
  readonly type: number;
  readonly head: Uint8Array;
  readonly payload: Uint8Array | undefined;
  /** Total bytes on the wire: head + payload. */
  readonly size: number;
  /**
   * True when one frame object is queued for many peers (a broadcast): its bytes exist once
   * however many queues hold it, so the node-wide send budget does not charge them to each.
   */
  readonly shared?: boolean;
}

/**
 * Payloads up to this size are copied into the head: one contiguous chunk is cheaper to queue and
 * write than two when the copy costs less than a write call (about a microsecond).
 */
export const INLINE_PAYLOAD_MAX = 1024;

/** Writes the 5-byte header (length = 1 + bodyLength, then type) at `offset`. */
export function writeFrameHeader(buf: Uint8Array, offset: number, type: number, bodyLength: number): void {
  const length = bodyLength + 1;
  buf[offset] = length >>> 24;
  buf[offset + 1] = (length >>> 16) & 0xff;
  buf[offset + 2] = (length >>> 8) & 0xff;
  buf[offset + 3] = length & 0xff;
  buf[offset + 4] = type;
}

/** A zero-filled-at-the-header, uninitialised-elsewhere buffer for a frame with a `bodyLength`-byte body. */
export function allocFrame(type: number, bodyLength: number): Buffer {
  const buf = Buffer.allocUnsafe(FRAME_HEADER_BYTES + bodyLength);
  writeFrameHeader(buf, 0, type, bodyLength);
  return buf;
}

/** Encodes a frame around an already-built body (copies the body). */
export function encodeFrame(type: number, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  const buf = allocFrame(type, body.length);
  buf.set(body, FRAME_HEADER_BYTES);
  return buf;
}

/** Wraps a complete single-array frame as an EncodedFrame. */
export function framed(type: number, bytes: Uint8Array): EncodedFrame {
  return { type, head: bytes, payload: undefined, size: bytes.length };
}

/** The frame's bytes as one array (copies when the payload travels separately); for tests and tools. */
export function frameBytes(frame: EncodedFrame): Uint8Array {
  if (!frame.payload) return frame.head;
  return Buffer.concat([frame.head, frame.payload]);
}

export function writeU16(buf: Uint8Array, at: number, v: number): void {
  buf[at] = (v >>> 8) & 0xff;
  buf[at + 1] = v & 0xff;
}

export function writeU32(buf: Uint8Array, at: number, v: number): void {
  buf[at] = v >>> 24;
  buf[at + 1] = (v >>> 16) & 0xff;
  buf[at + 2] = (v >>> 8) & 0xff;
  buf[at + 3] = v & 0xff;
}

/** Writes a u64 given as a bigint (taken modulo 2^64) or a non-negative safe integer. */
export function writeU64(buf: Uint8Array, at: number, v: bigint | number): void {
  if (typeof v === 'number') {
    writeU32(buf, at, Math.floor(v / 0x100000000) >>> 0);
    writeU32(buf, at + 4, v >>> 0);
    return;
  }
  if (v >= 0n && v <= 0xffffffffn) {
    writeU32(buf, at, 0);
    writeU32(buf, at + 4, Number(v));
    return;
  }
  const n = BigInt.asUintN(64, v);
  writeU32(buf, at, Number(n >> 32n));
  writeU32(buf, at + 4, Number(n & 0xffffffffn));
}
