// The governor's step function: (state, input) → (state, effects). Every input is a named action; every decision an effect.
//
// The node calls `step` with each input from the network and its timers, then carries out the
// effects in order. Nothing here touches a socket or a timer; time comes from `clock`, chance
// from `random`, and the address book and ban list are read through `context`. The same state,
// inputs, clock readings and random stream give the same effects, so runs replay exactly.

import type { Clock } from '../clock.js';
import type { Random } from '../random.js';
import { formatEndpoint, parseEndpoint, type Endpoint } from '../address/index.js';
import { banMatcher } from '../reputation/ban-target.js';
import { keyedGroupValue } from './groups.js';
import { admitInbound, isTrustedIp } from './inbound.js';
import { maintain } from './outbound.js';
import { runChurn } from './churn.js';
import { countConnections, endpointKey, findPeerByEndpoint, isAutomatic, isLive, isStaticEndpoint, isStaticId, usedOutboundGroups } from './state.js';
import { belowTargets, closePeer, emit, groupOf, holdOff, isBanned, isDiscouraged, makeRun, promote, recordFailure, type Run } from './run.js';
import type { DialPurpose, GovernorContext, GovernorInput, GovernorPeer, GovernorState, StepResult } from './types.js';

/** Backoff entries whose retry time passed this long ago are forgotten (static peers' entries are kept). */
export const BACKOFF_FORGET_MS = 60 * 60_000;

/** Key of an endpoint that went through parseEndpoint (canonical IP). */
function keyOf(endpoint: Endpoint): string {
  return endpointKey(endpoint);
}

/** Drops dials and inbound handshakes past their deadline; returns whether any dial was dropped (its net group is free again). */
function expireStale(run: Run): boolean {
  const s = run.state;
  const { dialTimeoutMs } = s.config;
  let dropped = false;
  for (const d of [...s.dials.values()]) {
    if (run.now - d.startedAt < dialTimeoutMs) continue;
    s.dials.delete(d.endpointKey);
    dropped = true;
    if (d.closing !== undefined) continue;
    const b = recordFailure(run, d.endpointKey, 'dial timed out');
    run.effects.push({ type: 'cancelDial', endpoint: d.endpoint, reason: `no result after ${Math.round(dialTimeoutMs / 1000)} s` });
    emit(run, {
      type: 'peer:dial-failed',
      endpoint: d.endpointKey,
      direction: 'outbound',
      reason: `dial timed out after ${Math.round(dialTimeoutMs / 1000)} s`,
      data: { purpose: d.purpose, failures: b.failures, retryInMs: b.retryAt - run.now },
    });
  }
  for (const q of [...s.inbound.values()]) {
    if (run.now - q.since < dialTimeoutMs) continue;
    s.inbound.delete(q.endpointKey);
    run.effects.push({ type: 'disconnect', endpoint: q.endpoint, cause: 'requested', reason: 'inbound handshake not reported in time' });
  }
  for (const [key, b] of s.backoff) {
    if (run.now - b.retryAt > BACKOFF_FORGET_MS && !isStaticEndpoint(s, key)) s.backoff.delete(key);
  }
  return dropped;
}

function onTick(run: Run): void {
  if (run.state.stopped) return;
  let changed = expireStale(run);
  if (run.now >= run.state.churnAt) {
    runChurn(run);
    changed = true;
  }
  // A plain tick may skip a starved node's picks; a dial dropped or a churn is news.
  maintain(run, !changed);
}

function onDialFailed(run: Run, endpoint: Endpoint, reason: string): void {
  const s = run.state;
  const key = keyOf(endpoint);
  const d = s.dials.get(key);
  if (!d) return;
  s.dials.delete(key);
  if (d.closing !== undefined) return;
  const b = recordFailure(run, key, reason);
  emit(run, {
    type: 'peer:dial-failed',
    endpoint: key,
    direction: 'outbound',
    reason,
    data: { purpose: d.purpose, failures: b.failures, retryInMs: b.retryAt - run.now },
  });
  maintain(run);
}

/** The purpose an outbound connection gets when no dial of ours explains it: static if configured, else automatic if there is room. */
function adoptOutbound(run: Run, key: string, id: string, ip: string): DialPurpose | undefined {
  const s = run.state;
  if (isStaticEndpoint(s, key) || isStaticId(s, id)) return 'static';
  const c = countConnections(s);
  if (c.autoOutbound + c.autoDialing < s.config.targets.outbound && !usedOutboundGroups(s).has(groupOf(run, ip))) return 'outbound';
  return undefined;
}

function onHandshakeDone(run: Run, input: Extract<GovernorInput, { type: 'handshakeDone' }>): void {
  const s = run.state;
  const endpoint = parseEndpoint(input.endpoint);
  const key = keyOf(endpoint);
  const id = input.id.toLowerCase();
  const direction = input.direction;
  let purpose: GovernorPeer['purpose'];
  let preferEvict = false;
  let trustedByIp = false;
  if (direction === 'outbound') {
    const d = s.dials.get(key);
    if (d?.purpose === 'feeler') {
      // A feeler has done its job once the handshake proves the address is alive.
      d.closing = 'feeler done';
      run.effects.push({ type: 'bookGood', endpoint });
      run.effects.push({ type: 'disconnect', id, endpoint, cause: 'done', reason: 'feeler: address verified, closing' });
      emit(run, { type: 'peer:feeler', id, endpoint: key, direction, reason: `feeler succeeded: ${d.reason}` });
      return;
    }
    if (d) s.dials.delete(key);
    const adopted = d ? d.purpose : adoptOutbound(run, key, id, endpoint.ip);
    if (adopted === undefined) {
      run.effects.push({ type: 'disconnect', id, endpoint, cause: 'surplus', reason: 'outbound connection we did not ask for, and no slot for it' });
      return;
    }
    purpose = adopted;
  } else {
    const q = s.inbound.get(key);
    if (q) {
      s.inbound.delete(key);
      preferEvict = q.preferEvict;
      trustedByIp = q.trusted;
    } else {
      const c = countConnections(s);
      trustedByIp = isTrustedIp(run, endpoint.ip);
      if (!trustedByIp && c.inbound >= s.config.targets.maxInbound) {
        run.effects.push({ type: 'disconnect', id, endpoint, cause: 'too-many-inbound', reason: 'inbound connection not admitted through inboundRequested, and inbound is full' });
        return;
      }
      preferEvict = isDiscouraged(run, endpoint.ip);
    }
    purpose = 'inbound';
  }
  const old = s.peers.get(id);
  if (old) {
    // The node keeps one connection per node id and reports the other's close; until then the newest report wins.
    s.peers.delete(id);
  }
  const group = groupOf(run, endpoint.ip);
  const peer: GovernorPeer = {
    id,
    endpoint,
    endpointKey: key,
    direction,
    purpose,
    temperature: 'warm',
    connectedAt: run.now,
    group,
    keyedGroup: keyedGroupValue(s.groupKey, group),
    static: purpose === 'static' || isStaticId(s, id) || isStaticEndpoint(s, key),
    trusted: s.trustedIds.has(id) || trustedByIp,
    busy: false,
    preferEvict,
  };
  if (input.listenEndpoint !== undefined) {
    peer.listenEndpoint = parseEndpoint(input.listenEndpoint);
    peer.listenKey = keyOf(peer.listenEndpoint);
  }
  if (input.rttMs !== undefined) peer.minRttMs = input.rttMs;
  s.peers.set(id, peer);
  emit(run, {
    type: 'peer:connected',
    id,
    endpoint: key,
    direction,
    reason: direction === 'outbound' ? `handshake done (${purpose})` : 'inbound handshake done',
    data: { purpose },
  });
  if (isBanned(run, { id, ip: endpoint.ip })) {
    // Hold the address off too, or a static peer banned by id would be redialled in a loop.
    if (direction === 'outbound') recordFailure(run, key, 'banned');
    closePeer(run, peer, 'banned', 'banned');
    return;
  }
  if (direction === 'outbound') {
    run.effects.push({ type: 'bookGood', endpoint });
    run.effects.push({ type: 'sendGetAddr', id });
  }
  if (peer.static && direction === 'outbound') promote(run, peer, 'static peer: always hot');
  else if (purpose === 'manual') promote(run, peer, 'manual connection: hot');
  maintain(run);
}

function onDisconnected(run: Run, input: Extract<GovernorInput, { type: 'disconnected' }>): void {
  const s = run.state;
  const endpoint = input.endpoint !== undefined ? parseEndpoint(input.endpoint) : undefined;
  const key = endpoint ? keyOf(endpoint) : undefined;
  let peer = input.id !== undefined ? s.peers.get(input.id.toLowerCase()) : undefined;
  if (peer && key !== undefined && peer.endpointKey !== key) peer = undefined;
  if (!peer && input.id === undefined && key !== undefined) peer = findPeerByEndpoint(s, key);
  if (peer) {
    s.peers.delete(peer.id);
    const lastedMs = run.now - peer.connectedAt;
    emit(run, {
      type: 'peer:disconnected',
      id: peer.id,
      endpoint: peer.endpointKey,
      direction: peer.direction,
      reason: peer.closing ?? input.reason,
      data: { temperature: peer.temperature, purpose: peer.purpose, connectedMs: lastedMs, byUs: peer.closing !== undefined || input.byUs === true },
    });
    if (input.misbehaved) {
      // Back off the address it can be dialled at (inbound peers too: their listening endpoint may be in the book).
      const dialKey = peer.direction === 'outbound' ? peer.endpointKey : peer.listenKey;
      if (dialKey !== undefined) recordFailure(run, dialKey, `closed for misbehaviour: ${input.reason}`);
    }
    if (peer.direction === 'outbound') {
      run.effects.push({ type: 'bookConnected', endpoint: peer.endpoint });
      if (lastedMs >= s.config.clearFailuresAfterMs) {
        const b = s.backoff.get(peer.endpointKey);
        // Keep a churn cooldown or an operator hold; only the failure count is cleared.
        if (b && b.retryAt > run.now) s.backoff.set(peer.endpointKey, { ...b, failures: 0 });
        else s.backoff.delete(peer.endpointKey);
      } else if (peer.closing === undefined && !input.misbehaved) {
        // Accepted then dropped at once: a failure, or a flapping peer would be redialled in a loop.
        recordFailure(run, peer.endpointKey, `connection closed after ${Math.round(lastedMs / 1000)} s: ${input.reason}`);
      }
    }
    maintain(run);
    return;
  }
  if (key === undefined) return;
  if (s.dials.has(key)) {
    const d = s.dials.get(key)!;
    if (d.closing !== undefined) {
      s.dials.delete(key);
      return;
    }
    onDialFailed(run, d.endpoint, input.reason);
    return;
  }
  if (s.inbound.delete(key)) maintain(run);
}

function onBanAdded(run: Run, input: Extract<GovernorInput, { type: 'banAdded' }>): void {
  const s = run.state;
  const ban = input.ban;
  const matches = banMatcher(ban);
  const reason = `banned (${ban.target}): ${ban.reason}`;
  for (const p of s.peers.values()) {
    if (!matches({ id: p.id, ip: p.endpoint.ip }) || p.closing !== undefined) continue;
    if (p.direction === 'outbound') recordFailure(run, p.endpointKey, reason);
    closePeer(run, p, 'banned', reason);
  }
  for (const d of [...s.dials.values()]) {
    if (!matches({ ip: d.endpoint.ip, ...(d.expectedId !== undefined ? { id: d.expectedId } : {}) })) continue;
    s.dials.delete(d.endpointKey);
    run.effects.push({ type: 'cancelDial', endpoint: d.endpoint, reason });
  }
  for (const q of [...s.inbound.values()]) {
    if (!matches({ ip: q.ip })) continue;
    s.inbound.delete(q.endpointKey);
    run.effects.push({ type: 'disconnect', endpoint: q.endpoint, cause: 'banned', reason });
  }
  s.anchors = s.anchors.filter((a) => !matches({ ip: a.ip }));
  maintain(run);
}

function onConnectRequested(run: Run, input: Extract<GovernorInput, { type: 'connectRequested' }>): void {
  const s = run.state;
  const endpoint = parseEndpoint(input.endpoint);
  const key = keyOf(endpoint);
  const id = input.id?.toLowerCase();
  if (input.static && !isStaticEndpoint(s, key)) s.statics.push({ endpoint, endpointKey: key, ...(id !== undefined ? { id } : {}) });
  // An explicit request overrides backoff: the operator wants it tried now.
  s.backoff.delete(key);
  const existing = findPeerByEndpoint(s, key);
  if (existing) {
    if (input.static && !existing.static) {
      existing.static = true;
      if (existing.direction === 'outbound') existing.purpose = 'static';
      if (existing.temperature === 'warm') promote(run, existing, 'made static by the operator: always hot');
    }
    return;
  }
  const d = s.dials.get(key);
  if (d) {
    if (input.static) d.purpose = 'static';
    return;
  }
  if (s.stopped) return;
  if (isBanned(run, { ip: endpoint.ip, ...(id !== undefined ? { id } : {}) })) {
    emit(run, { type: 'peer:dial-failed', endpoint: key, direction: 'outbound', reason: 'not dialled: the target is banned', data: { purpose: input.static ? 'static' : 'manual' } });
    return;
  }
  if (input.static) {
    maintain(run);
    return;
  }
  const purpose: DialPurpose = 'manual';
  s.dials.set(key, { endpoint, endpointKey: key, purpose, startedAt: run.now, group: groupOf(run, endpoint.ip), connected: false, reason: 'requested by the operator', ...(id !== undefined ? { expectedId: id } : {}) });
  run.effects.push({ type: 'dial', endpoint, purpose, reason: 'requested by the operator', ...(id !== undefined ? { expectedId: id } : {}) });
  emit(run, { type: 'peer:dialing', endpoint: key, direction: 'outbound', reason: 'requested by the operator', data: { purpose } });
}

function onStaticRemoved(run: Run, input: Extract<GovernorInput, { type: 'staticRemoved' }>): void {
  const s = run.state;
  const key = input.endpoint !== undefined ? keyOf(parseEndpoint(input.endpoint)) : undefined;
  const id = input.id?.toLowerCase();
  s.statics = s.statics.filter((st) => !((key !== undefined && st.endpointKey === key) || (id !== undefined && st.id === id)));
  for (const p of s.peers.values()) {
    if ((key !== undefined && p.endpointKey === key) || (id !== undefined && p.id === id)) {
      p.static = false;
      // No longer kept by configuration: it stays as an operator-made connection until it closes.
      if (p.purpose === 'static') p.purpose = 'manual';
    }
  }
  for (const d of s.dials.values()) if (d.purpose === 'static' && (d.endpointKey === key || (id !== undefined && d.expectedId === id))) d.purpose = 'manual';
}

function onDisconnectRequested(run: Run, input: Extract<GovernorInput, { type: 'disconnectRequested' }>): void {
  const s = run.state;
  const p = s.peers.get(input.id.toLowerCase());
  if (!p) return;
  // A static peer will be redialled; give it a moment so a deliberate disconnect is not undone at once.
  if (p.static) holdOff(run, p.endpointKey, run.now + s.config.backoffBaseMs, 'disconnected by request');
  closePeer(run, p, input.cause, input.reason);
}

function onPeerBusy(run: Run, input: Extract<GovernorInput, { type: 'peerBusy' }>): void {
  const p = run.state.peers.get(input.id.toLowerCase());
  if (!p || p.busy === input.busy) return;
  p.busy = input.busy;
  emit(run, {
    type: 'peer:busy',
    id: p.id,
    endpoint: p.endpointKey,
    direction: p.direction,
    reason: input.busy ? 'marked busy: never demoted, churned or evicted' : 'no longer busy',
    data: { busy: input.busy },
  });
}

/** The 2 longest-connected hot automatic outbound peers: where to reconnect first after a restart. */
export function selectAnchors(state: GovernorState): Endpoint[] {
  return [...state.peers.values()]
    .filter((p) => p.direction === 'outbound' && isAutomatic(p.purpose) && p.temperature === 'hot' && isLive(p))
    .sort((a, b) => a.connectedAt - b.connectedAt || (a.id < b.id ? -1 : 1))
    .slice(0, state.config.anchorCount)
    .map((p) => p.endpoint);
}

function scheduleNextTick(run: Run): void {
  const s = run.state;
  const cfg = s.config;
  let next = run.now + (belowTargets(run) ? cfg.tickIntervalMs : cfg.idleTickIntervalMs);
  next = Math.min(next, Math.max(s.churnAt, run.now));
  const c = countConnections(s);
  if (c.autoOutbound >= cfg.targets.outbound) next = Math.min(next, Math.max(s.feelerAt, run.now + 1));
  for (const d of s.dials.values()) next = Math.min(next, d.startedAt + cfg.dialTimeoutMs);
  for (const q of s.inbound.values()) next = Math.min(next, q.since + cfg.dialTimeoutMs);
  for (const st of s.statics) {
    if (!st.endpointKey) continue;
    const b = s.backoff.get(st.endpointKey);
    if (b && b.retryAt > run.now) next = Math.min(next, b.retryAt);
  }
  s.nextTickAt = Math.max(next, run.now + 1);
}

/**
 * Applies one input. The state is updated in place and returned (keep using the returned one);
 * the effects are for the node to carry out, in order.
 */
export function step(state: GovernorState, input: GovernorInput, clock: Clock, random: Random, context?: GovernorContext): StepResult {
  const run = makeRun(state, clock.now(), random, context);
  const s = state;
  switch (input.type) {
    case 'tick':
      onTick(run);
      break;
    case 'dialSucceeded': {
      const d = s.dials.get(keyOf(parseEndpoint(input.endpoint)));
      if (d) d.connected = true;
      break;
    }
    case 'dialFailed':
      onDialFailed(run, parseEndpoint(input.endpoint), input.reason);
      break;
    case 'handshakeDone':
      onHandshakeDone(run, input);
      break;
    case 'disconnected':
      onDisconnected(run, input);
      break;
    case 'messageReceived': {
      const p = s.peers.get(input.id.toLowerCase());
      if (p && input.useful !== false) p.lastUsefulAt = run.now;
      // Hot path: no maintenance, no next-tick recomputation.
      return { state, effects: run.effects };
    }
    case 'rttMeasured': {
      const p = s.peers.get(input.id.toLowerCase());
      if (p && Number.isFinite(input.rttMs) && input.rttMs >= 0) p.minRttMs = p.minRttMs === undefined ? input.rttMs : Math.min(p.minRttMs, input.rttMs);
      return { state, effects: run.effects };
    }
    case 'addressesLearned':
      maintain(run, true);
      break;
    case 'banRemoved':
      maintain(run);
      break;
    case 'peerBusy':
      onPeerBusy(run, input);
      break;
    case 'banAdded':
      onBanAdded(run, input);
      break;
    case 'networkChanged':
      // Failures were likely ours (no network), not the peers': forget them and try again now.
      s.backoff.clear();
      s.addressRequestAt = run.now;
      maintain(run);
      break;
    case 'connectRequested':
      onConnectRequested(run, input);
      break;
    case 'staticRemoved':
      onStaticRemoved(run, input);
      break;
    case 'disconnectRequested':
      onDisconnectRequested(run, input);
      break;
    case 'inboundRequested':
      admitInbound(run, input.endpoint);
      break;
    case 'shutdown':
      if (!s.stopped) {
        s.stopped = true;
        const anchors = selectAnchors(s);
        s.savedAnchors = anchors.map((e) => formatEndpoint(e)).join(',');
        run.effects.push({ type: 'saveAnchors', endpoints: anchors });
      }
      break;
    default: {
      const never: never = input;
      throw new TypeError(`unknown governor input ${JSON.stringify(never)}`);
    }
  }
  if (!s.stopped) saveChangedAnchors(run);
  scheduleNextTick(run);
  return { state, effects: run.effects };
}

/**
 * Saves the anchor set whenever it changes to another non-empty set. An empty set is never saved
 * while running: losing every peer (a network outage) must not erase where to reconnect first.
 */
function saveChangedAnchors(run: Run): void {
  const s = run.state;
  const anchors = selectAnchors(s);
  if (anchors.length === 0) return;
  const key = anchors.map((e) => formatEndpoint(e)).join(',');
  if (key === s.savedAnchors) return;
  s.savedAnchors = key;
  run.effects.push({ type: 'saveAnchors', endpoints: anchors });
}
