// Routes for peer events: a live server-sent stream and the recent history as JSON; and /metrics.

import type { Registry } from 'prom-client';
import type { HistoryJson, StreamHelloJson } from './dto.js';
import { ApiError } from './errors.js';
import type { EventFeed } from './event-feed.js';
import { MetricsBusyError, MetricsCache } from './metrics.js';
import { documented } from './openapi.js';
import type { FastifyInstance } from './server.js';
import { intParam } from './server.js';
import { openEventStream } from './sse.js';

const filterQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    kind: { type: 'string', maxLength: 64, description: 'only events whose kind starts with this (e.g. peer:banned, peer:)' },
    peer: { type: 'string', maxLength: 200, description: 'only events of this peer (id or endpoint)' },
    limit: { type: 'integer', minimum: 0, maximum: 2000, description: 'history: newest events to return (default 200)' },
  },
} as const;

export function registerEventRoutes(app: FastifyInstance, feed: EventFeed): void {
  app.get(
    '/api/v1/events',
    {
      schema: documented({
        summary: 'Server-sent events, one per peer event',
        description:
          'text/event-stream; each message has `id` (sequence), `event` (the kind) and `data` (JSON ApiEvent). Reconnecting clients send Last-Event-ID and get what they missed while it is still in memory.',
        tags: ['events'],
        querystring: filterQuery,
      }),
    },
    async (req, reply) => {
      const q = req.query as { kind?: string; peer?: string };
      const matches = (e: { kind: string; peer?: string; endpoint?: string }) =>
        (!q.kind || e.kind.startsWith(q.kind)) && (!q.peer || e.peer === q.peer || e.endpoint === q.peer);
      const stream = openEventStream(req, reply);
      const last = Number(req.headers['last-event-id']);
      if (Number.isInteger(last) && last > 0) for (const e of feed.since(last)) if (matches(e)) stream.send(e.kind, e, e.seq);
      const hello: StreamHelloJson = { lastSeq: feed.lastSeq };
      stream.send('hello', hello);
      const unsubscribe = feed.subscribe((e) => matches(e) && stream.send(e.kind, e, e.seq));
      stream.onClose(unsubscribe);
    },
  );

  app.get(
    '/api/v1/history',
    { schema: documented({ summary: 'Recent peer events (JSON), oldest first', tags: ['events'], querystring: filterQuery }) },
    async (req): Promise<HistoryJson> => {
      const q = req.query as { kind?: string; peer?: string; limit?: number };
      return { events: feed.recent(intParam(q.limit, 'limit', 200, 2000), { kind: q.kind, peer: q.peer }) };
    },
  );
}

/** GET /metrics: the registry rendered at most once a second, however many scrape it and how often (MetricsCache). */
export function registerMetricsRoute(app: FastifyInstance, registry: Registry): MetricsCache {
  const cache = new MetricsCache(registry);
  app.get('/metrics', async (_req, reply) => {
    let text: string;
    try {
      text = await cache.get();
    } catch (err) {
      if (err instanceof MetricsBusyError) {
        reply.header('retry-after', '1');
        throw new ApiError(503, 'busy', err.message);
      }
      throw err;
    }
    return reply.type(cache.contentType).send(text);
  });
  return cache;
}
