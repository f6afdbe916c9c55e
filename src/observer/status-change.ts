// Parses `peerStatusChangeType`, the Haskell `show` text of an outbound-governor transition.
//
// Two shapes exist (ouroboros-network PeerStateActions.PeerStatusChangeType):
//   ColdToWarm (Just 172.0.118.125:3001) 3.228.174.253:6000
//   ColdToWarm Nothing 3.228.174.253:6000                         -- no local address bound
// (`show` parenthesises `Just x` but not the nullary `Nothing`; "(Nothing)" is accepted too.)
//   WarmToHot (ConnectionId {localAddress = 127.0.0.1:30000, remoteAddress = 127.0.0.1:30001})
// Addresses are SockAddr `show`s: a.b.c.d:port or [v6]:port.
import type { Endpoint } from '../core/address/index.js';
import { endpointFromText } from './log-fields.js';
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

// Parsed by hand rather than with a regular expression: a regex with address alternations cost more
// than the JSON.parse of the whole line, and this runs for every status-change line.
const JUST = '(Just ';
const NOTHING = 'Nothing ';
const NOTHING_PAREN = '(Nothing) ';
const CONN_OPEN = ' (ConnectionId {localAddress = ';
const CONN_MID = ', remoteAddress = ';
const CONN_CLOSE = '})';

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
  const space = text.indexOf(' ');
  if (space < 0) return undefined;
  const name = text.slice(0, space);
  if (!isOutboundChange(name)) return undefined;
  let local: Endpoint | undefined;
  let remote: Endpoint | undefined;
  if (name === 'ColdToWarm') {
    let rest = space + 1;
    if (text.startsWith(JUST, rest)) {
      const close = text.indexOf(') ', rest);
      if (close < 0) return undefined;
      local = endpointFromText(text.slice(rest + JUST.length, close));
      if (!local) return undefined;
      rest = close + 2;
    } else if (text.startsWith(NOTHING, rest)) {
      rest += NOTHING.length;
    } else if (text.startsWith(NOTHING_PAREN, rest)) {
      rest += NOTHING_PAREN.length;
    } else {
      return undefined;
    }
    remote = endpointFromText(text.slice(rest));
  } else {
    if (!text.startsWith(CONN_OPEN, space) || !text.endsWith(CONN_CLOSE)) return undefined;
    const from = space + CONN_OPEN.length;
    const mid = text.indexOf(CONN_MID, from);
    if (mid < 0) return undefined;
    local = endpointFromText(text.slice(from, mid));
    remote = endpointFromText(text.slice(mid + CONN_MID.length, text.length - CONN_CLOSE.length));
    if (!local) return undefined;
  }
  // An address that is not a valid IP and port (999.1.1.1, a missing port): not a change we can use.
  if (!remote) return undefined;
  const { from, to } = OUTBOUND_CHANGES[name];
  return { change: name, from, to, local, remote };
}
