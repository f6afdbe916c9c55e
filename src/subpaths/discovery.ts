// peerwarden/discovery: seeds, DNS seeds, peer exchange, the local port probe and hubs.
export * from '../discovery/index.js';
