// Streaming frame decoder: turns any split of the byte stream into whole frames, with a hard size limit.

import { FrameTooLargeError } from './errors.js';

/** Receives each whole frame; `body` is a view (no copy) valid as long as the caller keeps it. */
export type FrameHandler = (type: number, body: Uint8Array) => void;

/** Tails at most this long are copied out of the read chunk, so an idle peer pins ≤ 256 bytes, not a 64 KiB read buffer. */
const COPY_TAIL_MAX = 256;

/**
 * A frame at least this large is assembled in place once half of it has arrived: the rest of its
 * read chunks are copied in and dropped at once instead of being held to the end (held chunks
 * outlive young-generation collections and make V8 run full GCs for their external memory). Not
 * earlier than half: the length field alone must never make us allocate, so the allocation stays
 * at most twice what the peer really sent.
 */
const ASSEMBLE_MIN = 256 * 1024;

const readU32 = (b: Uint8Array, at: number): number =>
  ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

/**
 * Feed chunks with push(); whole frames go to the handler in order. The length field is checked
 * against the limit as soon as its 4 bytes are in, before anything is buffered for the frame, and a
 * partial frame is held as the chunks that arrived (never preallocated from the length field), so
 * memory stays proportional to bytes actually received and never exceeds limit + 4 per peer.
 * Frames inside one chunk are delivered as views without copying; a frame split across chunks is
 * joined once. A handler may call setLimit() (the handshake raising the limit) or stop().
 */
export class FrameDecoder {
  #onFrame: FrameHandler;
  #limit: number;
  /** Bytes of an incomplete frame, in arrival order; undefined while none is pending (lazy). */
  #pending: Uint8Array[] | undefined;
  /** A large frame being assembled in place (see ASSEMBLE_MIN); #buffered bytes of it are filled. */
  #assembly: Uint8Array | undefined;
  #buffered = 0;
  /** Total bytes of the pending frame (4 + length) once its length is known, else 0. */
  #need = 0;
  #stopped = false;

  constructor(onFrame: FrameHandler, maxFrameBytes: number) {
    this.#onFrame = onFrame;
    this.#limit = maxFrameBytes;
  }

  /** The bound on the length field (type + body) for frames whose header has not been read yet. */
  get limit(): number {
    return this.#limit;
  }

  setLimit(maxFrameBytes: number): void {
    this.#limit = maxFrameBytes;
  }

  /** Bytes held for an incomplete frame. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /** Stops delivering: the rest of the current chunk and all later ones are ignored. */
  stop(): void {
    this.#stopped = true;
    this.#pending = undefined;
    this.#assembly = undefined;
    this.#buffered = 0;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  #checkLength(length: number): void {
    if (length === 0 || length > this.#limit) throw new FrameTooLargeError(length, this.#limit);
  }

  /** Adds received bytes; throws FrameTooLargeError (and stops) on a length over the limit. */
  push(data: Uint8Array): void {
    if (this.#stopped || data.length === 0) return;
    // Views of a plain Uint8Array are several times cheaper to make than Buffer views (no species
    // lookup), and the handler makes two or three per frame.
    const chunk = data.constructor === Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    let off = 0;
    if (this.#buffered > 0) {
      off = this.#continuePending(chunk);
      if (off < 0 || this.#stopped) return;
    }
    const n = chunk.length;
    while (n - off >= 4) {
      const length = readU32(chunk, off);
      if (length === 0 || length > this.#limit) {
        this.stop();
        throw new FrameTooLargeError(length, this.#limit);
      }
      const end = off + 4 + length;
      if (end > n) break;
      this.#onFrame(chunk[off + 4]!, chunk.subarray(off + 5, end));
      off = end;
      if (this.#stopped) return;
    }
    if (off < n) this.#hold(chunk, off);
  }

  /** Keeps chunk[off..] as the start of a pending frame. */
  #hold(chunk: Uint8Array, off: number): void {
    const tailLength = chunk.length - off;
    const tail = tailLength <= COPY_TAIL_MAX ? Uint8Array.prototype.slice.call(chunk, off) : chunk.subarray(off);
    this.#pending = [tail];
    this.#buffered = tailLength;
    this.#need = tailLength >= 4 ? 4 + readU32(chunk, off) : 0;
  }

  /**
   * Completes the pending frame with bytes from `chunk`. Returns the offset in `chunk` where
   * unconsumed bytes begin, or -1 when the whole chunk was absorbed into a still-incomplete frame.
   */
  #continuePending(chunk: Uint8Array): number {
    const pending = this.#pending!;
    if (this.#need === 0) {
      // The length field itself is split: read its 4 bytes across the pieces.
      if (this.#buffered + chunk.length < 4) {
        pending.push(Uint8Array.prototype.slice.call(chunk));
        this.#buffered += chunk.length;
        return -1;
      }
      const header = new Uint8Array(4);
      let filled = 0;
      for (const piece of pending) {
        const take = Math.min(piece.length, 4 - filled);
        header.set(piece.subarray(0, take), filled);
        filled += take;
      }
      header.set(chunk.subarray(0, 4 - filled), filled);
      const length = readU32(header, 0);
      try {
        this.#checkLength(length);
      } catch (err) {
        this.stop();
        throw err;
      }
      this.#need = 4 + length;
    }
    const need = this.#need;
    const missing = need - this.#buffered;
    const take = Math.min(chunk.length, missing);
    if (!this.#assembly && need >= ASSEMBLE_MIN && take < missing && (this.#buffered + take) * 2 >= need) {
      const buf = Buffer.allocUnsafe(need);
      const assembly = new Uint8Array(buf.buffer, buf.byteOffset, need);
      let at = 0;
      for (const piece of pending) {
        assembly.set(piece, at);
        at += piece.length;
      }
      this.#assembly = assembly;
      this.#pending = [];
    }
    const assembly = this.#assembly;
    if (assembly) {
      assembly.set(take === chunk.length ? chunk : chunk.subarray(0, take), this.#buffered);
      this.#buffered += take;
      if (take < missing) return -1;
      this.#assembly = undefined;
      this.#pending = undefined;
      this.#buffered = 0;
      this.#need = 0;
      this.#onFrame(assembly[4]!, assembly.subarray(5));
      return take;
    }
    if (take < missing) {
      pending.push(chunk.length <= COPY_TAIL_MAX ? Uint8Array.prototype.slice.call(chunk) : chunk);
      this.#buffered += chunk.length;
      return -1;
    }
    pending.push(chunk.subarray(0, missing));
    const joined = Buffer.concat(pending, need);
    const frame = new Uint8Array(joined.buffer, joined.byteOffset, need);
    this.#pending = undefined;
    this.#buffered = 0;
    this.#need = 0;
    this.#onFrame(frame[4]!, frame.subarray(5));
    return missing;
  }
}
