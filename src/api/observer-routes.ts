// HTTP routes and Prometheus metrics for `peerwarden watch`: the peers of an observed cardano-node.

import type { Registry } from 'prom-client';
import { formatEndpoint } from '../core/address/index.js';
import type { Observer, ObservedPeer, ObservedPeerEvent, ObservedState } from '../observer/index.js';
import type { ObservedPeerDetailJson, ObservedPeerJson, ObservedPeersJson, ObserverStatusJson } from './dto.js';
import { notFound } from './errors.js';
import type { EventFeed } from './event-feed.js';
import { mirroredCounter, perScrape, readGauge } from './metrics.js';
import { documented } from './openapi.js';
import type { FastifyInstance } from './server.js';

const STATES: ObservedState[] = ['unknown', 'cold', 'warm', 'hot', 'cooling'];

export interface ObserverRouteContext {
  observer: Observer;
  feed: EventFeed;
  registry: Registry;
  version: string;
  startedAt: number;
  now: () => number;
  /** The observed node's node-to-node port, shown in the status. */
  nodePort?: number;
}

/** An observed peer as JSON for the API: endpoints as text, everything else as the tracker keeps it. */
export function observedPeerJson(p: ObservedPeer): ObservedPeerJson {
  return {
    ...p,
    local: p.local ? formatEndpoint(p.local) : undefined,
    remote: formatEndpoint(p.remote),
    endpoint: formatEndpoint(p.remote),
  };
}

/** Feeds observer events into the API's event feed as `peer:<kind>` events. */
export function feedObserverEvents(observer: Observer, feed: EventFeed): () => void {
  const onEvent = (e: ObservedPeerEvent) => {
    feed.push({
      at: e.at,
      kind: `peer:${e.kind}`,
      peer: e.id,
      endpoint: formatEndpoint(e.remote),
      reason: e.reason,
      data: { direction: e.direction, from: e.from, to: e.to, change: e.change, source: e.source, detail: e.detail },
    });
  };
  return observer.on('event', onEvent);
}

export function registerObserverRoutes(app: FastifyInstance, ctx: ObserverRouteContext): void {
  const { observer } = ctx;

  app.get('/api/v1/status', { schema: documented({ summary: 'What this observer watches and how the node is doing', tags: ['status'] }) }, async (): Promise<ObserverStatusJson> => {
    const counts = observer.peerCounts();
    return {
      mode: 'observer',
      version: ctx.version,
      startedAt: ctx.startedAt,
      uptimeMs: ctx.now() - ctx.startedAt,
      source: observer.source,
      nodePort: ctx.nodePort,
      node: { ...observer.nodeStatus(), listening: observer.nodeStatus().listening.map((e) => formatEndpoint(e)) },
      health:
        counts.total === 0
          ? { status: 'isolated', reason: 'the observed node has no peers in the log or the socket table' }
          : { status: 'healthy', reason: `${counts.total} peers observed` },
      counts,
      counters: observer.counters(),
    };
  });

  app.get(
    '/api/v1/peers',
    {
      schema: documented({
        summary: 'Peers of the observed node',
        tags: ['peers'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            state: { type: 'string', enum: STATES },
            direction: { type: 'string', enum: ['inbound', 'outbound'] },
            includeClosed: { type: 'boolean', description: 'also list recently closed sessions' },
          },
        },
      }),
    },
    async (req): Promise<ObservedPeersJson> => {
      const q = req.query as { state?: ObservedState; direction?: string; includeClosed?: boolean };
      const peers = observer
        .peers({ includeClosed: q.includeClosed ?? false })
        .filter((p) => (!q.state || p.state === q.state) && (!q.direction || p.direction === q.direction));
      return { peers: peers.map(observedPeerJson) };
    },
  );

  app.get(
    '/api/v1/peers/:id',
    {
      schema: documented({
        summary: 'One observed peer with its history',
        description: 'id is `<local>-<remote>` as listed, or just the remote endpoint',
        tags: ['peers'],
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 200 } }, required: ['id'] },
      }),
    },
    async (req): Promise<ObservedPeerDetailJson> => {
      const { id } = req.params as { id: string };
      const peer = observer.peer(id);
      if (!peer) throw notFound(`no observed peer ${JSON.stringify(id)}; list them with GET /api/v1/peers`, 'unknown_peer');
      return { peer: observedPeerJson(peer), history: peer.history };
    },
  );

  registerObserverMetrics(ctx.registry, observer);
}

function registerObserverMetrics(registry: Registry, observer: Observer): void {
  // Read once per scrape, shared by the metrics below.
  const countersOf = perScrape(() => observer.counters());
  readGauge(registry, 'observed_peers', 'Peers of the observed node by track (direction) and state', ['direction', 'state'], () => {
    const c = observer.peerCounts();
    return STATES.flatMap((state) => [
      [{ direction: 'outbound', state }, c.outbound[state]] as [Record<string, string>, number],
      [{ direction: 'inbound', state }, c.inbound[state]] as [Record<string, string>, number],
    ]);
  });
  readGauge(registry, 'observed_node_reported', 'Counters the node itself last reported (inbound governor, connection manager)', ['source', 'counter'], () => {
    const r = countersOf().reported;
    const out: [Record<string, string>, number][] = [];
    const add = (source: string, obj: Record<string, unknown> | undefined) => {
      for (const [counter, v] of Object.entries(obj ?? {})) if (counter !== 'at' && typeof v === 'number') out.push([{ source, counter }, v]);
    };
    add('inbound_governor', r.inboundGovernor as unknown as Record<string, unknown> | undefined);
    add('connection_manager', r.connectionManager as unknown as Record<string, unknown> | undefined);
    return out;
  });
  readGauge(registry, 'observed_node_restarts', 'Restarts of the observed node seen in its log', [], () => [[{}, observer.nodeStatus().restarts]]);
  mirroredCounter(registry, 'observer_log_lines_total', 'Log lines read, by outcome', ['outcome'], () => {
    const c = countersOf();
    return [
      [{ outcome: 'parsed' }, c.linesParsed],
      [{ outcome: 'ignored' }, c.linesIgnored],
      [{ outcome: 'error' }, c.parseErrors],
    ];
  });
  mirroredCounter(registry, 'observer_parse_errors_total', 'Log lines that could not be parsed (skipped)', [], () => [[{}, countersOf().parseErrors]]);
  mirroredCounter(registry, 'observer_events_total', 'Log events applied, by type', ['type'], () =>
    Object.entries(countersOf().events).map(([type, n]) => [{ type }, n ?? 0]),
  );
  mirroredCounter(registry, 'observer_reconcile_total', 'Socket reconciliation outcomes', ['outcome'], () => {
    const r = countersOf().reconcile;
    return [
      [{ outcome: 'run' }, r.runs],
      [{ outcome: 'discovered' }, r.discovered],
      [{ outcome: 'closed' }, r.closed],
      [{ outcome: 'error' }, r.errors],
    ];
  });
}
