// The Observer: wires a log source, the parser, the peer tracker, socket reconciliation and forwarding.
//
// This is what `peerwarden watch`, the HTTP API, the metrics and the dashboard use: start()/stop(),
// peers()/peer(), typed events with reasons, counters and the node's status. Everything it knows
// comes from the node's trace log and the kernel's socket table; it never talks to the node.
import { PeerwardenError } from '../core/errors.js';
import type { Scheduler, Timer } from '../core/clock.js';
import { systemScheduler } from '../platform/index.js';
import { endpointText } from './endpoint-text.js';
import { Forwarder, type ForwarderOptions, type ForwarderStats } from './forwarder.js';
import { GuardedEmitter } from './guarded-emitter.js';
import { parseLogLine } from './parse-line.js';
import { DEFAULT_PROC_PATHS, readEstablishedSockets, type SocketPair } from './proc-net.js';
import { reconcileSockets, type ReconcileOutcome } from './reconcile.js';
import { FileSource } from './sources/file.js';
import { JournaldSource } from './sources/journald.js';
import type { LineSink } from './sources/line-splitter.js';
import type { LineSource } from './sources/source.js';
import { StreamSource } from './sources/stream.js';
import { PeerTracker, type ReportedCounters } from './tracker.js';
import type { Direction, LogEventType, NodeStatus, ObservedPeer, ObservedPeerEvent, ObservedState } from './types.js';

/** cardano-node's customary node-to-node port. */
export const DEFAULT_NODE_PORT = 3001;
/** How often sockets are reconciled: openblockperf's 30 s. */
export const DEFAULT_RECONCILE_INTERVAL_MS = 30_000;
/**
 * How long a tracked session may have no socket before it is closed. Two reconcile intervals: a
 * connection that the log opened just before a check, or one closing right now, is not judged on a
 * single look.
 */
export const DEFAULT_SOCKET_GRACE_MS = 60_000;

/** An Observer used out of order (started twice). */
export class ObserverStateError extends PeerwardenError {
  readonly code = 'observer-state';
  override readonly name = 'ObserverStateError';
}

/** Invalid Observer options; `problems` lists every one of them. */
export class ObserverConfigError extends PeerwardenError {
  readonly code = 'observer-config-invalid';
  override readonly name = 'ObserverConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid observer options:\n  - ${problems.join('\n  - ')}`);
  }
}

export interface ReconcileConfig {
  /** Default 30 s. */
  intervalMs?: number;
  /** Default 60 s. */
  graceMs?: number;
  /** Socket tables to read (default /proc/net/tcp and /proc/net/tcp6); tests pass fake files. */
  procPaths?: string[];
}

export interface ObserverOptions {
  /** Follow this JSON log file (tail -F), after reading its rotated siblings. */
  log?: string;
  /** Follow this systemd unit's journal. */
  journal?: string;
  /** Read standard input. */
  stdin?: boolean;
  /** Any other source (tests, embedding). Exactly one of log, journal, stdin, source. */
  source?: LineSource;
  /** Backfill bound: events logged before this are not applied (ms or Date). */
  since?: number | Date;
  /** For `log`: keep following after the existing content (default true). */
  follow?: boolean;
  /** The node's node-to-node port (default 3001). */
  nodePort?: number;
  /** Socket reconciliation; `false` turns it off (e.g. replaying a log copied from another host). */
  reconcile?: ReconcileConfig | false;
  /** Post each peer event to this collector URL (or with these options). */
  forward?: string | Omit<ForwarderOptions, 'scheduler'>;
  /** Timers and the clock for reconciliation, polling and retries (default: real ones). */
  scheduler?: Scheduler;
  /** History entries kept per peer (default 100). */
  historyLimit?: number;
  /** Closed sessions kept for lookups (default 1000). */
  closedLimit?: number;
  /** journalctl executable for `journal` (tests pass a fake script). */
  journalCommand?: string;
  /** File poll interval in ms (default 250). */
  pollMs?: number;
}

export interface ObserverCounters {
  linesRead: number;
  /** Lines that parsed into an event (including those before `since`). */
  linesParsed: number;
  /** Well-formed lines of namespaces the observer does not use. */
  linesIgnored: number;
  /** Malformed, truncated, binary or overlong lines, and known events with missing fields. */
  parseErrors: number;
  /** Parsed events older than `since`, not applied. */
  eventsBeforeSince: number;
  lastParseError: { reason: string; line: string } | undefined;
  /** Log time of the newest applied event. */
  lastEventAt: number | undefined;
  /** Applied events by type. */
  events: Partial<Record<LogEventType, number>>;
  reconcile: {
    runs: number;
    lastAt: number | undefined;
    /** Established sockets on the node's port at the last run. */
    sockets: number;
    discovered: number;
    closed: number;
    errors: number;
    lastError: string | undefined;
  };
  /** Completed searches of older logs for peers found only as sockets, and their results per peer. */
  search: { runs: number; found: number; notFound: number };
  /** The counters the node itself last reported (inbound governor, connection manager). */
  reported: ReportedCounters;
  forward: ForwarderStats | undefined;
}

/** Peers by state, per track and overall (open sessions only). */
export interface PeerCounts {
  total: number;
  byState: Record<ObservedState, number>;
  outbound: Record<ObservedState, number>;
  inbound: Record<ObservedState, number>;
}

/** The Observer's events and what each one carries. */
export interface ObserverEvents {
  /** Every change of an observed peer, once, with its reason. */
  event: ObservedPeerEvent;
  /** The node's status after one of its servers started or stopped. */
  node: NodeStatus;
  /** Something the operator should know (unreadable socket tables, a failing collector, a throwing listener…). */
  warning: string;
}

/** Longest excerpt of a bad line kept for the status output. */
const BAD_LINE_EXCERPT = 200;

function emptyStates(): Record<ObservedState, number> {
  return { unknown: 0, cold: 0, warm: 0, hot: 0, cooling: 0 };
}

function buildSource(o: ObserverOptions, since: number | undefined, scheduler: Scheduler): LineSource {
  if (o.source) return o.source;
  if (o.log !== undefined) return new FileSource({ path: o.log, follow: o.follow, since, pollMs: o.pollMs, scheduler });
  if (o.journal !== undefined) return new JournaldSource({ unit: o.journal, since, command: o.journalCommand, scheduler });
  return new StreamSource();
}

function validate(o: ObserverOptions): void {
  const problems: string[] = [];
  const sources = [o.log !== undefined, o.journal !== undefined, o.stdin === true, o.source !== undefined].filter(Boolean).length;
  if (sources !== 1) problems.push('give exactly one log source: log (a file), journal (a systemd unit), stdin, or source');
  if (o.log !== undefined && (typeof o.log !== 'string' || o.log === '')) problems.push('log must be a file path');
  if (o.journal !== undefined && (typeof o.journal !== 'string' || !/^[\w@.:-]+$/.test(o.journal))) {
    problems.push('journal must be a systemd unit name such as cardano-node.service');
  }
  const port = o.nodePort;
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) problems.push('nodePort must be an integer 1-65535');
  const since = o.since instanceof Date ? o.since.getTime() : o.since;
  if (since !== undefined && !Number.isFinite(since)) problems.push('since must be a time (ms since the epoch or a Date)');
  if (o.reconcile) {
    const { intervalMs, graceMs } = o.reconcile;
    if (intervalMs !== undefined && !(intervalMs > 0)) problems.push('reconcile.intervalMs must be > 0');
    if (graceMs !== undefined && !(graceMs >= 0)) problems.push('reconcile.graceMs must be >= 0');
  }
  const url = typeof o.forward === 'string' ? o.forward : o.forward?.url;
  if (o.forward !== undefined) {
    try {
      const u = new URL(url ?? '');
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
    } catch {
      problems.push(`forward must be an http(s) URL, got ${JSON.stringify(url)}`);
    }
  }
  for (const [key, value] of [['historyLimit', o.historyLimit], ['closedLimit', o.closedLimit]] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) problems.push(`${key} must be a non-negative integer`);
  }
  if (problems.length) throw new ObserverConfigError(problems);
}

export class Observer {
  readonly #options: ObserverOptions;
  readonly #scheduler: Scheduler;
  readonly #since: number | undefined;
  readonly #nodePort: number;
  readonly #source: LineSource;
  readonly #tracker: PeerTracker;
  readonly #forwarder: Forwarder | undefined;
  readonly #events = new GuardedEmitter<ObserverEvents>((event, err) => {
    // A failing listener must not stop the log from being read. A failing 'warning' listener is
    // ignored: warning about it would call it again.
    if (event !== 'warning') this.#warn(`an '${event}' listener threw: ${(err as Error).message}`);
  });
  readonly #counters: Omit<ObserverCounters, 'reported' | 'forward'> = {
    linesRead: 0,
    linesParsed: 0,
    linesIgnored: 0,
    parseErrors: 0,
    eventsBeforeSince: 0,
    lastParseError: undefined,
    lastEventAt: undefined,
    events: {},
    reconcile: { runs: 0, lastAt: undefined, sockets: 0, discovered: 0, closed: 0, errors: 0, lastError: undefined },
    search: { runs: 0, found: 0, notFound: 0 },
  };
  #state: 'new' | 'starting' | 'running' | 'stopped' = 'new';
  #reconcileTimer: Timer | undefined;
  #reconciling: Promise<unknown> | undefined;

  constructor(options: ObserverOptions) {
    validate(options);
    this.#options = options;
    this.#scheduler = options.scheduler ?? systemScheduler;
    this.#since = options.since instanceof Date ? options.since.getTime() : options.since;
    this.#nodePort = options.nodePort ?? DEFAULT_NODE_PORT;
    this.#source = buildSource(options, this.#since, this.#scheduler);
    this.#tracker = new PeerTracker({ historyLimit: options.historyLimit, closedLimit: options.closedLimit });
    if (options.forward !== undefined) {
      const f = typeof options.forward === 'string' ? { url: options.forward } : options.forward;
      this.#forwarder = new Forwarder({ ...f, scheduler: this.#scheduler, onProblem: f.onProblem ?? ((m) => this.#warn(m)) });
    }
    this.#tracker.onEvent((e) => {
      this.#forwarder?.enqueue(e);
      this.#events.emit('event', e);
    });
  }

  /** What is being read, e.g. "/var/log/cardano/node.json" or "journald unit cardano-node". */
  get source(): { kind: string; description: string } {
    return { kind: this.#source.kind, description: this.#source.description };
  }

  /**
   * Reads the backlog (rotated files, existing content, journal since the bound), then keeps
   * following and starts socket reconciliation with an immediate first pass. Resolves when the
   * backlog is in. Throws if the source cannot be started (e.g. JournaldUnavailableError).
   */
  async start(): Promise<void> {
    if (this.#state !== 'new') throw new ObserverStateError('an Observer can be started once');
    this.#state = 'starting';
    const sink: LineSink = {
      line: (text) => this.ingest(text),
      dropped: (reason) => {
        this.#counters.linesRead++;
        this.#badLine(reason, '');
      },
      warn: (message) => this.#warn(message),
    };
    try {
      await this.#source.start(sink);
    } catch (err) {
      this.#state = 'stopped';
      throw err;
    }
    if (this.#state !== 'starting') return; // stopped during the backlog
    this.#state = 'running';
    if (this.#options.reconcile !== false) {
      this.#reconciling = this.reconcileNow()
        .catch((err: Error) => this.#warn(`reconciliation failed: ${err.message}`))
        .finally(() => this.#scheduleReconcile());
    }
  }

  /** Stops reading and reconciling; queued forwards are dropped (their count stays in counters). */
  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    this.#reconcileTimer?.cancel();
    this.#reconcileTimer = undefined;
    await this.#source.stop();
    await this.#reconciling?.catch(() => {});
    this.#forwarder?.stop();
  }

  /** Open sessions (with `includeClosed`, the recently closed ones too, after them). */
  peers(options: { includeClosed?: boolean } = {}): ObservedPeer[] {
    const open = this.#tracker.peers();
    return options.includeClosed ? [...open, ...this.#tracker.closedPeers()] : open;
  }

  /** A session by id (`local-remote`), by `"local remote"`, or by remote endpoint; open ones first. */
  peer(key: string): ObservedPeer | undefined {
    return this.#tracker.peer(key);
  }

  /** Open sessions by state, overall and per track (for metrics). */
  peerCounts(): PeerCounts {
    const counts: PeerCounts = { total: 0, byState: emptyStates(), outbound: emptyStates(), inbound: emptyStates() };
    for (const p of this.#tracker.peers()) {
      counts.total++;
      counts.byState[p.state]++;
      for (const d of ['outbound', 'inbound'] as Direction[]) if (p[d]) counts[d][p[d]!.state]++;
    }
    return counts;
  }

  nodeStatus(): NodeStatus {
    return this.#tracker.nodeStatus();
  }

  counters(): ObserverCounters {
    const c = this.#counters;
    return {
      ...c,
      lastParseError: c.lastParseError && { ...c.lastParseError },
      events: { ...c.events },
      reconcile: { ...c.reconcile },
      search: { ...c.search },
      reported: this.#tracker.reportedCounters(),
      forward: this.#forwarder?.stats(),
    };
  }

  /** Subscribes to a typed event; returns a function that unsubscribes (as Node's `on` does). */
  on<K extends keyof ObserverEvents>(event: K, listener: (e: ObserverEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  off<K extends keyof ObserverEvents>(event: K, listener: (e: ObserverEvents[K]) => void): void {
    this.#events.off(event, listener);
  }

  /** Subscribes to the next event of a type only; returns a function that unsubscribes. */
  once<K extends keyof ObserverEvents>(event: K, listener: (e: ObserverEvents[K]) => void): () => void {
    return this.#events.once(event, listener);
  }

  /** Feeds one raw log line, as if the source had read it (replays, tests, custom inputs). */
  ingest(line: string): void {
    const c = this.#counters;
    c.linesRead++;
    const r = parseLogLine(line);
    if (r.status === 'ignored') {
      c.linesIgnored++;
      return;
    }
    if (r.status === 'error') {
      this.#badLine(r.reason, line);
      return;
    }
    c.linesParsed++;
    const e = r.event;
    if (this.#since !== undefined && e.at < this.#since) {
      c.eventsBeforeSince++;
      return;
    }
    c.events[e.type] = (c.events[e.type] ?? 0) + 1;
    if (c.lastEventAt === undefined || e.at > c.lastEventAt) c.lastEventAt = e.at;
    const lifecycle = e.type === 'serverStarted' || e.type === 'serverStopped' || e.type === 'connectionManagerShutdown';
    this.#tracker.apply(e);
    if (lifecycle) this.#events.emit('node', this.#tracker.nodeStatus());
  }

  /**
   * One reconciliation pass now: reads the socket tables, opens `unknown` sessions for unexplained
   * sockets (and searches older logs for them), closes sessions without a socket past the grace
   * period. Returns undefined when the tables cannot be read (nothing is closed then).
   */
  async reconcileNow(): Promise<ReconcileOutcome | undefined> {
    const config = this.#options.reconcile || {};
    const rc = this.#counters.reconcile;
    let sockets: SocketPair[];
    try {
      sockets = await readEstablishedSockets(this.#nodePort, config.procPaths ?? DEFAULT_PROC_PATHS);
    } catch (err) {
      rc.errors++;
      if (rc.lastError === undefined) this.#warn((err as Error).message);
      rc.lastError = (err as Error).message;
      return undefined;
    }
    const now = this.#scheduler.now();
    const outcome = reconcileSockets(this.#tracker, sockets, now, {
      nodePort: this.#nodePort,
      graceMs: config.graceMs ?? DEFAULT_SOCKET_GRACE_MS,
    });
    rc.runs++;
    rc.lastAt = now;
    rc.sockets = sockets.length;
    rc.discovered += outcome.discovered.length;
    rc.closed += outcome.closed.length;
    if (outcome.discovered.length > 0) await this.#searchOlderLogs(outcome.discovered);
    return outcome;
  }

  #scheduleReconcile(): void {
    if (this.#state !== 'running') return;
    const interval = (this.#options.reconcile || {}).intervalMs ?? DEFAULT_RECONCILE_INTERVAL_MS;
    this.#reconcileTimer = this.#scheduler.after(interval, () => {
      this.#reconciling = this.reconcileNow()
        .catch((err: Error) => this.#warn(`reconciliation failed: ${err.message}`))
        .finally(() => this.#scheduleReconcile());
    });
  }

  /**
   * For sessions known only from a socket: reads older logs (the whole history, ignoring `since`),
   * replays what concerns them into a scratch tracker, which also sees node restarts, and adopts
   * the tracks of a session still open at the end. This is openblockperf's issue #5, matched on
   * address and port (its grep matched the IP only).
   */
  async #searchOlderLogs(ids: string[]): Promise<void> {
    const targets = ids.map((id) => this.#tracker.peer(id)).filter((p): p is ObservedPeer => p !== undefined && p.state === 'unknown');
    if (targets.length === 0) return;
    const now = () => this.#scheduler.now();
    if (!this.#source.searchOlder) {
      for (const p of targets) {
        this.#tracker.note(p.id, { at: now(), change: 'search', reason: 'no_older_logs', source: 'backfill', detail: `${this.#source.kind} has no older logs to search` });
      }
      return;
    }
    const scratch = new PeerTracker({ historyLimit: 1, closedLimit: 0 });
    try {
      await this.#source.searchOlder([...new Set(targets.map((p) => p.remote.ip))], (line) => {
        const r = parseLogLine(line);
        if (r.status === 'event') scratch.apply(r.event, 'backfill');
      });
    } catch (err) {
      this.#warn(`searching older logs failed: ${(err as Error).message}`);
      return;
    }
    this.#counters.search.runs++;
    for (const p of targets) {
      const found = scratch.peer(p.id) ?? scratch.peer(endpointText(p.remote));
      if (found && !found.closed && (found.outbound || found.inbound)) {
        this.#counters.search.found++;
        this.#tracker.adoptTracks(p.id, found, now());
      } else {
        this.#counters.search.notFound++;
        this.#tracker.note(p.id, { at: now(), change: 'search', reason: 'not_in_older_logs', source: 'backfill', detail: 'no open session for this connection in older logs' });
      }
    }
  }

  #badLine(reason: string, line: string): void {
    this.#counters.parseErrors++;
    this.#counters.lastParseError = { reason, line: line.slice(0, BAD_LINE_EXCERPT) };
  }

  #warn(message: string): void {
    this.#events.emit('warning', message);
  }
}

/** Creates an Observer (validates the options; nothing runs until start()). */
export function createObserver(options: ObserverOptions): Observer {
  return new Observer(options);
}
