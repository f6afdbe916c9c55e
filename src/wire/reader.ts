// A bounds-checked cursor over a message body: every read either fits or throws MalformedMessageError.

import { MalformedMessageError, type MalformedOffence } from './errors.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/** Reads big-endian fields from `body`, naming `type` in any error. Slices are views, not copies. */
export class BodyReader {
  #pos = 0;

  constructor(
    private readonly body: Uint8Array,
    private readonly type: number,
  ) {}

  get remaining(): number {
    return this.body.length - this.#pos;
  }

  fail(detail: string, offence?: MalformedOffence): never {
    throw new MalformedMessageError(this.type, detail, offence);
  }

  #need(n: number, what: string): number {
    const at = this.#pos;
    if (this.body.length - at < n) this.fail(`truncated: ${what} needs ${n} bytes, ${this.body.length - at} left`);
    this.#pos = at + n;
    return at;
  }

  u8(what: string): number {
    return this.body[this.#need(1, what)]!;
  }

  u16(what: string): number {
    const at = this.#need(2, what);
    return (this.body[at]! << 8) | this.body[at + 1]!;
  }

  u32(what: string): number {
    const b = this.body;
    const at = this.#need(4, what);
    return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
  }

  u64(what: string): bigint {
    const hi = this.u32(what);
    const lo = this.u32(what);
    // One BigInt instead of three for the common small values (service flags, nonces rarely).
    return hi === 0 ? BigInt(lo) : (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** A u64 as a number; values above 2^53 lose precision, which no timestamp reaches. */
  u64Number(what: string): number {
    const hi = this.u32(what);
    const lo = this.u32(what);
    return hi * 0x100000000 + lo;
  }

  /** `n` bytes as a view into the body. */
  bytes(n: number, what: string): Uint8Array {
    const at = this.#need(n, what);
    return this.body.subarray(at, at + n);
  }

  /** `n` bytes as a fresh copy (a plain Uint8Array that pins no read buffer). */
  copy(n: number, what: string): Uint8Array {
    return new Uint8Array(this.bytes(n, what));
  }

  /** A u8 length, at most `max`, then that many bytes of valid UTF-8. */
  shortString(what: string, max: number, strict = true): string {
    const n = this.u8(`${what} length`);
    if (n > max) this.fail(`${what} is ${n} bytes, at most ${max} allowed`);
    const raw = this.bytes(n, what);
    if (!strict) return lenientUtf8.decode(raw);
    try {
      return strictUtf8.decode(raw);
    } catch {
      this.fail(`${what} is not valid UTF-8`);
    }
  }

  /** Everything left, as a view. */
  rest(): Uint8Array {
    const at = this.#pos;
    this.#pos = this.body.length;
    return this.body.subarray(at);
  }

  /** Throws unless the whole body was consumed (fixed-layout messages allow no trailing bytes). */
  end(): void {
    if (this.#pos !== this.body.length) this.fail(`${this.body.length - this.#pos} unexpected trailing bytes`);
  }
}

/** Decodes UTF-8 strictly, or undefined when invalid. */
export function decodeUtf8Strict(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}
