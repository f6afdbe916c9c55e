// Polls every devnet node's API and judges the network: who is up, at targets, and whether the graph is one piece.

import type { DevnetNodeJson, DevnetVerdictJson, HistoryJson, NodeStatusJson, PeersJson } from '../../api/dto.js';
import type { DevnetNode } from './cluster.js';

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

/** Reads one node's status, peers and newest event; a node that does not answer is `up: false`. */
export async function viewNode(n: DevnetNode): Promise<DevnetNodeJson> {
  const base: DevnetNodeJson = { index: n.index, ip: n.ip, apiUrl: n.apiUrl, up: false, outbound: { hot: 0, warm: 0 }, inbound: { hot: 0, warm: 0 }, addresses: 0, peers: [] };
  if (n.exitCode !== undefined) return { ...base, exitCode: n.exitCode };
  try {
    const [status, peers, history] = (await Promise.all([
      getJson(`${n.apiUrl}/api/v1/status`),
      getJson(`${n.apiUrl}/api/v1/peers`),
      getJson(`${n.apiUrl}/api/v1/history?limit=1`),
    ])) as [NodeStatusJson, PeersJson, HistoryJson];
    return {
      ...base,
      up: true,
      id: status.id,
      health: status.health,
      outbound: status.peers.outbound,
      inbound: status.peers.inbound,
      targets: status.targets,
      addresses: status.addresses.total,
      peers: peers.peers.map((p) => ({ id: p.id, direction: p.direction, temperature: p.temperature })),
      lastEvent: history.events[0],
    };
  } catch {
    return base;
  }
}

/** Judges the network: all up, each node at its targets or fully meshed, and one connected graph. */
export function judge(views: DevnetNodeJson[]): DevnetVerdictJson {
  const problems: string[] = [];
  const n = views.length;
  for (const v of views) {
    if (!v.up) {
      problems.push(`node ${v.index} (${v.ip}) is not answering${v.exitCode !== undefined ? ` (exited with ${v.exitCode})` : ''}`);
      continue;
    }
    const out = v.outbound.hot + v.outbound.warm;
    const total = out + v.inbound.hot + v.inbound.warm;
    const atTargets = v.targets !== undefined && out >= v.targets.outbound && v.outbound.hot >= v.targets.hot;
    const meshed = total >= n - 1;
    if (!atTargets && !meshed) {
      problems.push(`node ${v.index} has ${total} of ${n - 1} possible peers (outbound ${out}/${v.targets?.outbound}, hot ${v.outbound.hot}/${v.targets?.hot})`);
    }
  }
  // Breadth-first search over connections (either direction) from node 1.
  const byId = new Map(views.filter((v) => v.id).map((v) => [v.id!, v]));
  const adjacent = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    let set = adjacent.get(a);
    if (!set) adjacent.set(a, (set = new Set()));
    set.add(b);
  };
  for (const v of views) {
    if (!v.id) continue;
    for (const p of v.peers) {
      if (!byId.has(p.id)) continue;
      link(v.id, p.id);
      link(p.id, v.id);
    }
  }
  const start = views[0]?.id;
  const seen = new Set<string>(start ? [start] : []);
  const queue = start ? [start] : [];
  while (queue.length) {
    for (const next of adjacent.get(queue.shift()!) ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  if (seen.size < n) problems.push(`the graph is split: ${seen.size} of ${n} nodes are reachable from node 1`);
  return { ok: problems.length === 0, component: seen.size, problems };
}
