// peerwarden/observer: the peers of an external cardano-node, from its trace log and the kernel's sockets.
export * from '../observer/index.js';
