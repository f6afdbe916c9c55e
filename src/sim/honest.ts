// The honest nodes of a simulation: real peerwarden nodes (createNode) on the simulation's clock and network.
//
// Each node runs the code a daemon runs — governor, address book, reputation, peer exchange,
// connections — with three things injected: the virtual clock, a seeded random stream and the
// memory network. Its store is an in-memory SimStore that outlives stop/start, so a node that
// leaves and comes back finds its address book and anchors, as a real node finds them on disk.
//
// The network also keeps a census of every node's peers, fed by the node's own peer events (the
// governor emits one for each connection, promotion, demotion and disconnection): who is connected
// to whom, in which direction, which outbound peers are hot. Sampling and time-to-target read the
// census instead of asking each node for its peer list: O(1) per node instead of a PeerInfo per peer.

import { governorInvariants } from '../core/governor/index.js';
import type { ConsistencyChecks } from '../core/addrbook/index.js';
import type { PeerEvent } from '../node/types.js';
import { identityFromSeed } from '../net/identity.js';
import { createNode } from '../node/create-node.js';
import type { NodeConfig } from '../node/config.js';
import type { Node } from '../node/node.js';
import type { NodeRuntime } from '../node/runtime.js';
import type { AddressPlan } from './address-plan.js';
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

/** Bucket counts of the address books (scaled down for simulations; the algorithm is the same at any size). */
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

/** A connected peer as the census knows it (from the node's peer events). */
export interface CensusPeer {
  readonly id: string;
  /** The connection's remote endpoint ("ip:port"). */
  readonly endpoint: string;
  readonly direction: 'inbound' | 'outbound';
  hot: boolean;
}

export interface SimNode {
  readonly index: number;
  readonly ip: string;
  /** The AS the address plan put it in (0 outside the plan). */
  readonly asn: number;
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
  /** The census: connected peers (feelers never appear: the governor reports no connection for them) and counts. */
  readonly peers: Map<string, CensusPeer>;
  outbound: number;
  hotOutbound: number;
  inbound: number;
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
  /** Where nodes sit (default: each in its own /16). */
  plan?: AddressPlan;
  book?: BookSize;
  /** Extra node configuration (targets…), for every node. */
  config?: NodeConfig;
  /** Extra runtime settings (governor tuning…), for every node. */
  runtime?: NodeRuntime;
}

/**
 * Slots of how many buckets of each table a sampled book check recomputes (the rest of the check
 * is linear in the book and costs little; recomputing every slot costs one hash per entry).
 */
const BOOK_CHECK_SAMPLE_BUCKETS = 4;
/** The governor checks are spread over this many rounds per interval (each node is checked once per interval). */
const GOVERNOR_CHECK_ROUNDS = 16;

export interface AddOptions {
  role?: SimRole;
  config?: NodeConfig;
  runtime?: NodeRuntime;
  store?: SimStore;
}

/**
 * Whether a node meets its targets, by the census: outbound peers (automatic, static and manual)
 * and hot outbound peers at target, or connected to every other live node (a network smaller than
 * the targets can do no better).
 */
export function meetsTargets(sn: SimNode, liveOthers: number): boolean {
  if (sn.peers.size >= liveOthers && liveOthers > 0) return true;
  const t = sn.node.config.targets;
  return sn.outbound >= t.outbound && sn.hotOutbound >= t.hot;
}

export class HonestNetwork {
  readonly nodes: SimNode[] = [];
  readonly byId = new Map<string, SimNode>();
  readonly seedEndpoints: string[];
  /** Every session of every node, in start order. */
  readonly sessions: SessionRecord[] = [];
  #current = new Map<SimNode, SessionRecord>();
  /** Eclipse alarms the honest nodes raised: how many, of which kinds, on how many nodes, and when (the first 1,000, in virtual ms). */
  readonly alarms: { raised: number; byKind: Record<string, number>; nodes: number; atMs: number[] } = { raised: 0, byKind: {}, nodes: 0, atMs: [] };
  #alarmed = new Set<SimNode>();
  #sim: Simulation;
  #o: HonestNetworkOptions;
  #live = 0;

  constructor(sim: Simulation, options: HonestNetworkOptions) {
    this.#sim = sim;
    this.#o = options;
    this.seedEndpoints = Array.from({ length: options.seeds }, (_, i) => endpointText(this.ipOf(i)));
    const every = sim.checks.governorEveryMs;
    if (every > 0) {
      // Between instants, when every node has finished what it was doing (a tick due now has fired).
      let k = 0;
      sim.every(Math.max(1, Math.floor(every / GOVERNOR_CHECK_ROUNDS)), () => this.#checkGovernors(k++ % GOVERNOR_CHECK_ROUNDS));
    }
  }

  /** The governor's state invariants on the live nodes of one round (index ≡ round mod the rounds). */
  #checkGovernors(round: number): void {
    for (let i = round; i < this.nodes.length; i += GOVERNOR_CHECK_ROUNDS) {
      const sn = this.nodes[i]!;
      if (!sn.up) continue;
      const view = sn.node.inspectGovernor();
      if (!view) continue;
      this.#sim.checked.governor++;
      const problems = governorInvariants(view);
      if (problems.length > 0) this.#sim.violation(`node ${sn.index} (${sn.ip}), governor`, problems.join('; '));
    }
  }

  /** The sampled consistency check a node's address book runs (Core's -checkaddrman); a failure stops the run. */
  #bookChecks(index: number, ip: string): ConsistencyChecks | undefined {
    const sim = this.#sim;
    if (!(sim.checks.bookEvery > 0)) return undefined;
    return {
      every: sim.checks.bookEvery,
      sampleBuckets: BOOK_CHECK_SAMPLE_BUCKETS,
      onCheck: (code, operation) => {
        sim.checked.book++;
        if (code !== 0) sim.violation(`node ${index} (${ip}), address book`, `consistency check failed with code ${code} (see src/core/addrbook/consistency.ts) before ${operation}`);
      },
    };
  }

  /** Where nodes sit (undefined: each in its own /16, by nodeIp). */
  get plan(): AddressPlan | undefined {
    return this.#o.plan;
  }

  /** Peer-exchange counters summed over every node (a node's count over its current session). */
  exchangeTotals(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const sn of this.nodes) {
      const ex = sn.node.stats().exchange;
      if (!ex) continue;
      for (const [k, v] of Object.entries(ex)) out[k] = (out[k] ?? 0) + v;
    }
    return out;
  }

  /** The IP of node `index` by the address plan. */
  ipOf(index: number): string {
    return this.#o.plan ? this.#o.plan.ip(index) : nodeIp(index);
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
    const ip = this.ipOf(index);
    const role: SimRole = options.role ?? (index < this.#o.seeds ? 'seed' : 'node');
    const store = options.store ?? new SimStore();
    // The book's size, with the sampled consistency check (NodeRuntime passes the book options through).
    const checks = this.#bookChecks(index, ip);
    const bookSize = options.runtime?.addressBook ?? this.#o.runtime?.addressBook ?? this.#o.book ?? SIM_BOOK;
    const addressBook: NonNullable<NodeRuntime['addressBook']> & { consistencyChecks?: ConsistencyChecks } = { ...bookSize, ...(checks ? { consistencyChecks: checks } : {}) };
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
        transport: sim.net.transport(ip),
        identity: identityFromSeed(sim.random(`identity/${index}`).bytes(32)),
        resolver: NO_DNS,
        store,
        flushIntervalMs: SIM_FLUSH_INTERVAL_MS,
        ...this.#o.runtime,
        ...options.runtime,
        addressBook,
      },
    );
    const sn: SimNode = {
      index,
      ip,
      asn: this.#o.plan?.asOf(ip) ?? 0,
      endpoint: endpointText(ip),
      role,
      node,
      store,
      up: false,
      upSince: 0,
      sessions: 0,
      atTargetAt: undefined,
      timesToTarget: [],
      peers: new Map(),
      outbound: 0,
      hotOutbound: 0,
      inbound: 0,
    };
    this.nodes.push(sn);
    this.byId.set(node.id, sn);
    node.on('node:error', (e) => sim.problem(`node ${index} (${ip}): ${e.context}`, e.error));
    node.on('peer:event', (e) => this.#census(sn, e));
    node.on('node:alarm', (e) => {
      if (e.state !== 'raised') return;
      const a = this.alarms;
      a.raised++;
      a.byKind[e.alarm.kind] = (a.byKind[e.alarm.kind] ?? 0) + 1;
      if (a.atMs.length < 1000) a.atMs.push(sim.elapsed);
      if (!this.#alarmed.has(sn)) {
        this.#alarmed.add(sn);
        a.nodes++;
      }
    });
    return sn;
  }

  /** Mirrors the governor's peers from its events; time to target, exactly: only connections and promotions can bring a node there. */
  #census(sn: SimNode, e: PeerEvent): void {
    const id = e.id;
    if (id === undefined) return;
    switch (e.type) {
      case 'peer:connected': {
        const old = sn.peers.get(id);
        if (old) this.#forget(sn, old);
        const p: CensusPeer = { id, endpoint: e.endpoint ?? '', direction: e.direction === 'inbound' ? 'inbound' : 'outbound', hot: false };
        sn.peers.set(id, p);
        if (p.direction === 'inbound') sn.inbound++;
        else sn.outbound++;
        break;
      }
      case 'peer:promoted':
      case 'peer:demoted': {
        const p = sn.peers.get(id);
        const hot = e.type === 'peer:promoted';
        if (!p || p.hot === hot) return;
        p.hot = hot;
        if (p.direction === 'outbound') sn.hotOutbound += hot ? 1 : -1;
        break;
      }
      case 'peer:disconnected': {
        const p = sn.peers.get(id);
        if (p && p.endpoint === e.endpoint) this.#forget(sn, p);
        return;
      }
      default:
        return;
    }
    if (sn.atTargetAt === undefined && sn.up && e.type !== 'peer:demoted' && meetsTargets(sn, this.#live - 1)) this.#reached(sn);
  }

  #forget(sn: SimNode, p: CensusPeer): void {
    sn.peers.delete(p.id);
    if (p.direction === 'inbound') sn.inbound--;
    else {
      sn.outbound--;
      if (p.hot) sn.hotOutbound--;
    }
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
    this.#sim.liveNodes++;
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
      this.#sim.liveNodes--;
      throw err;
    }
  }

  /** Stops a node: goodbyes to its peers, anchors and book kept in its store for its next session. */
  async stop(sn: SimNode): Promise<void> {
    if (!sn.up) return;
    sn.up = false;
    this.#live--;
    this.#sim.liveNodes--;
    const rec = this.#current.get(sn);
    if (rec) rec.endedAt = this.#sim.elapsed;
    this.#current.delete(sn);
    await sn.node.stop();
    // A stopped node has no peers, whatever its last events said.
    sn.peers.clear();
    sn.outbound = sn.hotOutbound = sn.inbound = 0;
  }

  /** Whether a live node meets its targets now; `reachable`: how many other nodes it could reach (default: every live one). */
  atTarget(sn: SimNode, reachable = this.#live - 1): boolean {
    return sn.up && meetsTargets(sn, reachable);
  }
}
