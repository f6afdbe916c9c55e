// A small simulated world for governor tests: it carries out effects, feeds results back, and checks invariants after every step.
//
// Remote endpoints are alive (handshake succeeds with a fixed node id), dead (dial fails) or hanging
// (no answer: the governor's dial timeout must fire). The world follows the node's contract: one
// result per dial, none after `cancelDial`, `disconnected` after every `disconnect`.

import { formatEndpoint, parseEndpoint, type Endpoint } from '../../../src/core/address/index.js';
import { createRandom, type Random } from '../../../src/core/random.js';
import { BanList } from '../../../src/core/reputation/index.js';
import {
  checkGovernor,
  createGovernorState,
  step,
  type AddressSource,
  type GovernorConfig,
  type GovernorContext,
  type GovernorEffect,
  type GovernorInput,
  type GovernorState,
} from '../../../src/core/governor/index.js';

export type Behaviour = 'alive' | 'dead' | 'hanging';

export interface Remote {
  endpoint: Endpoint;
  key: string;
  id: string;
  behaviour: Behaviour;
}

/** What the world needs from a book: the governor's read interface, plus a way to add remotes and apply book effects. */
export interface WorldBook extends AddressSource {
  add(ep: Endpoint): void;
  attempt(ep: Endpoint, now: number, countFailure: boolean): void;
  good(ep: Endpoint): void;
  connected(ep: Endpoint): void;
  resolveCollisions(): void;
  /** Only the fake book can be told to report a collision. */
  collisions?: Endpoint[];
}

/** A stand-in for the AddressBook: uniform picks, `new`/`tried` flags, a collision queue. */
export class FakeBook implements WorldBook {
  readonly entries = new Map<string, { endpoint: Endpoint; lastTry: number; tried: boolean }>();
  collisions: Endpoint[] = [];
  private all: Array<{ endpoint: Endpoint; lastTry: number; tried: boolean }> = [];
  private fresh: Array<{ endpoint: Endpoint; lastTry: number; tried: boolean }> | undefined;
  constructor(private readonly random: Random) {}
  add(ep: Endpoint): void {
    const key = formatEndpoint(ep);
    if (this.entries.has(key)) return;
    const e = { endpoint: ep, lastTry: 0, tried: false };
    this.entries.set(key, e);
    this.all.push(e);
    this.fresh = undefined;
  }
  select(opts: { newOnly?: boolean } = {}) {
    this.fresh ??= this.all.filter((e) => !e.tried);
    const pool = opts.newOnly ? this.fresh : this.all;
    if (pool.length === 0) return undefined;
    const e = pool[this.random.int(pool.length)]!;
    return { endpoint: e.endpoint, lastTry: e.lastTry };
  }
  selectTriedCollision() {
    const ep = this.collisions[0];
    if (!ep) return undefined;
    return { endpoint: ep, lastTry: this.entries.get(formatEndpoint(ep))?.lastTry ?? 0 };
  }
  size(): number {
    return this.entries.size;
  }
  attempt(ep: Endpoint, now: number): void {
    const e = this.entries.get(formatEndpoint(ep));
    if (e) e.lastTry = now;
  }
  good(ep: Endpoint): void {
    const e = this.entries.get(formatEndpoint(ep));
    if (e && !e.tried) {
      e.tried = true;
      this.fresh = undefined;
    }
  }
  resolveCollisions(): void {
    this.collisions.shift();
  }
  connected(): void {}
}

interface Scheduled {
  at: number;
  seq: number;
  input: GovernorInput;
  /** For dial results: the dial serial they belong to (dropped if the dial was cancelled). */
  dialSerial?: number;
  /** For inbound handshakes: the acceptance serial. */
  inboundSerial?: number;
}

export interface WorldOptions {
  seed: number;
  config?: GovernorConfig;
  remotes?: number;
  /** Share of alive / dead remotes; the rest hang. */
  alive?: number;
  dead?: number;
  /** How many /16 groups the remotes spread over. */
  groups?: number;
  /** Remotes that are static peers (taken from the first ones). */
  statics?: number;
  anchors?: string[];
  /** Remotes not put into the book (e.g. to test starvation). */
  emptyBook?: boolean;
  /** Check invariants after each step (default true). */
  check?: boolean;
  /** The address book to use (default: FakeBook). */
  book?: (random: Random, clock: { now(): number }) => WorldBook;
}

export function hexId(random: Random): string {
  const b = random.bytes(32);
  let s = '';
  for (const x of b) s += (x < 16 ? '0' : '') + x.toString(16);
  return s;
}

export class World {
  now = 1_700_000_000_000;
  readonly clock = { now: () => this.now };
  readonly random: Random;
  readonly govRandom: Random;
  readonly book: WorldBook;
  readonly bans: BanList;
  readonly discouraged = new Set<string>();
  readonly scores = new Map<string, number>();
  readonly remotes = new Map<string, Remote>();
  readonly byId = new Map<string, Remote>();
  state: GovernorState;
  readonly ctx: GovernorContext;
  readonly log: Array<{ at: number; input: GovernorInput; effects: GovernorEffect[] }> = [];
  /** Connections the world believes are open: id → endpoint key and direction. */
  readonly conns = new Map<string, { key: string; endpoint: Endpoint; direction: 'inbound' | 'outbound' }>();
  readonly violations: string[] = [];
  private queue: Scheduled[] = [];
  private seq = 0;
  private dialSerial = new Map<string, number>();
  private inboundSerial = new Map<string, number>();
  private serialCounter = 0;
  private readonly check: boolean;
  readonly staticKeys: string[] = [];
  /** For each static endpoint: since when it is neither connected nor dialling (undefined when it is). */
  readonly staticDownSince = new Map<string, number | undefined>();
  maxStaticDownMs = 0;
  private readonly groupCache = new Map<string, string>();

  constructor(readonly opts: WorldOptions) {
    this.random = createRandom(`world-${opts.seed}`);
    this.govRandom = createRandom(opts.seed);
    this.book = opts.book ? opts.book(createRandom(`book-${opts.seed}`), this.clock) : new FakeBook(this.random);
    this.bans = new BanList({ clock: this.clock });
    this.check = opts.check ?? true;
    const n = opts.remotes ?? 60;
    const groups = opts.groups ?? 25;
    const alive = opts.alive ?? 0.7;
    const dead = opts.dead ?? 0.2;
    for (let i = 0; i < n; i++) {
      const g = i % groups;
      const ep = parseEndpoint(`${20 + g}.${(g * 7) % 256}.${1 + Math.floor(i / groups)}.${1 + (i % 200)}:7000`);
      const r = this.random.float();
      const behaviour: Behaviour = r < alive ? 'alive' : r < alive + dead ? 'dead' : 'hanging';
      const remote: Remote = { endpoint: ep, key: formatEndpoint(ep), id: hexId(this.random), behaviour };
      this.remotes.set(remote.key, remote);
      this.byId.set(remote.id, remote);
      if (!opts.emptyBook) this.book.add(ep);
    }
    const statics = [...this.remotes.values()].slice(0, opts.statics ?? 0);
    for (const s of statics) {
      s.behaviour = this.random.float() < 0.5 ? 'alive' : 'dead';
      this.staticKeys.push(s.key);
      this.staticDownSince.set(s.key, this.now);
    }
    this.state = createGovernorState(
      { ...opts.config, staticPeers: [...(opts.config?.staticPeers ?? []), ...statics.map((s) => s.key)] },
      this.clock,
      this.govRandom,
      { anchors: opts.anchors ?? [] },
    );
    this.ctx = {
      addresses: this.book,
      bans: this.bans,
      isDiscouraged: (ip) => this.discouraged.has(ip),
      scoreOf: (id) => this.scores.get(id) ?? 0,
    };
  }

  schedule(delay: number, input: GovernorInput, extra: Partial<Scheduled> = {}): void {
    this.queue.push({ at: this.now + delay, seq: this.seq++, input, ...extra });
  }

  private latency(): number {
    return 20 + this.random.int(400);
  }

  /** Feeds one input to the governor, checks invariants, carries out the effects. */
  apply(input: GovernorInput): GovernorEffect[] {
    const before = this.check ? this.snapshotBusy() : undefined;
    const { state, effects } = step(this.state, input, this.clock, this.govRandom, this.ctx);
    this.state = state;
    this.log.push({ at: this.now, input, effects });
    if (this.check) this.checkStep(input, effects, before!);
    for (const e of effects) this.execute(e);
    if (this.check) this.checkState();
    return effects;
  }

  private snapshotBusy(): Set<string> {
    const s = new Set<string>();
    for (const p of this.state.peers.values()) if (p.busy) s.add(p.id);
    return s;
  }

  private execute(e: GovernorEffect): void {
    switch (e.type) {
      case 'dial': {
        const key = formatEndpoint(e.endpoint);
        const serial = ++this.serialCounter;
        this.dialSerial.set(key, serial);
        const remote = this.remotes.get(key);
        const behaviour: Behaviour = remote?.behaviour ?? 'dead';
        if (behaviour === 'hanging') return;
        if (behaviour === 'dead') {
          this.schedule(this.latency(), { type: 'dialFailed', endpoint: e.endpoint, reason: 'connection refused' }, { dialSerial: serial });
          return;
        }
        this.schedule(this.latency(), { type: 'dialSucceeded', endpoint: e.endpoint }, { dialSerial: serial });
        this.schedule(2 * this.latency(), { type: 'handshakeDone', id: remote!.id, endpoint: e.endpoint, direction: 'outbound', rttMs: this.latency() }, { dialSerial: serial });
        return;
      }
      case 'cancelDial':
        this.dialSerial.delete(formatEndpoint(e.endpoint));
        return;
      case 'disconnect': {
        const key = formatEndpoint(e.endpoint);
        if (e.id !== undefined && this.conns.has(e.id)) {
          const c = this.conns.get(e.id)!;
          this.schedule(1, { type: 'disconnected', id: e.id, endpoint: c.endpoint, reason: 'closed by us' });
          this.conns.delete(e.id);
          return;
        }
        // A feeler or a connection still in handshake.
        if (this.dialSerial.has(key)) {
          this.dialSerial.delete(key);
          this.schedule(1, { type: 'disconnected', ...(e.id !== undefined ? { id: e.id } : {}), endpoint: e.endpoint, reason: 'closed by us' });
          return;
        }
        if (this.inboundSerial.has(key)) {
          this.inboundSerial.delete(key);
          this.schedule(1, { type: 'disconnected', endpoint: e.endpoint, reason: 'closed by us' });
        }
        return;
      }
      case 'acceptInbound': {
        const key = formatEndpoint(e.endpoint);
        const serial = ++this.serialCounter;
        this.inboundSerial.set(key, serial);
        if (this.random.float() < 0.1) {
          this.schedule(this.latency(), { type: 'disconnected', endpoint: e.endpoint, reason: 'handshake failed' }, { inboundSerial: serial });
        } else {
          this.schedule(this.latency(), { type: 'handshakeDone', id: hexId(this.random), endpoint: e.endpoint, direction: 'inbound', rttMs: this.latency() }, { inboundSerial: serial });
        }
        return;
      }
      case 'bookAttempt':
        this.book.attempt(e.endpoint, this.now, e.countFailure);
        return;
      case 'bookConnected':
        this.book.connected(e.endpoint);
        return;
      case 'bookGood':
        this.book.good(e.endpoint);
        return;
      case 'resolveCollisions':
        this.book.resolveCollisions();
        return;
      default:
        return;
    }
  }

  /** Delivers scheduled results due up to `t` and governor ticks, in time order. */
  runUntil(t: number): void {
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.queue[0];
      const tickAt = this.state.nextTickAt;
      if ((!next || next.at > t) && tickAt > t) break;
      if (next && next.at <= tickAt) {
        this.queue.shift();
        this.now = Math.max(this.now, next.at);
        if (!this.deliverable(next)) continue;
        this.apply(next.input);
      } else {
        this.now = Math.max(this.now, tickAt);
        this.apply({ type: 'tick' });
      }
    }
    this.now = Math.max(this.now, t);
  }

  private deliverable(s: Scheduled): boolean {
    const input = s.input;
    if (s.dialSerial !== undefined) {
      const key = formatEndpoint(parseEndpoint((input as { endpoint: Endpoint }).endpoint));
      if (this.dialSerial.get(key) !== s.dialSerial) return false;
      if (input.type === 'dialFailed') this.dialSerial.delete(key);
      if (input.type === 'handshakeDone') {
        this.dialSerial.delete(key);
        // Feelers: the governor will ask to close; keep the serial so the disconnect is delivered.
        if (this.state.dials.get(key)?.purpose === 'feeler') this.dialSerial.set(key, s.dialSerial);
        else this.conns.set(input.id, { key, endpoint: parseEndpoint(input.endpoint), direction: 'outbound' });
      }
    }
    if (s.inboundSerial !== undefined) {
      const key = formatEndpoint(parseEndpoint((input as { endpoint: Endpoint }).endpoint));
      if (this.inboundSerial.get(key) !== s.inboundSerial) return false;
      this.inboundSerial.delete(key);
      if (input.type === 'handshakeDone') this.conns.set(input.id, { key, endpoint: parseEndpoint(input.endpoint), direction: 'inbound' });
    }
    if (input.type === 'disconnected' && input.id !== undefined && s.dialSerial === undefined && s.inboundSerial === undefined) {
      // A remote close racing with ours: deliver once.
      this.conns.delete(input.id);
    }
    return true;
  }

  /** A random external event: inbound connections, remote closes, busy toggles, bans… */
  randomExternal(): void {
    const r = this.random.float();
    const ids = [...this.conns.keys()];
    const anyId = () => ids[this.random.int(ids.length)]!;
    if (r < 0.3) {
      // Inbound from a pool where some IPs repeat (per-IP limit) and some are discouraged.
      const a = 1 + this.random.int(40);
      const ip = `${100 + (a % 13)}.${a}.0.${1 + this.random.int(3)}`;
      this.apply({ type: 'inboundRequested', endpoint: `${ip}:${40000 + this.random.int(20000)}` });
    } else if (r < 0.42 && ids.length > 0) {
      const id = anyId();
      const c = this.conns.get(id)!;
      this.conns.delete(id);
      this.apply({ type: 'disconnected', id, endpoint: c.endpoint, reason: 'remote closed' });
    } else if (r < 0.52 && ids.length > 0) {
      this.apply({ type: 'peerBusy', id: anyId(), busy: this.random.float() < 0.6 });
    } else if (r < 0.62 && ids.length > 0) {
      this.apply({ type: 'messageReceived', id: anyId() });
    } else if (r < 0.68 && ids.length > 0) {
      this.apply({ type: 'rttMeasured', id: anyId(), rttMs: this.random.int(500) });
    } else if (r < 0.72 && ids.length > 0) {
      this.scores.set(anyId(), this.random.int(41) - 20);
    } else if (r < 0.75) {
      const remotes = [...this.remotes.values()];
      const victim = remotes[this.random.int(remotes.length)]!;
      const ban = this.bans.add(this.random.float() < 0.5 ? victim.endpoint.ip : victim.id, { reason: 'test ban', durationMs: 60_000 + this.random.int(600_000) });
      this.apply({ type: 'banAdded', ban });
    } else if (r < 0.77) {
      for (const b of this.bans.sweep()) this.apply({ type: 'banRemoved', ban: b });
    } else if (r < 0.79) {
      const remotes = [...this.remotes.values()];
      this.discouraged.add(remotes[this.random.int(remotes.length)]!.endpoint.ip);
    } else if (r < 0.8) {
      this.apply({ type: 'networkChanged' });
    } else if (r < 0.82 && ids.length > 0) {
      this.apply({ type: 'disconnectRequested', id: anyId(), cause: 'requested', reason: 'operator' });
    } else if (r < 0.84 && this.book.collisions) {
      const remotes = [...this.remotes.values()];
      const remote = remotes[this.random.int(remotes.length)]!;
      this.book.collisions.push(remote.endpoint);
    } else {
      this.apply({ type: 'addressesLearned', count: 1 });
    }
  }

  /** Runs `durationMs` of virtual time with random external events every `meanGapMs` on average. */
  simulate(durationMs: number, meanGapMs = 2_000): void {
    const end = this.now + durationMs;
    while (this.now < end) {
      const gap = Math.ceil(-Math.log(1 - this.random.float()) * meanGapMs);
      this.runUntil(Math.min(end, this.now + gap));
      if (this.now < end) this.randomExternal();
    }
  }

  // ------------------------------------------------------------ invariants

  private fail(msg: string): void {
    if (this.violations.length < 20) this.violations.push(`t=${this.now - 1_700_000_000_000}ms: ${msg}`);
  }

  private checkStep(input: GovernorInput, effects: GovernorEffect[], busyBefore: Set<string>): void {
    for (const e of effects) {
      if (e.type === 'dial') {
        if (this.bans.isBanned({ ip: e.endpoint.ip, ...(e.expectedId ? { id: e.expectedId } : {}) })) {
          this.fail(`dialled banned ${formatEndpoint(e.endpoint)}`);
        }
      }
      const allowed = input.type === 'banAdded' || input.type === 'disconnectRequested';
      if (!allowed && (e.type === 'demote' || e.type === 'disconnect') && e.id !== undefined && busyBefore.has(e.id)) {
        this.fail(`${e.type} of busy peer ${e.id.slice(0, 8)} on ${input.type}: ${'reason' in e ? e.reason : ''}`);
      }
    }
  }

  private checkState(): void {
    const s = this.state;
    // The governor's own state invariants (src/core/governor/invariants.ts), as the simulator checks them on every node.
    for (const problem of checkGovernor(s, this.now)) this.fail(problem);
    // Static peers come back.
    for (const key of this.staticKeys) {
      const remote = this.remotes.get(key)!;
      const up = s.dials.has(key) || [...s.peers.values()].some((p) => p.endpointKey === key);
      const banned = this.bans.isBanned({ ip: remote.endpoint.ip });
      const since = this.staticDownSince.get(key);
      if (up || banned) this.staticDownSince.set(key, undefined);
      else if (since === undefined) this.staticDownSince.set(key, this.now);
      else this.maxStaticDownMs = Math.max(this.maxStaticDownMs, this.now - since);
    }
    if (s.nextTickAt <= this.now) this.fail(`nextTickAt ${s.nextTickAt} not in the future`);
  }
}
