// Inbound admission: bans, trusted bypass, 4 per IP, discouraged only while slots are free, eviction when full.

import { formatEndpoint, parseEndpoint, type EndpointLike } from '../address/index.js';
import { selectInboundToEvict, type EvictionCandidate } from './eviction.js';
import { countConnections, isLive } from './state.js';
import { closePeer, emit, isBanned, isDiscouraged, type Run } from './run.js';

function refuse(run: Run, endpoint: ReturnType<typeof parseEndpoint>, key: string, reason: string): void {
  run.effects.push({ type: 'refuseInbound', endpoint, reason });
  emit(run, { type: 'peer:refused', endpoint: key, direction: 'inbound', reason });
}

/** Trusted by IP, or the IP of a static peer: such connections bypass inbound limits. */
export function isTrustedIp(run: Run, ip: string): boolean {
  const s = run.state;
  return s.trustedIps.has(ip) || s.statics.some((st) => st.endpoint?.ip === ip);
}

export function evictionCandidates(run: Run): EvictionCandidate[] {
  const out: EvictionCandidate[] = [];
  for (const p of run.state.peers.values()) {
    if (p.direction !== 'inbound' || !isLive(p) || p.busy || p.static || p.trusted) continue;
    const c: EvictionCandidate = {
      id: p.id,
      connectedAt: p.connectedAt,
      keyedGroup: p.keyedGroup,
      preferEvict: p.preferEvict || isDiscouraged(run, p.endpoint.ip),
    };
    if (p.minRttMs !== undefined) c.minRttMs = p.minRttMs;
    if (p.lastUsefulAt !== undefined) c.lastUsefulAt = p.lastUsefulAt;
    out.push(c);
  }
  return out;
}

export function admitInbound(run: Run, input: EndpointLike): void {
  const s = run.state;
  const endpoint = parseEndpoint(input);
  const key = formatEndpoint(endpoint);
  const ip = endpoint.ip;
  const { targets, maxInboundPerIp, minEvictionCandidates } = s.config;
  if (s.stopped) return refuse(run, endpoint, key, 'shutting down');
  if (isBanned(run, { ip })) return refuse(run, endpoint, key, 'banned address');
  const trusted = isTrustedIp(run, ip);
  const discouraged = isDiscouraged(run, ip);
  if (!trusted) {
    let sameIp = 0;
    for (const p of s.peers.values()) if (p.direction === 'inbound' && isLive(p) && p.endpoint.ip === ip) sameIp++;
    for (const q of s.inbound.values()) if (q.ip === ip) sameIp++;
    if (sameIp >= maxInboundPerIp) {
      return refuse(run, endpoint, key, `already ${sameIp} inbound connections from ${ip} (limit ${maxInboundPerIp} per IP)`);
    }
    const c = countConnections(s);
    // Core: a discouraged address gets in only while at least two inbound slots are free.
    if (discouraged && c.inbound + 1 >= targets.maxInbound) {
      return refuse(run, endpoint, key, `discouraged address and inbound nearly full (${c.inbound}/${targets.maxInbound})`);
    }
    if (c.inbound >= targets.maxInbound || c.total >= targets.maxTotal) {
      const victimId = selectInboundToEvict(evictionCandidates(run), { minCandidates: minEvictionCandidates });
      const victim = victimId !== undefined ? s.peers.get(victimId) : undefined;
      if (!victim) {
        const full = c.inbound >= targets.maxInbound ? `inbound full (${c.inbound}/${targets.maxInbound})` : `connections full (${c.total}/${targets.maxTotal})`;
        return refuse(run, endpoint, key, `${full} and no inbound peer may be evicted`);
      }
      closePeer(
        run,
        victim,
        'evicted',
        `evicted to admit a new inbound peer: ${victim.preferEvict ? 'discouraged; ' : ''}youngest of the most represented net group after eviction protections`,
      );
    }
  }
  s.inbound.set(key, { endpoint, endpointKey: key, ip, since: run.now, preferEvict: discouraged, trusted });
  run.effects.push({ type: 'acceptInbound', endpoint, reason: trusted ? 'trusted or static address: limits bypassed' : 'inbound slot free' });
}
