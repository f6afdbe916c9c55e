// A log source reading a byte stream: standard input (`--stdin`) or any Readable (tests, pipes).
import type { Readable } from 'node:stream';
import { LineSplitter, type LineSink } from './line-splitter.js';
import type { LineSource } from './source.js';

export interface StreamSourceOptions {
  /** Default: process.stdin. */
  stream?: Readable;
  maxLineLength?: number;
}

export class StreamSource implements LineSource {
  readonly kind = 'stream';
  readonly description: string;
  readonly #stream: Readable;
  readonly #maxLineLength: number | undefined;
  #detach: (() => void) | undefined;
  #ended: Promise<void> = Promise.resolve();

  constructor(options: StreamSourceOptions = {}) {
    this.#stream = options.stream ?? process.stdin;
    this.#maxLineLength = options.maxLineLength;
    this.description = options.stream ? 'stream' : 'standard input';
  }

  /** Resolves at once: a stream has no backlog we could wait for. See `ended` for its end. */
  async start(sink: LineSink): Promise<void> {
    const splitter = new LineSplitter(sink, this.#maxLineLength);
    const onData = (chunk: Buffer | string) => splitter.push(chunk);
    let finish!: () => void;
    this.#ended = new Promise<void>((resolve) => (finish = resolve));
    const onEnd = () => {
      splitter.end();
      finish();
    };
    const onError = (err: Error) => {
      sink.warn(`reading ${this.description}: ${err.message}`);
      finish();
    };
    this.#stream.on('data', onData);
    this.#stream.once('end', onEnd);
    this.#stream.once('error', onError);
    this.#detach = () => {
      this.#stream.off('data', onData);
      this.#stream.off('end', onEnd);
      this.#stream.off('error', onError);
      finish();
    };
  }

  /** Resolves when the stream has ended and its last line was delivered. */
  get ended(): Promise<void> {
    return this.#ended;
  }

  async stop(): Promise<void> {
    this.#detach?.();
    this.#detach = undefined;
    // Leave the stream itself alone (it may be process.stdin, owned by the process), just stop reading.
    this.#stream.pause();
  }
}
