// The node's public data types: PeerInfo, peer events, the event map, and the read-only views it hands out.

import type { Endpoint, EndpointLike } from '../core/address/index.js';
import type {
  AddressBookEntry,
  AddressBookSnapshot,
  AddressBookStats,
  AddressRecord,
  GetAddressesOptions,
  RebucketReport,
  SelectedAddress,
  SelectOptions,
  SizeOptions,
  TableOccupancy,
} from '../core/addrbook/index.js';
import type { AlarmKind } from '../core/alarm/eclipse.js';
import type { DialPurpose, GovernorEventType } from '../core/governor/index.js';
import type { DiscoveryEvent } from '../discovery/index.js';

export type Direction = 'inbound' | 'outbound';
export type Temperature = 'warm' | 'hot';

/** A connected peer. Cold peers are not connected: they live in the address book. */
export interface PeerInfo {
  /** Node id: 64 lowercase hex characters, proven in the handshake. */
  id: string;
  /** The remote endpoint of the connection ("1.2.3.4:7000"). */
  endpoint: string;
  direction: Direction;
  temperature: Temperature;
  /** Reputation score now (-100…100, decaying toward 0). */
  score: number;
  /** Last ping round trip in ms (undefined until the first pong). */
  rttMs: number | undefined;
  /** When the handshake completed (ms since the epoch). */
  connectedAt: number;
  bytesIn: number;
  bytesOut: number;
  messagesIn: number;
  messagesOut: number;
  /** Never demoted, churned or evicted while true (node.setBusy). */
  busy: boolean;
  static: boolean;
  trusted: boolean;
  /** Service flags from the peer's HELLO (u64). */
  services: bigint;
  userAgent: string;
  // ---- details for operators and the dashboard ----
  /** Where the peer accepts connections (observed IP + HELLO port), if it listens. */
  listenEndpoint: string | undefined;
  /** Why the connection exists: outbound, anchor, feeler, static, manual, or inbound. */
  purpose: DialPurpose | 'inbound';
  /** Net group of the peer's IP: "10.3.0.0/16", or "AS13335" when an AS map places it in an AS. */
  netGroup: string;
  /** The peer's autonomous system when an AS map is configured and covers its address. */
  asn: number | undefined;
  /** Smallest ping round trip seen, ms. */
  minRttMs: number | undefined;
}

/** Every kind of peer event. The governor's kinds, plus those of discovery and reputation. */
export type PeerEventType = GovernorEventType | 'peer:discovered' | 'peer:banned' | 'peer:unbanned' | 'peer:penalized';

export const PEER_EVENT_TYPES: readonly PeerEventType[] = [
  'peer:discovered',
  'peer:dialing',
  'peer:dial-failed',
  'peer:connected',
  'peer:promoted',
  'peer:demoted',
  'peer:disconnected',
  'peer:refused',
  'peer:busy',
  'peer:feeler',
  'peer:penalized',
  'peer:banned',
  'peer:unbanned',
];

/**
 * One change of a peer, with its reason: what `node.on('peer:…')` listeners receive, what the
 * store keeps as the peer's history, and what `peerwarden explain` prints.
 */
export interface PeerEvent {
  type: PeerEventType;
  /** When (ms since the epoch, from the node's clock). */
  at: number;
  /** The node id, once known. */
  id?: string;
  /** The endpoint concerned, as text; a ban's target for IP and subnet bans. */
  endpoint?: string;
  direction?: Direction;
  reason: string;
  data?: Record<string, string | number | boolean>;
}

export interface PeerMessage {
  topic: string;
  payload: Uint8Array;
  peer: PeerInfo;
}

/** One finished request, either way: for request-latency metrics. */
export interface RequestCompletedEvent {
  direction: 'outbound' | 'inbound';
  peer: string;
  topic: string;
  durationMs: number;
  outcome: 'ok' | 'error' | 'unknown-topic' | 'timeout' | 'gone' | 'refused';
}

export interface NodeStartedEvent {
  at: number;
  id: string;
  listenAddresses: string[];
}

/** The typed events of a Node. Each `peer:*` event also goes to the catch-all 'peer:event'. */
export interface NodeEvents {
  'peer:discovered': PeerEvent;
  'peer:dialing': PeerEvent;
  'peer:dial-failed': PeerEvent;
  'peer:connected': PeerEvent;
  'peer:promoted': PeerEvent;
  'peer:demoted': PeerEvent;
  'peer:disconnected': PeerEvent;
  'peer:refused': PeerEvent;
  'peer:busy': PeerEvent;
  'peer:feeler': PeerEvent;
  'peer:penalized': PeerEvent;
  'peer:banned': PeerEvent;
  'peer:unbanned': PeerEvent;
  /** Every peer event above, in order: one subscription for server-sent events and logs. */
  'peer:event': PeerEvent;
  /** An application MESSAGE from a connected peer. */
  message: PeerMessage;
  'request:completed': RequestCompletedEvent;
  /** A discovery source finished a round (seeds resolved, hubs visited, ports probed). */
  discovery: DiscoveryEvent;
  'node:started': NodeStartedEvent;
  'node:stopped': { at: number };
  /** Something failed in the background (e.g. a store write); the node keeps running. */
  'node:error': { at: number; context: string; error: Error };
  /** An eclipse alarm was raised or cleared. */
  'node:alarm': NodeAlarmEvent;
}

/**
 * The address book, read only: every query of AddressBook, nothing that changes it. While the node
 * is stopped the book is empty (select and selectTriedCollision find nothing, snapshot is undefined).
 */
export interface AddressBookView {
  size(options?: SizeOptions): number;
  get(endpoint: EndpointLike): AddressBookEntry | undefined;
  entries(): AddressBookEntry[];
  stats(): AddressBookStats;
  occupancy(table: 'new' | 'tried'): TableOccupancy;
  isTerrible(endpoint: EndpointLike): boolean;
  /** An address the governor could dial next (AddressBook.select). */
  select(options?: SelectOptions): SelectedAddress | undefined;
  /** Random addresses as gossip would send them: `{ max, maxPercent, network?, filtered? }` or `(max, maxPercent)`. */
  getAddresses(options?: GetAddressesOptions): AddressRecord[];
  getAddresses(max: number, maxPercent: number): AddressRecord[];
  /** The tried occupant of a pending collision, which a feeler should test. */
  selectTriedCollision(): SelectedAddress | undefined;
  /** 0 when every invariant holds (AddressBook.checkConsistency). */
  checkConsistency(): number;
  /** The whole book as plain data (AddressBook.snapshot); undefined while the node is stopped. */
  snapshot(): AddressBookSnapshot | undefined;
  /** What re-bucketing at startup changed and dropped, when the saved book's settings differed; else undefined. */
  rebucketReport(): RebucketReport | undefined;
}

export type HealthStatus = 'healthy' | 'degraded' | 'isolated';

export interface NodeHealth {
  status: HealthStatus;
  /** Why, in one sentence. */
  reason: string;
  peers: number;
  outbound: number;
  hotOutbound: number;
  inbound: number;
  /** Distinct net groups among outbound peers. */
  outboundGroups: number;
  targets: { hot: number; outbound: number };
  knownAddresses: number;
  /** Eclipse alarms in force (see docs/reputation.md's alarm section); any of them makes the node degraded. */
  alarms: NodeAlarm[];
}

/** An eclipse alarm: what the node saw that looks like an eclipse being set up, and since when. */
export interface NodeAlarm {
  /** 'addr-flood' | 'inbound-concentration' | 'book-skew' | 'outbound-sources' | 'crowded-ips'. */
  kind: AlarmKind;
  /** One sentence: what was seen and why it matters. */
  message: string;
  /** Net groups (or "AS…" with an AS map) involved, most implicated first: the heat map highlights them. */
  groups: string[];
  /** The numbers behind it. */
  evidence: Record<string, number | string>;
  /** When it was raised (ms since the epoch). */
  since: number;
}

/** The 'node:alarm' event: an alarm raised, or cleared because its evidence went away. */
export interface NodeAlarmEvent {
  at: number;
  state: 'raised' | 'cleared';
  alarm: NodeAlarm;
}

export type { Endpoint };
