// The JSON the HTTP APIs send, declared once: the node's and the hub's /api/v1, `peerwarden watch`'s
// /api/v1, the ChainCore-compatible routes, and the snapshots `peerwarden devnet` and `peerwarden
// fleet` serve to their pages. The dashboard (through dashboard/src/lib/types.ts) and the CLI import
// these types; the server's builders are typed with them, and src/api/dto-checks.ts fails to compile
// when a library type the server sends as it is (PeerInfo, BanEntry, ObservedPeer…) and its type here
// stop having the same keys.
//
// Self-contained on purpose: no imports, no Node or DOM types, so that the dashboard compiles it with
// the browser's libraries. Times are milliseconds since the Unix epoch unless a name says otherwise;
// a field marked `?` is left out of the JSON when it has no value.

// ---------------------------------------------------------------- shared

/** Which side opened a connection (node), or which governor a track belongs to (observer). */
export type DirectionJson = 'inbound' | 'outbound';

/** A connected peer's temperature: warm (connected, idle) or hot (carrying application traffic). */
export type TemperatureJson = 'warm' | 'hot';

export type HealthStatusJson = 'healthy' | 'degraded' | 'isolated';

/** Health in one word and one sentence: the observer's, and the base of a node's. */
export interface HealthJson {
  status: HealthStatusJson;
  /** Why, in one sentence. */
  reason: string;
  /** Eclipse alarms in force: always present in a node's health, absent in an observer's. */
  alarms?: AlarmJson[];
}

/** An eclipse alarm: what the node saw that looks like an eclipse being set up, and since when. */
export interface AlarmJson {
  /** 'addr-flood' | 'inbound-concentration' | 'book-skew' | 'outbound-sources' | 'crowded-ips'. */
  kind: string;
  /** One sentence: what was seen and why it matters. */
  message: string;
  /** Net groups involved ("10.1.0.0/16", or "AS13335" with an AS map), most implicated first. */
  groups: string[];
  /** The numbers behind it. */
  evidence: Record<string, number | string>;
  /** When it was raised. */
  since: number;
}

/** Connected peers of one direction by temperature. */
export interface TemperatureCountsJson {
  hot: number;
  warm: number;
}

/** Bytes or messages, received and sent. */
export interface InOutJson {
  in: number;
  out: number;
}

/** The body of every error answer (4xx, 5xx), whatever the route. */
export interface ErrorJson {
  error: {
    /** Stable, for programs: 'unknown_peer', 'invalid_target', 'unauthorized'… */
    code: string;
    /** For people: what went wrong and what to do. */
    message: string;
  };
}

// ---------------------------------------------------------------- node and hub: GET /api/v1/status

/** A node's health: its health in a word, the counts it is judged on, and the eclipse alarms in force. */
export interface NodeHealthJson extends HealthJson {
  /** Connected peers, both directions. */
  peers: number;
  /** Outbound peers, warm and hot. */
  outbound: number;
  /** Outbound hot peers. */
  hotOutbound: number;
  /** Inbound peers, warm and hot. */
  inbound: number;
  /** Distinct net groups among outbound peers. */
  outboundGroups: number;
  /** The outbound targets the node is judged against. */
  targets: { hot: number; outbound: number };
  /** Addresses in the address book. */
  knownAddresses: number;
  /** Any of them makes the node degraded. */
  alarms: AlarmJson[];
}

/** Connected peers by direction and temperature. */
export interface PeerCountsJson {
  /** Every connected peer, both directions. */
  total: number;
  outbound: TemperatureCountsJson;
  inbound: TemperatureCountsJson;
}

/** The node's peer targets and limits (its configuration). */
export interface TargetsJson {
  /** Outbound hot peers (carry application traffic). */
  hot: number;
  /** Outbound peers, warm and hot. */
  outbound: number;
  /** Inbound connections at most. */
  maxInbound: number;
  /** Connections at most, both directions. */
  maxTotal: number;
  /** Inbound connections accepted from one IP address. */
  maxInboundPerIp: number;
}

/** The address book's sizes. */
export interface AddressCountsJson {
  /** Every address, both tables. */
  total: number;
  /** Addresses heard of but never connected to. */
  new: number;
  /** Addresses connected to at least once. */
  tried: number;
  /** Pending collisions in the tried table (a feeler tests the occupant). */
  collisions: number;
  /** Addresses per origin: seed, dns, exchange, hub, probe, manual, inbound. */
  byOrigin: Record<string, number>;
}

/** GET /api/v1/status of a node or a hub. */
export interface NodeStatusJson {
  mode: 'node' | 'hub';
  /** Node id: 64 lowercase hex digits. */
  id: string;
  /** peerwarden's version. */
  version: string;
  /** The network name peers must share (the handshake refuses others). */
  network: string;
  /** False until the node has started: a daemon's API answers a moment before its node starts. */
  running: boolean;
  /** When the node started; absent until it has. A change means the node restarted. */
  startedAt?: number;
  /** Since it started; 0 until it has. */
  uptimeMs: number;
  /** Where it accepts peers ("0.0.0.0:7000"). */
  listen: string[];
  /** This API's base URL, once it listens. */
  api?: string;
  /** Transport encryption of peer connections. */
  encryption: 'tls' | 'none';
  /** The data dir (the API token is `<dataDir>/api.token`); null for a node that keeps nothing on disk. */
  dataDir: string | null;
  health: NodeHealthJson;
  peers: PeerCountsJson;
  targets: TargetsJson;
  addresses: AddressCountsJson;
  /** Active bans (node ids, IPs, subnets). */
  bans: number;
  /** Addresses discouraged (misbehaved, not banned): never dialled, accepted inbound only with slots to spare. */
  discouraged: number;
  /** All traffic, live and closed connections, in bytes. */
  bytes: InOutJson;
  /** When discovery last asked for addresses, and why ('startup', 'address book low (…)'…). */
  lastDiscovery?: { at: number; reason: string };
}

// ---------------------------------------------------------------- node and hub: peers, history, bans

/** A connected peer (the library's PeerInfo as JSON): GET /api/v1/peers. Cold peers are in the address book. */
export interface PeerInfoJson {
  /** Node id: 64 lowercase hex digits, proven in the handshake. */
  id: string;
  /** The remote end of the connection ("1.2.3.4:7000"). */
  endpoint: string;
  direction: DirectionJson;
  temperature: TemperatureJson;
  /** Reputation score now (-100…100, decaying toward 0). */
  score: number;
  /** Last ping round trip in ms; absent until the first pong. */
  rttMs?: number;
  /** When the handshake completed. */
  connectedAt: number;
  bytesIn: number;
  bytesOut: number;
  messagesIn: number;
  messagesOut: number;
  /** Never demoted, churned or evicted while true. */
  busy: boolean;
  /** Kept connected: redialled whenever it drops. */
  static: boolean;
  /** Trusted by the operator: bypasses the inbound limits, never churned or evicted. */
  trusted: boolean;
  /** Service flags from the peer's HELLO: a u64 as a decimal string. */
  services: string;
  userAgent: string;
  /** Where the peer accepts connections (observed IP + HELLO port), if it listens. */
  listenEndpoint?: string;
  /** Why the connection exists: outbound, anchor, feeler, static, manual, or inbound. */
  purpose: string;
  /** Net group of the peer's IP: "10.3.0.0/16", or "AS13335" when the node groups by an AS map. */
  netGroup: string;
  /** The peer's AS, when the node has an AS map that covers its address. */
  asn?: number;
  /** Smallest ping round trip seen, ms. */
  minRttMs?: number;
}

/** GET /api/v1/peers. */
export interface PeersJson {
  peers: PeerInfoJson[];
}

/** One stored event of a node peer's history (GET /api/v1/peers/:id). */
export interface HistoryItemJson {
  /** The store's sequence number, when the event was stored. */
  seq?: number;
  at: number;
  /** The peer's node id, when known (a dial names only an endpoint). */
  id?: string;
  endpoint?: string;
  /** 'peer:discovered', 'peer:connected', 'peer:penalized'…: the kinds of EventJson. */
  kind: string;
  reason?: string;
  /** The event's details (direction, score after a penalty, source of an address…). */
  data?: Record<string, unknown>;
}

/** A ban on a node id, an IP or a subnet. */
export interface BanJson {
  /** A node id (64 hex digits), an IP, or a CIDR subnet. */
  target: string;
  kind: 'id' | 'ip' | 'subnet';
  reason: string;
  createdAt: number;
  /** Absent: until lifted. */
  expiresAt?: number;
}

/** GET /api/v1/peers/:id: a peer's connection if connected, its ban if banned, and its history. */
export interface PeerDetailJson {
  /** The node id asked for, in lowercase. */
  id: string;
  connected: boolean;
  /** Present while connected. */
  peer?: PeerInfoJson;
  /** Present while banned by node id. */
  ban?: BanJson;
  /** Oldest first: where its address was learned, dials, promotions, demotions, penalties, bans. */
  history: HistoryItemJson[];
}

/** POST /api/v1/peers: the connection made. */
export interface ConnectedJson {
  connected: true;
  peer: PeerInfoJson;
}

/** DELETE /api/v1/peers/:id. */
export interface DisconnectedJson {
  /** The node id disconnected. */
  disconnected: string;
}

/** GET /api/v1/bans. */
export interface BansJson {
  bans: BanJson[];
}

/** POST /api/v1/bans (201): the ban in force. */
export interface BannedJson {
  ban: BanJson;
}

/** DELETE /api/v1/bans/:target. */
export interface UnbannedJson {
  /** The target as given. */
  unbanned: string;
}

// ---------------------------------------------------------------- node and hub: the address book

/** One address-book entry (GET /api/v1/addresses). */
export interface AddressJson {
  /** "ip:port". */
  endpoint: string;
  /** Service flags it was advertised with: a u64 as a decimal string. */
  services: string;
  /** When the address was last heard of (not when we last connected). */
  time: number;
  /** The IP of whoever told us first. */
  source: string;
  /** Last dial attempt, 0 for never. */
  lastTry: number;
  /** Last successful connection, 0 for never. */
  lastSuccess: number;
  /** Failed attempts since the last success. */
  attempts: number;
  /** New buckets holding the entry (1–8); 0 when it is in tried. */
  refCount: number;
  inTried: boolean;
  /** seed, dns, exchange, hub, probe, manual or inbound. */
  origin: string;
  /** ipv4 or ipv6. */
  network: string;
  /** Its net group ("1.2.0.0/16"), or "AS13335" when the book groups by an AS map. */
  group: string;
  /** The table it is in (the same as `inTried`). */
  table: 'new' | 'tried';
  /** Not worth keeping or sharing (Core's IsTerrible): not heard of in a month, or failing. */
  terrible: boolean;
}

/** GET /api/v1/addresses. */
export interface AddressesJson {
  /** Entries that match the filter, before the limit. */
  total: number;
  addresses: AddressJson[];
}

/** GET /api/v1/addrbook/stats: the address book's sizes per table, network, net group and origin. */
export interface AddrbookStatsJson {
  new: number;
  tried: number;
  total: number;
  /** Pending collisions in the tried table. */
  collisions: number;
  /** Per network (ipv4, ipv6). */
  byNetwork: Record<string, { new: number; tried: number }>;
  /** Per net group, most populous first. */
  byGroup: { group: string; new: number; tried: number }[];
  /** Per origin (seed, dns, exchange, hub, probe, manual, inbound). */
  byOrigin: Record<string, number>;
}

/** GET /api/v1/addrbook/occupancy: which net group holds each slot of a table (the heat maps). */
export interface OccupancyJson {
  table: 'new' | 'tried';
  buckets: number;
  slotsPerBucket: number;
  /** Net groups present in the table. */
  groups: string[];
  /** `cells[bucket * slotsPerBucket + slot]`: an index into `groups`, or -1 for an empty slot. */
  cells: number[];
}

// ---------------------------------------------------------------- node and hub: series

/** Cumulative totals at one moment; consecutive samples make rates. */
export interface SampleJson {
  at: number;
  /** Connected peers now. */
  peers: { outbound: TemperatureCountsJson; inbound: TemperatureCountsJson };
  /** Messages since the node started, every type. */
  messages: InOutJson;
  /** Bytes since the node started, live and closed connections. */
  bytes: InOutJson;
  /** Dials since the node started, by outcome (connected, refused, timeout…). */
  dials: Record<string, number>;
  /** Penalties since the node started, by reason. */
  penalties: Record<string, number>;
}

/** GET /api/v1/series: the last hour, one sample per interval, the newest taken at the request. */
export interface SeriesJson {
  intervalMs: number;
  /** Oldest first. */
  samples: SampleJson[];
}

// ---------------------------------------------------------------- events (node, hub and observer)

/**
 * One peer event (the OpenAPI document calls it ApiEvent): each item of GET /api/v1/history, and
 * the `data` of each message of the stream GET /api/v1/events (whose `event` is `kind`, `id` is `seq`).
 */
export interface EventJson {
  /** Numbered from 1 in the order the API saw them; a stream resumes after the Last-Event-ID it got. */
  seq: number;
  at: number;
  /** peer:connected, peer:promoted, peer:banned… (node) or peer:opened, peer:changed… (observer). */
  kind: string;
  /** Node id (node) or connection id (observer). */
  peer?: string;
  endpoint?: string;
  reason?: string;
  /** Details: `direction`; a node's event data; an observer's `from`, `to`, `change`, `source`, `detail`. */
  data?: Record<string, unknown>;
}

/** GET /api/v1/history. */
export interface HistoryJson {
  /** Oldest first. */
  events: EventJson[];
}

/** The stream's first message (`event: hello`), after any events it replays. */
export interface StreamHelloJson {
  /** The newest event's `seq` (0 for none): a client that saw a larger one talks to a restarted server. */
  lastSeq: number;
}

// ---------------------------------------------------------------- ChainCore-compatible routes

/** GET /status (ChainCore's names and units). */
export interface ChainCoreStatusJson {
  node_id: string;
  /** Known addresses. */
  peers: number;
  /** Connected peers. */
  active_peers: number;
  version: string;
  network: string;
  uptime_seconds: number;
  listen_addresses: string[];
  /** ChainCore's two words: connected to anyone or not. */
  network_health: 'healthy' | 'isolated';
  health: NodeHealthJson;
  alarms: AlarmJson[];
  hot_peers: number;
  warm_peers: number;
}

/** GET /peers. */
export interface ChainCorePeersJson {
  /** Known addresses, tried first, at most 1000 (`total_known` counts them all). */
  peers: string[];
  /** Connected peers' listening (else remote) endpoints. */
  active_peers: string[];
  peer_count: number;
  total_known: number;
}

/** GET /network_info. */
export interface ChainCoreNetworkInfoJson {
  total_peers: number;
  active_peers: number;
  peer_list: string[];
  /** Seconds since the epoch (ChainCore's unit); 0 when discovery never ran. */
  last_discovery: number;
  network_health: 'healthy' | 'isolated';
  health: NodeHealthJson;
}

// ---------------------------------------------------------------- observer (`peerwarden watch`)

/**
 * One track's state: `unknown` (a socket, nothing logged yet), `cold`, `warm`, `hot`, or `cooling`
 * (the outbound governor is closing it).
 */
export type ObservedStateJson = 'unknown' | 'cold' | 'warm' | 'hot' | 'cooling';

/** Open connections per state. */
export type StateCountsJson = Record<ObservedStateJson, number>;

/** The observed node's open connections by state: overall (the hotter track) and per track. */
export interface ObservedCountsJson {
  total: number;
  byState: StateCountsJson;
  outbound: StateCountsJson;
  inbound: StateCountsJson;
}

/** The observed node's lifecycle, from its server start and stop lines. */
export interface ObservedNodeJson {
  /** `unknown` until a server Started/Stopped line has been read. */
  state: 'unknown' | 'running' | 'stopped';
  /** 0 before the first start seen, then one more per (re)start. */
  generation: number;
  /** Restarts seen. */
  restarts: number;
  lastStartedAt?: number;
  lastStoppedAt?: number;
  lastRestartAt?: number;
  /** Its node-to-node listening endpoints, from the last server start line. */
  listening: string[];
}

/** The counters the observed node itself last logged, each with the log time of the report. */
export interface ReportedCountersJson {
  /** How remote peers use our connections. */
  inboundGovernor?: { idle: number; cold: number; warm: number; hot: number; at: number };
  /** Connections by kind. */
  connectionManager?: { fullDuplex: number; duplex: number; unidirectional: number; inbound: number; outbound: number; at: number };
}

/** What the observer read and did. */
export interface ObserverCountersJson {
  linesRead: number;
  /** Lines that parsed into an event. */
  linesParsed: number;
  /** Well-formed lines of namespaces the observer does not use. */
  linesIgnored: number;
  /** Malformed, truncated, binary or overlong lines, and known events with missing fields. */
  parseErrors: number;
  /** Parsed events older than watch's `--since`, not applied. */
  eventsBeforeSince: number;
  /** The last line that could not be parsed (an excerpt), and why. */
  lastParseError?: { reason: string; line: string };
  /** Log time of the newest applied event. */
  lastEventAt?: number;
  /** Applied events by type ('statusChanged', 'remoteChanged'…). */
  events: Record<string, number>;
  /** Socket reconciliation: the node's established sockets checked against what the log said. */
  reconcile: {
    runs: number;
    lastAt?: number;
    /** Established sockets on the node's port at the last run. */
    sockets: number;
    /** Peers found only as sockets. */
    discovered: number;
    /** Sessions closed because their socket was gone. */
    closed: number;
    errors: number;
    lastError?: string;
  };
  /** Searches of older logs for peers found only as sockets. */
  search: { runs: number; found: number; notFound: number };
  reported: ReportedCountersJson;
  /** Forwarding of events to a collector, when configured. */
  forward?: {
    sent: number;
    /** Given up after all retries, or refused with a 4xx. */
    failed: number;
    /** Dropped because the queue was full. */
    dropped: number;
    queued: number;
  };
}

/** GET /api/v1/status of `peerwarden watch`. */
export interface ObserverStatusJson {
  mode: 'observer';
  version: string;
  /** When the observer started. */
  startedAt: number;
  uptimeMs: number;
  /** What it reads: a log file, a journal unit, standard input. */
  source: { kind: string; description: string };
  /** The observed node's node-to-node port (whose sockets are checked), when the server knows it. */
  nodePort?: number;
  node: ObservedNodeJson;
  /** Isolated when the observed node has no peer, else healthy. */
  health: HealthJson;
  counts: ObservedCountsJson;
  counters: ObserverCountersJson;
}

/** What GET /api/v1/status answers, whoever serves it. */
export type AnyStatusJson = NodeStatusJson | ObserverStatusJson;

/** One track (outbound or inbound) of an observed connection. */
export interface TrackJson {
  state: ObservedStateJson;
  /** When the track entered `state`. */
  since: number;
  /** The log change that put it there ('ColdToWarm', 'PromotedToHotRemote'…). */
  change: string;
}

/** Handshake facts, when the log showed the handshake. */
export interface HandshakeJson {
  versionNumber?: number;
  diffusionMode?: string;
  peerSharing?: string;
}

/** One line of an observed connection's history. */
export interface ObservedHistoryEntryJson {
  at: number;
  /** `opened` a session, `changed` a track, `closed` the session, or `failed` to connect. */
  kind: 'opened' | 'changed' | 'closed' | 'failed';
  /** The track that changed; for opened/closed, the session's main direction if it has one. */
  direction?: DirectionJson;
  from?: ObservedStateJson;
  to: ObservedStateJson;
  /** The log change behind it ('ColdToWarm', 'PromotedToHotRemote', 'Started', 'socket'…). */
  change: string;
  /** peer_selection, inbound_governor, handshake, mux_error, no_socket… */
  reason: string;
  /** Where it was learned: the log, the socket table, or a search of older logs. */
  source: 'log' | 'socket' | 'backfill';
  /** Free text from the log (an error message, a result), when there is some. */
  detail?: string;
}

/** A connection of the observed node (GET /api/v1/peers of watch). */
export interface ObservedPeerJson {
  /** `<local>-<remote>` (`*` for an unknown local end), e.g. `127.0.0.1:30000-127.0.0.1:30001`. */
  id: string;
  /** Our node's end, when the log named it. */
  local?: string;
  /** The peer's end. */
  remote: string;
  /** The same as `remote`. */
  endpoint: string;
  /** The hotter of the two tracks, or `unknown` when neither is known. */
  state: ObservedStateJson;
  /** `outbound` when the outbound governor uses the connection, else `inbound` when the inbound one does. */
  direction?: DirectionJson;
  /** The outbound governor's (peer selection's) track. */
  outbound?: TrackJson;
  /** The inbound governor's track: how the remote uses us. */
  inbound?: TrackJson;
  /** Who opened the TCP connection, when the log said so (`Inbound` / `Outbound`). */
  provenance?: string;
  handshake?: HandshakeJson;
  /** When this session was opened. */
  since: number;
  /** Last time a log line or a socket showed it. */
  lastSeen: number;
  lastLogAt?: number;
  lastSocketAt?: number;
  /** The node generation (one more per node restart) this session belongs to. */
  generation: number;
  /** Set once the session is closed. */
  closed?: { at: number; reason: string };
  /** Oldest first, bounded. */
  history: ObservedHistoryEntryJson[];
}

/** GET /api/v1/peers of watch. */
export interface ObservedPeersJson {
  peers: ObservedPeerJson[];
}

/** GET /api/v1/peers/:id of watch. */
export interface ObservedPeerDetailJson {
  peer: ObservedPeerJson;
  /** The same as `peer.history`. */
  history: ObservedHistoryEntryJson[];
}

// ---------------------------------------------------------------- devnet and fleet pages

/** One connected peer of a polled node: an edge of the pages' graphs. */
export interface PeerLinkJson {
  id: string;
  direction: DirectionJson;
  temperature: string;
}

/** One node as `peerwarden devnet` and `peerwarden fleet` poll it and their pages draw it. */
export interface PolledNodeJson {
  /** 1-based position in the devnet or fleet: the graph's stable key. */
  index: number;
  /** Shown under the node in the graph: its IP (devnet), its name (fleet). */
  ip: string;
  /** The node's API (and dashboard) base URL, without credentials. */
  apiUrl: string;
  /** It answered the last poll. */
  up: boolean;
  /** Node id, once it answered. */
  id?: string;
  /** Its status's health. */
  health?: HealthJson;
  /** Connected peers by temperature (0 while down). */
  outbound: TemperatureCountsJson;
  inbound: TemperatureCountsJson;
  /** Its outbound targets (its status's `targets`). */
  targets?: { hot: number; outbound: number };
  /** Known addresses. */
  addresses: number;
  /** Connected peers: the graph's edges. */
  peers: PeerLinkJson[];
  /** Its newest event (GET /api/v1/history?limit=1). */
  lastEvent?: { at: number; kind: string; reason?: string };
}

/** One devnet node (GET /api/devnet). */
export interface DevnetNodeJson extends PolledNodeJson {
  /** Its process's exit code (null: killed by a signal), once it has exited. */
  exitCode?: number | null;
}

export interface DevnetVerdictJson {
  /** Every node up and either at its targets or connected to every other node, in one connected graph. */
  ok: boolean;
  /** Nodes reachable from node 1 over connections. */
  component: number;
  /** What is not right yet, one sentence each. */
  problems: string[];
}

/** GET /api/devnet of `peerwarden devnet`'s network page. */
export interface DevnetSnapshotJson {
  startedAt: number;
  nodes: DevnetNodeJson[];
  verdict: DevnetVerdictJson;
}

/** One API of the fleet (GET /api/fleet): a node, a hub, or `peerwarden watch`. */
export interface FleetNodeJson extends PolledNodeJson {
  /** Its name in the fleet (also in `ip`). */
  name: string;
  /** Why it is not up: "ECONNREFUSED", "HTTP 403: …". */
  error?: string;
  mode?: 'node' | 'hub' | 'observer';
  version?: string;
  network?: string;
  /** Alarms the node raises about itself. */
  alarms: { kind: string; message: string }[];
  /** For `peerwarden watch`: the observed node's open connections by state. */
  observed?: { total: number; hot: number; warm: number };
}

export interface FleetVerdictJson {
  /** Every API answering, and no node isolated, degraded or raising an alarm. */
  ok: boolean;
  answering: number;
  /** One sentence each. */
  problems: string[];
}

/** GET /api/fleet of `peerwarden fleet`'s page. */
export interface FleetSnapshotJson {
  startedAt: number;
  /** When the nodes were last polled. */
  polledAt: number;
  nodes: FleetNodeJson[];
  verdict: FleetVerdictJson;
}
