// peerwarden/store: the Store interface, the SQLite and in-memory stores, opening, resetting and batching.
export * from '../store/index.js';
