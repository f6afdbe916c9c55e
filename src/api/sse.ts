// Server-sent event streams: one per client, with heartbeats, and dropped when the client cannot keep up.

import type { FastifyReply, FastifyRequest } from 'fastify';

/** A client that has this many bytes unsent is too slow: it is disconnected and reconnects later. */
const MAX_BUFFERED_BYTES = 1 << 20;
/** Comment lines keep proxies from closing an idle stream and let the client notice a dead server. */
const HEARTBEAT_MS = 15_000;

export interface EventStream {
  send(event: string, data: unknown, id?: number | string): void;
  readonly closed: boolean;
  onClose(fn: () => void): void;
}

/** Takes over the reply and turns it into an event stream; the route handler must not send anything else. */
export function openEventStream(req: FastifyRequest, reply: FastifyReply, retryMs = 2000): EventStream {
  const res = reply.raw;
  // The headers the server's hooks set (CORS for a listed origin, security headers) go out too:
  // after hijack() Fastify sends nothing itself.
  const fromHooks = reply.getHeaders() as Record<string, string | string[] | number>;
  reply.hijack();
  res.writeHead(200, {
    ...fromHooks,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(`retry: ${retryMs}\n\n`);
  let closed = false;
  const closers: (() => void)[] = [];
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    for (const fn of closers) fn();
    res.end();
  };
  const heartbeat = setInterval(() => {
    if (!closed) res.write(': ping\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();
  req.raw.on('close', close);
  res.on('error', close);
  return {
    get closed() {
      return closed;
    },
    onClose(fn) {
      if (closed) fn();
      else closers.push(fn);
    },
    send(event, data, id) {
      if (closed) return;
      if (res.writableLength > MAX_BUFFERED_BYTES) return close();
      const json = JSON.stringify(data, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
      res.write(`${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${json}\n\n`);
    },
  };
}
