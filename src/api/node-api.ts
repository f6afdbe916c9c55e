// The whole HTTP API of a node: its routes, ChainCore compatibility, events, metrics, series and dashboard.

import type { Endpoint } from '../core/address/index.js';
import type { Scheduler } from '../core/clock.js';
import type { Node } from '../node/index.js';
import { registerChainCoreRoutes } from './chaincore-routes.js';
import { createApiServer, type ApiParts } from './create.js';
import { registerDashboard } from './dashboard.js';
import { registerNodeMetrics } from './node-metrics.js';
import { registerNodeRoutes } from './node-routes.js';
import { SeriesRecorder } from './series.js';

export interface NodeApiOptions {
  node: Node;
  listen: Endpoint;
  token: string;
  version: string;
  mode: 'node' | 'hub';
  scheduler: Scheduler;
  /** Origins whose pages may use the API, and extra Host names it answers to; default: the node's config (api.corsOrigins, api.allowedHosts). */
  corsOrigins?: readonly string[];
  allowedHosts?: readonly string[];
}

export interface NodeApi extends ApiParts {
  url: string;
  close(): Promise<void>;
}

/** Builds and starts the API of a running node. Throws ApiListenError when the address is taken. */
export async function startNodeApi(o: NodeApiOptions): Promise<NodeApi> {
  const fromConfig = o.node.config.api || undefined;
  const parts = createApiServer({
    listen: o.listen,
    token: o.token,
    title: 'peerwarden node API',
    version: o.version,
    corsOrigins: o.corsOrigins ?? fromConfig?.corsOrigins ?? [],
    allowedHosts: o.allowedHosts ?? fromConfig?.allowedHosts ?? [],
    hostsHint: 'api.allowedHosts in the config, --api-allowed-host or PEERWARDEN_API_ALLOWED_HOSTS',
    originsHint: 'api.corsOrigins in the config, --api-cors-origin or PEERWARDEN_API_CORS_ORIGINS',
  });
  const { server, feed, registry } = parts;
  let url: string | undefined;
  const ctx = { node: o.node, version: o.version, mode: o.mode, apiUrl: () => url };
  registerNodeRoutes(server.app, ctx);
  registerChainCoreRoutes(server.app, ctx);
  registerDashboard(server.app);
  const series = new SeriesRecorder(o.node, o.scheduler);
  series.register(server.app);
  const detachMetrics = registerNodeMetrics(registry, o.node);
  const detachFeed = o.node.on('peer:event', (e) =>
    feed.push({ at: e.at, kind: e.type, peer: e.id, endpoint: e.endpoint, reason: e.reason, data: { ...e.data, ...(e.direction ? { direction: e.direction } : {}) } }),
  );
  try {
    url = await server.start();
  } catch (err) {
    detachMetrics();
    detachFeed();
    throw err;
  }
  series.start();
  return {
    ...parts,
    url,
    async close() {
      series.stop();
      detachMetrics();
      detachFeed();
      await server.close();
    },
  };
}
