// The interfaces discovery sources share: where learned addresses go, and how a short visit to another node is made.

import type { Endpoint } from '../core/address/index.js';
import type { AddressOrigin } from '../core/addrbook/index.js';
import type { AddrEntry } from '../wire/control-codec.js';

/** One address a source learned, with when it was last heard of (ms). */
export interface LearnedAddress {
  endpoint: Endpoint;
  services?: bigint;
  time: number;
}

/** Who told us, for the address book's source group and for the peer history. */
export interface Provenance {
  origin: AddressOrigin;
  /** The IP (or endpoint) whose net group is the source group of the book's new-table placement. */
  source: string;
  /** Penalty taken off the addresses' time (2 h for gossip, 0 for first-hand knowledge). */
  penaltyMs: number;
  /** Words for the history: "seed 127.1.0.1:7000", "peer 3fa2…", "dns seed.example.org". */
  from: string;
  /** The node id that told us, when a peer did. */
  peerId?: string;
}

/**
 * Where every discovery source puts what it learned. The node's sink adds the addresses to the
 * address book, drops banned ones, and publishes `peer:discovered` for each new one.
 */
export interface AddressSink {
  /** Adds addresses; returns how many were new to the book. */
  add(addresses: readonly LearnedAddress[], provenance: Provenance): number;
  /** How many addresses the book holds (sources ask again when it runs low). */
  size(): number;
}

/** An open short connection: a port probe or a hub visit (handshake, announce, fetch, goodbye). */
export interface VisitSession {
  /** The node id proven in the handshake. */
  readonly id: string;
  /** Where the visited node listens (its IP and HELLO port). */
  readonly listenEndpoint: Endpoint | undefined;
  /** Sends our own listening endpoints as an ADDR (a self-announcement). */
  announce(entries: readonly AddrEntry[]): void;
  /** Sends GETADDR and resolves with the first ADDR that comes back (empty after `timeoutMs`). */
  fetchAddresses(timeoutMs: number): Promise<AddrEntry[]>;
  /** Says goodbye ('done') and closes. */
  close(): void;
}

/** Opens short connections on behalf of discovery. Rejects when the dial or the handshake fails. */
export interface Visitor {
  visit(endpoint: Endpoint, purpose: 'probe' | 'hub'): Promise<VisitSession>;
  /** True when we are already connected to (or dialling) this endpoint: no need to visit. */
  isConnected(endpoint: Endpoint): boolean;
}
