// The two accepted forms of getAddresses' arguments, checked: an options object, or (max, maxPercent) as Core's GetAddr takes them.

import type { GetAddressesOptions } from './types.js';

const RIGHT_CALL =
  'getAddresses takes { max?, maxPercent?, network?, filtered? } or (max, maxPercent) — for example getAddresses({ max: 1000, maxPercent: 23 }) or getAddresses(1000, 23)';

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (v === null || typeof v !== 'object') return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function refuse(args: readonly unknown[], why?: string): never {
  throw new TypeError(`${RIGHT_CALL}${why ? ` (${why})` : ''}; got (${args.map(show).join(', ')})`);
}

/** A limit: absent, or a number >= 0 (0 means none). */
function isLimit(v: unknown): boolean {
  return v === undefined || (typeof v === 'number' && v >= 0 && Number.isFinite(v));
}

/**
 * getAddresses' arguments as options. Accepts nothing, `undefined`, one options object, or two
 * numbers `(max, maxPercent)`; throws a TypeError that shows the right call for anything else
 * (a lone number, a string, negative or non-numeric limits). Other properties of the options object
 * are ignored, as everywhere else in the book's options.
 */
export function readGetAddressesArgs(args: readonly unknown[]): GetAddressesOptions {
  if (args.length === 0) return {};
  if (args.length === 2 && typeof args[0] === 'number' && typeof args[1] === 'number') {
    if (!isLimit(args[0]) || !isLimit(args[1])) refuse(args, 'max and maxPercent must be numbers >= 0; 0 means no limit');
    return { max: args[0], maxPercent: args[1] };
  }
  if (args.length !== 1) refuse(args);
  const o = args[0];
  if (o === undefined) return {};
  if (o === null || typeof o !== 'object' || Array.isArray(o)) refuse(args);
  const { max, maxPercent, network, filtered } = o as Record<string, unknown>;
  if (!isLimit(max) || !isLimit(maxPercent)) refuse(args, 'max and maxPercent must be numbers >= 0; 0 means no limit');
  if (network !== undefined && network !== 'ipv4' && network !== 'ipv6') refuse(args, "network is 'ipv4' or 'ipv6'");
  if (filtered !== undefined && typeof filtered !== 'boolean') refuse(args, 'filtered is true or false');
  return o as GetAddressesOptions;
}
