// The observer's vocabulary: parsed log events, observed peers, peer events, counters and node status.
import type { Endpoint } from '../core/address/index.js';

/**
 * The temperature of one track of an observed connection.
 * - `unknown`: a socket exists but no log line has told us anything about it yet.
 * - `cold`: not in use by that governor (outbound: no connection; inbound: the remote is idle).
 * - `warm`: connected, only the keep-alive / measurement mini-protocols run.
 * - `hot`: the consensus mini-protocols run (chain-sync, block-fetch, tx-submission).
 * - `cooling`: the outbound governor is tearing the connection down (still counted as established).
 */
export type ObservedState = 'unknown' | 'cold' | 'warm' | 'hot' | 'cooling';

/** Which governor a track belongs to: the outbound peer-selection governor or the inbound governor. */
export type Direction = 'inbound' | 'outbound';

/** Which server a lifecycle line is about: node-to-node (TCP peers) or node-to-client (the local socket). */
export type ServerScope = 'n2n' | 'n2c';

/** Outbound-governor transitions as printed in `peerStatusChangeType` (the last two are pre-Cooling names). */
export type OutboundChange =
  | 'ColdToWarm'
  | 'WarmToHot'
  | 'HotToWarm'
  | 'WarmToCooling'
  | 'HotToCooling'
  | 'CoolingToCold'
  | 'WarmToCold'
  | 'HotToCold';

/** Inbound-governor (Remote) events: how the remote side uses our connection. */
export type RemoteChange = 'PromotedToWarmRemote' | 'PromotedToHotRemote' | 'DemotedToWarmRemote' | 'DemotedToColdRemote';

/** Why the log says a connection is gone. */
export type ConnectionEndCause = 'mux_error' | 'mux_clean_exit' | 'responder_error' | 'handler_error' | 'connection_terminated';

export interface InboundGovernorCounters {
  idle: number;
  cold: number;
  warm: number;
  hot: number;
}

export interface ConnectionManagerCounters {
  fullDuplex: number;
  duplex: number;
  unidirectional: number;
  inbound: number;
  outbound: number;
}

interface Timed {
  /** Log time in ms since the Unix epoch (sub-millisecond digits dropped). */
  at: number;
}

/** A connection as the log names it; `local` is missing when the line only names the remote end. */
interface Conn {
  local: Endpoint | undefined;
  remote: Endpoint;
}

/** One parsed, typed line of the node's trace log. */
export type LogEvent =
  | (Timed & Conn & { type: 'statusChanged'; change: OutboundChange; from: ObservedState; to: ObservedState })
  | (Timed & Conn & { type: 'statusChangeFailed'; change: OutboundChange; from: ObservedState; to: ObservedState; reason: string })
  | (Timed & Conn & { type: 'remoteChanged'; change: RemoteChange; to: ObservedState; commit: boolean | undefined })
  | (Timed & Conn & { type: 'remoteTransition'; from: string | undefined; to: string | undefined })
  | (Timed & Conn & { type: 'connectionTransition'; from: string | undefined; to: string | undefined })
  | (Timed & Conn & { type: 'newConnection'; provenance: string | undefined })
  | (Timed & Conn & { type: 'handshakeSucceeded'; versionNumber: number | undefined; diffusionMode: string | undefined; peerSharing: string | undefined })
  | (Timed & Conn & { type: 'handshakeFailed'; reason: string })
  | (Timed & Conn & { type: 'connectFailed'; reason: string })
  | (Timed & Conn & { type: 'connectionEnded'; cause: ConnectionEndCause; detail: string | undefined })
  | (Timed & { type: 'inboundGovernorCounters'; counters: InboundGovernorCounters })
  | (Timed & { type: 'connectionManagerCounters'; counters: ConnectionManagerCounters })
  | (Timed & { type: 'serverStarted'; scope: ServerScope; addresses: Endpoint[] })
  | (Timed & { type: 'serverStopped'; scope: ServerScope })
  | (Timed & { type: 'connectionManagerShutdown'; scope: ServerScope });

export type LogEventType = LogEvent['type'];

/** What the parser made of one line. */
export type ParseResult =
  | { status: 'event'; event: LogEvent }
  /** A well-formed line this observer does not need (other namespaces, node-to-client events…). */
  | { status: 'ignored' }
  /** Not JSON, truncated, binary, or a known event with missing fields. */
  | { status: 'error'; reason: string };

/** One track (outbound or inbound) of an observed connection. */
export interface TrackInfo {
  state: ObservedState;
  /** When the track entered `state` (ms). */
  since: number;
  /** The log change that put it there ('ColdToWarm', 'PromotedToHotRemote', 'RemoteIdleSt'…). */
  change: string;
}

/** Handshake facts, when the log showed the handshake. */
export interface HandshakeInfo {
  versionNumber: number | undefined;
  diffusionMode: string | undefined;
  peerSharing: string | undefined;
}

/** Where a peer event came from. */
export type EventSource = 'log' | 'socket' | 'backfill';

/** One line of a peer's history (the event minus the peer's identity). */
export interface HistoryEntry {
  at: number;
  kind: ObservedPeerEvent['kind'];
  direction: Direction | undefined;
  from: ObservedState | undefined;
  to: ObservedState;
  change: string;
  reason: string;
  source: EventSource;
  detail?: string;
}

/** A connection of the observed node, as the observer sees it. */
export interface ObservedPeer {
  /** `<local>-<remote>` (`*` for an unknown local end), e.g. `127.0.0.1:30000-127.0.0.1:30001`. */
  id: string;
  local: Endpoint | undefined;
  remote: Endpoint;
  /** The hotter of the two tracks, or `unknown` when neither is known. */
  state: ObservedState;
  /** `outbound` when the outbound governor uses the connection, else `inbound` when the inbound one does. */
  direction: Direction | undefined;
  outbound: TrackInfo | undefined;
  inbound: TrackInfo | undefined;
  /** Who opened the TCP connection, when the log said so (`Inbound` / `Outbound`). */
  provenance: string | undefined;
  handshake: HandshakeInfo | undefined;
  /** When this session was opened (ms). */
  since: number;
  /** Last time a log line or a socket showed it (ms). */
  lastSeen: number;
  lastLogAt: number | undefined;
  lastSocketAt: number | undefined;
  /** Node generation (incremented by every node restart) this session belongs to. */
  generation: number;
  /** Set once the session is closed. */
  closed: { at: number; reason: string } | undefined;
  /** Oldest first, bounded. */
  history: HistoryEntry[];
}

/**
 * A typed peer event; every change of an observed peer is emitted once, with a reason.
 * - `opened`: a new session (reason `handshake`, `log`, `new_connection`, `socket`).
 * - `changed`: a track changed state (reason `peer_selection`, `inbound_governor`, `status_change_failed`,
 *   `backfill`).
 * - `closed`: the session ended (reason `cooling_to_cold`, `demoted_cold`, `mux_error`, `mux_clean_exit`,
 *   `responder_error`, `handler_error`, `connection_terminated`, `status_change_failed`, `node_restart`,
 *   `no_socket`).
 * - `failed`: a connection attempt failed (reason `connect_error`, `handshake_error`); no session is made.
 */
export interface ObservedPeerEvent {
  kind: 'opened' | 'changed' | 'closed' | 'failed';
  at: number;
  id: string;
  local: Endpoint | undefined;
  remote: Endpoint;
  /** The track that changed; for `opened`/`closed`, the session's main direction if it has one. */
  direction: Direction | undefined;
  from: ObservedState | undefined;
  to: ObservedState;
  /** The log change behind it ('ColdToWarm', 'PromotedToHotRemote', 'Started', 'socket'…). */
  change: string;
  reason: string;
  source: EventSource;
  /** Free text from the log (an error message, a result), when there is one. */
  detail?: string;
}

/** The observed node's lifecycle, from its server start/stop lines. */
export interface NodeStatus {
  /** `unknown` until a server Started/Stopped line has been read. */
  state: 'unknown' | 'running' | 'stopped';
  /** 0 before the first start seen, then 1, 2… one per (re)start. */
  generation: number;
  /** Restarts seen (a start after a stop or after an earlier start). */
  restarts: number;
  lastStartedAt: number | undefined;
  lastStoppedAt: number | undefined;
  lastRestartAt: number | undefined;
  /** The node-to-node listening addresses from the last `Net.Server.Remote.Started`. */
  listening: Endpoint[];
}
