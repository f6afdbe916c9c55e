// Host name resolution for seeds and hubs: an injectable A/AAAA resolver, node:dns by default.

import { PeerwardenError } from '../core/errors.js';
import { promises as dns } from 'node:dns';
import { normalizeIp } from '../core/address/index.js';

/** What discovery needs from DNS. Tests pass a fake; the default asks the system (node:dns). */
export interface HostResolver {
  /** IPv4 addresses (A records) of `host`. Rejects or returns [] when there are none. */
  resolve4(host: string): Promise<string[]>;
  /** IPv6 addresses (AAAA records) of `host`. */
  resolve6(host: string): Promise<string[]>;
}

/** Thrown when a name gives no address at all; says which name and why. */
export class ResolveError extends PeerwardenError {
  readonly code = 'resolve-failed';
  override readonly name = 'ResolveError';
  constructor(
    readonly host: string,
    detail: string,
  ) {
    super(`cannot resolve ${JSON.stringify(host)}: ${detail}; check the name and the host's DNS settings`);
  }
}

/**
 * The system resolver: real A/AAAA queries (as Bitcoin Core asks its DNS seeds), falling back to
 * the operating system's lookup (hosts file, mDNS) for names such as `localhost` that DNS does not know.
 */
export const systemResolver: HostResolver = {
  resolve4: (host) => queryOrLookup(host, 4),
  resolve6: (host) => queryOrLookup(host, 6),
};

async function queryOrLookup(host: string, family: 4 | 6): Promise<string[]> {
  try {
    const found = family === 4 ? await dns.resolve4(host) : await dns.resolve6(host);
    if (found.length > 0) return found;
  } catch {
    // fall through to the OS lookup
  }
  try {
    const found = await dns.lookup(host, { all: true, family });
    return found.map((a) => a.address);
  } catch {
    return [];
  }
}

/** True when `host` is an IP literal (it needs no resolution). */
export function isIpLiteral(host: string): boolean {
  try {
    normalizeIp(host);
    return true;
  } catch {
    return false;
  }
}

/**
 * Every address of `host`, IPv4 first, canonical, de-duplicated and sorted (so the result does not
 * depend on the order a DNS server chose). An IP literal is returned as is. Throws ResolveError when
 * nothing comes back.
 */
export async function resolveHost(resolver: HostResolver, host: string): Promise<string[]> {
  if (isIpLiteral(host)) return [normalizeIp(host)];
  const settle = (p: Promise<string[]>) => p.then((v) => v, (e: unknown) => (e instanceof Error ? e : new Error(String(e))));
  const [v4, v6] = await Promise.all([settle(resolver.resolve4(host)), settle(resolver.resolve6(host))]);
  const ips = new Set<string>();
  for (const list of [v4, v6]) {
    if (!Array.isArray(list)) continue;
    for (const ip of list) {
      try {
        ips.add(normalizeIp(ip));
      } catch {
        // a resolver returning garbage: skip that record
      }
    }
  }
  if (ips.size === 0) {
    const why = [v4, v6].find((x) => x instanceof Error) as Error | undefined;
    throw new ResolveError(host, why ? why.message : 'no A or AAAA records');
  }
  const all = [...ips];
  const four = all.filter((ip) => !ip.includes(':')).sort();
  const six = all.filter((ip) => ip.includes(':')).sort();
  return [...four, ...six];
}
