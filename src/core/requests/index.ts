// Request tracking: matching responses to requests per peer, limits, timeouts and their typed errors.
export { RequestTracker, MAX_OUTSTANDING_REQUESTS, type RequestTrackerOptions, type RequestPenaltyReason, type RequestPenaltyHandler, type SettleResult, type ExpiredRequest } from './tracker.js';
export { RequestTimeoutError, PeerGoneError, RemoteError, RequestLimitError } from './errors.js';
