// The HTTP API as a node attachment: what the library's createNode starts when the config asks for an API.

import { randomBytes } from 'node:crypto';
import type { ResolvedConfig } from '../node/config.js';
import type { NodeAttachment } from '../node/node.js';
import { systemScheduler } from '../platform/index.js';
import { VERSION } from '../version.js';
import type { NodeApi } from './node-api.js';
import { loadOrCreateToken } from './token.js';

/**
 * Serves the node's API at `config.api.listen` while it runs. The token is `<dataDir>/api.token`
 * (created 0600 at first start), or a random one kept in memory for a node without a data dir.
 * The server (fastify, prom-client, ajv) is loaded when the node starts, not when this module is
 * imported: a library user who never turns the API on never loads it.
 */
export function apiAttachment(config: ResolvedConfig): NodeAttachment | undefined {
  if (!config.api) return undefined;
  const listen = config.api.listen;
  let api: NodeApi | undefined;
  return {
    name: 'api',
    async start(node) {
      const { startNodeApi } = await import('./node-api.js');
      const token = config.dataDir === null ? randomBytes(32).toString('hex') : loadOrCreateToken(config.dataDir);
      const { corsOrigins, allowedHosts } = config.api || { corsOrigins: [], allowedHosts: [] };
      api = await startNodeApi({ node, listen, token, version: VERSION, mode: config.hub ? 'hub' : 'node', scheduler: systemScheduler, corsOrigins, allowedHosts });
      return { url: api.url, token };
    },
    async stop() {
      await api?.close();
      api = undefined;
    },
  };
}
