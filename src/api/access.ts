// Who may talk to the API from a browser: the Host check against DNS rebinding, and CORS for listed origins only.
//
// The API binds to loopback and its reads need no token, so what keeps a web page from reading it is
// the browser's same-origin policy. Two things would undo that: a wildcard CORS header (any page may
// read), and DNS rebinding — a page at evil.example whose name is re-pointed at 127.0.0.1 after it
// loads is "same origin" with the API as far as the browser knows, but its requests still carry
// `Host: evil.example:7001`. So the API answers only requests addressed to one of its own names, and
// grants cross-origin reads to exactly the origins the operator listed.

import { networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import { normalizeIp } from '../core/address/index.js';

export interface AccessOptions {
  /** Exact origins (scheme://host[:port]) whose pages may use the API; the config validated them. */
  corsOrigins?: readonly string[];
  /** Extra names the API answers to: `name` (any port) or `name:port`, lower-case. */
  allowedHosts?: readonly string[];
  /** How to add a name or an origin, for error messages: the config key and flag of this command. */
  hostsHint?: string;
  originsHint?: string;
}

interface HostName {
  name: string;
  port: number | undefined;
}

/** How often, at most, the interface addresses are re-read for a wildcard bind (they change with DHCP, VPNs). */
const INTERFACE_REFRESH_MS = 5000;

/**
 * Splits a Host header (or an allowed-host entry) into a lower-case name and a port: `name`,
 * `name:port`, `[v6]`, `[v6]:port`. A trailing dot (the absolute form of a DNS name) is dropped, and
 * IP literals are normalised so `[0:0:0:0:0:0:0:1]` equals `[::1]`. Undefined when it is not a host.
 */
export function parseHost(text: string): HostName | undefined {
  const t = text.trim().toLowerCase();
  let name: string;
  let portText: string | undefined;
  if (t.startsWith('[')) {
    const close = t.indexOf(']');
    if (close < 0) return undefined;
    name = t.slice(1, close);
    const rest = t.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return undefined;
    portText = rest === '' ? undefined : rest.slice(1);
    if (isIP(name) !== 6) return undefined;
  } else {
    const colon = t.indexOf(':');
    if (colon !== t.lastIndexOf(':')) return undefined; // a bare IPv6 address is not a valid Host
    name = colon < 0 ? t : t.slice(0, colon);
    portText = colon < 0 ? undefined : t.slice(colon + 1);
  }
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name === '') return undefined;
  if (portText !== undefined && !/^[0-9]{1,5}$/.test(portText)) return undefined;
  if (isIP(name)) {
    try {
      name = normalizeIp(name);
    } catch {
      return undefined;
    }
  }
  return { name, port: portText === undefined ? undefined : Number(portText) };
}

const WILDCARD_IPS = new Set(['0.0.0.0', '::']);

/** Decides whether a request may be served (its Host) and which CORS headers it gets (its Origin). */
export class AccessPolicy {
  readonly #corsOrigins: ReadonlySet<string>;
  readonly #allowed: HostName[];
  readonly #hostsHint: string;
  readonly #originsHint: string;
  #ip: string | undefined;
  #port: number | undefined;
  /** For a wildcard bind: this machine's addresses, re-read now and then. */
  #local = new Set<string>();
  #localReadAt = -Infinity;

  constructor(opts: AccessOptions) {
    this.#corsOrigins = new Set(opts.corsOrigins ?? []);
    this.#allowed = (opts.allowedHosts ?? []).map((h) => parseHost(h)).filter((h): h is HostName => h !== undefined);
    this.#hostsHint = opts.hostsHint ?? 'api.allowedHosts in the config, or --api-allowed-host';
    this.#originsHint = opts.originsHint ?? 'api.corsOrigins in the config, or --api-cors-origin';
  }

  /** Called once the server listens: its own address is what requests must be addressed to. */
  bound(ip: string, port: number): void {
    this.#ip = normalizeIp(ip);
    this.#port = port;
  }

  get hasCorsOrigins(): boolean {
    return this.#corsOrigins.size > 0;
  }

  /** The names this API answers to, for the refusal message. */
  ownNames(): string[] {
    if (this.#port === undefined) return [];
    const p = this.#port;
    const fmt = (ip: string) => (ip.includes(':') ? `[${ip}]:${p}` : `${ip}:${p}`);
    const own = this.#ip === undefined || WILDCARD_IPS.has(this.#ip) ? ['<any address of this machine>'] : [fmt(this.#ip)];
    return [...own, `localhost:${p}`, ...this.#allowed.map((h) => (h.port === undefined ? h.name : `${h.name}:${h.port}`))];
  }

  /**
   * True when a request with this Host header may be served. A request without one (HTTP/1.0, some
   * health probes) is not from a browser, whose every request names its host, so it passes.
   */
  hostAllowed(header: string | undefined): boolean {
    if (header === undefined) return true;
    const h = parseHost(header);
    if (!h) return false;
    // The server speaks plain HTTP: a Host without a port was addressed to port 80.
    const port = h.port ?? 80;
    for (const a of this.#allowed) if (a.name === h.name && (a.port === undefined || a.port === port)) return true;
    if (this.#port === undefined || port !== this.#port) return false;
    if (h.name === 'localhost') return true;
    if (h.name === this.#ip) return true;
    if (this.#ip !== undefined && WILDCARD_IPS.has(this.#ip) && isIP(h.name)) return this.#isLocalAddress(h.name);
    return false;
  }

  /** Whether `origin` (the Origin header) is one the operator listed. */
  originAllowed(origin: string): boolean {
    return this.#corsOrigins.has(origin);
  }

  /** True when the Origin names the same host and port the request was sent to (the API's own pages). */
  sameOrigin(origin: string, host: string | undefined): boolean {
    if (host === undefined) return false;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false; // "null" (sandboxed frames, file: pages) is never our own page
    }
    // http or https: behind a TLS proxy that keeps the Host header, the page is https://name.
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host.toLowerCase();
  }

  hostRefusal(header: string): string {
    return (
      `this API answers only requests addressed to ${this.ownNames().join(', ')}; this one was addressed to ${JSON.stringify(header)}. ` +
      `Refusing other names protects the node from DNS rebinding (a web page re-pointing its own name at this machine). ` +
      `If you reach the API through a proxy or by another name, add that name to ${this.#hostsHint}.`
    );
  }

  originRefusal(origin: string): string {
    return (
      `pages from ${JSON.stringify(origin)} may not use this API. ` +
      `To let a web application of yours use it, add its exact origin to ${this.#originsHint}.`
    );
  }

  #isLocalAddress(ip: string): boolean {
    const now = Date.now();
    if (this.#local.has(ip)) return true;
    if (now - this.#localReadAt < INTERFACE_REFRESH_MS) return false;
    this.#localReadAt = now;
    const local = new Set<string>();
    for (const list of Object.values(networkInterfaces())) {
      for (const i of list ?? []) {
        try {
          local.add(normalizeIp(i.address.split('%')[0]!));
        } catch {
          // An address form we do not parse (never seen in practice): it just does not match.
        }
      }
    }
    this.#local = local;
    return local.has(ip);
  }
}
