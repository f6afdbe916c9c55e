// The observer: peers of an external cardano-node from its trace log and the kernel's sockets.
export {
  Observer,
  createObserver,
  ObserverConfigError,
  ObserverStateError,
  DEFAULT_NODE_PORT,
  DEFAULT_RECONCILE_INTERVAL_MS,
  DEFAULT_SOCKET_GRACE_MS,
  type ObserverOptions,
  type ObserverCounters,
  type ObserverEvents,
  type PeerCounts,
  type ReconcileConfig,
} from './observer.js';
export { parseLogLine } from './parse-line.js';
export { parseStatusChange, type StatusChange } from './status-change.js';
export { parseLogTime } from './timestamp.js';
export { PeerTracker, type TrackerOptions, type ReportedCounters, type PeerEventListener, type FoundTracks } from './tracker.js';
export { reconcileSockets, type ReconcileOptions, type ReconcileOutcome } from './reconcile.js';
export { parseSocketTable, readEstablishedSockets, SocketTableError, DEFAULT_PROC_PATHS, type SocketPair } from './proc-net.js';
export { Forwarder, toForwardedEvent, type ForwarderOptions, type ForwarderStats, type ForwardedPeerEvent } from './forwarder.js';
export { FileSource, type FileSourceOptions } from './sources/file.js';
export { JournaldSource, JournaldUnavailableError, type JournaldSourceOptions } from './sources/journald.js';
export { StreamSource, type StreamSourceOptions } from './sources/stream.js';
export { findRotatedSiblings } from './sources/rotation.js';
export { LineSplitter, type LineSink } from './sources/line-splitter.js';
export type { LineSource } from './sources/source.js';
export type * from './types.js';
