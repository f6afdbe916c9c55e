// Parsers of the configuration's address-like values; each returns a problem instead of throwing.

import { normalizeIp } from '../core/address/index.js';

/** The port a node listens on when none is given, and the one hostnames without a port default to. */
export const DEFAULT_PORT = 7000;

/** A place to find peers given by name or address: resolved through DNS when `host` is a name. */
export interface HostPort {
  host: string;
  port: number;
}

/** A static or trusted peer: by endpoint (or hostname), by node id, or both (`id@host:port`). */
export interface PeerRef {
  id?: string;
  address?: HostPort;
}

/** What a parser returns instead of a value: the text, without the key, of what is wrong. */
export interface Problem {
  problem: string;
}

export const isProblem = (r: unknown): r is Problem => r !== null && typeof r === 'object' && 'problem' in r;

const HOSTNAME = /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\.?$/;
const NODE_ID = /^[0-9a-f]{64}$/;

/** A value as a problem text quotes it: strings in quotes, so `"8"` and `8` read differently. */
export const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : typeof v === 'bigint' ? `${v}n` : JSON.stringify(v) ?? String(v));

/** `a, b or c`. */
export const orList = (words: readonly string[]) => (words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words.at(-1)}` : (words[0] ?? ''));

/**
 * Parses `host:port`, `[ipv6]:port`, or a bare host (port `defaultPort`); host may be an IP or a DNS name.
 * Returns a problem text instead of throwing so callers can collect them.
 */
export function parseHostPort(text: string, defaultPort: number | undefined): HostPort | string {
  if (typeof text !== 'string' || text.length === 0) return `expected "host:port", got ${show(text)}`;
  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return `${show(text)} has no closing "]"`;
    host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return `${show(text)}: expected "[ipv6]:port"`;
    portText = rest === '' ? undefined : rest.slice(1);
  } else if ((text.match(/:/g) ?? []).length > 1) {
    host = text; // a bare IPv6 address, no port
  } else {
    const colon = text.lastIndexOf(':');
    host = colon < 0 ? text : text.slice(0, colon);
    portText = colon < 0 ? undefined : text.slice(colon + 1);
  }
  let port = defaultPort;
  if (portText !== undefined) {
    if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) > 65535) return `${show(text)}: the port must be 0-65535`;
    port = Number(portText);
  }
  if (port === undefined) return `${show(text)}: a port is required ("host:port")`;
  try {
    return { host: normalizeIp(host), port };
  } catch {
    if (host.includes(':') || /^[0-9.]+$/.test(host)) return `${show(text)}: ${show(host)} is not a valid IP address`;
    if (!HOSTNAME.test(host)) return `${show(text)}: ${show(host)} is neither an IP address nor a DNS name`;
    return { host: host.toLowerCase().replace(/\.$/, ''), port };
  }
}

/** A seed, DNS seed or hub: `host[:port]`, port 7000 when none is given. */
export function parsePeerAddress(text: string): HostPort | Problem {
  const r = parseHostPort(text, DEFAULT_PORT);
  return typeof r === 'string' ? { problem: r } : r;
}

/** A static or trusted peer: `host[:port]`, a 64-hex-digit node id, or `id@host[:port]`. */
export function parsePeerRef(text: string): PeerRef | Problem {
  const lower = text.toLowerCase();
  if (NODE_ID.test(lower)) return { id: lower };
  const at = text.indexOf('@');
  if (at < 0) {
    const address = parsePeerAddress(text);
    return isProblem(address) ? address : { address };
  }
  const id = text.slice(0, at).toLowerCase();
  if (!NODE_ID.test(id)) return { problem: `${show(text)}: the part before "@" must be a 64-hex-digit node id` };
  const address = parsePeerAddress(text.slice(at + 1));
  return isProblem(address) ? address : { id, address };
}

/**
 * An origin allowed to read the API cross-origin, exactly as a browser sends it in `Origin`
 * (scheme, lower-case host, port only when not the scheme's default, no path), or a problem.
 * Origins are compared as strings, so a near miss is refused here with the right spelling rather
 * than silently never matching.
 */
export function parseCorsOrigin(text: string): string | Problem {
  if (text === '*') {
    return { problem: 'a wildcard would let every web page the operator opens read the node: list the exact origins, e.g. "https://ops.example.org"' };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: `${show(text)} is not an origin: write scheme://host[:port], e.g. "https://ops.example.org" or "http://127.0.0.1:8080"` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { problem: `${show(text)}: only http and https origins can be allowed` };
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    return { problem: `${show(text)} is a URL, not an origin: drop everything after the host and port (use ${show(url.origin)})` };
  }
  if (url.origin !== text) return { problem: `${show(text)}: browsers send this origin as ${show(url.origin)}; write it that way` };
  return url.origin;
}

/**
 * A Host header value the API accepts besides its own address: `name` (any port) or `name:port`,
 * with `name` a DNS name or an IP ([brackets] around IPv6). Returned lower-case, IPs normalised.
 */
export function parseAllowedHost(text: string): string | Problem {
  if (text === '*' || text.includes('*')) {
    return { problem: 'wildcards are not accepted: they would let any DNS name (DNS rebinding) reach the API; list each name' };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return { problem: `${show(text)} is a URL: give only the host name (and port), e.g. "node1.example.org"` };
  const r = parseHostPort(text, -1);
  if (typeof r === 'string') return { problem: r };
  const name = r.host.includes(':') ? `[${r.host}]` : r.host;
  return r.port === -1 ? name : `${name}:${r.port}`;
}
