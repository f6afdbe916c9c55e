// Broadcast: encode a MESSAGE frame once and queue the very same bytes on every target connection.

import { encodeMessage } from '../wire/app-codec.js';
import type { Connection } from './connection.js';
import type { Priority } from './outbound-queue.js';

export interface BroadcastOptions {
  /** Default 'low': broadcasts are gossip, the first traffic shed for a slow peer. */
  priority?: Priority;
  /** A connection (e.g. the one the message came from) or node id to skip. */
  except?: Connection | string;
}

/** Queues one MESSAGE on every open connection of `targets`; returns how many queued it. */
export function broadcast(targets: Iterable<Connection>, topic: string, payload: Uint8Array, options: BroadcastOptions = {}): number {
  // One frame object for every target: its bytes exist once, which the send budget must know.
  const frame = { ...encodeMessage(topic, payload), shared: true };
  const priority = options.priority ?? 'low';
  const except = options.except;
  let queued = 0;
  for (const conn of targets) {
    if (conn === except || (typeof except === 'string' && conn.remoteId === except)) continue;
    if (conn.sendFrame(frame, priority)) queued++;
  }
  return queued;
}
