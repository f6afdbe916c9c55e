// The address book's constants, each Bitcoin Core's addrman value, with the reason it has that value.

/** Buckets of the "tried" table (addresses we connected to). 256 × 64 slots = 16,384 tried addresses. */
export const TRIED_BUCKET_COUNT = 256;

/** Buckets of the "new" table (addresses heard of). 1024 × 64 slots = 65,536 references. */
export const NEW_BUCKET_COUNT = 1024;

/**
 * Slots per bucket. An address has exactly one possible slot per bucket (a keyed hash), so newcomers
 * compete for a fixed position instead of being appended: an attacker cannot push a healthy entry
 * out just by sending many addresses.
 */
export const BUCKET_SIZE = 64;

/**
 * Tried buckets one net group (/16, or /32 in IPv6) can reach: 8 × 64 = 512 slots, 3 % of tried.
 * An attacker holding a few /16s can only ever occupy a small share of the addresses we trust most.
 */
export const TRIED_BUCKETS_PER_GROUP = 8;

/**
 * New buckets one source group can fill: 64 × 64 = 4,096 slots, 6 % of new. Whatever one peer (or
 * all peers in one /16) tells us can never crowd out what the rest of the network told us.
 */
export const NEW_BUCKETS_PER_SOURCE_GROUP = 64;

/**
 * How many new buckets may hold one address. Addresses heard from many sources are more likely real
 * and get more chances to be picked, but the 8th copy is as far as popularity goes.
 */
export const NEW_BUCKETS_PER_ADDRESS = 8;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Addresses not heard of for 30 days are terrible: the node is likely gone. */
export const HORIZON_MS = 30 * DAY;

/** An address tried 3 times without ever a success is terrible (it never worked). */
export const RETRIES = 3;

/** … and one with 10 failed attempts … */
export const MAX_FAILURES = 10;

/** … and no success in the last 7 days is terrible too (it used to work, but no longer). */
export const MIN_FAIL_MS = 7 * DAY;

/** A tried entry that succeeded in the last 4 hours is never evicted by a collision. */
export const REPLACEMENT_MS = 4 * HOUR;

/** Pending tried-table collisions kept for testing; more are dropped (the address stays in new). */
export const TRIED_COLLISION_LIMIT = 10;

/**
 * An untested collision is resolved by eviction after 40 minutes: if the feeler could not test the
 * occupant in that time, we presume it is unreachable.
 */
export const TEST_WINDOW_MS = 40 * MINUTE;

/** A tried occupant gets 60 s to answer a test connection before it can be replaced. */
export const TEST_GRACE_MS = MINUTE;

/** Entries tried in the last minute are never terrible: a connection to them may be under way. */
export const RECENT_TRY_MS = MINUTE;

/** An address dated more than 10 minutes in the future is terrible (a lie or a broken clock). */
export const FUTURE_SLACK_MS = 10 * MINUTE;

/**
 * Re-announcements refresh `time` only when it moved by more than this: 1 hour for nodes seen in
 * the last day, 24 hours for older ones. Frequent gossip cannot make an address look fresher by the
 * second, and refreshes cost nothing when nothing new was learned.
 */
export const ONLINE_WINDOW_MS = DAY;
export const UPDATE_INTERVAL_ONLINE_MS = HOUR;
export const UPDATE_INTERVAL_OFFLINE_MS = DAY;

/** `connected()` refreshes `time` only when it is older than 20 minutes, so current peers do not leak. */
export const CONNECTED_UPDATE_MS = 20 * MINUTE;

/** Select() deprioritises an entry tried in the last 10 minutes (× 0.01): give others a turn. */
export const SELECT_RECENT_TRY_MS = 10 * MINUTE;

/** Each failed attempt multiplies the chance by 0.66, at most 8 times (floor ≈ 1/28), so outages heal. */
export const SELECT_ATTEMPT_FACTOR = 0.66;
export const SELECT_MAX_ATTEMPT_PENALTIES = 8;

/** After a rejected candidate, select() raises its acceptance factor by 1.2 so it always ends. */
export const SELECT_CHANCE_GROWTH = 1.2;
