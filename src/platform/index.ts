// The shell's bindings for time and randomness: real ones and a virtual clock.
export { systemClock, systemScheduler, cryptoRandom } from './system.js';
export { VirtualClock } from './virtual-clock.js';
