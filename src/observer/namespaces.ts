// Which trace namespaces the observer reads, in both log formats, and the payload reader for each.
//
// Current format (trace-dispatcher): `ns` is the dotted namespace including the event name.
// Legacy format (iohk-monitoring): `ns` is ["cardano.node.<Tracer>"] and the event is `data.kind`.
// The payloads are the same in both. Everything not listed here is ignored, in particular
// `Net.InboundGovernor.Local.*` / `cardano.node.LocalInboundGovernor`: the node-to-client (unix
// socket) governor, whose "peers" are local clients such as cardano-cli, never network peers.
import type { Endpoint } from '../core/address/index.js';
import { isObject, readConnectionId, readCount, readEndpoint, readText } from './log-fields.js';
import { parseStatusChange } from './status-change.js';
import type { ConnectionEndCause, LogEvent, ObservedState, RemoteChange, ServerScope } from './types.js';

type Json = Record<string, unknown>;

/** What a payload reader returns: an event, 'ignored' (a variant we do not use), or undefined (malformed). */
export type ReadResult = LogEvent | 'ignored' | undefined;

/** Reads one payload. `name` is the event name: the last `ns` part, or `data.kind` in legacy lines. */
type Reader = (data: Json, at: number, name: string, scope: ServerScope) => ReadResult;

/** The local end when the line only names the remote one. */
const NO_LOCAL: Endpoint | undefined = undefined;

const REMOTE_TARGET: Record<RemoteChange, ObservedState> = {
  PromotedToWarmRemote: 'warm',
  PromotedToHotRemote: 'hot',
  DemotedToWarmRemote: 'warm',
  DemotedToColdRemote: 'cold',
};

const END_CAUSE: Record<string, ConnectionEndCause> = {
  MuxErrored: 'mux_error',
  MuxCleanExit: 'mux_clean_exit',
  ResponderErrored: 'responder_error',
  ConnectionCleanup: 'connection_terminated',
  ConnectionTimeWait: 'connection_terminated',
  TerminatedConnection: 'connection_terminated',
};

/** A state in a transition line: a string (IG RemoteSt), an object with `kind` (CM AbstractState), or null. */
function stateName(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (isObject(v) && typeof v.kind === 'string') return v.kind;
  return undefined;
}

/** Any value as short text for an event's detail (errors are strings or objects). */
function detailText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

const readStatusChanged: Reader = (data, at) => {
  const text = readText(data.peerStatusChangeType);
  const sc = text === undefined ? undefined : parseStatusChange(text);
  return sc && { type: 'statusChanged', at, change: sc.change, from: sc.from, to: sc.to, local: sc.local, remote: sc.remote };
};

const readStatusChangeFailure: Reader = (data, at) => {
  const text = readText(data.peerStatusChangeType);
  const sc = text === undefined ? undefined : parseStatusChange(text);
  return sc && { type: 'statusChangeFailed', at, change: sc.change, from: sc.from, to: sc.to, local: sc.local, remote: sc.remote, reason: detailText(data.reason) ?? '' };
};

const readRemote: Reader = (data, at, name) => {
  const conn = readConnectionId(data.connectionId);
  if (!conn) return undefined;
  const change = name as RemoteChange;
  // DemotedToColdRemote's result says whether the connection manager will close the connection
  // ("OperationSuccess CommitTr") or keep it because our outbound side still uses it ("KeepTr").
  let commit: boolean | undefined;
  if (change === 'DemotedToColdRemote') {
    const result = detailText(data.result) ?? '';
    commit = result.includes('CommitTr') ? true : result.includes('KeepTr') ? false : undefined;
  }
  return { type: 'remoteChanged', at, local: conn.local, remote: conn.remote, change, to: REMOTE_TARGET[change], commit };
};

const readIgCounters: Reader = (data, at) => {
  const idle = readCount(data.idlePeers);
  const cold = readCount(data.coldPeers);
  const warm = readCount(data.warmPeers);
  const hot = readCount(data.hotPeers);
  if (idle === undefined || cold === undefined || warm === undefined || hot === undefined) return undefined;
  return { type: 'inboundGovernorCounters', at, counters: { idle, cold, warm, hot } };
};

const readCmCounters: Reader = (data, at) => {
  const s = data.state;
  if (!isObject(s)) return undefined;
  const fullDuplex = readCount(s.fullDuplex);
  const duplex = readCount(s.duplex);
  const unidirectional = readCount(s.unidirectional);
  const inbound = readCount(s.inbound);
  const outbound = readCount(s.outbound);
  if ([fullDuplex, duplex, unidirectional, inbound, outbound].some((n) => n === undefined)) return undefined;
  return {
    type: 'connectionManagerCounters',
    at,
    counters: { fullDuplex: fullDuplex!, duplex: duplex!, unidirectional: unidirectional!, inbound: inbound!, outbound: outbound! },
  };
};

const readNewConnection: Reader = (data, at) => {
  const conn = readConnectionId(data.connectionId);
  return conn && { type: 'newConnection', at, local: conn.local, remote: conn.remote, provenance: readText(data.provenance) };
};

/** A connection that ended: named by connection id, or by the remote address alone. */
const readEnded: Reader = (data, at, name) => {
  const cause = END_CAUSE[name];
  if (!cause) return 'ignored';
  const conn = readConnectionId(data.connectionId);
  const remote = conn?.remote ?? readEndpoint(data.remoteAddress);
  if (!remote) return undefined;
  return { type: 'connectionEnded', at, local: conn?.local ?? NO_LOCAL, remote, cause, detail: detailText(data.reason) };
};

const readTransition =
  (type: 'remoteTransition' | 'connectionTransition'): Reader =>
  (data, at) => {
    // Transition lines carry only the peer's address (the remote end).
    const remote = readEndpoint(data.address);
    if (!remote) return undefined;
    return { type, at, local: NO_LOCAL, remote, from: stateName(data.from), to: stateName(data.to) };
  };

const readConnectError: Reader = (data, at) => {
  const conn = readConnectionId(data.connectionId);
  const remote = conn?.remote ?? readEndpoint(data.remoteAddress);
  if (!remote) return undefined;
  return { type: 'connectFailed', at, local: conn?.local ?? NO_LOCAL, remote, reason: detailText(data.reason) ?? '' };
};

const readConnectionHandler: Reader = (data, at) => {
  const handler = data.connectionHandler;
  if (!isObject(handler)) return undefined;
  const conn = readConnectionId(data.connectionId);
  if (!conn) return undefined;
  switch (handler.kind) {
    case 'HandshakeSuccess': {
      const options = isObject(handler.agreedOptions) ? handler.agreedOptions : {};
      return {
        type: 'handshakeSucceeded',
        at,
        ...conn,
        versionNumber: readCount(handler.versionNumber),
        diffusionMode: readText(options.diffusionMode),
        peerSharing: readText(options.peerSharing),
      };
    }
    case 'HandshakeClientError':
    case 'HandshakeServerError':
      return { type: 'handshakeFailed', at, ...conn, reason: detailText(handler.reason) ?? handler.kind };
    case 'Error':
      return { type: 'connectionEnded', at, ...conn, cause: 'handler_error', detail: detailText(handler.reason) };
    default:
      return 'ignored'; // HandshakeQuery and future variants
  }
};

const readServerStarted: Reader = (data, at, _name, scope) => {
  // Started and the accept-policy trace share kind "AcceptPolicyTrace"; only Started has addresses.
  if (!Array.isArray(data.addresses)) return data.policy === undefined ? undefined : 'ignored';
  const addresses = data.addresses.map(readEndpoint).filter((e): e is Endpoint => e !== undefined);
  return { type: 'serverStarted', at, scope, addresses };
};

const readServerStopped: Reader = (_data, at, _name, scope) => ({ type: 'serverStopped', at, scope });
const readShutdown: Reader = (_data, at, _name, scope) => ({ type: 'connectionManagerShutdown', at, scope });

export interface Route {
  read: Reader;
  scope: ServerScope;
}

const n2n = (read: Reader): Route => ({ read, scope: 'n2n' });
const n2c = (read: Reader): Route => ({ read, scope: 'n2c' });

/** Current-format namespaces the observer reads (exact match). */
export const CURRENT_NAMESPACES: ReadonlyMap<string, Route> = new Map<string, Route>([
  ['Net.PeerSelection.Actions.StatusChanged', n2n(readStatusChanged)],
  ['Net.PeerSelection.Actions.StatusChangeFailure', n2n(readStatusChangeFailure)],
  ['Net.InboundGovernor.Remote.PromotedToWarmRemote', n2n(readRemote)],
  ['Net.InboundGovernor.Remote.PromotedToHotRemote', n2n(readRemote)],
  ['Net.InboundGovernor.Remote.DemotedToWarmRemote', n2n(readRemote)],
  ['Net.InboundGovernor.Remote.DemotedToColdRemote', n2n(readRemote)],
  ['Net.InboundGovernor.Remote.InboundGovernorCounters', n2n(readIgCounters)],
  ['Net.InboundGovernor.Remote.NewConnection', n2n(readNewConnection)],
  ['Net.InboundGovernor.Remote.MuxErrored', n2n(readEnded)],
  ['Net.InboundGovernor.Remote.MuxCleanExit', n2n(readEnded)],
  ['Net.InboundGovernor.Remote.ResponderErrored', n2n(readEnded)],
  ['Net.InboundGovernor.Transition.Transition', n2n(readTransition('remoteTransition'))],
  ['Net.ConnectionManager.Remote.ConnectionManagerCounters', n2n(readCmCounters)],
  ['Net.ConnectionManager.Remote.ConnectError', n2n(readConnectError)],
  // 10.x prints the handler events under ConnectionHandler; later nodes append the inner event name.
  ['Net.ConnectionManager.Remote.ConnectionHandler', n2n(readConnectionHandler)],
  ['Net.ConnectionManager.Remote.ConnectionHandler.HandshakeSuccess', n2n(readConnectionHandler)],
  ['Net.ConnectionManager.Remote.ConnectionHandler.HandshakeClientError', n2n(readConnectionHandler)],
  ['Net.ConnectionManager.Remote.ConnectionHandler.HandshakeServerError', n2n(readConnectionHandler)],
  ['Net.ConnectionManager.Remote.ConnectionHandler.Error', n2n(readConnectionHandler)],
  ['Net.ConnectionManager.Remote.ConnectionCleanup', n2n(readEnded)],
  ['Net.ConnectionManager.Remote.ConnectionTimeWait', n2n(readEnded)],
  ['Net.ConnectionManager.Remote.TerminatedConnection', n2n(readEnded)],
  ['Net.ConnectionManager.Remote.Shutdown', n2n(readShutdown)],
  ['Net.ConnectionManager.Local.Shutdown', n2c(readShutdown)],
  ['Net.ConnectionManager.Transition.Transition', n2n(readTransition('connectionTransition'))],
  ['Net.Server.Remote.Started', n2n(readServerStarted)],
  ['Net.Server.Local.Started', n2c(readServerStarted)],
  ['Net.Server.Remote.Stopped', n2n(readServerStopped)],
  ['Net.Server.Local.Stopped', n2c(readServerStopped)],
]);

/** Legacy tracers (first `ns` element) and, per tracer, the `data.kind` values the observer reads. */
export const LEGACY_TRACERS: ReadonlyMap<string, ReadonlyMap<string, Route>> = new Map([
  [
    'cardano.node.PeerSelectionActions',
    new Map([
      ['PeerStatusChanged', n2n(readStatusChanged)],
      ['PeerStatusChangeFailure', n2n(readStatusChangeFailure)],
    ]),
  ],
  [
    'cardano.node.InboundGovernor',
    new Map([
      ['PromotedToWarmRemote', n2n(readRemote)],
      ['PromotedToHotRemote', n2n(readRemote)],
      ['DemotedToWarmRemote', n2n(readRemote)],
      ['DemotedToColdRemote', n2n(readRemote)],
      ['InboundGovernorCounters', n2n(readIgCounters)],
      ['NewConnection', n2n(readNewConnection)],
      ['MuxErrored', n2n(readEnded)],
      ['MuxCleanExit', n2n(readEnded)],
      ['ResponderErrored', n2n(readEnded)],
    ]),
  ],
  ['cardano.node.InboundGovernorTransition', new Map([['ConnectionManagerTransition', n2n(readTransition('remoteTransition'))]])],
  [
    'cardano.node.ConnectionManager',
    new Map([
      ['ConnectionManagerCounters', n2n(readCmCounters)],
      ['ConnectError', n2n(readConnectError)],
      ['ConnectionHandler', n2n(readConnectionHandler)],
      ['ConnectionCleanup', n2n(readEnded)],
      ['ConnectionTimeWait', n2n(readEnded)],
      ['TerminatedConnection', n2n(readEnded)],
      ['Shutdown', n2n(readShutdown)],
    ]),
  ],
  ['cardano.node.ConnectionManagerTransition', new Map([['ConnectionManagerTransition', n2n(readTransition('connectionTransition'))]])],
  [
    'cardano.node.Server',
    new Map([
      ['AcceptPolicyTrace', n2n(readServerStarted)],
      ['ServerStopped', n2n(readServerStopped)],
    ]),
  ],
  [
    'cardano.node.LocalServer',
    new Map([
      ['AcceptPolicyTrace', n2c(readServerStarted)],
      ['ServerStopped', n2c(readServerStopped)],
    ]),
  ],
  ['cardano.node.LocalConnectionManager', new Map([['Shutdown', n2c(readShutdown)]])],
]);
