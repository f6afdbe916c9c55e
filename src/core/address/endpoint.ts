// Endpoints (ip + port): parse "1.2.3.4:7000" / "[2001:db8::1]:7000", format, and normalise.

import { AddressParseError, normalizeIp } from './ip.js';

/** Where a node can be reached. `ip` is canonical text (dotted IPv4, compressed lowercase IPv6). */
export interface Endpoint {
  readonly ip: string;
  readonly port: number;
}

/** Anything that names an endpoint: its text form or an Endpoint object. */
export type EndpointLike = string | Endpoint;

function parsePort(input: string, text: string): number {
  // Digits only, no sign, no spaces; 0 parses (the book accepts it) but is never dialled or gossiped.
  if (!/^[0-9]{1,5}$/.test(text)) throw new AddressParseError(input, 'the port must be a number 0-65535');
  const port = Number(text);
  if (port > 65535) throw new AddressParseError(input, 'the port must be a number 0-65535');
  return port;
}

function hostIp(input: string, host: string): string {
  try {
    return normalizeIp(host);
  } catch {
    throw new AddressParseError(input, `${JSON.stringify(host)} is not a valid IP address (hostnames belong in seeds)`);
  }
}

function parseEndpointText(s: string): Endpoint {
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0 || s[close + 1] !== ':') {
      throw new AddressParseError(s, 'expected [ipv6]:port');
    }
    const host = s.slice(1, close);
    if (!host.includes(':')) throw new AddressParseError(s, 'brackets are only for IPv6 addresses');
    return { ip: hostIp(s, host), port: parsePort(s, s.slice(close + 2)) };
  }
  const colon = s.lastIndexOf(':');
  if (colon < 0) throw new AddressParseError(s, 'expected ip:port (IPv6 as [ip]:port)');
  const host = s.slice(0, colon);
  if (host.includes(':')) throw new AddressParseError(s, 'an IPv6 endpoint needs brackets: [ip]:port');
  return { ip: hostIp(s, host), port: parsePort(s, s.slice(colon + 1)) };
}

/**
 * Parses an endpoint. Strings must be `a.b.c.d:port` or `[ipv6]:port`; objects are validated and
 * normalised. Throws AddressParseError naming the input.
 */
export function parseEndpoint(input: EndpointLike): Endpoint {
  if (typeof input === 'string') return parseEndpointText(input);
  if (input === null || typeof input !== 'object' || typeof input.ip !== 'string') {
    throw new AddressParseError(String(input), 'expected "ip:port" or { ip, port }');
  }
  const { port } = input;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new AddressParseError(`${input.ip}:${String(port)}`, 'the port must be a number 0-65535');
  }
  return { ip: hostIp(`${input.ip}:${port}`, input.ip), port };
}

/** Formats an endpoint as `a.b.c.d:port` or `[ipv6]:port`, normalising the address. */
export function formatEndpoint(ep: EndpointLike): string {
  const e = parseEndpoint(ep);
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

/** True when both name the same ip and port. */
export function sameEndpoint(a: EndpointLike, b: EndpointLike): boolean {
  const x = parseEndpoint(a);
  const y = parseEndpoint(b);
  return x.ip === y.ip && x.port === y.port;
}
