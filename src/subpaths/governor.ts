// peerwarden/governor: the peer-selection governor as a pure step function, its state, config and invariants.
export * from '../core/governor/index.js';
export { parseDuration, formatDuration, DurationParseError } from '../core/duration.js';
