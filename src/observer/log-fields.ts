// Reads addresses and connection ids out of trace-line payloads, in every shape the node prints.
//
// Address objects: {"address":"1.2.3.4","port":"3001"} (current), {"addr":…,"port":…} (legacy),
// ports as strings or numbers. Connection ids: {localAddress, remoteAddress} objects (current),
// {local, remote} objects (legacy) or the "ip:port ip:port" string of chain-sync/block-fetch lines.
import { parseEndpoint, type Endpoint } from '../core/address/index.js';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function portOf(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? v : undefined;
  // Digits only: Number('') is 0 and Number(' 1') is 1, neither of which is a port the node printed.
  if (typeof v === 'string' && /^\d{1,5}$/.test(v)) return Number(v);
  return undefined;
}

/** An endpoint from an address object or "ip:port" text; undefined for anything else (unix paths…). */
export function readEndpoint(v: unknown): Endpoint | undefined {
  try {
    if (typeof v === 'string') return parseEndpoint(v);
    if (!isObject(v)) return undefined;
    const ip = typeof v.address === 'string' ? v.address : typeof v.addr === 'string' ? v.addr : undefined;
    const port = portOf(v.port);
    if (ip === undefined || port === undefined) return undefined;
    // Some printers bracket IPv6 even inside an object; the Endpoint form is bare.
    const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
    return parseEndpoint({ ip: bare, port });
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
