// The peer-selection governor: a pure step function from (state, input) to (state, effects), with its policies and views.
export {
  resolveGovernorConfig,
  GovernorConfigError,
  GOVERNOR_DEFAULTS,
  type GovernorConfig,
  type GovernorTargets,
  type ResolvedGovernorConfig,
  type StaticPeerSpec,
} from './config.js';
export type {
  AddressSource,
  GovernorContext,
  GovernorState,
  GovernorPeer,
  PendingDial,
  PendingInbound,
  BackoffEntry,
  StaticPeer,
  GovernorInput,
  GovernorEffect,
  DisconnectCause,
  GovernorEvent,
  GovernorEventType,
  StepResult,
  Direction,
  Temperature,
  DialPurpose,
} from './types.js';
export { createGovernorState, countConnections, isExemptPeer, type CreateGovernorOptions, type GovernorCounts } from './state.js';
export { step, selectAnchors } from './step.js';
export { wantsOutbound } from './outbound.js';
export { backoffBaseMs, backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
export { selectInboundToEvict, EVICTION_PROTECT, type EvictionCandidate, type EvictionOptions } from './eviction.js';
export { churnCount } from './churn.js';
export { groupKeyOf, groupKeyName, isAsGroupKey, keyedGroupValue } from './groups.js';
export { inspectGovernor, type GovernorView, type GovernorPeerView } from './inspect.js';
export { governorInvariants, checkGovernor, type InvariantOptions } from './invariants.js';
