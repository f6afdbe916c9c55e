// peerwarden/reputation: scores, the penalty table, bans, discouragement, token buckets and the eclipse alarm's detectors.
export * from '../core/reputation/index.js';
export * from '../core/ratelimit/index.js';
export * from '../core/alarm/eclipse.js';
