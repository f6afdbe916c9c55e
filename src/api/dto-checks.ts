// Compile-time checks that the JSON the server sends and its types in dto.ts agree. The routes'
// builders are typed with the DTOs (nodeStatus(), the observer's status, observedPeerJson, the
// devnet and fleet snapshots), which catches a field missing on either side of an object the
// builder writes out. What they pass through whole (a PeerInfo, the node's health, the observer's
// counters…) is checked here: the library type and its DTO must have the same keys, at every depth,
// so that a field added to one and not the other fails the build with its path. Nothing here runs.

import type { AddressBookEntry, AddressBookStats } from '../core/addrbook/index.js';
import type { BanEntry } from '../core/reputation/index.js';
import type { NodeHealth, NodeStats, PeerInfo, Targets } from '../node/index.js';
import type { HistoryEntry, NodeStatus as ObservedNodeStatus, ObservedPeer, ObserverCounters, PeerCounts as ObservedCounts } from '../observer/index.js';
import type { StoredEvent } from '../store/index.js';
import type * as Dto from './dto.js';
import type { Wire } from './server.js';

type Defined<T> = Exclude<T, undefined | null>;
type Join<Path extends string, K> = Path extends '' ? `${K & (string | number)}` : `${Path}.${K & (string | number)}`;

/**
 * The keys that only one of `Server` (what the server sends) and `Json` (its DTO) has, at any depth,
 * as "path: where"; never when they agree. Objects are compared key by key and array elements
 * element by element; a record on the DTO's side (string keys: counts by origin, events by type)
 * only has its values compared. Where one side is not an object (an Endpoint sent as "ip:port", a
 * bigint as a decimal string), the builder converts it and its typed return checks the result.
 */
export type KeyDrift<Server, Json, Path extends string = ''> = [Defined<Server>, Defined<Json>] extends [infer S, infer J]
  ? [S, J] extends [readonly (infer SE)[], readonly (infer JE)[]]
    ? KeyDrift<SE, JE, `${Path}[]`>
    : [S, J] extends [object, object]
      ? string extends keyof J
        ? KeyDrift<S[keyof S], J[keyof J], `${Path}[key]`>
        :
            | `${Join<Path, Exclude<keyof S, keyof J>>}: sent, but not in the DTO`
            | `${Join<Path, Exclude<keyof J, keyof S>>}: in the DTO, but not sent`
            | { [K in keyof S & keyof J]: KeyDrift<S[K], J[K], Join<Path, K>> }[keyof S & keyof J]
      : never
  : never;

/** Compiles only when `T` is never; otherwise the error names what drifted. */
type NoDrift<T extends never> = T;

/** Compiles only when `Server` can be sent where `Json` is promised. */
type Fits<Server extends Json, Json> = [Server, Json];

// ---- the node's routes

/** GET /api/v1/peers, POST /api/v1/peers, GET /api/v1/peers/:id (`services` goes out as a decimal string). */
type _PeerInfo = [NoDrift<KeyDrift<PeerInfo, Dto.PeerInfoJson>>, Fits<Wire<PeerInfo>, Dto.PeerInfoJson>];
/** The bans routes and GET /api/v1/peers/:id. */
type _Ban = [NoDrift<KeyDrift<BanEntry, Dto.BanJson>>, Fits<BanEntry, Dto.BanJson>];
/** GET /api/v1/peers/:id: the stored history (its `data` is an object the store types as unknown). */
type _History = [NoDrift<KeyDrift<StoredEvent, Dto.HistoryItemJson>>];
/** nodeStatus(): what it passes through whole. */
type _NodeStatus = [
  NoDrift<KeyDrift<NodeHealth, Dto.NodeHealthJson, 'health'>>,
  NoDrift<KeyDrift<NodeStats['peers'], Dto.PeerCountsJson, 'peers'>>,
  NoDrift<KeyDrift<Targets, Dto.TargetsJson, 'targets'>>,
  NoDrift<KeyDrift<NodeStats['addresses'], Dto.AddressCountsJson, 'addresses'>>,
  NoDrift<KeyDrift<NodeStats['bytes'], Dto.InOutJson, 'bytes'>>,
  NoDrift<KeyDrift<NodeStats['lastDiscovery'], Dto.NodeStatusJson['lastDiscovery'], 'lastDiscovery'>>,
];
/** GET /api/v1/addresses: each entry with its endpoint as text, its table and whether it is terrible. */
type _Address = [NoDrift<KeyDrift<AddressBookEntry & Pick<Dto.AddressJson, 'table' | 'terrible'>, Dto.AddressJson>>];
/** GET /api/v1/addrbook/stats. */
type _AddrbookStats = [NoDrift<KeyDrift<AddressBookStats, Dto.AddrbookStatsJson>>];

// ---- the observer's routes

/** observedPeerJson(): the tracker's peer, endpoints as text, plus `endpoint`. */
type _ObservedPeer = [
  NoDrift<KeyDrift<ObservedPeer & Pick<Dto.ObservedPeerJson, 'endpoint'>, Dto.ObservedPeerJson>>,
  NoDrift<KeyDrift<HistoryEntry, Dto.ObservedHistoryEntryJson>>,
];
/** The observer's GET /api/v1/status: what it passes through whole. */
type _ObserverStatus = [
  NoDrift<KeyDrift<ObservedNodeStatus, Dto.ObservedNodeJson, 'node'>>,
  NoDrift<KeyDrift<ObservedCounts, Dto.ObservedCountsJson, 'counts'>>,
  NoDrift<KeyDrift<ObserverCounters, Dto.ObserverCountersJson, 'counters'>>,
];
