// Reads addresses and connection ids out of trace-line payloads, in every shape the node prints.
//
// Address objects: {"address":"1.2.3.4","port":"3001"} (current), {"addr":…,"port":…} (legacy),
// ports as strings or numbers. Connection ids: {localAddress, remoteAddress} objects (current),
// {local, remote} objects (legacy) or the "ip:port ip:port" string of chain-sync/block-fetch lines.
import { normalizeIp, type Endpoint } from '../core/address/index.js';

type Json = Record<string, unknown>;

/**
 * Canonical text of IPs seen recently. A node talks to a few hundred peers, so almost every
 * address in a log repeats; normalising each occurrence again was a fifth of the parse time.
 * 10,000 entries is far above any peer set and a few hundred KB; when full it simply starts over.
 */
const IP_CACHE_LIMIT = 10_000;
const ipCache = new Map<string, string>();

/** The canonical form of an IP; throws AddressParseError if it is not one. */
function canonicalIp(raw: string): string {
  let ip = ipCache.get(raw);
  if (ip === undefined) {
    ip = normalizeIp(raw);
    if (ipCache.size >= IP_CACHE_LIMIT) ipCache.clear();
    ipCache.set(raw, ip);
  }
  return ip;
}

function validPort(port: number): boolean {
  return Number.isInteger(port) && port >= 0 && port <= 65535;
}

/**
 * "a.b.c.d:port" or "[v6]:port" (the node's SockAddr `show`) as an Endpoint; undefined otherwise.
 * Same rules as parseEndpoint, with the IP cache.
 */
export function endpointFromText(text: string): Endpoint | undefined {
  let host: string;
  let portText: string;
  if (text.charCodeAt(0) === 0x5b /* [ */) {
    const close = text.indexOf(']');
    if (close < 0 || text.charCodeAt(close + 1) !== 0x3a /* : */) return undefined;
    host = text.slice(1, close);
    if (!host.includes(':')) return undefined;
    portText = text.slice(close + 2);
  } else {
    const colon = text.lastIndexOf(':');
    if (colon < 0) return undefined;
    host = text.slice(0, colon);
    if (host.includes(':')) return undefined;
    portText = text.slice(colon + 1);
  }
  const port = portOf(portText);
  if (port === undefined) return undefined;
  try {
    return { ip: canonicalIp(host), port };
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function portOf(v: unknown): number | undefined {
  if (typeof v === 'number') return validPort(v) ? v : undefined;
  // Digits only: Number('') is 0 and Number(' 1') is 1, neither of which is a port the node printed.
  if (typeof v !== 'string' || v.length === 0 || v.length > 5) return undefined;
  let port = 0;
  for (let i = 0; i < v.length; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    port = port * 10 + d;
  }
  return port <= 65535 ? port : undefined;
}

/** An endpoint from an address object or "ip:port" text; undefined for anything else (unix paths…). */
export function readEndpoint(v: unknown): Endpoint | undefined {
  if (typeof v === 'string') return endpointFromText(v);
  if (!isObject(v)) return undefined;
  const ip = typeof v.address === 'string' ? v.address : typeof v.addr === 'string' ? v.addr : undefined;
  const port = portOf(v.port);
  if (ip === undefined || port === undefined) return undefined;
  // Some printers bracket IPv6 even inside an object; the Endpoint form is bare.
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  try {
    return { ip: canonicalIp(bare), port };
  } catch {
    return undefined;
  }
}

/** Both ends of a connection id, or undefined when it is not a TCP connection (e.g. the node socket). */
export function readConnectionId(v: unknown): { local: Endpoint; remote: Endpoint } | undefined {
  if (typeof v === 'string') {
    const space = v.indexOf(' ');
    if (space < 0) return undefined;
    const local = readEndpoint(v.slice(0, space));
    const remote = readEndpoint(v.slice(space + 1));
    return local && remote ? { local, remote } : undefined;
  }
  if (!isObject(v)) return undefined;
  const local = readEndpoint(v.localAddress ?? v.local);
  const remote = readEndpoint(v.remoteAddress ?? v.remote);
  return local && remote ? { local, remote } : undefined;
}

/** A finite number field, or undefined. */
export function readCount(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A string field, or undefined. */
export function readText(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export { isObject };
