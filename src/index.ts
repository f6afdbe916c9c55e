// peerwarden's public surface: what an application needs to run a node. The building blocks behind
// it are subpath exports — peerwarden/addrbook, /reputation, /governor, /net, /wire, /store,
// /discovery, /observer and /sim — listed in docs/node.md.

// Running a node.
export { createNode } from './create-node.js';
export {
  resolveConfig,
  DEFAULT_PORT,
  DEFAULT_TARGETS,
  PEER_EVENT_TYPES,
  type Node,
  type NodeConfig,
  type ResolvedConfig,
  type Targets,
  type Limits,
  type LogLevel,
  type HostPort,
  type PeerRef,
  type NodeRuntime,
  type NodeOptions,
  type NodeAttachment,
  type ConnectionTuning,
  type BroadcastOptions,
  type RequestHandler,
  type HistoryQuery,
  type PeerInfo,
  type PeerEvent,
  type PeerEventType,
  type PeerMessage,
  type NodeEvents,
  type NodeHealth,
  type HealthStatus,
  type NodeAlarm,
  type NodeAlarmEvent,
  type NodeStats,
  type NodeCounterSnapshot,
  type AddressBookView,
  type RequestCompletedEvent,
  type NodeStartedEvent,
  type Direction,
  type Temperature,
} from './node/index.js';
export type { Penalty, ReportKind, ReportOutcome, BanEntry, Offence } from './core/reputation/index.js';
export type { AlarmKind } from './core/alarm/eclipse.js';
export { VERSION } from './version.js';

// What a node's methods throw: one base class with a stable `code`.
export { PeerwardenError } from './core/errors.js';
export { ConfigError } from './node/config.js';
export { NodeStateError, ConnectError, ReadyTimeoutError, ListenError, RequestTimeoutError, PeerGoneError, RemoteError, RequestLimitError } from './node/errors.js';
export { StoreError } from './store/errors.js';
export { BanTargetError, BanDurationError, MAX_BAN_DURATION_MS } from './core/reputation/index.js';
export { AddressParseError } from './core/address/index.js';

// Addresses and the address book: Bitcoin Core's addrman and its pure functions.
export { AddressBook, triedBucket, newBucket, bucketPosition, type AddressBookOptions, type AddressBookEntry } from './core/addrbook/index.js';
export { parseEndpoint, formatEndpoint, netGroup, Asmap, AsmapError, type Endpoint, type EndpointLike } from './core/address/index.js';

// Where a node keeps its state (SQLite on disk, or in memory for tests), and the observer of a cardano-node.
export { SqliteStore, MemoryStore, type Store } from './store/index.js';
export { createObserver, type Observer, type ObserverOptions } from './observer/index.js';

// Time and randomness a runtime can be given (a seeded Random and a virtual clock make a node repeatable).
export { createRandom, type Random } from './core/random.js';
export type { Clock, Scheduler, Timer } from './core/clock.js';
export { systemClock, systemScheduler, cryptoRandom, VirtualClock } from './platform/index.js';
