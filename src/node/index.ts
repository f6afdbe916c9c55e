// The node: createNode, the Node API, its events and types, and the runtime it can be given.
export { createNode, NODE_KEY_FILE } from './create-node.js';
export { Node, type BroadcastOptions, type NodeAttachment, type NodeOptions } from './node.js';
export { ConfigError, resolveConfig, DEFAULT_PORT, DEFAULT_TARGETS, type NodeConfig, type ResolvedConfig, type Targets, type Limits, type HostPort, type PeerRef, type LogLevel } from './config.js';
export { NodeStateError, ConnectError, ReadyTimeoutError, ListenError, RequestTimeoutError, PeerGoneError, RemoteError, RequestLimitError } from './errors.js';
export type { NodeRuntime, ConnectionTuning } from './runtime.js';
export type { RequestHandler } from './requests.js';
export type { NodeStats } from './stats.js';
export type { NodeCounterSnapshot, CountedMessage } from './counters.js';
export type { HistoryQuery } from './history.js';
export {
  PEER_EVENT_TYPES,
  type PeerInfo,
  type PeerEvent,
  type PeerEventType,
  type PeerMessage,
  type RequestCompletedEvent,
  type NodeStartedEvent,
  type NodeEvents,
  type AddressBookView,
  type NodeHealth,
  type HealthStatus,
  type NodeAlarm,
  type NodeAlarmEvent,
  type Direction,
  type Temperature,
} from './types.js';
export { DEFAULT_FLUSH_INTERVAL_MS } from './session.js';
export { DEFAULT_HISTORY_LIMIT } from './history.js';
