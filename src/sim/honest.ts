// The honest nodes of a simulation: real peerwarden nodes (createNode) on the simulation's clock and network.
//
// Each node runs the code a daemon runs — governor, address book, reputation, peer exchange,
// connections — with three things injected: the virtual clock, a seeded random stream and the
// memory network. Its store is an in-memory SimStore that outlives stop/start, so a node that
// leaves and comes back finds its address book and anchors, as a real node finds them on disk.

import { identityFromSeed } from '../net/identity.js';
import { createNode } from '../node/create-node.js';
import type { NodeConfig } from '../node/config.js';
import type { Node } from '../node/node.js';
import type { NodeRuntime } from '../node/runtime.js';
import { endpointText, nodeIp } from './addresses.js';
import { SimStore } from './sim-store.js';
import type { Simulation } from './simulation.js';

/** Network name every simulated host uses (hashed into HELLO's network id). */
export const SIM_NETWORK = 'sim';

/**
 * The book is written to the store every minute instead of every second: in a simulation nobody
 * crashes, and a node that stops flushes everything anyway. The address book's policy is untouched.
 */
export const SIM_FLUSH_INTERVAL_MS = 60_000;

/** Seeds are given as addresses: no DNS in a simulation. */
const NO_DNS = { resolve4: async (): Promise<string[]> => [], resolve6: async (): Promise<string[]> => [] };

export type SimRole = 'seed' | 'node' | 'victim';

/** Bucket counts of the address books (DESIGN §4.2 allows scaling them down for simulations). */
export interface BookSize {
  newBucketCount: number;
  triedBucketCount: number;
}

/** Full-size tables, as a production node has them. */
export const FULL_BOOK: BookSize = { newBucketCount: 1024, triedBucketCount: 256 };

/**
 * A quarter of the new table and of the tried table: 16,384 + 4,096 slots, still far more than a
 * few thousand simulated nodes fill. One source /16 still reaches at most 64 new buckets and one
 * address /16 at most 8 tried buckets — a quarter of the table instead of a sixteenth (new) and an
 * eighth instead of a thirty-second (tried), so attackers reach more of a simulated book than of a
 * full one: the eclipse victim gets a full book. The slot arrays of a full book take 320 KB per
 * node, these 80 KB (every book also holds about 0.5 MB of fixed lookup tables).
 */
export const SIM_BOOK: BookSize = { newBucketCount: 256, triedBucketCount: 64 };

export interface SimNode {
  readonly index: number;
  readonly ip: string;
  /** "ip:7000" */
  readonly endpoint: string;
  readonly role: SimRole;
  readonly node: Node;
  readonly store: SimStore;
  /** Between a start and a stop. */
  up: boolean;
  /** Virtual time (ms since the run's start) when the current session started. */
  upSince: number;
  sessions: number;
  /** Virtual time when the current session first met its targets (undefined until it did). */
  atTargetAt: number | undefined;
  /** For every session that met its targets: how long after its start. */
  timesToTarget: number[];
}

/** One run of one node, from start to stop. */
export interface SessionRecord {
  index: number;
  /** 1 for the node's first session. */
  session: number;
  startedAt: number;
  /** When it first met its targets (undefined: never, so far). */
  reachedAt: number | undefined;
  /** When it stopped (undefined: still running). */
  endedAt: number | undefined;
}

export interface HonestNetworkOptions {
  /** How many of the first nodes are seeds (every node is configured with their endpoints). */
  seeds: number;
  book?: BookSize;
  /** Extra node configuration (targets…), for every node. */
  config?: NodeConfig;
  /** Extra runtime settings (governor tuning…), for every node. */
  runtime?: NodeRuntime;
}

export interface AddOptions {
  role?: SimRole;
  config?: NodeConfig;
  runtime?: NodeRuntime;
  store?: SimStore;
}

/**
 * Whether a node meets its targets: automatic outbound and hot outbound at target, or connected
 * to every other live node (a network smaller than the targets can do no better).
 */
export function meetsTargets(node: Node, liveOthers: number): boolean {
  const h = node.health();
  if (h.peers >= liveOthers && liveOthers > 0) return true;
  return h.outbound >= h.targets.outbound && h.hotOutbound >= h.targets.hot;
}

export class HonestNetwork {
  readonly nodes: SimNode[] = [];
  readonly byId = new Map<string, SimNode>();
  readonly seedEndpoints: string[];
  /** Every session of every node, in start order. */
  readonly sessions: SessionRecord[] = [];
  #current = new Map<SimNode, SessionRecord>();
  #sim: Simulation;
  #o: HonestNetworkOptions;
  #live = 0;

  constructor(sim: Simulation, options: HonestNetworkOptions) {
    this.#sim = sim;
    this.#o = options;
    this.seedEndpoints = Array.from({ length: options.seeds }, (_, i) => endpointText(nodeIp(i)));
  }

  /** Nodes running now. */
  get liveCount(): number {
    return this.#live;
  }

  live(): SimNode[] {
    return this.nodes.filter((n) => n.up);
  }

  /** Creates the next node (not started): node i listens on nodeIp(i):7000, seeds are the first ones. */
  async add(options: AddOptions = {}): Promise<SimNode> {
    const sim = this.#sim;
    const index = this.nodes.length;
    const ip = nodeIp(index);
    const role: SimRole = options.role ?? (index < this.#o.seeds ? 'seed' : 'node');
    const store = options.store ?? new SimStore();
    const node = await createNode(
      {
        network: SIM_NETWORK,
        dataDir: null,
        listen: `${ip}:7000`,
        encryption: 'none',
        api: false,
        logLevel: 'silent',
        seeds: this.seedEndpoints,
        ...this.#o.config,
        ...options.config,
      },
      {
        scheduler: sim.clock,
        random: sim.random(`node/${index}`),
        network: sim.net,
        identity: identityFromSeed(sim.random(`identity/${index}`).bytes(32)),
        resolver: NO_DNS,
        store,
        addressBook: this.#o.book ?? SIM_BOOK,
        flushIntervalMs: SIM_FLUSH_INTERVAL_MS,
        ...this.#o.runtime,
        ...options.runtime,
      },
    );
    const sn: SimNode = { index, ip, endpoint: endpointText(ip), role, node, store, up: false, upSince: 0, sessions: 0, atTargetAt: undefined, timesToTarget: [] };
    this.nodes.push(sn);
    this.byId.set(node.id, sn);
    node.on('node:error', (e) => sim.problem(`node ${index} (${ip}): ${e.context}`, e.error));
    // Time to target, exactly: only connections and promotions can bring a node to its targets.
    node.on('peer:event', (e) => {
      if (sn.atTargetAt !== undefined || !sn.up) return;
      if (e.type !== 'peer:connected' && e.type !== 'peer:promoted') return;
      if (meetsTargets(node, this.#live - 1)) this.#reached(sn);
    });
    return sn;
  }

  #reached(sn: SimNode): void {
    sn.atTargetAt = this.#sim.elapsed;
    sn.timesToTarget.push(sn.atTargetAt - sn.upSince);
    const rec = this.#current.get(sn);
    if (rec) rec.reachedAt = sn.atTargetAt;
  }

  /** Starts a node (a new session); resolves once it listens. */
  async start(sn: SimNode): Promise<void> {
    if (sn.up) return;
    sn.up = true;
    this.#live++;
    sn.upSince = this.#sim.elapsed;
    sn.sessions++;
    sn.atTargetAt = undefined;
    const rec: SessionRecord = { index: sn.index, session: sn.sessions, startedAt: sn.upSince, reachedAt: undefined, endedAt: undefined };
    this.sessions.push(rec);
    this.#current.set(sn, rec);
    try {
      await sn.node.start();
    } catch (err) {
      sn.up = false;
      this.#live--;
      throw err;
    }
  }

  /** Stops a node: goodbyes to its peers, anchors and book kept in its store for its next session. */
  async stop(sn: SimNode): Promise<void> {
    if (!sn.up) return;
    sn.up = false;
    this.#live--;
    const rec = this.#current.get(sn);
    if (rec) rec.endedAt = this.#sim.elapsed;
    this.#current.delete(sn);
    await sn.node.stop();
  }

  /** Whether a live node meets its targets now; `reachable`: how many other nodes it could reach (default: every live one). */
  atTarget(sn: SimNode, reachable = this.#live - 1): boolean {
    return sn.up && meetsTargets(sn.node, reachable);
  }
}
