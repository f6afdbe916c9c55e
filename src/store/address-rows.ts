// The address book as stored rows: conversion both ways, row validation, and the book's meta keys.

import { ADDRESS_ORIGINS, type AddressBook, type AddressBookChanges, type AddressBookSnapshot, type AddressOrigin, type SnapshotEntry } from '../core/addrbook/index.js';
import { StoreError, wayOut } from './errors.js';

/** One row of the `addresses` table. */
export interface AddressRow {
  endpoint: string;
  services: string;
  time: number;
  source: string;
  origin: string;
  last_try: number;
  last_success: number;
  last_count_attempt: number;
  attempts: number;
  tried: number;
  /** bucket * 64 + position of every slot holding the entry, comma-separated. */
  slots: string;
}

/** Meta keys of the address book (the schema version lives under 'schema_version'). */
export const BOOK_META = {
  key: 'addrbook.key',
  newBucketCount: 'addrbook.new_bucket_count',
  triedBucketCount: 'addrbook.tried_bucket_count',
  allowPrivate: 'addrbook.allow_private',
  allowLoopback: 'addrbook.allow_loopback',
  lastGood: 'addrbook.last_good',
  /** The SHA-256 of the AS map the book was bucketed with ('' for none): another map means re-bucketing. */
  asmap: 'addrbook.asmap',
} as const;

/** The columns of a row, in the order rowValues() and rowFromValues() use. */
export const ROW_COLUMNS = [
  'endpoint',
  'services',
  'time',
  'source',
  'origin',
  'last_try',
  'last_success',
  'last_count_attempt',
  'attempts',
  'tried',
  'slots',
] as const;

function firstSlot(slots: number[]): number {
  let min = slots[0] ?? 0;
  for (const s of slots) if (s < min) min = s;
  return min;
}

/** A row's values in ROW_COLUMNS order (positional binding is faster than named). */
export function rowValues(e: SnapshotEntry): [string, string, number, string, string, number, number, number, number, number, string] {
  return [e.endpoint, e.services, e.time, e.source, e.origin, e.lastTry, e.lastSuccess, e.lastCountAttempt, e.attempts, e.tried ? 1 : 0, e.slots.join(',')];
}

/** A row from values in ROW_COLUMNS order. */
export function rowFromValues(v: unknown[]): AddressRow {
  return {
    endpoint: v[0] as string,
    services: v[1] as string,
    time: v[2] as number,
    source: v[3] as string,
    origin: v[4] as string,
    last_try: v[5] as number,
    last_success: v[6] as number,
    last_count_attempt: v[7] as number,
    attempts: v[8] as number,
    tried: v[9] as number,
    slots: v[10] as string,
  };
}

/** Reads a row given as values in ROW_COLUMNS order (the fast path of loading). */
export function entryOfValues(v: unknown[], file: string): SnapshotEntry {
  const [endpoint, services, time, source, origin, lastTry, lastSuccess, lastCountAttempt, attempts, tried, slots] = v;
  if (
    typeof endpoint !== 'string' ||
    typeof services !== 'string' ||
    typeof source !== 'string' ||
    typeof origin !== 'string' ||
    !isNumber(time) ||
    !isNumber(lastTry) ||
    !isNumber(lastSuccess) ||
    !isNumber(lastCountAttempt) ||
    !isNumber(attempts) ||
    (tried !== 0 && tried !== 1) ||
    typeof slots !== 'string'
  ) {
    return entryOfRow(rowFromValues(v), file); // names the bad field
  }
  const parsed = slots.split(',').map(Number);
  if (parsed.length > 8 || parsed.some((n) => !Number.isInteger(n) || n < 0)) return entryOfRow(rowFromValues(v), file);
  return {
    endpoint,
    services,
    time,
    source,
    origin: origin as AddressOrigin,
    lastTry,
    lastSuccess,
    lastCountAttempt,
    attempts,
    tried: tried === 1,
    slots: parsed,
  };
}

/** Entries in the book's canonical order: tried ones by slot, then new ones by first slot. */
export function sortCanonically(entries: SnapshotEntry[]): SnapshotEntry[] {
  const keys = new Float64Array(entries.length);
  for (let i = 0; i < entries.length; i++) keys[i] = (entries[i]!.tried ? 0 : 1e9) + firstSlot(entries[i]!.slots);
  const order = Array.from({ length: entries.length }, (_, i) => i).sort((a, b) => keys[a]! - keys[b]!);
  return order.map((i) => entries[i]!);
}

export function rowOf(e: SnapshotEntry): AddressRow {
  return {
    endpoint: e.endpoint,
    services: e.services,
    time: e.time,
    source: e.source,
    origin: e.origin,
    last_try: e.lastTry,
    last_success: e.lastSuccess,
    last_count_attempt: e.lastCountAttempt,
    attempts: e.attempts,
    tried: e.tried ? 1 : 0,
    slots: e.slots.join(','),
  };
}

const SLOTS = /^[0-9]{1,9}(?:,[0-9]{1,9}){0,7}$/;

function unreadable(file: string, row: Partial<AddressRow>, what: string): never {
  const name = typeof row?.endpoint === 'string' ? row.endpoint : '(no endpoint)';
  throw new StoreError(`${file}: the address row ${name} is unreadable (${what}). ${wayOut(file)}`, file, 'unreadable-row');
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Reads a row back into a snapshot entry; throws StoreError naming the row when a field is not what was written. */
export function entryOfRow(row: AddressRow, file: string): SnapshotEntry {
  if (typeof row.endpoint !== 'string' || row.endpoint.length === 0) unreadable(file, row, 'no endpoint');
  if (typeof row.services !== 'string' || !/^[0-9]{1,20}$/.test(row.services)) unreadable(file, row, 'services is not a number');
  if (typeof row.source !== 'string') unreadable(file, row, 'no source');
  if (!ADDRESS_ORIGINS.includes(row.origin as AddressOrigin)) unreadable(file, row, `unknown origin ${String(row.origin)}`);
  for (const f of ['time', 'last_try', 'last_success', 'last_count_attempt', 'attempts'] as const) {
    if (!isNumber(row[f])) unreadable(file, row, `${f} is not a number`);
  }
  if (row.tried !== 0 && row.tried !== 1) unreadable(file, row, 'tried is not 0 or 1');
  if (typeof row.slots !== 'string' || !SLOTS.test(row.slots)) unreadable(file, row, 'slots are not a list of numbers');
  return {
    endpoint: row.endpoint,
    services: row.services,
    time: row.time,
    source: row.source,
    origin: row.origin as AddressOrigin,
    lastTry: row.last_try,
    lastSuccess: row.last_success,
    lastCountAttempt: row.last_count_attempt,
    attempts: row.attempts,
    tried: row.tried === 1,
    slots: row.slots.split(',').map(Number),
  };
}

/** The book's meta values to store with its changes. */
export function bookMeta(c: AddressBookChanges): Array<[string, string]> {
  return [
    [BOOK_META.key, c.key],
    [BOOK_META.newBucketCount, String(c.newBucketCount)],
    [BOOK_META.triedBucketCount, String(c.triedBucketCount)],
    [BOOK_META.allowPrivate, c.allowPrivate ? '1' : '0'],
    [BOOK_META.allowLoopback, c.allowLoopback ? '1' : '0'],
    [BOOK_META.lastGood, String(c.lastGood)],
    [BOOK_META.asmap, c.asmapChecksum ?? ''],
  ];
}

/**
 * The book's changes, or all of it when the store holds another book (another key or table size,
 * or none yet): then the stored rows are replaced wholesale.
 */
export function changesToWrite(book: AddressBook, meta: (key: string) => string | undefined): AddressBookChanges {
  const changes = book.takeChanges();
  if (changes.full) return changes;
  const same =
    meta(BOOK_META.key) === changes.key &&
    meta(BOOK_META.newBucketCount) === String(changes.newBucketCount) &&
    meta(BOOK_META.triedBucketCount) === String(changes.triedBucketCount);
  if (same) return changes;
  return { ...changes, full: true, upserts: book.snapshot().entries, deletes: [] };
}

/** Assembles a snapshot from stored parts; undefined when no book was saved. */
export function snapshotOf(
  meta: (key: string) => string | undefined,
  entries: SnapshotEntry[],
  collisions: string[],
  file: string,
): AddressBookSnapshot | undefined {
  const key = meta(BOOK_META.key);
  if (key === undefined) return undefined;
  const int = (k: string): number => {
    const v = Number(meta(k));
    if (!Number.isFinite(v)) {
      throw new StoreError(`${file}: the stored address book setting ${k} is unreadable. ${wayOut(file)}`, file, 'unreadable-row');
    }
    return v;
  };
  return {
    version: 1,
    key,
    newBucketCount: int(BOOK_META.newBucketCount),
    triedBucketCount: int(BOOK_META.triedBucketCount),
    allowPrivate: meta(BOOK_META.allowPrivate) === '1',
    allowLoopback: meta(BOOK_META.allowLoopback) === '1',
    lastGood: int(BOOK_META.lastGood),
    ...(meta(BOOK_META.asmap) ? { asmapChecksum: meta(BOOK_META.asmap)! } : {}),
    entries,
    collisions,
  };
}
