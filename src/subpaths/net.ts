// peerwarden/net: identities, transports (TCP, TLS, memory), the handshake, connections and the connection manager.
export * from '../net/index.js';
export { RequestTracker, MAX_OUTSTANDING_REQUESTS } from '../core/requests/index.js';
