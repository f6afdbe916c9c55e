// Reputation: penalties and scores with decay, the ban list (ids, IPs, subnets), discouragement, and the facade that ties them.
export {
  type Penalty,
  type ReportKind,
  type OffenceRule,
  type Offence,
  PENALTY_POINTS,
  PENALTY_KINDS,
  USEFUL_POINTS,
  USEFUL_SCORE_CAP,
  OFFENCES,
  NOT_PENALISED,
  isPenalty,
  isOffence,
  penaltyFor,
  pointsFor,
} from './penalties.js';
export {
  ScoreBook,
  decayedScore,
  SCORE_MIN,
  SCORE_MAX,
  SCORE_HALF_LIFE_MS,
  DISCONNECT_THRESHOLD,
  BAN_THRESHOLD,
  DEFAULT_BAN_DURATION_MS,
  type ScoreRecord,
  type ScoreBookOptions,
} from './score.js';
export {
  parseBanTarget,
  banTargetMatches,
  banMatcher,
  looksLikeNodeId,
  formatSubnet,
  subnetOf,
  subnetContains,
  BanTargetError,
  type BanKind,
  type BanTarget,
  type BanQuery,
  type Subnet,
} from './ban-target.js';
export { BanList, BanDurationError, MAX_BAN_DURATION_MS, type BanEntry, type BanOptions } from './banlist.js';
export { DiscouragementSet, DEFAULT_MAX_DISCOURAGED } from './discouragement.js';
export { Reputation, IP_BAN_ID_THRESHOLD, type PeerRef, type ReputationOptions, type ReportOutcome } from './reputation.js';
