// Parses `peerStatusChangeType`, the Haskell `show` text of an outbound-governor transition.
//
// Two shapes exist (ouroboros-network PeerStateActions.PeerStatusChangeType):
//   ColdToWarm (Just 172.0.118.125:3001) 3.228.174.253:6000
//   ColdToWarm Nothing 3.228.174.253:6000                         -- no local address bound
// (`show` parenthesises `Just x` but not the nullary `Nothing`; "(Nothing)" is accepted too.)
//   WarmToHot (ConnectionId {localAddress = 127.0.0.1:30000, remoteAddress = 127.0.0.1:30001})
// Addresses are SockAddr `show`s: a.b.c.d:port or [v6]:port.
import { parseEndpoint, type Endpoint } from '../core/address/index.js';
import type { ObservedState, OutboundChange } from './types.js';

/** From/to states of each outbound change. */
export const OUTBOUND_CHANGES: Record<OutboundChange, { from: ObservedState; to: ObservedState }> = {
  ColdToWarm: { from: 'cold', to: 'warm' },
  WarmToHot: { from: 'warm', to: 'hot' },
  HotToWarm: { from: 'hot', to: 'warm' },
  WarmToCooling: { from: 'warm', to: 'cooling' },
  HotToCooling: { from: 'hot', to: 'cooling' },
  CoolingToCold: { from: 'cooling', to: 'cold' },
  // Constructors of nodes before the Cooling state existed (seen in 2022 logs).
  WarmToCold: { from: 'warm', to: 'cold' },
  HotToCold: { from: 'hot', to: 'cold' },
};

const ADDR = String.raw`(\[[0-9a-fA-F:.]+\]:\d+|[0-9.]+:\d+)`;
const COLD_TO_WARM = new RegExp(String.raw`^ColdToWarm (?:\(Just ${ADDR}\)|\(Nothing\)|Nothing) ${ADDR}$`);
const WITH_CONNECTION_ID = new RegExp(
  String.raw`^(\w+) \(ConnectionId \{localAddress = ${ADDR}, remoteAddress = ${ADDR}\}\)$`,
);

export interface StatusChange {
  change: OutboundChange;
  from: ObservedState;
  to: ObservedState;
  local: Endpoint | undefined;
  remote: Endpoint;
}

function isOutboundChange(name: string): name is OutboundChange {
  return Object.prototype.hasOwnProperty.call(OUTBOUND_CHANGES, name);
}

/** Parses a `peerStatusChangeType` string; undefined when it has neither known shape. */
export function parseStatusChange(text: string): StatusChange | undefined {
  try {
    const cold = COLD_TO_WARM.exec(text);
    if (cold) {
      return {
        change: 'ColdToWarm',
        ...OUTBOUND_CHANGES.ColdToWarm,
        local: cold[1] === undefined ? undefined : parseEndpoint(cold[1]),
        remote: parseEndpoint(cold[2]!),
      };
    }
    const conn = WITH_CONNECTION_ID.exec(text);
    if (conn && isOutboundChange(conn[1]!)) {
      const change = conn[1];
      return { change, ...OUTBOUND_CHANGES[change], local: parseEndpoint(conn[2]!), remote: parseEndpoint(conn[3]!) };
    }
  } catch {
    // An address that matched the pattern but is not a valid IP (999.1.1.1): not a change we can use.
  }
  return undefined;
}
