// What a node runs on: clock, randomness, transport, DNS, store — production defaults, injectable for tests and the simulator.

import type { Asmap } from '../core/address/index.js';
import type { AlarmThresholds } from '../core/alarm/eclipse.js';
import type { Scheduler } from '../core/clock.js';
import type { GovernorConfig } from '../core/governor/index.js';
import type { Random } from '../core/random.js';
import type { DiscoveryTuning, HostResolver } from '../discovery/index.js';
import type { MemoryNetwork, NodeIdentity, Transport } from '../net/index.js';
import type { ResetReport, Store } from '../store/index.js';

/** Connection-layer timings a test may shorten (defaults: docs/operations.md). */
export interface ConnectionTuning {
  /** Handshake deadline (default 10 s). */
  handshakeTimeoutMs?: number;
  /** Bound on dial + handshake for governor dials (default: the handshake timeout). */
  dialTimeoutMs?: number;
  /** PING interval (default 30 s); 3 missed pongs close the connection. */
  pingIntervalMs?: number;
  maxMissedPongs?: number;
  closeTimeoutMs?: number;
  maxFrameBytes?: number;
  highWaterMark?: number;
  /** PINGs a peer may send per second (default 1) and in a burst (default 5). */
  pingsPerSecond?: number;
  pingBurst?: number;
}

/**
 * The environment of a node. Everything is optional: a production node uses the system clock,
 * crypto randomness, TCP/TLS, node:dns and `<dataDir>/peerwarden.db`. Tests and the simulator pass
 * a VirtualClock, a seeded Random and a MemoryNetwork, and the same node runs deterministically.
 */
export interface NodeRuntime {
  scheduler?: Scheduler;
  random?: Random;
  /** One transport for every connection (overrides `encryption`). */
  transport?: Transport;
  /** A memory network: the node uses `network.transport(<its listen IP>)`. */
  network?: MemoryNetwork;
  resolver?: HostResolver;
  /** A store to use instead of opening `<dataDir>/peerwarden.db` (a MemoryStore when dataDir is null). */
  store?: Store;
  /** The node's key pair, instead of `<dataDir>/node.key` (or a fresh one from `random` when dataDir is null). */
  identity?: NodeIdentity;
  /** Governor policy overrides (feeler and churn intervals, backoff, timeouts…); targets come from the config. */
  governor?: Omit<GovernorConfig, 'targets' | 'staticPeers' | 'trustedPeers' | 'self' | 'allowLoopback' | 'allowPrivate'>;
  connections?: ConnectionTuning;
  discovery?: DiscoveryTuning;
  /**
   * The eclipse alarm (on by default): `false` turns it off (the simulator runs it on the nodes it
   * observes only), or shorter checks and other thresholds for tests.
   */
  eclipseAlarm?: false | { checkIntervalMs?: number; thresholds?: Partial<AlarmThresholds> };
  /** An AS map to use instead of reading the `asmap` file (tests and the simulator build theirs in memory). */
  asmap?: Asmap;
  /**
   * Scale the address book down (tests, simulator): new/tried bucket counts (defaults 1024/256).
   * `maxTriedPerSourceGroup` here overrides the configuration's key of that name.
   */
  addressBook?: { newBucketCount?: number; triedBucketCount?: number; maxTriedPerSourceGroup?: number };
  /** How often the book, peers and events are written (default 1 s: a crash loses at most that much). */
  flushIntervalMs?: number;
  /** Back up the database and start a fresh address book (`--reset-address-book`). */
  resetAddressBook?: boolean;
  /** Told what `resetAddressBook` did: what was reset, kept and lost, and where the backup is (the CLI logs it). */
  onAddressBookReset?: (report: ResetReport) => void;
  /** Peer events kept in the store (default 100,000). */
  eventCap?: number;
  /** Service flags announced in HELLO. */
  services?: bigint;
}
