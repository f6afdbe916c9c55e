// The /api/v1 routes of a node (docs/operations.md): status, peers with history, connect and disconnect, addresses, bans.

import { formatEndpoint, parseEndpoint } from '../core/address/index.js';
import { parseDuration } from '../core/duration.js';
import { BanDurationError, MAX_BAN_DURATION_MS } from '../core/reputation/banlist.js';
import { BanTargetError } from '../core/reputation/index.js';
import { ConnectError, NodeStateError, type Node } from '../node/index.js';
import type {
  AddressesJson,
  AddrbookStatsJson,
  BannedJson,
  BansJson,
  ConnectedJson,
  DisconnectedJson,
  HistoryItemJson,
  NodeStatusJson,
  OccupancyJson,
  PeerDetailJson,
  PeersJson,
  UnbannedJson,
} from './dto.js';
import { ApiError, badRequest, notFound, unavailable } from './errors.js';
import { documented } from './openapi.js';
import { asWire, intParam, type FastifyInstance } from './server.js';

export interface NodeRouteContext {
  node: Node;
  version: string;
  /** 'hub' when the node runs in hub mode. */
  mode: 'node' | 'hub';
  /** The API's own base URL, once listening. */
  apiUrl: () => string | undefined;
}

const NODE_ID = '^[0-9a-fA-F]{64}$';
const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: NODE_ID, description: 'node id (64 hex digits)' } },
} as const;

/** The status counts by direction and temperature, with the totals the UI and CLI show. */
export function nodeStatus(ctx: NodeRouteContext): NodeStatusJson {
  const { node } = ctx;
  const s = node.stats();
  return {
    mode: ctx.mode,
    id: node.id,
    version: ctx.version,
    network: node.config.network,
    running: s.running,
    startedAt: s.startedAt,
    uptimeMs: s.uptimeMs,
    listen: s.listenAddresses,
    api: ctx.apiUrl(),
    encryption: node.config.encryption,
    dataDir: node.config.dataDir,
    health: node.health(),
    peers: s.peers,
    targets: s.targets,
    addresses: s.addresses,
    bans: s.bans,
    discouraged: s.discouraged,
    bytes: s.bytes,
    lastDiscovery: s.lastDiscovery,
  };
}

export function registerNodeRoutes(app: FastifyInstance, ctx: NodeRouteContext): void {
  const { node } = ctx;

  app.get('/api/v1/status', { schema: documented({ summary: "The node's identity, health, peer counts against targets, addresses and bans", tags: ['status'] }) }, async () =>
    nodeStatus(ctx),
  );

  app.get(
    '/api/v1/peers',
    {
      schema: documented({
        summary: 'Connected peers (PeerInfo)',
        tags: ['peers'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            direction: { type: 'string', enum: ['inbound', 'outbound'] },
            temperature: { type: 'string', enum: ['warm', 'hot'] },
          },
        },
      }),
    },
    async (req): Promise<PeersJson> => {
      const q = req.query as { direction?: string; temperature?: string };
      const peers = node.peers().filter((p) => (!q.direction || p.direction === q.direction) && (!q.temperature || p.temperature === q.temperature));
      return { peers: asWire(peers) };
    },
  );

  app.get(
    '/api/v1/peers/:id',
    {
      schema: documented({
        summary: 'One peer: its connection if connected, what is stored about it, and its event history',
        description: 'History, oldest first: where its address was learned and from whom, dials, promotions, demotions, penalties and bans, each with a reason.',
        tags: ['peers'],
        params: idParams,
        querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 10000 } } },
      }),
    },
    async (req): Promise<PeerDetailJson> => {
      const id = (req.params as { id: string }).id.toLowerCase();
      const limit = intParam((req.query as { limit?: number }).limit, 'limit', 500, 10_000);
      const peer = node.peer(id);
      const history = node.history(id, { limit });
      const banned = node.bans().find((b) => b.target === id);
      if (!peer && history.length === 0 && !banned) {
        throw notFound(`peer ${id.slice(0, 12)}… is not connected and has no history here; list peers with GET /api/v1/peers`, 'unknown_peer');
      }
      // The store types an event's data as unknown; a node's events carry an object there.
      return { id, connected: peer !== undefined, peer: asWire(peer), ban: banned, history: history as HistoryItemJson[] };
    },
  );

  app.post(
    '/api/v1/peers',
    {
      schema: documented({
        summary: 'Connect to a peer (an operator connection: hot, outside the targets)',
        description: 'Waits for the handshake. With `static: true` the node keeps the peer connected from now on.',
        tags: ['peers'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['endpoint'],
          properties: {
            endpoint: { type: 'string', minLength: 1, maxLength: 64, description: 'ip:port or [ipv6]:port' },
            static: { type: 'boolean' },
          },
        },
      }),
    },
    async (req): Promise<ConnectedJson> => {
      const body = req.body as { endpoint: string; static?: boolean };
      let endpoint;
      try {
        endpoint = parseEndpoint(body.endpoint);
      } catch (err) {
        throw badRequest((err as Error).message, 'invalid_endpoint');
      }
      if (endpoint.port === 0) throw badRequest('port 0 cannot be dialled', 'invalid_endpoint');
      try {
        const peer = await node.connect(endpoint, { static: body.static ?? false });
        return { connected: true, peer: asWire(peer) };
      } catch (err) {
        if (err instanceof ConnectError) throw new ApiError(502, 'dial_failed', err.message);
        if (err instanceof NodeStateError) throw unavailable(err.message, 'not_running');
        throw err;
      }
    },
  );

  app.delete(
    '/api/v1/peers/:id',
    { schema: documented({ summary: 'Disconnect a peer (a static peer is redialled after its backoff)', tags: ['peers'], params: idParams }) },
    async (req): Promise<DisconnectedJson> => {
      const id = (req.params as { id: string }).id.toLowerCase();
      if (!node.disconnect(id, 'disconnected by the operator')) {
        throw notFound(`peer ${id.slice(0, 12)}… is not connected; list peers with GET /api/v1/peers`, 'unknown_peer');
      }
      return { disconnected: id };
    },
  );

  app.get(
    '/api/v1/addresses',
    {
      schema: documented({
        summary: 'Address-book entries',
        tags: ['addresses'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            table: { type: 'string', enum: ['new', 'tried'] },
            group: { type: 'string', maxLength: 64, description: 'a net group as listed by /api/v1/addrbook/stats, e.g. 1.2.0.0/16' },
            origin: { type: 'string', enum: ['seed', 'dns', 'exchange', 'hub', 'probe', 'manual', 'inbound'] },
            limit: { type: 'integer', minimum: 0, maximum: 100000, description: 'default 1000' },
          },
        },
      }),
    },
    async (req): Promise<AddressesJson> => {
      const q = req.query as { table?: 'new' | 'tried'; group?: string; origin?: string; limit?: number };
      const limit = intParam(q.limit, 'limit', 1000, 100_000);
      const all = node.addressBook
        .entries()
        .filter((e) => (!q.table || e.inTried === (q.table === 'tried')) && (!q.group || e.group === q.group) && (!q.origin || e.origin === q.origin));
      return {
        total: all.length,
        addresses: asWire(
          all.slice(0, limit).map((e) => ({
            ...e,
            endpoint: formatEndpoint(e.endpoint),
            table: e.inTried ? ('tried' as const) : ('new' as const),
            terrible: node.addressBook.isTerrible(e.endpoint),
          })),
        ),
      };
    },
  );

  app.get(
    '/api/v1/addrbook/stats',
    { schema: documented({ summary: 'Address-book sizes per table, network, net group and origin', tags: ['addresses'] }) },
    async (): Promise<AddrbookStatsJson> => node.addressBook.stats(),
  );

  app.get(
    '/api/v1/addrbook/occupancy',
    {
      schema: documented({
        summary: 'Which net group holds each slot of a table (for the heat maps)',
        description: '`cells[bucket * slotsPerBucket + slot]` is an index into `groups`, or -1 for an empty slot.',
        tags: ['addresses'],
        querystring: { type: 'object', additionalProperties: false, properties: { table: { type: 'string', enum: ['new', 'tried'] } } },
      }),
    },
    async (req): Promise<OccupancyJson> => {
      const table = (req.query as { table?: 'new' | 'tried' }).table ?? 'new';
      const o = node.addressBook.occupancy(table);
      return { table, buckets: o.buckets, slotsPerBucket: o.slotsPerBucket, groups: o.groups, cells: Array.from(o.cells) };
    },
  );

  app.get('/api/v1/bans', { schema: documented({ summary: 'Active bans (node ids, IPs, subnets)', tags: ['bans'] }) }, async (): Promise<BansJson> => ({ bans: node.bans() }));

  app.post(
    '/api/v1/bans',
    {
      schema: documented({
        summary: 'Ban a node id, an IP or a CIDR subnet (persisted before the answer)',
        description: 'Give the length as `duration` ("1h", "7d") or `durationMs`, at most 100 years; neither means until unbanned.',
        tags: ['bans'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['target'],
          properties: {
            target: { type: 'string', minLength: 1, maxLength: 100, description: 'node id, IP, or CIDR subnet' },
            duration: { type: 'string', maxLength: 32 },
            // No schema maximum: the handler refuses more than 100 years with a message that says what to do.
            durationMs: { type: 'integer', minimum: 1, description: `ms, at most ${MAX_BAN_DURATION_MS} (100 years)` },
            reason: { type: 'string', maxLength: 500 },
          },
        },
      }),
    },
    async (req, reply) => {
      const body = req.body as { target: string; duration?: string; durationMs?: number; reason?: string };
      if (body.duration !== undefined && body.durationMs !== undefined) throw badRequest('give either duration or durationMs, not both');
      let durationMs = body.durationMs;
      if (body.duration !== undefined) {
        try {
          durationMs = parseDuration(body.duration);
        } catch (err) {
          throw badRequest((err as Error).message, 'invalid_duration');
        }
        if (durationMs <= 0) throw badRequest('the duration must be positive', 'invalid_duration');
      }
      // Checked here too (node.ban would throw BanDurationError) so the answer names the field the client sent.
      if (durationMs !== undefined && durationMs > MAX_BAN_DURATION_MS) {
        const given = body.duration !== undefined ? `duration ${JSON.stringify(body.duration)}` : `durationMs ${durationMs}`;
        throw badRequest(
          `${given} is too long: a ban lasts at most 100 years (${MAX_BAN_DURATION_MS} ms); leave out duration and durationMs for a ban that lasts until it is lifted`,
          'invalid_duration',
        );
      }
      try {
        const ban = node.ban(body.target, { reason: body.reason?.trim() || 'banned by the operator', ...(durationMs !== undefined ? { durationMs } : {}) });
        const banned: BannedJson = { ban };
        return reply.status(201).send(banned);
      } catch (err) {
        if (err instanceof BanTargetError) throw badRequest(err.message, 'invalid_target');
        if (err instanceof BanDurationError) throw badRequest(err.message, 'invalid_duration');
        if (err instanceof NodeStateError) throw unavailable(err.message, 'not_running');
        throw err;
      }
    },
  );

  app.delete(
    '/api/v1/bans/:target',
    {
      schema: documented({
        summary: 'Lift a ban',
        description: 'URL-encode the target: a subnet such as 10.0.0.0/8 is 10.0.0.0%2F8.',
        tags: ['bans'],
        params: { type: 'object', required: ['target'], properties: { target: { type: 'string', minLength: 1, maxLength: 100 } } },
      }),
    },
    async (req): Promise<UnbannedJson> => {
      const { target } = req.params as { target: string };
      let removed: boolean;
      try {
        removed = node.unban(target);
      } catch (err) {
        if (err instanceof BanTargetError) throw badRequest(err.message, 'invalid_target');
        throw err;
      }
      if (!removed) throw notFound(`no ban on ${JSON.stringify(target)}; list them with GET /api/v1/bans`, 'unknown_ban');
      return { unbanned: target };
    },
  );

  app.get('/api/v1/governor', { schema: documented({ summary: "The governor's state: peers, dials in flight, backoff, anchors, timers", tags: ['status'] }) }, async () =>
    node.inspectGovernor() ?? {},
  );
}
