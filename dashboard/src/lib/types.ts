// The JSON shapes the dashboard reads from the node, hub, observer and devnet APIs (as sent on the wire).

export type Direction = 'inbound' | 'outbound';
export type HealthStatus = 'healthy' | 'degraded' | 'isolated';

export interface Health {
  status: HealthStatus;
  reason: string;
  /** Eclipse alarms in force (a node's health; absent for an observer). */
  alarms?: Alarm[];
}

/** An eclipse alarm as the node reports it. */
export interface Alarm {
  kind: string;
  message: string;
  /** Net groups involved ("10.1.0.0/16", "AS13335"), most implicated first. */
  groups: string[];
  evidence: Record<string, number | string>;
  since: number;
}

export interface PeerCounts {
  total?: number;
  outbound: { hot: number; warm: number };
  inbound: { hot: number; warm: number };
}

export interface Origins {
  [origin: string]: number;
}

/** GET /api/v1/status of a node or a hub. */
export interface NodeStatus {
  mode: 'node' | 'hub';
  id: string;
  version: string;
  network: string;
  running?: boolean;
  startedAt: number;
  uptimeMs: number;
  listen: string[];
  api?: string;
  encryption?: string;
  dataDir?: string;
  health: Health;
  peers: PeerCounts;
  targets: { hot: number; outbound: number; maxInbound: number; maxTotal: number; maxInboundPerIp: number };
  addresses: { total: number; new: number; tried: number; collisions: number; byOrigin: Origins };
  bans: number;
  discouraged?: number;
  bytes?: { in: number; out: number };
  lastDiscovery?: { at: number; reason: string };
}

export type ObservedState = 'unknown' | 'cold' | 'warm' | 'hot' | 'cooling';
export type StateCounts = Record<ObservedState, number>;

/** GET /api/v1/status of `peerwarden watch`. */
export interface ObserverStatus {
  mode: 'observer';
  version: string;
  startedAt: number;
  uptimeMs: number;
  source?: { kind: string; description: string };
  node: { state: string; generation?: number; restarts: number; lastStartedAt?: number; listening: string[] };
  health: Health;
  counts: { total: number; byState: StateCounts; outbound: StateCounts; inbound: StateCounts };
  counters: {
    linesRead?: number;
    linesParsed?: number;
    linesIgnored?: number;
    parseErrors?: number;
    lastEventAt?: number;
    reconcile?: { runs: number; sockets?: number; discovered: number; closed: number; errors: number };
    [key: string]: unknown;
  };
}

export type AnyStatus = NodeStatus | ObserverStatus;

/** One connected peer of a node (PeerInfo). */
export interface PeerInfo {
  id: string;
  endpoint: string;
  direction: Direction;
  temperature: 'warm' | 'hot';
  score: number;
  rttMs?: number;
  connectedAt: number;
  bytesIn: number;
  bytesOut: number;
  messagesIn: number;
  messagesOut: number;
  busy: boolean;
  static: boolean;
  trusted: boolean;
  services: string;
  userAgent: string;
  listenEndpoint?: string;
  purpose: string;
  /** "10.3.0.0/16", or "AS13335" when the node groups by an AS map. */
  netGroup: string;
  /** The peer's AS, when the node has an AS map that covers it. */
  asn?: number;
  minRttMs?: number;
}

/** One entry of a node peer's history (GET /api/v1/peers/:id). */
export interface HistoryItem {
  seq?: number;
  at: number;
  id?: string;
  endpoint?: string;
  kind: string;
  reason?: string;
  data?: Record<string, unknown>;
}

export interface BanEntry {
  target: string;
  kind: string;
  reason: string;
  createdAt: number;
  expiresAt?: number;
}

export interface PeerDetail {
  id: string;
  connected: boolean;
  peer?: PeerInfo;
  ban?: BanEntry;
  history: HistoryItem[];
}

export interface TrackInfo {
  state: ObservedState;
  since: number;
  change: string;
}

export interface ObservedHistoryEntry {
  at: number;
  kind: 'opened' | 'changed' | 'closed' | 'failed';
  direction?: Direction;
  from?: ObservedState;
  to: ObservedState;
  change: string;
  reason: string;
  source: string;
  detail?: string;
}

/** A connection of an observed cardano-node. */
export interface ObservedPeer {
  id: string;
  local?: string;
  remote: string;
  endpoint: string;
  state: ObservedState;
  direction?: Direction;
  outbound?: TrackInfo;
  inbound?: TrackInfo;
  provenance?: string;
  since: number;
  lastSeen: number;
  generation?: number;
  closed?: { at: number; reason: string };
  history: ObservedHistoryEntry[];
}

export interface AddrbookStats {
  new: number;
  tried: number;
  total: number;
  collisions: number;
  byNetwork: Record<string, { new: number; tried: number }>;
  byGroup: { group: string; new: number; tried: number }[];
  byOrigin: Origins;
}

export interface Occupancy {
  table: 'new' | 'tried';
  buckets: number;
  slotsPerBucket: number;
  groups: string[];
  /** `cells[bucket * slotsPerBucket + slot]`: an index into `groups`, or -1 for an empty slot. */
  cells: number[];
}

/** Cumulative totals at one moment (GET /api/v1/series). */
export interface Sample {
  at: number;
  peers: { outbound: { hot: number; warm: number }; inbound: { hot: number; warm: number } };
  messages: { in: number; out: number };
  bytes: { in: number; out: number };
  dials: Record<string, number>;
  penalties: Record<string, number>;
}

export interface SeriesResponse {
  intervalMs: number;
  samples: Sample[];
}

/** One event of GET /api/v1/events and /api/v1/history. */
export interface ApiEvent {
  seq: number;
  at: number;
  kind: string;
  peer?: string;
  endpoint?: string;
  reason?: string;
  data?: Record<string, unknown>;
}

/** One node as GET /api/devnet describes it. */
export interface DevnetNode {
  index: number;
  ip: string;
  apiUrl: string;
  up: boolean;
  id?: string;
  health?: Health;
  outbound: { hot: number; warm: number };
  inbound: { hot: number; warm: number };
  targets?: { hot: number; outbound: number };
  addresses: number;
  peers: { id: string; direction: Direction; temperature: string }[];
  lastEvent?: { at: number; kind: string; reason?: string };
  exitCode?: number | null;
}

export interface DevnetSnapshot {
  startedAt: number;
  nodes: DevnetNode[];
  verdict: { ok: boolean; component: number; problems: string[] };
}
