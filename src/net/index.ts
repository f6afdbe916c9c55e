// The connection layer: identity, transports (tcp, tls, memory), handshake, connections and their manager.
export { NodeIdentity, IdentityError, generateIdentity, identityFromSeed, identityFromPem, loadIdentity, saveIdentity, loadOrCreateIdentity, verifySignature, nodeIdOf, isNodeId } from './identity.js';
export { createSelfSignedCertificate, type SelfSignedCertificate } from './certificate.js';
export { DialError, NO_CHANNEL_BINDING, type Transport, type Link, type LinkHandlers, type InboundAttempt, type Listener, type DialOptions, type DialFailure } from './transport.js';
export { createTcpTransport, DEFAULT_DIAL_TIMEOUT_MS, type TcpTransportOptions } from './tcp.js';
export { createTlsTransport, CHANNEL_BINDING_LABEL, type TlsTransportOptions } from './tls.js';
export { MemoryNetwork, MemoryLink, type MemoryNetworkOptions } from './memory.js';
export { Handshake, type HandshakeParams, type HandshakeOutcome } from './handshake.js';
export { OutboundQueue, DEFAULT_HIGH_WATER_MARK, type Priority, type EnqueueResult } from './outbound-queue.js';
export { Connection, type ConnectionConfig, type ConnectionOwner, type ConnectionState, type PeerHello, type SendOptions, type RequestOptions } from './connection.js';
export { broadcast, type BroadcastOptions } from './broadcast.js';
export { checkInbound, DEFAULT_LIMITS, type InboundLimits, type InboundCounts, type AdmissionRefusal } from './admission.js';
export { RequestRouter, DEFAULT_REQUEST_TIMEOUT_MS } from './requests.js';
export { HandshakeError, DuplicateConnectionError, ManagerClosedError, ConnectionOptionsError } from './errors.js';
export { TypedEmitter, type ConnectionManagerEvents, type CloseInfo, type CloseReason, type ResponseStatusName } from './events.js';
export { ConnectionManager } from './manager.js';
export {
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_PING_INTERVAL_MS,
  DEFAULT_MAX_MISSED_PONGS,
  DEFAULT_CLOSE_TIMEOUT_MS,
  validateOptions,
  type ConnectionManagerOptions,
  type DialCallOptions,
  type ManagerStats,
} from './manager-options.js';
export { KeepAlive, type KeepAliveHooks, type KeepAliveContext } from './keepalive.js';
