// Splits a byte stream into text lines, holding at most one partial line, with a cap on line length.
//
// It works on bytes: a newline byte never occurs inside a multi-byte UTF-8 character, so lines are
// cut before decoding and each is decoded once, whole. (Rejecting lines from their bytes before
// decoding was tried and measured slower than decoding them and looking at the string: V8's string
// search beats a per-byte loop or a native call per line.)

/**
 * Longest line kept. The largest real trace lines (ChainDB fork switches, mempool dumps) are a few
 * KB; 1 MiB leaves room for any of them while a runaway line (a binary file, a missing newline)
 * cannot grow the buffer without bound.
 */
export const DEFAULT_MAX_LINE_LENGTH = 1 << 20;

const NEWLINE = 0x0a;

export interface LineSink {
  /** One complete line, without its newline. */
  line(text: string): void;
  /** A line was dropped before parsing (too long); counted with the parse errors. */
  dropped(reason: string): void;
  /** Something the operator should know that is not fatal (a file vanished, journalctl exited…). */
  warn(message: string): void;
}

export class LineSplitter {
  readonly #sink: LineSink;
  readonly #max: number;
  /** Bytes of the line in progress (without newline), when a chunk ended mid-line. */
  #partial: Buffer | undefined;
  /** Inside a line that went over the limit: drop bytes until its newline. */
  #discarding = false;

  constructor(sink: LineSink, maxLineLength = DEFAULT_MAX_LINE_LENGTH) {
    this.#sink = sink;
    this.#max = maxLineLength;
  }

  /** Feeds bytes (UTF-8) or text. */
  push(chunk: Uint8Array | string): void {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(NEWLINE, start);
      if (nl < 0) break;
      if (this.#discarding) {
        this.#discarding = false;
      } else if (this.#partial) {
        const joined = Buffer.concat([this.#partial, buf.subarray(start, nl)]);
        this.#partial = undefined;
        this.#emit(joined, 0, joined.length);
      } else {
        this.#emit(buf, start, nl);
      }
      start = nl + 1;
    }
    if (start < buf.length && !this.#discarding) {
      // Copy: the caller may reuse its buffer for the next read.
      const rest = Buffer.from(buf.subarray(start));
      this.#partial = this.#partial ? Buffer.concat([this.#partial, rest]) : rest;
      if (this.#partial.length > this.#max) {
        this.#partial = undefined;
        this.#discarding = true;
        this.#sink.dropped(`line longer than ${this.#max} bytes`);
      }
    }
  }

  /** End of input: a last line without a newline is still a line. */
  end(): void {
    const rest = this.#partial;
    this.#partial = undefined;
    this.#discarding = false;
    if (rest && rest.length > 0) this.#emit(rest, 0, rest.length);
  }

  /** Forgets the partial line (the file was truncated under us). */
  reset(): void {
    this.#partial = undefined;
    this.#discarding = false;
  }

  #emit(buf: Buffer, start: number, end: number): void {
    if (end - start > this.#max) this.#sink.dropped(`line longer than ${this.#max} bytes`);
    else this.#sink.line(buf.toString('utf8', start, end));
  }
}
