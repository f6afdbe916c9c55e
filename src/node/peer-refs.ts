// Static and trusted peers from the configuration, with host names resolved, in the governor's terms.

import type { StaticPeerSpec } from '../core/governor/index.js';
import { resolveHost, type HostResolver } from '../discovery/index.js';
import type { PeerRef } from './config.js';

export interface ResolvedPeerRefs {
  staticPeers: StaticPeerSpec[];
  /** Node ids and IPs. */
  trustedPeers: string[];
  /** Names that did not resolve (the peer is kept by node id when it has one). */
  problems: string[];
}

/**
 * Resolves `host` parts to IPs (the first address of each name). A static peer whose name does
 * not resolve is kept by node id if it has one — an inbound connection from it is still recognised.
 */
export async function resolvePeerRefs(staticRefs: readonly PeerRef[], trustedRefs: readonly PeerRef[], resolver: HostResolver): Promise<ResolvedPeerRefs> {
  const out: ResolvedPeerRefs = { staticPeers: [], trustedPeers: [], problems: [] };
  const ipOf = async (ref: PeerRef): Promise<string | undefined> => {
    if (!ref.address) return undefined;
    try {
      return (await resolveHost(resolver, ref.address.host))[0];
    } catch (err) {
      out.problems.push((err as Error).message);
      return undefined;
    }
  };
  for (const ref of staticRefs) {
    const ip = await ipOf(ref);
    const spec: StaticPeerSpec = {};
    if (ip !== undefined && ref.address) spec.endpoint = { ip, port: ref.address.port };
    if (ref.id !== undefined) spec.id = ref.id;
    if (spec.endpoint || spec.id) out.staticPeers.push(spec);
  }
  for (const ref of trustedRefs) {
    if (ref.id !== undefined) out.trustedPeers.push(ref.id);
    const ip = await ipOf(ref);
    if (ip !== undefined) out.trustedPeers.push(ip);
  }
  return out;
}
