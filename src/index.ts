// peerwarden's public library surface (named exports only).
export {
  AddressParseError,
  parseEndpoint,
  formatEndpoint,
  sameEndpoint,
  classify,
  isAcceptable,
  netGroup,
  formatNetGroup,
  normalizeIp,
  type Endpoint,
  type EndpointLike,
  type AddressClass,
  type IpFamily,
} from './core/address/index.js';
export type { Clock, Scheduler, Timer } from './core/clock.js';
export { createRandom, type Random } from './core/random.js';
export { systemClock, systemScheduler, cryptoRandom, VirtualClock } from './platform/index.js';
export { VERSION } from './version.js';
