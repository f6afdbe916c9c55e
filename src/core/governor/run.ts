// One step in progress: the state, the time, randomness, the context, and the effects gathered so far, with the shared actions.

import type { Random } from '../random.js';
import { isAcceptable, type Endpoint } from '../address/index.js';
import { backoffDelayMs } from './backoff.js';
import { groupKeyOf } from './groups.js';
import { countConnections, endpointKey, isLive } from './state.js';
import type {
  AddressSource,
  BackoffEntry,
  DialPurpose,
  DisconnectCause,
  GovernorContext,
  GovernorEffect,
  GovernorEvent,
  GovernorPeer,
  GovernorState,
} from './types.js';

const EMPTY_SOURCE: AddressSource = {
  select: () => undefined,
  selectTriedCollision: () => undefined,
};

export interface Run {
  readonly state: GovernorState;
  readonly now: number;
  readonly random: Random;
  readonly addresses: AddressSource;
  readonly ctx: GovernorContext | undefined;
  readonly effects: GovernorEffect[];
}

export function makeRun(state: GovernorState, now: number, random: Random, ctx: GovernorContext | undefined): Run {
  return { state, now, random, addresses: ctx?.addresses ?? EMPTY_SOURCE, ctx, effects: [] };
}

export function emit(run: Run, event: Omit<GovernorEvent, 'at'>): void {
  run.effects.push({ type: 'emit', event: { ...event, at: run.now } });
}

export function isBanned(run: Run, q: { id?: string; ip?: string }): boolean {
  return run.ctx?.bans?.isBanned(q) ?? false;
}

export function isDiscouraged(run: Run, ip: string): boolean {
  return run.ctx?.isDiscouraged?.(ip) ?? false;
}

export function scoreOf(run: Run, id: string): number {
  return run.ctx?.scoreOf?.(id) ?? 0;
}

/** Most IPs remembered by the memo; beyond it the memo starts over (it only saves parsing). */
const IP_CACHE_MAX = 8192;

function ipInfo(run: Run, ip: string): { group: string; dialable: boolean } {
  const cache = run.state.ipCache;
  let info = cache.get(ip);
  if (!info) {
    const { allowLoopback, allowPrivate, asmap } = run.state.config;
    info = { group: groupKeyOf(ip, { allowLoopback, allowPrivate, ...(asmap ? { asmap } : {}) }), dialable: isAcceptable(ip, { allowLoopback, allowPrivate }) };
    if (cache.size >= IP_CACHE_MAX) cache.clear();
    cache.set(ip, info);
  }
  return info;
}

export function groupOf(run: Run, ip: string): string {
  return ipInfo(run, ip).group;
}

/** Whether our policies allow dialling this address at all (routable, or private/loopback when allowed). */
export function isDialable(run: Run, ep: Endpoint): boolean {
  return ep.port !== 0 && ipInfo(run, ep.ip).dialable;
}

/** Core counts failures only once we have outbound peers in at least 2 net groups: offline, every address would look dead. */
export function countFailures(run: Run): boolean {
  const groups = new Set<string>();
  for (const p of run.state.peers.values()) if (p.direction === 'outbound' && isLive(p)) groups.add(p.group);
  return groups.size >= 2;
}

export function dial(run: Run, endpoint: Endpoint, purpose: DialPurpose, reason: string, expectedId?: string): void {
  const key = endpointKey(endpoint);
  run.state.dials.set(key, {
    endpoint,
    endpointKey: key,
    purpose,
    startedAt: run.now,
    group: groupOf(run, endpoint.ip),
    connected: false,
    reason,
    ...(expectedId !== undefined ? { expectedId } : {}),
  });
  run.effects.push({ type: 'dial', endpoint, purpose, reason, ...(expectedId !== undefined ? { expectedId } : {}) });
  run.effects.push({ type: 'bookAttempt', endpoint, countFailure: countFailures(run) });
  emit(run, { type: 'peer:dialing', endpoint: key, direction: 'outbound', reason, data: { purpose } });
}

/** Counts one more failure for an endpoint and schedules its next allowed dial. */
export function recordFailure(run: Run, key: string, reason: string): BackoffEntry {
  const prev = run.state.backoff.get(key);
  const failures = (prev?.failures ?? 0) + 1;
  const { backoffBaseMs: baseMs, backoffMaxExponent: maxExponent, backoffJitter: jitter } = run.state.config;
  const entry: BackoffEntry = { failures, retryAt: run.now + backoffDelayMs(failures, run.random, { baseMs, maxExponent, jitter }), reason };
  run.state.backoff.set(key, entry);
  return entry;
}

/** Keeps an endpoint from being dialled until `retryAt` without counting a failure (churn cooldown, operator disconnect). */
export function holdOff(run: Run, key: string, untilMs: number, reason: string): void {
  const prev = run.state.backoff.get(key);
  const retryAt = Math.max(prev?.retryAt ?? 0, untilMs);
  run.state.backoff.set(key, { failures: prev?.failures ?? 0, retryAt, reason });
}

export function inBackoff(run: Run, key: string): boolean {
  const b = run.state.backoff.get(key);
  return b !== undefined && b.retryAt > run.now;
}

export function promote(run: Run, peer: GovernorPeer, reason: string): void {
  peer.temperature = 'hot';
  peer.promotedAt = run.now;
  run.effects.push({ type: 'promote', id: peer.id, reason });
  emit(run, { type: 'peer:promoted', id: peer.id, endpoint: peer.endpointKey, direction: peer.direction, reason });
}

export function demote(run: Run, peer: GovernorPeer, reason: string): void {
  peer.temperature = 'warm';
  run.effects.push({ type: 'demote', id: peer.id, reason });
  emit(run, { type: 'peer:demoted', id: peer.id, endpoint: peer.endpointKey, direction: peer.direction, reason });
}

/** Asks the node to close a peer; the peer stops counting at once, the `peer:disconnected` event comes with the node's report. */
export function closePeer(run: Run, peer: GovernorPeer, cause: DisconnectCause, reason: string): void {
  if (peer.closing !== undefined) return;
  peer.closing = reason;
  run.effects.push({ type: 'disconnect', id: peer.id, endpoint: peer.endpoint, cause, reason });
}

/** Whether anything is below target right now (the governor then wants frequent ticks). */
export function belowTargets(run: Run): boolean {
  const s = run.state;
  const c = countConnections(s);
  if (c.autoOutbound + c.autoDialing < s.config.targets.outbound) return true;
  if (c.autoHot < s.config.targets.hot && c.autoWarm > 0) return true;
  return false;
}
