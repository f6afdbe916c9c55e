// ChainCore-compatible /status, /peers and /network_info: known vs active peers, for tools written against ChainCore.

import { formatEndpoint } from '../core/address/index.js';
import type { Node } from '../node/index.js';
import type { ChainCoreNetworkInfoJson, ChainCorePeersJson, ChainCoreStatusJson } from './dto.js';
import { nodeStatus, type NodeRouteContext } from './node-routes.js';
import type { FastifyInstance } from './server.js';

/** ChainCore lists every known peer; we cap the list (the count stays exact) so the answer stays small. */
const MAX_KNOWN_LISTED = 1000;

function knownEndpoints(node: Node): string[] {
  const entries = node.addressBook.entries();
  // Tried addresses (we connected to them once) first: they are the best "known" peers.
  entries.sort((a, b) => Number(b.inTried) - Number(a.inTried) || b.lastSuccess - a.lastSuccess);
  return entries.slice(0, MAX_KNOWN_LISTED).map((e) => formatEndpoint(e.endpoint));
}

export function registerChainCoreRoutes(app: FastifyInstance, ctx: NodeRouteContext): void {
  const { node } = ctx;
  const active = () => node.peers().map((p) => p.listenEndpoint ?? p.endpoint);
  const health = (): ChainCoreStatusJson['network_health'] => (node.peers().length > 0 ? 'healthy' : 'isolated');

  app.get('/status', async (): Promise<ChainCoreStatusJson> => {
    const s = nodeStatus(ctx);
    return {
      node_id: node.id,
      peers: node.addressBook.size(),
      active_peers: s.peers.total,
      version: ctx.version,
      network: s.network,
      uptime_seconds: Math.floor(s.uptimeMs / 1000),
      listen_addresses: s.listen,
      network_health: health(),
      health: s.health,
      alarms: s.health.alarms,
      hot_peers: s.peers.inbound.hot + s.peers.outbound.hot,
      warm_peers: s.peers.inbound.warm + s.peers.outbound.warm,
    };
  });

  app.get('/peers', async (): Promise<ChainCorePeersJson> => {
    const list = active();
    return { peers: knownEndpoints(node), active_peers: list, peer_count: list.length, total_known: node.addressBook.size() };
  });

  app.get('/network_info', async (): Promise<ChainCoreNetworkInfoJson> => {
    const list = active();
    const last = node.stats().lastDiscovery;
    return {
      total_peers: node.addressBook.size(),
      active_peers: list.length,
      peer_list: list,
      // ChainCore reports seconds since the epoch (Python's time.time()); 0 when discovery never ran.
      last_discovery: last ? last.at / 1000 : 0,
      network_health: health(),
      health: node.health(),
    };
  });
}
