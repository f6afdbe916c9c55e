// Parses a text/event-stream incrementally (the WHATWG rules we need: event, data, id, retry, comments).

export interface SseMessage {
  event: string;
  data: string;
  id: string | undefined;
}

/** Feed it chunks as they arrive; it returns the messages completed by each chunk. */
export class SseParser {
  #buffer = '';
  #event = '';
  #data: string[] = [];
  #id: string | undefined;
  /** The reconnection delay the server asked for with `retry:`, if it did. */
  retryMs: number | undefined;

  push(chunk: string): SseMessage[] {
    this.#buffer += chunk;
    const out: SseMessage[] = [];
    let start = 0;
    for (;;) {
      const nl = this.#buffer.indexOf('\n', start);
      if (nl < 0) break;
      let line = this.#buffer.slice(start, nl);
      start = nl + 1;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      const message = this.#line(line);
      if (message) out.push(message);
    }
    this.#buffer = this.#buffer.slice(start);
    return out;
  }

  #line(line: string): SseMessage | undefined {
    if (line === '') {
      // A blank line ends a message; one without data is only a heartbeat or an id update.
      if (this.#data.length === 0) {
        this.#event = '';
        return undefined;
      }
      const message = { event: this.#event || 'message', data: this.#data.join('\n'), id: this.#id };
      this.#event = '';
      this.#data = [];
      return message;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.#event = value;
    else if (field === 'data') this.#data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
    return undefined;
  }
}
