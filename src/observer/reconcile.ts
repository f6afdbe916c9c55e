// Reconciles the tracker's sessions with the kernel's sockets: finds unlogged peers, closes vanished ones.
//
// Both directions are explicit outcomes, never silent deletions (openblockperf's 30 s loop deleted
// every peer without a socket, and hot peers without a socket are a real node bug:
// ouroboros-network#5257):
// - a socket on the node's port that no open session explains becomes a session in state `unknown`
//   (the caller then searches older logs for it);
// - a session with no socket for longer than the grace period is closed with reason `no_socket`.
import { connectionIdText, endpointText } from './endpoint-text.js';
import type { SocketPair } from './proc-net.js';
import type { PeerTracker } from './tracker.js';

export interface ReconcileOptions {
  /** The node's node-to-node port: only sockets and sessions on it can be judged. */
  nodePort: number;
  /** How long a session may lack a socket before it is closed (ms). */
  graceMs: number;
}

export interface ReconcileOutcome {
  /** Ids of sessions opened in state `unknown` for sockets the log never mentioned. */
  discovered: string[];
  /** Ids of sessions closed with reason `no_socket`. */
  closed: string[];
  /** Sessions a socket confirmed. */
  confirmed: number;
  /** Sessions without a socket, still within the grace period. */
  missing: number;
}

/**
 * One reconciliation pass at time `now` over the node's established sockets. A session matches a
 * socket with the same local and remote endpoints, or, failing that, any socket to the same remote
 * endpoint (the log and the kernel can name our end differently behind NAT or on a wildcard bind).
 * Sessions whose local port is not the node's port (dialled from an ephemeral port) cannot be
 * judged from a port-filtered table and are left alone.
 */
export function reconcileSockets(tracker: PeerTracker, sockets: readonly SocketPair[], now: number, options: ReconcileOptions): ReconcileOutcome {
  const byId = new Map<string, SocketPair>();
  const byRemote = new Map<string, SocketPair[]>();
  for (const s of sockets) {
    byId.set(connectionIdText(s.local, s.remote), s);
    const r = endpointText(s.remote);
    const list = byRemote.get(r);
    if (list) list.push(s);
    else byRemote.set(r, [s]);
  }
  const explained = new Set<SocketPair>();
  const outcome: ReconcileOutcome = { discovered: [], closed: [], confirmed: 0, missing: 0 };

  for (const c of tracker.openConnections()) {
    if (c.local && c.local.port !== options.nodePort) continue;
    const exact = byId.get(c.id);
    const sameRemote = exact ? [exact] : byRemote.get(endpointText(c.remote));
    if (sameRemote && sameRemote.length > 0) {
      for (const s of sameRemote) explained.add(s);
      tracker.socketSeen(c.id, now);
      outcome.confirmed++;
      continue;
    }
    const missingSince = tracker.socketMissing(c.id, now) ?? now;
    if (now - missingSince >= options.graceMs) {
      tracker.close(c.id, { at: now, reason: 'no_socket', source: 'socket', detail: `no established socket for ${Math.round((now - missingSince) / 1000)} s` });
      outcome.closed.push(c.id);
    } else {
      outcome.missing++;
    }
  }

  for (const s of sockets) {
    if (explained.has(s)) continue;
    outcome.discovered.push(tracker.openFromSocket(s.local, s.remote, now));
  }
  return outcome;
}
