// Token buckets: a single bucket driven by an explicit `now`, the ADDR relay preset, and per-key buckets.
export { TokenBucket, TokenBucketError, type TokenBucketOptions, type TokenBucketState } from './token-bucket.js';
export { ADDR_RATE_PER_SECOND, ADDR_BURST, ADDR_INITIAL_TOKENS, GETADDR_CREDIT, createAddrRelayBucket } from './addr-relay.js';
export { KeyedTokenBuckets, DEFAULT_MAX_KEYS, type KeyedTokenBucketsOptions } from './keyed.js';
