// Hash functions the core computes itself (a lean SHA-256 for short inputs).
export { sha256, sha256d, sha256dCheap, sha256dCheapKeyed, keyMidstate, u64Mod, type KeyMidstate } from './sha256.js';
