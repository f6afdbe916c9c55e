// The governor's data: its state, the inputs it reacts to (named actions) and the effects it asks the node to carry out.

import type { Endpoint, EndpointLike, IpFamily } from '../address/index.js';
import type { BanEntry } from '../reputation/banlist.js';
import type { ResolvedGovernorConfig } from './config.js';

export type Direction = 'inbound' | 'outbound';
export type Temperature = 'warm' | 'hot';

/**
 * Why an outbound connection exists. `outbound` and `anchor` are automatic and count toward the
 * targets; `feeler` is a short test connection; `static` and `manual` were asked for by the
 * operator and bypass targets and net-group diversity.
 */
export type DialPurpose = 'outbound' | 'anchor' | 'feeler' | 'static' | 'manual';

// ---------------------------------------------------------------- the address source

/** What the governor needs from the address book: Bitcoin Core's addrman selection, read-only. */
export interface AddressSource {
  select(opts?: { newOnly?: boolean; networks?: readonly IpFamily[] }): { endpoint: Endpoint; lastTry: number } | undefined;
  selectTriedCollision(): { endpoint: Endpoint; lastTry: number } | undefined;
  /**
   * Optional: the number of known addresses. Words "starved" reasons, and tells news of addresses
   * that grew the book from news that did not (a starved governor retries only on the former).
   */
  size?(): number;
}

/** Read-only views of the world the governor consults while stepping. All optional but `addresses`. */
export interface GovernorContext {
  addresses: AddressSource;
  /** Ban list lookup (BanList and Reputation both fit). Banned targets are never dialled nor admitted. */
  bans?: { isBanned(q: { id?: string; ip?: string }): boolean };
  /** Discouraged addresses are never dialled, admitted inbound only while slots are free, and evicted first. */
  isDiscouraged?: (ip: string) => boolean;
  /** A peer's reputation score, used to churn the lowest-scoring hot peers first. */
  scoreOf?: (id: string) => number;
}

// ---------------------------------------------------------------- state

/** A connected, authenticated peer. */
export interface GovernorPeer {
  id: string;
  /** The remote endpoint of the connection (the dialled one for outbound). */
  endpoint: Endpoint;
  endpointKey: string;
  /** Where an inbound peer says it listens (observed IP + HELLO port), if known. */
  listenEndpoint?: Endpoint;
  listenKey?: string;
  direction: Direction;
  purpose: DialPurpose | 'inbound';
  temperature: Temperature;
  connectedAt: number;
  promotedAt?: number;
  /** When churn last demoted it: such peers are promoted again only if no other warm peer can be. */
  churnedAt?: number;
  /** Net group as hex bytes (the diversity unit). */
  group: string;
  /** Keyed hash of the net group (eviction protects by it; attackers cannot predict it). */
  keyedGroup: number;
  static: boolean;
  trusted: boolean;
  busy: boolean;
  /** Lowest round-trip time seen, in ms. */
  minRttMs?: number;
  /** Last time the peer sent something useful (application message we wanted). */
  lastUsefulAt?: number;
  /** Discouraged when admitted: first to go when inbound is full. */
  preferEvict: boolean;
  /** Set when the governor asked for a disconnect: the reason, and the peer no longer counts toward limits. */
  closing?: string;
}

/** An outbound connection being set up. */
export interface PendingDial {
  endpoint: Endpoint;
  endpointKey: string;
  purpose: DialPurpose;
  startedAt: number;
  group: string;
  /** TCP/TLS is up, the handshake is running. */
  connected: boolean;
  /** For feelers: the handshake succeeded and we are closing again. */
  closing?: string;
  expectedId?: string;
  reason: string;
}

/** An inbound connection accepted, handshake pending. */
export interface PendingInbound {
  endpoint: Endpoint;
  endpointKey: string;
  ip: string;
  since: number;
  preferEvict: boolean;
  trusted: boolean;
}

/** Per-endpoint backoff: failures in a row and the earliest time to dial again. */
export interface BackoffEntry {
  failures: number;
  retryAt: number;
  reason: string;
}

export interface StaticPeer {
  endpoint?: Endpoint;
  endpointKey?: string;
  id?: string;
}

/**
 * The governor's whole state: plain data. `step` updates it in place and returns it (the node keeps
 * one reference); `inspectGovernor` turns it into JSON for the API and the dashboard.
 */
export interface GovernorState {
  readonly config: ResolvedGovernorConfig;
  /** Secret bytes keying net-group hashes for eviction (Core's RANDOMIZER_ID_NETGROUP). */
  readonly groupKey: Uint8Array;
  peers: Map<string, GovernorPeer>;
  dials: Map<string, PendingDial>;
  inbound: Map<string, PendingInbound>;
  backoff: Map<string, BackoffEntry>;
  statics: StaticPeer[];
  trustedIds: Set<string>;
  trustedIps: Set<string>;
  selfKeys: Set<string>;
  /** Anchors from the last run still to be dialled, first in line. */
  anchors: Endpoint[];
  /**
   * The anchor set last handed out in a `saveAnchors` effect (endpoints joined by commas). Anchors are
   * saved whenever the set changes, not only at shutdown, so a node killed with kill -9 still comes
   * back to its anchors.
   */
  savedAnchors: string;
  feelerAt: number;
  churnAt: number;
  nextTickAt: number;
  /** Earliest time a `requestAddresses` effect may be emitted again. */
  addressRequestAt: number;
  /**
   * When the last outbound fill found no dialable address: the time, when its pause ends, the
   * book's size then, and how many starved rounds in a row saw that size (undefined once a fill is
   * not starved). See STARVED_RETRY_MS.
   */
  starved: { at: number; until: number; bookSize: number | undefined; rounds: number } | undefined;
  startedAt: number;
  stopped: boolean;
  /** Memo of per-IP facts (net group, dialable): parsing IPs is the governor's main cost. Bounded; no effect on decisions. */
  ipCache: Map<string, { group: string; dialable: boolean }>;
}

// ---------------------------------------------------------------- inputs

export type GovernorInput =
  /** Timer: run maintenance. Call at `state.nextTickAt` (earlier is harmless). */
  | { type: 'tick' }
  /** The transport to a dialled endpoint is up; the handshake is running. */
  | { type: 'dialSucceeded'; endpoint: EndpointLike }
  /** A dial failed: connect error, timeout, or the handshake on an outbound connection failed. */
  | { type: 'dialFailed'; endpoint: EndpointLike; reason: string }
  /** A connection (either direction) completed the handshake; `id` is the proven node id. */
  | {
      type: 'handshakeDone';
      id: string;
      endpoint: EndpointLike;
      direction: Direction;
      /** For inbound: the endpoint the peer listens on (observed IP + HELLO listenPort), if any. */
      listenEndpoint?: EndpointLike;
      rttMs?: number;
    }
  /**
   * A connection closed. `id` after the handshake, else `endpoint` (inbound or still-dialling).
   * `byUs`: we closed it (the governor, or the connection layer on its own: slow, ping timeout,
   * protocol violation). `misbehaved`: it was closed for something the peer did wrong that should
   * hold its address off before a redial (a peer that stopped reading).
   */
  | { type: 'disconnected'; id?: string; endpoint?: EndpointLike; reason: string; byUs?: boolean; misbehaved?: boolean }
  /** Useful traffic from a peer (protects it from inbound eviction). `useful: false` records nothing. */
  | { type: 'messageReceived'; id: string; useful?: boolean }
  /** A ping round trip. */
  | { type: 'rttMeasured'; id: string; rttMs: number }
  /** The address book learned addresses (from any discovery source). */
  | { type: 'addressesLearned'; count?: number; source?: string }
  /** The application marks a peer busy (e.g. downloading): never demoted, churned or evicted while busy. */
  | { type: 'peerBusy'; id: string; busy: boolean }
  | { type: 'banAdded'; ban: BanEntry }
  | { type: 'banRemoved'; ban: BanEntry }
  /** The host's network changed or came back: clear backoff and try at once. */
  | { type: 'networkChanged' }
  /** The operator asks for a connection (`node.connect`); `static` keeps it connected from now on. */
  | { type: 'connectRequested'; endpoint: EndpointLike; static?: boolean; id?: string }
  /** The operator stops keeping an endpoint (or node id) connected. */
  | { type: 'staticRemoved'; endpoint?: EndpointLike; id?: string }
  /** Close a peer: the operator ('requested'), or reputation ('score': at or below the disconnect threshold). */
  | { type: 'disconnectRequested'; id: string; cause: Extract<DisconnectCause, 'requested' | 'score'>; reason: string }
  /** A TCP connection arrived; the governor answers with `acceptInbound` or `refuseInbound`. */
  | { type: 'inboundRequested'; endpoint: EndpointLike }
  /** The node is stopping: save anchors, dial nothing more. */
  | { type: 'shutdown' };

// ---------------------------------------------------------------- effects and events

export type GovernorEventType =
  | 'peer:dialing'
  | 'peer:dial-failed'
  | 'peer:connected'
  | 'peer:promoted'
  | 'peer:demoted'
  | 'peer:disconnected'
  | 'peer:refused'
  | 'peer:busy'
  | 'peer:feeler';

/** A typed peer event with the reason that goes into the peer's history. */
export interface GovernorEvent {
  type: GovernorEventType;
  at: number;
  /** The endpoint as text (`1.2.3.4:7000`, `[2001:db8::1]:7000`). */
  endpoint: string;
  id?: string;
  direction?: Direction;
  reason: string;
  data?: Record<string, string | number | boolean>;
}

/**
 * Why the governor closes a connection. Each is also a DISCONNECT reason of the wire protocol (the
 * node sends it as is): the type carries the meaning from the decision to the goodbye, and the
 * free-text reason beside it carries the detail for people.
 */
export type DisconnectCause = 'banned' | 'evicted' | 'churn' | 'done' | 'surplus' | 'score' | 'requested' | 'too-many-inbound';

export type GovernorEffect =
  /** Open an outbound connection; report dialSucceeded/dialFailed, then handshakeDone or dialFailed. */
  | { type: 'dial'; endpoint: Endpoint; purpose: DialPurpose; reason: string; expectedId?: string }
  /** Give up a dial the governor no longer waits for (timed out, banned). */
  | { type: 'cancelDial'; endpoint: Endpoint; reason: string }
  /**
   * Close a connection: by node id once authenticated, else by endpoint. Report `disconnected` when
   * closed. `cause` is what the node sends as the DISCONNECT reason (same names); `reason` is the words.
   */
  | { type: 'disconnect'; id?: string; endpoint: Endpoint; cause: DisconnectCause; reason: string }
  | { type: 'acceptInbound'; endpoint: Endpoint; reason: string }
  | { type: 'refuseInbound'; endpoint: Endpoint; reason: string }
  /** Start application traffic with the peer (it becomes a broadcast/request target). */
  | { type: 'promote'; id: string; reason: string }
  /** Stop application traffic; keep the connection. */
  | { type: 'demote'; id: string; reason: string }
  /** addrman Good(): a successful outbound handshake. */
  | { type: 'bookGood'; endpoint: Endpoint }
  /** addrman Attempt(): we are dialling it; count a failure only when we are clearly online. */
  | { type: 'bookAttempt'; endpoint: Endpoint; countFailure: boolean }
  /** addrman Connected(): an outbound peer we were connected to has gone. */
  | { type: 'bookConnected'; endpoint: Endpoint }
  /** addrman ResolveCollisions() (test-before-evict), before a feeler. */
  | { type: 'resolveCollisions' }
  /** Ask this outbound peer for addresses (credit its ADDR token bucket by 1000). */
  | { type: 'sendGetAddr'; id: string }
  /** Persist these endpoints as anchors for the next start. */
  | { type: 'saveAnchors'; endpoints: Endpoint[] }
  /** Below target with nothing to dial: discovery should query seeds, hubs or peers. */
  | { type: 'requestAddresses'; reason: string }
  /** Publish a peer event (and append it to the peer's history). */
  | { type: 'emit'; event: GovernorEvent };

export interface StepResult {
  state: GovernorState;
  effects: GovernorEffect[];
}
