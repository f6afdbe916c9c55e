// better-sqlite3, loaded on first use: importing the package (or running a node in memory) must not
// load a native addon that only a data directory needs. require() keeps opening synchronous.

import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

let driver: typeof BetterSqlite3 | undefined;

/** `new Database(file, options)` of better-sqlite3, which is loaded by the first call. */
export function openDatabase(file: string, options?: BetterSqlite3.Options): BetterSqlite3.Database {
  driver ??= createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  return new driver(file, options);
}
