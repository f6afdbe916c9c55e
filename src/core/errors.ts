// The base of every error peerwarden throws: one class to catch them all, and a stable code to tell them apart.

/**
 * Every error peerwarden throws extends this. `code` is stable across versions (kebab-case, e.g.
 * 'config-invalid', 'handshake-failed', 'store-locked'): match on it, not on messages, which are
 * written for people and may improve. The class name stays available as `name`.
 */
export abstract class PeerwardenError extends Error {
  abstract readonly code: string;
}
