// Polls each API of the fleet, server-side (the nodes' APIs allow no foreign web pages), and describes
// each node the way the devnet page does, so that the same graph and table can draw them.

import type { AlarmJson, FleetNodeJson, FleetSnapshotJson, FleetVerdictJson, HealthJson, HistoryJson, NodeStatusJson, ObserverStatusJson, PeersJson } from '../../api/dto.js';
import type { FleetTarget } from './targets.js';

async function getJson(t: FleetTarget, path: string, timeoutMs: number): Promise<unknown> {
  const res = await fetch(t.url + path, { headers: { accept: 'application/json', ...t.headers }, signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) {
    let message = '';
    try {
      message = ((await res.json()) as { error?: { message?: string } }).error?.message ?? '';
    } catch {
      // not JSON
    }
    throw new Error(`HTTP ${res.status}${message ? `: ${message}` : ''}`);
  }
  return res.json();
}

/**
 * GET /api/v1/status as the fleet reads it: a node's, a hub's or watch's, of any version, so any field
 * may be missing; and alarms at the top level too, where the ChainCore-compatible GET /status has them.
 */
type PolledStatus = Partial<Omit<NodeStatusJson, 'mode' | 'health'> & Pick<ObserverStatusJson, 'counts'>> & {
  mode?: string;
  health?: HealthJson;
  alarms?: AlarmJson[];
};

/** Reads one API; a node that does not answer (or is not a peerwarden API) is `up: false` with the reason. */
export async function pollTarget(t: FleetTarget, index: number, timeoutMs = 3000): Promise<FleetNodeJson> {
  const base: FleetNodeJson = { index, name: t.name, apiUrl: t.url, ip: t.name, up: false, outbound: { hot: 0, warm: 0 }, inbound: { hot: 0, warm: 0 }, addresses: 0, peers: [], alarms: [] };
  try {
    const s = (await getJson(t, '/api/v1/status', timeoutMs)) as PolledStatus;
    // A node's alarms are in its health (GET /api/v1/status); some routes serve them at the top level.
    const raised = s.health?.alarms ?? s.alarms;
    const alarms = Array.isArray(raised) ? raised.map((a) => ({ kind: String(a.kind), message: String(a.message) })) : [];
    const health = s.health && { status: s.health.status, reason: s.health.reason };
    if (s.mode === 'observer') {
      return {
        ...base,
        up: true,
        mode: 'observer',
        version: s.version,
        health,
        alarms,
        observed: { total: s.counts?.total ?? 0, hot: s.counts?.byState.hot ?? 0, warm: s.counts?.byState.warm ?? 0 },
      };
    }
    if ((s.mode !== 'node' && s.mode !== 'hub') || !s.peers) throw new Error('answered, but not as a peerwarden node or watch');
    const [peers, history] = (await Promise.all([getJson(t, '/api/v1/peers', timeoutMs), getJson(t, '/api/v1/history?limit=1', timeoutMs)])) as [PeersJson, HistoryJson];
    return {
      ...base,
      up: true,
      mode: s.mode,
      id: s.id,
      version: s.version,
      network: s.network,
      health,
      outbound: s.peers.outbound,
      inbound: s.peers.inbound,
      targets: s.targets,
      addresses: s.addresses?.total ?? 0,
      peers: peers.peers.map((p) => ({ id: p.id, direction: p.direction, temperature: p.temperature })),
      lastEvent: history.events.at(-1),
      alarms,
    };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    let error = e.name === 'TimeoutError' ? `no answer in ${timeoutMs / 1000} s` : (e.cause?.code ?? e.cause?.message ?? e.message);
    // fetch() refuses some well-known ports (1, 9, 25…) outright: say so rather than its terse "bad port".
    if (error === 'bad port') error = `port ${new URL(t.url).port} is one fetch() refuses to use`;
    return { ...base, error };
  }
}

/** Every API answering, and no node isolated or raising an alarm. */
export function judgeFleet(nodes: FleetNodeJson[]): FleetVerdictJson {
  const problems: string[] = [];
  for (const n of nodes) {
    if (!n.up) problems.push(`${n.name} is not answering (${n.error ?? 'unknown'})`);
    else if (n.health && n.health.status !== 'healthy') problems.push(`${n.name} is ${n.health.status}: ${n.health.reason}`);
    for (const a of n.alarms) problems.push(`${n.name}: alarm ${a.kind}: ${a.message}`);
  }
  return { ok: problems.length === 0, answering: nodes.filter((n) => n.up).length, problems };
}

export async function pollFleet(targets: FleetTarget[], startedAt: number): Promise<FleetSnapshotJson> {
  const nodes = await Promise.all(targets.map((t, i) => pollTarget(t, i + 1)));
  return { startedAt, polledAt: Date.now(), nodes, verdict: judgeFleet(nodes) };
}
