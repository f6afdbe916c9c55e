// Text forms of already-canonical endpoints and the observer's connection ids, without re-parsing.
import type { Endpoint } from '../core/address/index.js';

/**
 * `a.b.c.d:port` or `[v6]:port`. Endpoints made by parseEndpoint are canonical already, so this
 * skips formatEndpoint's re-validation (it runs for every parsed event).
 */
export function endpointText(e: Endpoint): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

/** Stands for the local end of a connection when the log named only the remote end. */
export const UNKNOWN_LOCAL = '*';

/**
 * The id of a connection: `<local>-<remote>`. A dash never occurs in an IP or port, and unlike the
 * node's own "local remote" form it needs no escaping in a URL path.
 */
export function connectionIdText(local: Endpoint | undefined, remote: Endpoint): string {
  return `${local ? endpointText(local) : UNKNOWN_LOCAL}-${endpointText(remote)}`;
}
