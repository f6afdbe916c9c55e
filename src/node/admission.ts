// Inbound admission: the connection manager's hooks (bans, trusted IPs, discouragement) and eviction decided by the governor.

import { formatEndpoint, netGroup, type Asmap, type Endpoint } from '../core/address/index.js';
import type { GovernorEffect, GovernorState } from '../core/governor/index.js';
import type { Reputation } from '../core/reputation/index.js';
import type { Connection, ConnectionManagerOptions } from '../net/index.js';
import type { ResolvedConfig } from './config.js';
import type { GovernorDriver } from './governor-driver.js';
import type { PeerTable } from './peer-table.js';

/** What admission needs of the node: its limits and grouping, reputation, the governor and the peer table. */
export interface AdmissionParts {
  readonly config: Pick<ResolvedConfig, 'targets' | 'limits' | 'allowLoopback' | 'allowPrivate'>;
  readonly asmap: Asmap | undefined;
  readonly reputation: Pick<Reputation, 'isBanned' | 'isDiscouraged'>;
  readonly governor: GovernorState;
  readonly table: Pick<PeerTable, 'get' | 'records'>;
  readonly driver: Pick<GovernorDriver, 'stepNow' | 'executeNow'>;
}

/**
 * The ConnectionManager's admission options. It refuses banned IPs and ids and applies the per-IP
 * limit before any handshake work, keeps unfinished handshakes in its pending pool, and — when an
 * authenticated inbound peer finds the slots full — asks for a victim: the governor then runs
 * Bitcoin Core's eviction (inboundRequested) and names one, or none.
 */
export function admissionOptions(s: AdmissionParts): Pick<ConnectionManagerOptions, 'isBanned' | 'isExempt' | 'isDiscouraged' | 'selectEviction' | 'limits' | 'netGroupOf'> {
  const t = s.config.targets;
  const l = s.config.limits;
  const groupOptions = { allowLoopback: s.config.allowLoopback, allowPrivate: s.config.allowPrivate, ...(s.asmap ? { asmap: s.asmap } : {}) };
  return {
    limits: { maxInbound: t.maxInbound, maxTotal: t.maxTotal, maxPerIpInbound: t.maxInboundPerIp, maxPending: l.maxPendingHandshakes, maxPendingPerIp: l.maxPendingPerIp },
    // Pending handshakes are evicted per net group, grouped as the governor groups peers.
    netGroupOf: (ip) => Buffer.from(netGroup(ip, groupOptions)).toString('hex'),
    isBanned: { ip: (ip) => s.reputation.isBanned({ ip }), id: (id) => s.reputation.isBanned({ id }) },
    isExempt: (ip) => s.governor.trustedIps.has(ip) || s.governor.statics.some((st) => st.endpoint?.ip === ip),
    isDiscouraged: (ip) => s.reputation.isDiscouraged(ip),
    selectEviction: (remote) => selectEviction(s, remote),
  };
}

function selectEviction(s: AdmissionParts, remote: Endpoint): Connection | undefined {
  // Eviction protects the lowest pings: bring the governor's round-trip times up to date first.
  for (const rec of s.table.records()) {
    const rtt = rec.connection.minRttMs;
    if (rtt !== undefined) s.driver.stepNow({ type: 'rttMeasured', id: rec.id, rttMs: rtt });
  }
  const effects = s.driver.stepNow({ type: 'inboundRequested', endpoint: remote });
  if (!effects) return undefined;
  let victim: Connection | undefined;
  const rest: GovernorEffect[] = [];
  for (const e of effects) {
    if (e.type === 'disconnect' && e.id !== undefined && victim === undefined) {
      const rec = s.table.get(e.id);
      if (rec && rec.connection.direction === 'inbound') {
        // The connection manager closes it (reason 'evicted'); its close reaches the governor as usual.
        victim = rec.connection;
        continue;
      }
    }
    rest.push(e);
  }
  const accepted = effects.some((e) => e.type === 'acceptInbound');
  if (accepted && !victim) {
    // The governor saw room the connection manager does not (it counts handshakes differently):
    // the manager refuses, so the governor must forget the admission it just made.
    rest.push({ type: 'disconnect', endpoint: remote, cause: 'too-many-inbound', reason: `inbound refused by the connection manager: no slot for ${formatEndpoint(remote)}` });
  }
  s.driver.executeNow(rest);
  return victim;
}
