// Discovery: seeds, DNS seeds, peer exchange with Core's addr-relay rules, the local port probe and hubs.
export type { AddressSink, LearnedAddress, Provenance, Visitor, VisitSession } from './types.js';
export { systemResolver, resolveHost, isIpLiteral, ResolveError, type HostResolver } from './resolver.js';
export { SeedSource, SEED_RETRY_BASE_MS, SEED_RETRY_MAX_MS, SEED_MIN_INTERVAL_MS, type SeedSpec, type SeedResult, type SeedSourceOptions } from './seeds.js';
export { RelayTargetPicker, EndpointIds, nodeId64, RELAY_FANOUT, RELAY_ROTATE_MS, type Id64, type RelayCandidate } from './relay-targets.js';
export { RollingBloom } from './rolling-bloom.js';
export { GetAddrCache, getAddrAnswerSize, GETADDR_MAX_ADDRESSES, GETADDR_MAX_PERCENT, GETADDR_MIN_ADDRESSES, GETADDR_CACHE_LIFETIME_MS, GETADDR_CACHE_JITTER_MS, type CacheableBook } from './getaddr-cache.js';
export {
  PeerExchange,
  MAX_ADDR_ENTRIES,
  GOSSIP_PENALTY_MS,
  RELAY_MAX_ENTRIES,
  RELAY_MAX_AGE_MS,
  type ExchangePeer,
  type ExchangeCounters,
  type PeerExchangeOptions,
  type AddrOutcome,
} from './peer-exchange.js';
export { PortProbe, PROBE_CONCURRENCY, PROBE_MIN_INTERVAL_MS, type PortProbeOptions, type ProbeResult } from './port-probe.js';
export { HubClient, HUB_FETCH_TIMEOUT_MS, HUB_MIN_INTERVAL_MS, type HubClientOptions, type HubVisit } from './hubs.js';
export { createBookSink, type BookSinkOptions } from './sink.js';
export { Discovery, LOW_BOOK_CHECK_MS, type DiscoveryOptions, type DiscoveryTuning, type DiscoveryEvent } from './discovery.js';
