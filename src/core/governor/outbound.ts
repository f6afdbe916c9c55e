// Outbound maintenance: static peers, anchors, filling automatic slots from the book, feelers, promotion and trimming.

import type { Endpoint } from '../address/index.js';
import { countConnections, busyEndpoints, endpointKey, isAutomatic, isLive, isStaticEndpoint, nextFeelerAt, usedOutboundGroups } from './state.js';
import { closePeer, demote, dial, groupOf, inBackoff, isBanned, isDialable, isDiscouraged, promote, scoreOf, type Run } from './run.js';
import type { DialPurpose, GovernorPeer, GovernorState } from './types.js';
import type { GovernorCounts } from './state.js';

/** While fewer than this many picks were made, skip addresses tried in the last `recentTryMs` (Core's ThreadOpenConnections). */
export const RECENT_TRY_PICKS = 30;

interface Pick {
  endpoint: Endpoint;
  key: string;
  purpose: DialPurpose;
  reason: string;
}

/**
 * A starved fill (100 picks, none dialable) is not repeated on a tick or on news of addresses
 * while the book's size is unchanged, for STARVED_RETRY_MS doubled per starved round in a row, up
 * to STARVED_RETRY_MAX_MS. Core's ThreadOpenConnections pauses 500 ms between rounds of picks,
 * forever; a node whose book holds nothing dialable (a small network, every known address connected,
 * in one group or backing off) then spends 200 picks a second on nothing: in simulation, millions of
 * picks per virtual hour from a few dozen nodes. With an unchanged book and peer set only time can
 * make a pick succeed, by a backoff running out (the pause ends then) or the 10-minute recent-try
 * window, which binds only the first 30 picks. A grown book, a backoff running out, or any change of
 * the peer set (a dial failing or timing out, a peer leaving, churn) retries at once.
 */
export const STARVED_RETRY_MS = 500;
export const STARVED_RETRY_MAX_MS = 16_000;

/** Checks every automatic dial must pass. `groups` undefined skips the diversity check (feelers). */
function dialAllowed(run: Run, ep: Endpoint, key: string, busy: Set<string>, groups: Set<string> | undefined): boolean {
  const s = run.state;
  if (groups && groups.has(groupOf(run, ep.ip))) return false;
  if (!isDialable(run, ep)) return false;
  if (s.selfKeys.has(key) || busy.has(key)) return false;
  // Static peers have their own reconnect loop; automatic slots are not spent on them (Core: addnode peers).
  if (isStaticEndpoint(s, key)) return false;
  if (isBanned(run, { ip: ep.ip }) || isDiscouraged(run, ep.ip)) return false;
  return !inBackoff(run, key);
}

/** Picks an address from the book the way Core's ThreadOpenConnections does, or undefined after `selectTries` picks. */
export function pickFromBook(run: Run, busy: Set<string>, groups: Set<string> | undefined, newOnly: boolean): Pick | undefined {
  const { selectTries, recentTryMs } = run.state.config;
  for (let tries = 1; tries <= selectTries; tries++) {
    const sel = run.addresses.select(newOnly ? { newOnly: true } : {});
    // An empty book (or table) answers nothing: stop, as Core does on an invalid pick.
    if (!sel) return undefined;
    const ep = sel.endpoint;
    const key = endpointKey(ep);
    if (!dialAllowed(run, ep, key, busy, groups)) continue;
    if (run.now - sel.lastTry < recentTryMs && tries < RECENT_TRY_PICKS) continue;
    return {
      endpoint: ep,
      key,
      purpose: newOnly ? 'feeler' : 'outbound',
      reason: newOnly ? 'feeler: testing a new-table address' : '',
    };
  }
  return undefined;
}

function nextAnchor(run: Run, busy: Set<string>, groups: Set<string>): Pick | undefined {
  const s = run.state;
  while (s.anchors.length > 0) {
    const ep = s.anchors.shift()!;
    const key = endpointKey(ep);
    if (!dialAllowed(run, ep, key, busy, groups)) continue;
    return { endpoint: ep, key, purpose: 'anchor', reason: 'anchor: one of our longest-lived hot peers at the last shutdown' };
  }
  return undefined;
}

export function maybeRequestAddresses(run: Run, reason: string): void {
  const s = run.state;
  if (run.now < s.addressRequestAt) return;
  s.addressRequestAt = run.now + s.config.addressRequestIntervalMs;
  run.effects.push({ type: 'requestAddresses', reason });
}

/** Whether a patient fill can skip its picks: the last round starved within its pause and the book has not changed size since. */
function starvedWithoutNews(run: Run): boolean {
  const st = run.state.starved;
  if (!st || st.bookSize === undefined) return false;
  return run.now < st.until && run.addresses.size?.() === st.bookSize;
}

/** Keeps every static peer connected or dialling (manual bans and backoff permitting). */
export function dialStatics(run: Run): void {
  const s = run.state;
  for (const st of s.statics) {
    if (!st.endpoint || !st.endpointKey) continue;
    const key = st.endpointKey;
    if (s.dials.has(key) || s.selfKeys.has(key)) continue;
    let connected = false;
    for (const p of s.peers.values()) {
      if (p.endpointKey === key || (st.id !== undefined && p.id === st.id) || p.listenKey === key) {
        connected = true;
        break;
      }
    }
    if (connected || inBackoff(run, key)) continue;
    if (isBanned(run, { ip: st.endpoint.ip, ...(st.id !== undefined ? { id: st.id } : {}) })) continue;
    const failures = s.backoff.get(key)?.failures ?? 0;
    dial(run, st.endpoint, 'static', failures > 0 ? `static peer: reconnecting after ${failures} failure(s)` : 'static peer: kept connected', st.id);
  }
}

function outboundWanted(state: GovernorState, c: GovernorCounts): boolean {
  const { targets, maxConcurrentDials } = state.config;
  return c.autoOutbound + c.autoDialing < targets.outbound && c.autoDialing < maxConcurrentDials && c.total < targets.maxTotal;
}

/**
 * Whether the governor would open an automatic outbound dial now if it had an address: what makes
 * news of addresses (`addressesLearned`) worth a step. At its targets, new addresses wait for the
 * next tick or feeler, which read the book anyway.
 */
export function wantsOutbound(state: GovernorState): boolean {
  return !state.stopped && outboundWanted(state, countConnections(state));
}

/**
 * Opens automatic outbound dials until the outbound target (counting dials in flight) is met.
 * `patient` (ticks, news of addresses): skip the picks while a recent starved round stands.
 */
export function fillOutbound(run: Run, patient = false): void {
  const s = run.state;
  const { targets } = s.config;
  const c = countConnections(s);
  const wanted = () => outboundWanted(s, c);
  // At target (nearly every call: this runs after every change), the sets below are not needed.
  if (!wanted()) return;
  if (patient && starvedWithoutNews(run)) {
    requestWhenStarved(run, c.autoOutbound + c.autoDialing, run.addresses.size?.());
    return;
  }
  const groups = usedOutboundGroups(s);
  const busy = busyEndpoints(s);
  let starved = false;
  while (wanted()) {
    const pick = nextAnchor(run, busy, groups) ?? pickFromBook(run, busy, groups, false);
    if (!pick) {
      starved = true;
      break;
    }
    const slot = c.autoOutbound + c.autoDialing + 1;
    const reason = pick.purpose === 'anchor' ? pick.reason : `filling outbound slot ${slot}/${targets.outbound} from the address book`;
    dial(run, pick.endpoint, pick.purpose, reason);
    groups.add(groupOf(run, pick.endpoint.ip));
    busy.add(pick.key);
    c.autoDialing++;
    c.total++;
  }
  if (!starved) {
    s.starved = undefined;
    return;
  }
  const bookSize = run.addresses.size?.();
  const rounds = s.starved && s.starved.bookSize === bookSize ? s.starved.rounds + 1 : 1;
  // The pause ends early when a backoff runs out: that address may be the one to dial.
  let until = run.now + Math.min(STARVED_RETRY_MAX_MS, STARVED_RETRY_MS * 2 ** Math.min(rounds - 1, 5));
  for (const b of s.backoff.values()) if (b.retryAt > run.now && b.retryAt < until) until = b.retryAt;
  s.starved = { at: run.now, until, bookSize, rounds };
  requestWhenStarved(run, c.autoOutbound + c.autoDialing, bookSize);
}

/** Asks for addresses (at most once a minute), saying why: `have` outbound of the target, `size` known addresses. */
function requestWhenStarved(run: Run, have: number, size: number | undefined): void {
  const known = size === undefined ? '' : ` among ${size} known addresses`;
  maybeRequestAddresses(run, `outbound ${have}/${run.state.config.targets.outbound}: no dialable address in a new net group${known}`);
}

/** A feeler every ~2 minutes once outbound is full: test-before-evict collisions first, else a new-table address. */
export function runFeeler(run: Run): void {
  const s = run.state;
  if (run.now < s.feelerAt) return;
  const c = countConnections(s);
  // Core makes feelers only when every outbound slot is filled; until then the timer stays due.
  if (c.autoOutbound < s.config.targets.outbound) return;
  s.feelerAt = nextFeelerAt(s, run.now, run.random);
  if (c.feelers > 0 || c.total >= s.config.targets.maxTotal) return;
  run.effects.push({ type: 'resolveCollisions' });
  const busy = busyEndpoints(s);
  let pick: Pick | undefined;
  const col = run.addresses.selectTriedCollision();
  if (col) {
    const key = endpointKey(col.endpoint);
    if (busy.has(key)) {
      // Already connected to the tried entry under test: it is evidently alive (Core marks it Good).
      run.effects.push({ type: 'bookGood', endpoint: col.endpoint });
    } else if (dialAllowed(run, col.endpoint, key, busy, undefined)) {
      pick = { endpoint: col.endpoint, key, purpose: 'feeler', reason: 'feeler: test-before-evict, is the tried entry a new address collides with still alive?' };
    }
  }
  pick ??= pickFromBook(run, busy, undefined, true);
  if (pick) dial(run, pick.endpoint, 'feeler', pick.reason);
}

function byScoreThenYoungest(run: Run) {
  return (a: GovernorPeer, b: GovernorPeer) => scoreOf(run, a.id) - scoreOf(run, b.id) || b.connectedAt - a.connectedAt || (a.id < b.id ? -1 : 1);
}

function shuffle<T>(run: Run, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = run.random.int(i + 1);
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/** Brings hot and warm counts to their targets: demote or close the excess (never busy peers), promote warm peers into free hot slots. */
export function balanceTemperatures(run: Run): void {
  const s = run.state;
  const { targets, churnCooldownMs } = s.config;
  const auto = [...s.peers.values()].filter((p) => p.direction === 'outbound' && isAutomatic(p.purpose) && isLive(p));
  let hot = auto.filter((p) => p.temperature === 'hot');
  if (hot.length > targets.hot) {
    for (const p of hot.filter((q) => !q.busy).sort(byScoreThenYoungest(run))) {
      if (hot.length <= targets.hot) break;
      demote(run, p, `hot outbound over target (${hot.length}/${targets.hot}): lowest score demoted`);
      hot = hot.filter((q) => q !== p);
    }
  }
  let live = auto.length;
  if (live > targets.outbound) {
    const warm = shuffle(run, auto.filter((p) => p.temperature === 'warm' && !p.busy && !p.trusted));
    for (const p of warm) {
      if (live <= targets.outbound) break;
      closePeer(run, p, 'surplus', `outbound over target (${live}/${targets.outbound})`);
      live--;
    }
  }
  let hotCount = hot.length;
  // At the hot target (nearly every call) nothing is promoted: no shuffle, no random draws.
  if (hotCount < targets.hot) {
    const recentlyChurned = (p: GovernorPeer) => p.churnedAt !== undefined && run.now - p.churnedAt < churnCooldownMs;
    const warm = shuffle(run, auto.filter((p) => p.temperature === 'warm' && isLive(p)));
    // Stable sort after the shuffle: random order, but peers churned out of hot recently go last.
    warm.sort((a, b) => Number(recentlyChurned(a)) - Number(recentlyChurned(b)));
    for (const p of warm) {
      if (hotCount >= targets.hot) break;
      hotCount++;
      promote(run, p, `filling hot slot ${hotCount}/${targets.hot}`);
    }
  }
  // Operator-chosen outbound peers and inbound peers have their own rules (see promoteOnConnect).
  let inboundHot = 0;
  for (const p of s.peers.values()) if (p.direction === 'inbound' && isLive(p) && p.temperature === 'hot') inboundHot++;
  for (const p of s.peers.values()) {
    if (!isLive(p) || p.temperature === 'hot') continue;
    if (p.direction === 'outbound' && (p.purpose === 'static' || p.purpose === 'manual')) {
      promote(run, p, `${p.purpose} peer: always hot`);
    } else if (p.direction === 'inbound' && inboundHot < targets.hotInbound) {
      inboundHot++;
      promote(run, p, `inbound peer: serving a peer that chose us (${inboundHot}/${targets.hotInbound})`);
    }
  }
}

/**
 * Everything that keeps the node at its targets; run on ticks and after every change of the peer
 * set. `patient`: a tick or news of addresses, which may skip a starved node's picks (fillOutbound).
 */
export function maintain(run: Run, patient = false): void {
  if (run.state.stopped) return;
  dialStatics(run);
  balanceTemperatures(run);
  fillOutbound(run, patient);
  runFeeler(run);
}

export { shuffle };
