// Keeps a live server-sent event stream open: reconnects with backoff, resumes with Last-Event-ID, notices restarts.

import { SseParser } from './sse-parser.js';
import type { EventJson, StreamHelloJson } from './types.js';

export type StreamState = 'connecting' | 'live' | 'reconnecting';

export interface EventStreamHandlers {
  onEvent(e: EventJson): void;
  /** Called on every change of state; `attempt` counts reconnection attempts since the last success. */
  onState(state: StreamState, detail: { attempt: number; error?: string }): void;
  /** The server's sequence went backwards: it is a new process (the node restarted). */
  onRestart?(): void;
}

/** Backoff between reconnection attempts: quick at first (a restart takes a second or two), then capped. */
const RETRY_DELAYS_MS = [500, 1000, 2000, 3000, 5000];
/** The server writes a heartbeat every 15 s; silence for this long means the connection is dead. */
const SILENCE_LIMIT_MS = 40_000;

export class EventStream {
  #lastId = 0;
  #attempt = 0;
  #abort: AbortController | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  /** `after`: the newest sequence the page already has (from the history), so the server replays only later ones. */
  constructor(
    readonly url: string,
    readonly handlers: EventStreamHandlers,
    after = 0,
  ) {
    this.#lastId = after;
  }

  start(): void {
    this.#stopped = false;
    void this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#abort?.abort();
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    this.handlers.onState(this.#attempt === 0 ? 'connecting' : 'reconnecting', { attempt: this.#attempt });
    const abort = new AbortController();
    this.#abort = abort;
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    const feed = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => abort.abort(), SILENCE_LIMIT_MS);
    };
    let error: string | undefined;
    try {
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (this.#lastId > 0) headers['last-event-id'] = String(this.#lastId);
      feed();
      const res = await fetch(this.url, { headers, signal: abort.signal });
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new SseParser();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        feed();
        for (const m of parser.push(value)) this.#message(m.event, m.data, m.id);
      }
      error = 'the server closed the stream';
    } catch (err) {
      error = (err as Error).message;
    } finally {
      clearTimeout(watchdog);
    }
    if (this.#stopped) return;
    const delay = RETRY_DELAYS_MS[Math.min(this.#attempt, RETRY_DELAYS_MS.length - 1)]!;
    this.#attempt++;
    this.handlers.onState('reconnecting', { attempt: this.#attempt, error });
    this.#timer = setTimeout(() => void this.#connect(), delay);
  }

  #message(event: string, data: string, id: string | undefined): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return;
    }
    if (event === 'hello') {
      // The first message of every connection: we are live again.
      const lastSeq = (parsed as Partial<StreamHelloJson>).lastSeq ?? 0;
      if (lastSeq < this.#lastId) {
        this.#lastId = lastSeq;
        this.handlers.onRestart?.();
      }
      this.#attempt = 0;
      this.handlers.onState('live', { attempt: 0 });
      return;
    }
    const seq = Number(id);
    if (Number.isInteger(seq) && seq > this.#lastId) this.#lastId = seq;
    this.handlers.onEvent(parsed as EventJson);
  }
}
