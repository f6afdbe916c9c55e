// Governor configuration: every policy constant (docs/governor.md) with its default and the reason for it, and validation.

import { PeerwardenError } from '../errors.js';
import type { Asmap } from '../address/index.js';
import { parseEndpoint, normalizeIp, AddressParseError, type Endpoint, type EndpointLike } from '../address/index.js';
import { looksLikeNodeId } from '../reputation/ban-target.js';

/** Connection targets and limits (the node configuration's `targets`). */
export interface GovernorTargets {
  /** Automatic outbound peers kept hot (carrying application traffic). */
  hot: number;
  /** Automatic outbound peers kept connected, warm + hot. */
  outbound: number;
  /** Inbound connections accepted at most (trusted peers may exceed it). */
  maxInbound: number;
  /** All connections at most: inbound + outbound + feelers + pending (static and trusted peers may exceed it). */
  maxTotal: number;
  /** Inbound peers made hot (served application traffic); defaults to maxInbound, i.e. all of them. */
  hotInbound: number;
}

/** A static peer: an endpoint to keep connected, optionally with the node id expected there. */
export interface StaticPeerSpec {
  endpoint?: EndpointLike;
  id?: string;
}

export interface GovernorConfig {
  targets?: Partial<GovernorTargets>;
  maxInboundPerIp?: number;
  maxConcurrentDials?: number;
  feelerIntervalMs?: number;
  churnIntervalMs?: number;
  churnJitterMs?: number;
  churnFraction?: number;
  churnCooldownMs?: number;
  backoffBaseMs?: number;
  backoffMaxExponent?: number;
  backoffJitter?: number;
  clearFailuresAfterMs?: number;
  dialTimeoutMs?: number;
  tickIntervalMs?: number;
  idleTickIntervalMs?: number;
  addressRequestIntervalMs?: number;
  recentTryMs?: number;
  selectTries?: number;
  anchorCount?: number;
  minEvictionCandidates?: number;
  allowLoopback?: boolean;
  allowPrivate?: boolean;
  /**
   * Bitcoin Core's AS map: with it, diversity (one outbound peer per group) and inbound eviction's
   * group protections count autonomous systems instead of /16s, so many /16s of one network are one group.
   */
  asmap?: Asmap;
  /** Endpoints (or "ip:port" strings, or 64-hex node ids, or { endpoint, id }) to keep connected. */
  staticPeers?: ReadonlyArray<EndpointLike | StaticPeerSpec>;
  /** Node ids, IPs or endpoints (trusted by IP) that bypass limits and are never churned or evicted. */
  trustedPeers?: ReadonlyArray<EndpointLike>;
  /** Our own listening endpoints, never dialled. */
  self?: ReadonlyArray<EndpointLike>;
}

/** Every setting resolved to a value. */
export interface ResolvedGovernorConfig {
  targets: GovernorTargets;
  maxInboundPerIp: number;
  maxConcurrentDials: number;
  feelerIntervalMs: number;
  churnIntervalMs: number;
  churnJitterMs: number;
  churnFraction: number;
  churnCooldownMs: number;
  backoffBaseMs: number;
  backoffMaxExponent: number;
  backoffJitter: number;
  clearFailuresAfterMs: number;
  dialTimeoutMs: number;
  tickIntervalMs: number;
  idleTickIntervalMs: number;
  addressRequestIntervalMs: number;
  recentTryMs: number;
  selectTries: number;
  anchorCount: number;
  minEvictionCandidates: number;
  allowLoopback: boolean;
  allowPrivate: boolean;
  asmap: Asmap | undefined;
  staticPeers: Array<{ endpoint?: Endpoint; id?: string }>;
  trustedIds: string[];
  trustedIps: string[];
  self: Endpoint[];
}

/**
 * Defaults. Each is explained where it comes from; all can be overridden.
 */
export const GOVERNOR_DEFAULTS = Object.freeze({
  /** 8 hot outbound: Bitcoin Core's 8 full-relay outbound peers, enough that one honest peer among them is very likely. */
  hot: 8,
  /** 12 warm+hot outbound: the 8 hot plus 4 warm spares ready to promote at once when a hot peer leaves or churns. */
  outbound: 12,
  /** 100 inbound: what a typical machine serves comfortably; Core allows 114 of its 125. */
  maxInbound: 100,
  /** 125 total: Core's DEFAULT_MAX_PEER_CONNECTIONS, a file-descriptor and bandwidth budget. */
  maxTotal: 125,
  /** 4 inbound per IP: a NAT may hide a few honest nodes; a single host filling slots is an attack. */
  maxInboundPerIp: 4,
  /** Dials in flight at once: fills 12 slots in a few round trips without a burst that looks like a scan. */
  maxConcurrentDials: 4,
  /** Feelers every 2 minutes on average (Core's FEELER_INTERVAL): slowly verifies new-table addresses. */
  feelerIntervalMs: 2 * 60_000,
  /** Churn every 55 minutes (Cardano's 3300 s deadline churn)... */
  churnIntervalMs: 55 * 60_000,
  /** ...plus or minus 10 minutes, so nodes do not churn in lockstep. */
  churnJitterMs: 10 * 60_000,
  /** 20 % of hot and of warm peers each churn ("replace 20 % or at least one peer", Cardano). */
  churnFraction: 0.2,
  /** A peer churned out is not redialled for 10 minutes (Lighthouse's PEER_RECONNECTION_TIMEOUT), so churn replaces it. */
  churnCooldownMs: 10 * 60_000,
  /** Backoff 5 s · 2^min(f-1, 5): 5, 10, 20, 40, 80, 160 s — Cardano's cold→warm retry delays. */
  backoffBaseMs: 5_000,
  backoffMaxExponent: 5,
  /** ±20 % jitter spreads retries of many nodes that lost the same peer at once. */
  backoffJitter: 0.2,
  /** A connection that lasted 2 minutes clears the endpoint's failure count (Cardano's policyClearFailCountDelay). */
  clearFailuresAfterMs: 2 * 60_000,
  /** A dial with no result after 60 s is given up (Core's peer connect timeout); the node should report sooner. */
  dialTimeoutMs: 60_000,
  /** Below targets the governor wants a tick every second: it keeps trying, never gives up. */
  tickIntervalMs: 1_000,
  /** At targets, every 30 s is enough (feelers, churn and backoff expiries set earlier ticks when due). */
  idleTickIntervalMs: 30_000,
  /** Ask discovery for addresses at most once a minute while starved. */
  addressRequestIntervalMs: 60_000,
  /** Skip addresses tried in the last 10 minutes during the first 30 picks (Core's ThreadOpenConnections). */
  recentTryMs: 10 * 60_000,
  /** Picks from the book per dial before giving up until the next tick (Core: 100). */
  selectTries: 100,
  /** 2 anchors (Core's MAX_BLOCK_RELAY_ONLY_ANCHORS): few enough that an attacker who was an anchor cannot keep us. */
  anchorCount: 2,
  /** With this many eviction candidates or fewer nothing is evicted (Core's protections cover them all). */
  minEvictionCandidates: 20,
});

/** Thrown for a configuration that cannot work; the message lists every problem. */
export class GovernorConfigError extends PeerwardenError {
  readonly code = 'governor-config-invalid';
  override readonly name = 'GovernorConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid governor configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

function parseTrusted(x: EndpointLike, problems: string[]): { id?: string; ip?: string } {
  if (typeof x === 'string') {
    if (looksLikeNodeId(x)) return { id: x.toLowerCase() };
    try {
      return { ip: parseEndpoint(x).ip };
    } catch {
      try {
        return { ip: normalizeIp(x) };
      } catch {
        problems.push(`trustedPeers: ${JSON.stringify(x)} is not a node id, an IP or an endpoint`);
        return {};
      }
    }
  }
  try {
    return { ip: parseEndpoint(x).ip };
  } catch (e) {
    problems.push(`trustedPeers: ${e instanceof Error ? e.message : String(e)}`);
    return {};
  }
}

function parseStatic(x: EndpointLike | StaticPeerSpec, problems: string[]): { endpoint?: Endpoint; id?: string } | undefined {
  try {
    if (typeof x === 'string') {
      if (looksLikeNodeId(x)) return { id: x.toLowerCase() };
      return { endpoint: parseEndpoint(x) };
    }
    if ('ip' in x && typeof (x as Endpoint).ip === 'string') return { endpoint: parseEndpoint(x as Endpoint) };
    const spec = x as StaticPeerSpec;
    if (spec.id !== undefined && !looksLikeNodeId(spec.id)) {
      problems.push(`staticPeers: ${JSON.stringify(spec.id)} is not a node id (64 hex characters)`);
      return undefined;
    }
    if (spec.endpoint === undefined && spec.id === undefined) {
      problems.push('staticPeers: an entry needs an endpoint or a node id');
      return undefined;
    }
    const out: { endpoint?: Endpoint; id?: string } = {};
    if (spec.endpoint !== undefined) out.endpoint = parseEndpoint(spec.endpoint);
    if (spec.id !== undefined) out.id = spec.id.toLowerCase();
    return out;
  } catch (e) {
    problems.push(`staticPeers: ${e instanceof AddressParseError ? e.message : String(e)}`);
    return undefined;
  }
}

/** Fills in defaults and checks every value; throws GovernorConfigError listing all problems at once. */
export function resolveGovernorConfig(config: GovernorConfig = {}): ResolvedGovernorConfig {
  const problems: string[] = [];
  const d = GOVERNOR_DEFAULTS;
  const t = config.targets ?? {};
  const maxInbound = t.maxInbound ?? d.maxInbound;
  const targets: GovernorTargets = {
    hot: t.hot ?? d.hot,
    outbound: t.outbound ?? d.outbound,
    maxInbound,
    maxTotal: t.maxTotal ?? d.maxTotal,
    hotInbound: t.hotInbound ?? maxInbound,
  };
  const int = (name: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min) problems.push(`${name} must be an integer >= ${min}, got ${String(v)}`);
    return v;
  };
  const num = (name: string, v: number, min: number, max = Infinity) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      problems.push(`${name} must be a number in [${min}, ${max === Infinity ? '∞' : max}], got ${String(v)}`);
    }
    return v;
  };
  for (const k of ['hot', 'outbound', 'maxInbound', 'maxTotal', 'hotInbound'] as const) int(`targets.${k}`, targets[k], 0);
  if (targets.hot > targets.outbound) problems.push(`targets.hot (${targets.hot}) cannot exceed targets.outbound (${targets.outbound})`);
  if (targets.outbound > targets.maxTotal) problems.push(`targets.outbound (${targets.outbound}) cannot exceed targets.maxTotal (${targets.maxTotal})`);
  const r: ResolvedGovernorConfig = {
    targets,
    maxInboundPerIp: int('maxInboundPerIp', config.maxInboundPerIp ?? d.maxInboundPerIp, 1),
    maxConcurrentDials: int('maxConcurrentDials', config.maxConcurrentDials ?? d.maxConcurrentDials, 1),
    feelerIntervalMs: num('feelerIntervalMs', config.feelerIntervalMs ?? d.feelerIntervalMs, 1),
    churnIntervalMs: num('churnIntervalMs', config.churnIntervalMs ?? d.churnIntervalMs, 1),
    churnJitterMs: num('churnJitterMs', config.churnJitterMs ?? d.churnJitterMs, 0),
    churnFraction: num('churnFraction', config.churnFraction ?? d.churnFraction, 0, 1),
    churnCooldownMs: num('churnCooldownMs', config.churnCooldownMs ?? d.churnCooldownMs, 0),
    backoffBaseMs: num('backoffBaseMs', config.backoffBaseMs ?? d.backoffBaseMs, 1),
    backoffMaxExponent: int('backoffMaxExponent', config.backoffMaxExponent ?? d.backoffMaxExponent, 0),
    backoffJitter: num('backoffJitter', config.backoffJitter ?? d.backoffJitter, 0, 0.99),
    clearFailuresAfterMs: num('clearFailuresAfterMs', config.clearFailuresAfterMs ?? d.clearFailuresAfterMs, 0),
    dialTimeoutMs: num('dialTimeoutMs', config.dialTimeoutMs ?? d.dialTimeoutMs, 1),
    tickIntervalMs: num('tickIntervalMs', config.tickIntervalMs ?? d.tickIntervalMs, 1),
    idleTickIntervalMs: num('idleTickIntervalMs', config.idleTickIntervalMs ?? d.idleTickIntervalMs, 1),
    addressRequestIntervalMs: num('addressRequestIntervalMs', config.addressRequestIntervalMs ?? d.addressRequestIntervalMs, 0),
    recentTryMs: num('recentTryMs', config.recentTryMs ?? d.recentTryMs, 0),
    selectTries: int('selectTries', config.selectTries ?? d.selectTries, 1),
    anchorCount: int('anchorCount', config.anchorCount ?? d.anchorCount, 0),
    minEvictionCandidates: int('minEvictionCandidates', config.minEvictionCandidates ?? d.minEvictionCandidates, 0),
    allowLoopback: !!config.allowLoopback,
    allowPrivate: !!config.allowPrivate,
    asmap: config.asmap,
    staticPeers: [],
    trustedIds: [],
    trustedIps: [],
    self: [],
  };
  if (r.churnJitterMs >= r.churnIntervalMs) problems.push(`churnJitterMs (${r.churnJitterMs}) must be below churnIntervalMs (${r.churnIntervalMs})`);
  for (const s of config.staticPeers ?? []) {
    const p = parseStatic(s, problems);
    if (p) r.staticPeers.push(p);
  }
  for (const x of config.trustedPeers ?? []) {
    const p = parseTrusted(x, problems);
    if (p.id) r.trustedIds.push(p.id);
    if (p.ip) r.trustedIps.push(p.ip);
  }
  for (const x of config.self ?? []) {
    try {
      r.self.push(parseEndpoint(x));
    } catch (e) {
      problems.push(`self: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (problems.length > 0) throw new GovernorConfigError(problems);
  return r;
}
