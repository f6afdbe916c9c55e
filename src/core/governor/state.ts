// Creating the governor's state, and the counting questions every policy asks of it.

import type { Clock } from '../clock.js';
import type { Random } from '../random.js';
import { formatEndpoint, parseEndpoint, type EndpointLike } from '../address/index.js';
import { resolveGovernorConfig, type GovernorConfig } from './config.js';
import type { GovernorPeer, GovernorState, PendingDial } from './types.js';

export interface CreateGovernorOptions {
  /** Anchors saved at the last shutdown: dialled first. */
  anchors?: readonly EndpointLike[];
  /** 32 secret bytes for keyed net groups; drawn from `random` when omitted. */
  groupKey?: Uint8Array;
}

/** A uniform draw in interval · [1 - spread, 1 + spread). */
export function jittered(intervalMs: number, spreadMs: number, random: Random): number {
  return intervalMs + spreadMs * (2 * random.float() - 1);
}

/** When the next feeler is due: every interval on average, uniformly within ±50 % so it cannot be timed. */
export function nextFeelerAt(state: Pick<GovernorState, 'config'>, now: number, random: Random): number {
  const i = state.config.feelerIntervalMs;
  return now + Math.round(jittered(i, i / 2, random));
}

export function nextChurnAt(state: Pick<GovernorState, 'config'>, now: number, random: Random): number {
  return now + Math.round(jittered(state.config.churnIntervalMs, state.config.churnJitterMs, random));
}

/** A fresh governor. Nothing happens until the first `tick` (due at once). */
export function createGovernorState(config: GovernorConfig, clock: Clock, random: Random, opts: CreateGovernorOptions = {}): GovernorState {
  const resolved = resolveGovernorConfig(config);
  const now = clock.now();
  const groupKey = opts.groupKey ?? random.bytes(32);
  if (groupKey.length !== 32) throw new RangeError(`groupKey must be 32 bytes, got ${groupKey.length}`);
  const partial = { config: resolved };
  const state: GovernorState = {
    config: resolved,
    groupKey,
    peers: new Map(),
    dials: new Map(),
    inbound: new Map(),
    backoff: new Map(),
    statics: resolved.staticPeers.map((s) => ({ ...s, ...(s.endpoint ? { endpointKey: formatEndpoint(s.endpoint) } : {}) })),
    trustedIds: new Set(resolved.trustedIds),
    trustedIps: new Set(resolved.trustedIps),
    selfKeys: new Set(resolved.self.map((e) => formatEndpoint(e))),
    anchors: (opts.anchors ?? []).slice(0, resolved.anchorCount).map((a) => parseEndpoint(a)),
    savedAnchors: (opts.anchors ?? []).slice(0, resolved.anchorCount).map((a) => formatEndpoint(a)).join(','),
    feelerAt: nextFeelerAt(partial, now, random),
    churnAt: nextChurnAt(partial, now, random),
    nextTickAt: now,
    addressRequestAt: now,
    starved: undefined,
    startedAt: now,
    stopped: false,
    ipCache: new Map(),
  };
  return state;
}

/**
 * The text key of an endpoint whose IP is already canonical (from the book or parseEndpoint):
 * the same string formatEndpoint gives, without re-parsing the address.
 */
export function endpointKey(ep: { ip: string; port: number }): string {
  return ep.ip.includes(':') ? `[${ep.ip}]:${ep.port}` : `${ep.ip}:${ep.port}`;
}

/** Automatic outbound: the connections that count toward the outbound and hot targets. */
export function isAutomatic(purpose: string): boolean {
  return purpose === 'outbound' || purpose === 'anchor';
}

/** A peer that still counts (not being closed by us). */
export function isLive(p: GovernorPeer): boolean {
  return p.closing === undefined;
}

export interface GovernorCounts {
  /** Established automatic outbound peers (live). */
  autoOutbound: number;
  autoHot: number;
  autoWarm: number;
  /** Automatic dials in flight. */
  autoDialing: number;
  /** All dials in flight (feelers, static, manual included). */
  dialing: number;
  feelers: number;
  /** Live inbound peers plus accepted inbound handshakes. */
  inbound: number;
  inboundHot: number;
  /** Every connection that occupies a slot: live peers, dials, pending inbound. */
  total: number;
}

export function countConnections(state: GovernorState): GovernorCounts {
  const c: GovernorCounts = { autoOutbound: 0, autoHot: 0, autoWarm: 0, autoDialing: 0, dialing: 0, feelers: 0, inbound: 0, inboundHot: 0, total: 0 };
  for (const p of state.peers.values()) {
    if (!isLive(p)) continue;
    c.total++;
    if (p.direction === 'inbound') {
      c.inbound++;
      if (p.temperature === 'hot') c.inboundHot++;
    } else if (isAutomatic(p.purpose)) {
      c.autoOutbound++;
      if (p.temperature === 'hot') c.autoHot++;
      else c.autoWarm++;
    }
  }
  for (const d of state.dials.values()) {
    if (d.closing !== undefined) continue;
    c.total++;
    c.dialing++;
    if (d.purpose === 'feeler') c.feelers++;
    if (isAutomatic(d.purpose)) c.autoDialing++;
  }
  c.inbound += state.inbound.size;
  c.total += state.inbound.size;
  return c;
}

/** Net groups that automatic outbound dials must avoid: those of outbound peers and dials other than feelers. */
export function usedOutboundGroups(state: GovernorState): Set<string> {
  const used = new Set<string>();
  for (const p of state.peers.values()) if (p.direction === 'outbound' && p.purpose !== 'feeler' && isLive(p)) used.add(p.group);
  for (const d of state.dials.values()) if (d.purpose !== 'feeler') used.add(d.group);
  return used;
}

/** Endpoints we are connected to or dialling (as text), including where inbound peers listen. */
export function busyEndpoints(state: GovernorState): Set<string> {
  const s = new Set<string>(state.dials.keys());
  for (const p of state.peers.values()) {
    s.add(p.endpointKey);
    if (p.listenKey !== undefined) s.add(p.listenKey);
  }
  return s;
}

export function findPeerByEndpoint(state: GovernorState, key: string): GovernorPeer | undefined {
  for (const p of state.peers.values()) if (p.endpointKey === key) return p;
  return undefined;
}

export function isStaticEndpoint(state: GovernorState, key: string): boolean {
  return state.statics.some((s) => s.endpointKey === key);
}

export function isStaticId(state: GovernorState, id: string): boolean {
  return state.statics.some((s) => s.id === id);
}

export function dialOf(state: GovernorState, key: string): PendingDial | undefined {
  return state.dials.get(key);
}

/**
 * Whether a peer is static or trusted by configuration (by node id, by IP, or as a connected
 * static/trusted peer): Reputation's `isExempt` — such peers are spared automatic bans.
 */
export function isExemptPeer(state: GovernorState, peer: { id?: string; ip?: string }): boolean {
  const id = peer.id?.toLowerCase();
  if (id !== undefined) {
    if (state.trustedIds.has(id) || state.statics.some((s) => s.id === id)) return true;
    const p = state.peers.get(id);
    if (p && (p.static || p.trusted)) return true;
  }
  if (peer.ip !== undefined) {
    if (state.trustedIps.has(peer.ip) || state.statics.some((s) => s.endpoint?.ip === peer.ip)) return true;
  }
  return false;
}
