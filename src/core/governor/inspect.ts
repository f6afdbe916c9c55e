// A JSON view of the governor's state for the API and dashboard: peers by direction and temperature, dials, backoff, timers.

import { formatEndpoint } from '../address/index.js';
import { groupKeyName } from './groups.js';
import { countConnections, type GovernorCounts } from './state.js';
import type { GovernorTargets } from './config.js';
import type { Direction, DialPurpose, GovernorState, Temperature } from './types.js';

export interface GovernorPeerView {
  id: string;
  endpoint: string;
  listenEndpoint?: string;
  direction: Direction;
  temperature: Temperature;
  purpose: DialPurpose | 'inbound';
  netGroup: string;
  connectedAt: number;
  promotedAt?: number;
  static: boolean;
  trusted: boolean;
  busy: boolean;
  minRttMs?: number;
  lastUsefulAt?: number;
  discouraged: boolean;
  closing?: string;
}

export interface GovernorView {
  now: number;
  stopped: boolean;
  targets: GovernorTargets;
  /** Inbound connections accepted from one IP at most. */
  maxInboundPerIp: number;
  counts: GovernorCounts;
  nextTickAt: number;
  feelerAt: number;
  churnAt: number;
  peers: {
    outbound: { hot: GovernorPeerView[]; warm: GovernorPeerView[] };
    inbound: { hot: GovernorPeerView[]; warm: GovernorPeerView[] };
  };
  dials: Array<{ endpoint: string; purpose: DialPurpose; netGroup: string; startedAt: number; connected: boolean; reason: string }>;
  pendingInbound: Array<{ endpoint: string; since: number; trusted: boolean }>;
  backoff: Array<{ endpoint: string; failures: number; retryAt: number; retryInMs: number; reason: string }>;
  anchors: string[];
  staticPeers: Array<{ endpoint?: string; id?: string; connected: boolean }>;
}

/** A plain-data snapshot (safe to JSON.stringify) of what the governor holds at `now`. */
export function inspectGovernor(state: GovernorState, now: number): GovernorView {
  const view: GovernorView = {
    now,
    stopped: state.stopped,
    targets: { ...state.config.targets },
    maxInboundPerIp: state.config.maxInboundPerIp,
    counts: countConnections(state),
    nextTickAt: state.nextTickAt,
    feelerAt: state.feelerAt,
    churnAt: state.churnAt,
    peers: { outbound: { hot: [], warm: [] }, inbound: { hot: [], warm: [] } },
    dials: [],
    pendingInbound: [],
    backoff: [],
    anchors: state.anchors.map((a) => formatEndpoint(a)),
    staticPeers: [],
  };
  const peers = [...state.peers.values()].sort((a, b) => a.connectedAt - b.connectedAt || (a.id < b.id ? -1 : 1));
  for (const p of peers) {
    const v: GovernorPeerView = {
      id: p.id,
      endpoint: p.endpointKey,
      direction: p.direction,
      temperature: p.temperature,
      purpose: p.purpose,
      netGroup: groupKeyName(p.group),
      connectedAt: p.connectedAt,
      static: p.static,
      trusted: p.trusted,
      busy: p.busy,
      discouraged: p.preferEvict,
    };
    if (p.listenEndpoint) v.listenEndpoint = formatEndpoint(p.listenEndpoint);
    if (p.promotedAt !== undefined) v.promotedAt = p.promotedAt;
    if (p.minRttMs !== undefined) v.minRttMs = p.minRttMs;
    if (p.lastUsefulAt !== undefined) v.lastUsefulAt = p.lastUsefulAt;
    if (p.closing !== undefined) v.closing = p.closing;
    view.peers[p.direction][p.temperature].push(v);
  }
  for (const d of state.dials.values()) {
    view.dials.push({ endpoint: d.endpointKey, purpose: d.purpose, netGroup: groupKeyName(d.group), startedAt: d.startedAt, connected: d.connected, reason: d.reason });
  }
  for (const q of state.inbound.values()) view.pendingInbound.push({ endpoint: q.endpointKey, since: q.since, trusted: q.trusted });
  for (const [endpoint, b] of state.backoff) {
    view.backoff.push({ endpoint, failures: b.failures, retryAt: b.retryAt, retryInMs: Math.max(0, b.retryAt - now), reason: b.reason });
  }
  view.backoff.sort((a, b) => a.retryAt - b.retryAt);
  for (const st of state.statics) {
    const connected = [...state.peers.values()].some((p) => (st.endpointKey !== undefined && p.endpointKey === st.endpointKey) || (st.id !== undefined && p.id === st.id));
    const e: { endpoint?: string; id?: string; connected: boolean } = { connected };
    if (st.endpointKey !== undefined) e.endpoint = st.endpointKey;
    if (st.id !== undefined) e.id = st.id;
    view.staticPeers.push(e);
  }
  return view;
}
