// Churn: every 55 ± 10 minutes replace 20 % (at least one) of the hot outbound peers, lowest score first, and of the warm ones, at random.
//
// Churn keeps the peer set from fossilising: an attacker who got into our set early would
// otherwise stay forever, and a mediocre peer would never be compared with a better one. Hot
// peers are demoted by score (Cardano demotes the least useful); warm peers are closed at random
// (their quality is unknown) and held off for 10 minutes so the slot goes to someone new. Busy
// peers are never touched; static and trusted peers are not automatic and are never churned.

import { nextChurnAt, isAutomatic, isLive } from './state.js';
import { closePeer, demote, holdOff, scoreOf, type Run } from './run.js';
import { shuffle } from './outbound.js';

/** How many of `n` peers one churn replaces: 20 %, at least one (Cardano's `max 1 (n div 5)`). */
export function churnCount(n: number, fraction: number): number {
  if (n <= 0) return 0;
  return Math.max(1, Math.floor(n * fraction));
}

export function runChurn(run: Run): void {
  const s = run.state;
  s.churnAt = nextChurnAt(s, run.now, run.random);
  const { targets, churnFraction, churnCooldownMs } = s.config;
  const auto = [...s.peers.values()].filter((p) => p.direction === 'outbound' && isAutomatic(p.purpose) && isLive(p) && !p.trusted);
  const hot = auto.filter((p) => p.temperature === 'hot');
  const warm = auto.filter((p) => p.temperature === 'warm');

  // Hot: only as many as there are warm peers to take their place, or churn would just re-promote them.
  const hotN = Math.min(churnCount(hot.length, churnFraction), warm.length);
  const hotVictims = hot
    .filter((p) => !p.busy)
    .sort((a, b) => scoreOf(run, a.id) - scoreOf(run, b.id) || b.connectedAt - a.connectedAt || (a.id < b.id ? -1 : 1))
    .slice(0, hotN);
  for (const p of hotVictims) {
    p.churnedAt = run.now;
    demote(run, p, `churn: replacing ${hotN} of ${hot.length} hot peers, lowest score first (score ${scoreOf(run, p.id).toFixed(1)})`);
  }

  // Warm: only when outbound is full — churn replaces peers, it must not shrink a node that is short of them.
  if (warm.length === 0 || auto.length < targets.outbound) return;
  const warmN = churnCount(warm.length, churnFraction);
  const warmVictims = shuffle(run, warm.filter((p) => !p.busy)).slice(0, warmN);
  for (const p of warmVictims) {
    holdOff(run, p.endpointKey, run.now + churnCooldownMs, 'churned out');
    closePeer(run, p, 'churn', `churn: replacing ${warmN} of ${warm.length} warm peers at random`);
  }
}
