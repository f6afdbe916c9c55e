// Hash functions the core computes itself (a lean SHA-256 for short inputs).
export { sha256, sha256d, sha256dCheap, u64Mod } from './sha256.js';
