// Assembles an API server with its event feed and metrics registry (the parts every mode shares).
import type { Registry } from 'prom-client';
import { EventFeed } from './event-feed.js';
import { registerEventRoutes, registerMetricsRoute } from './event-routes.js';
import { createRegistry } from './metrics.js';
import { ApiServer, type ApiServerOptions } from './server.js';

export interface ApiParts {
  server: ApiServer;
  feed: EventFeed;
  registry: Registry;
}

/** A server with /api/v1/events, /api/v1/history, /metrics and /api/v1/openapi.json; add mode routes to `server.app`. */
export function createApiServer(opts: ApiServerOptions): ApiParts {
  const server = new ApiServer(opts);
  const feed = new EventFeed();
  const registry = createRegistry();
  registerEventRoutes(server.app, feed);
  registerMetricsRoute(server.app, registry);
  return { server, feed, registry };
}
