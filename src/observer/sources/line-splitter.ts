// Splits a byte stream into text lines, holding at most one partial line, with a cap on line length.
import { StringDecoder } from 'node:string_decoder';

/**
 * Longest line kept. The largest real trace lines (ChainDB fork switches, mempool dumps) are a few
 * KB; 1 MiB leaves room for any of them while a runaway line (a binary file, a missing newline)
 * cannot grow the buffer without bound.
 */
export const DEFAULT_MAX_LINE_LENGTH = 1 << 20;

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
  #decoder = new StringDecoder('utf8');
  #partial = '';
  /** Inside a line that went over the limit: drop text until its newline. */
  #discarding = false;

  constructor(sink: LineSink, maxLineLength = DEFAULT_MAX_LINE_LENGTH) {
    this.#sink = sink;
    this.#max = maxLineLength;
  }

  /** Feeds bytes (UTF-8; a character split across chunks is joined) or text. */
  push(chunk: Uint8Array | string): void {
    const text = typeof chunk === 'string' ? chunk : this.#decoder.write(chunk as Buffer);
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      const piece = text.slice(start, nl);
      start = nl + 1;
      if (this.#discarding) {
        this.#discarding = false;
        this.#partial = '';
        continue;
      }
      const line = this.#partial ? this.#partial + piece : piece;
      this.#partial = '';
      if (line.length > this.#max) this.#sink.dropped(`line longer than ${this.#max} characters`);
      else this.#sink.line(line);
    }
    if (start < text.length && !this.#discarding) {
      this.#partial += text.slice(start);
      if (this.#partial.length > this.#max) {
        this.#partial = '';
        this.#discarding = true;
        this.#sink.dropped(`line longer than ${this.#max} characters`);
      }
    }
  }

  /** End of input: a last line without a newline is still a line. */
  end(): void {
    const rest = this.#partial + this.#decoder.end();
    this.#partial = '';
    const discarding = this.#discarding;
    this.#discarding = false;
    if (rest.length > 0 && !discarding) this.push(rest + '\n');
  }

  /** Forgets the partial line (the file was truncated under us). */
  reset(): void {
    this.#partial = '';
    this.#discarding = false;
    this.#decoder = new StringDecoder('utf8');
  }
}
