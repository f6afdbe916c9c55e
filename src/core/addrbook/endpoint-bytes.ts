// Reads endpoints and source addresses into 16-byte form without allocating on the common IPv4 path.
//
// The book parses every address it hears of. parseEndpoint() builds normalised strings first; here
// "a.b.c.d:port" is read straight into bytes, with exactly parseEndpoint's rules (no leading zeros,
// octets ≤ 255, port 0–65535). Anything else goes through parseEndpoint/parseIpBytes, which also
// produce the error messages.

import { parseEndpoint, type EndpointLike } from '../address/endpoint.js';
import { formatIpBytes, parseIpBytes } from '../address/ip.js';

/** A parsed endpoint in scratch form: `ip` is reused between calls, copy it if you keep it. */
export interface EndpointBytes {
  ip: Uint8Array;
  port: number;
}

/** Parses up to 3 decimal digits at s[i..end) as an octet; -1 if not a canonical 0–255. */
function octet(s: string, i: number, end: number): number {
  const n = end - i;
  if (n < 1 || n > 3) return -1;
  let v = 0;
  for (let k = i; k < end; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  if (n > 1 && s.charCodeAt(i) === 48) return -1; // leading zero
  return v <= 255 ? v : -1;
}

/** Reads dotted IPv4 text s[0..end) into out[12..16) (the caller sets the mapped prefix). */
function readIpv4(s: string, end: number, out: Uint8Array): boolean {
  let start = 0;
  for (let part = 0; part < 4; part++) {
    let stop = start;
    while (stop < end && s.charCodeAt(stop) !== 46 /* . */) stop++;
    if ((part < 3) !== (stop < end)) return false;
    const v = octet(s, start, stop);
    if (v < 0) return false;
    out[12 + part] = v;
    start = stop + 1;
  }
  return true;
}

function setMappedPrefix(out: Uint8Array): void {
  for (let i = 0; i < 10; i++) out[i] = 0;
  out[10] = 0xff;
  out[11] = 0xff;
}

function readPort(s: string, from: number): number {
  const n = s.length - from;
  if (n < 1 || n > 5) return -1;
  let v = 0;
  for (let k = from; k < s.length; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v <= 65535 ? v : -1;
}

/** Reads "a.b.c.d:port" in one pass; false (with `into` partly written) for anything else. */
function readIpv4Endpoint(s: string, into: EndpointBytes): boolean {
  const n = s.length;
  let i = 0;
  for (let part = 0; part < 4; part++) {
    const start = i;
    let v = 0;
    while (i < n) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      v = v * 10 + c;
      i++;
    }
    const digits = i - start;
    if (digits < 1 || digits > 3 || v > 255 || (digits > 1 && s.charCodeAt(start) === 48)) return false;
    into.ip[12 + part] = v;
    if (part < 3) {
      if (i >= n || s.charCodeAt(i) !== 46 /* . */) return false;
      i++;
    }
  }
  if (i >= n || s.charCodeAt(i) !== 58 /* : */) return false;
  const port = readPort(s, i + 1);
  if (port < 0) return false;
  setMappedPrefix(into.ip);
  into.port = port;
  return true;
}

/** Reads an endpoint into `into`; throws AddressParseError for bad input, as parseEndpoint does. */
export function readEndpoint(input: EndpointLike, into: EndpointBytes): void {
  if (typeof input === 'string') {
    if (readIpv4Endpoint(input, into)) return;
  } else if (input !== null && typeof input === 'object' && typeof input.ip === 'string') {
    const { ip, port } = input;
    if (Number.isInteger(port) && port >= 0 && port <= 65535 && ip.indexOf(':') < 0 && readIpv4(ip, ip.length, into.ip)) {
      setMappedPrefix(into.ip);
      into.port = port;
      return;
    }
  }
  const ep = parseEndpoint(input);
  into.ip.set(parseIpBytes(ep.ip));
  into.port = ep.port;
}

/**
 * Reads a source (an IP, an endpoint string or an Endpoint; only its IP counts) into `out`.
 * Throws AddressParseError when it is none of these.
 */
export function readSourceIp(source: string | EndpointLike, out: Uint8Array): void {
  if (typeof source === 'string') {
    const colon = source.indexOf(':');
    if (colon < 0 && readIpv4(source, source.length, out)) {
      setMappedPrefix(out);
      return;
    }
    if (colon >= 0 && !source.startsWith('[')) {
      // Either bare IPv6 or a.b.c.d:port.
      try {
        out.set(parseIpBytes(source));
        return;
      } catch {
        // not an IP: try it as an endpoint below
      }
    }
  }
  const b = new Uint8Array(16);
  readEndpoint(source, { ip: b, port: 0 });
  out.set(b);
}

/** "a.b.c.d:port" or "[v6]:port" from bytes. */
export function formatEndpointBytes(ip: Uint8Array, offset: number, port: number): string {
  if (isIpv4At(ip, offset)) return `${ip[offset + 12]}.${ip[offset + 13]}.${ip[offset + 14]}.${ip[offset + 15]}:${port}`;
  return `[${formatIpBytes(ip.subarray(offset, offset + 16))}]:${port}`;
}

/** Canonical IP text from bytes. */
export function formatIpAt(ip: Uint8Array, offset: number): string {
  if (isIpv4At(ip, offset)) return `${ip[offset + 12]}.${ip[offset + 13]}.${ip[offset + 14]}.${ip[offset + 15]}`;
  return formatIpBytes(ip.subarray(offset, offset + 16));
}

/** True when the 16 bytes at `offset` are an IPv4-mapped address. */
export function isIpv4At(ip: Uint8Array, offset: number): boolean {
  for (let i = 0; i < 10; i++) if (ip[offset + i] !== 0) return false;
  return ip[offset + 10] === 0xff && ip[offset + 11] === 0xff;
}
