// Codecs of the keep-alive and address-exchange messages: PING, PONG, GETADDR, ADDR.

import { formatIpBytes, isIpv4Bytes, parseIpBytes, type Endpoint } from '../core/address/index.js';
import { MAX_ADDR_ENTRIES, MessageType } from './constants.js';
import { EncodeError } from './errors.js';
import { allocFrame, writeU16, writeU32, writeU64 } from './frame.js';
import { BodyReader } from './reader.js';

/** One ADDR entry, shaped like an address-book entry: `time` in milliseconds (seconds on the wire). */
export interface AddrEntry {
  endpoint: Endpoint;
  services: bigint;
  time: number;
}

/** The whole PING frame. */
export function encodePing(nonce: bigint): Uint8Array {
  const buf = allocFrame(MessageType.PING, 8);
  writeU64(buf, 5, nonce);
  return buf;
}

/** The whole PONG frame, echoing the PING's nonce. */
export function encodePong(nonce: bigint): Uint8Array {
  const buf = allocFrame(MessageType.PONG, 8);
  writeU64(buf, 5, nonce);
  return buf;
}

function decodeNonce(type: number, body: Uint8Array): bigint {
  const r = new BodyReader(body, type);
  const nonce = r.u64('nonce');
  r.end();
  return nonce;
}

export const decodePing = (body: Uint8Array): bigint => decodeNonce(MessageType.PING, body);
export const decodePong = (body: Uint8Array): bigint => decodeNonce(MessageType.PONG, body);

/** The whole GETADDR frame (no body). */
export function encodeGetAddr(): Uint8Array {
  return allocFrame(MessageType.GETADDR, 0);
}

export function decodeGetAddr(body: Uint8Array): void {
  new BodyReader(body, MessageType.GETADDR).end();
}

const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** 16-byte form of an IP: a fast path for canonical dotted IPv4 (what endpoints hold), else the full parser. */
function ipBytes(ip: string): Uint8Array {
  const m = DOTTED_QUAD.exec(ip);
  if (m) {
    const b = new Uint8Array(16);
    b[10] = 0xff;
    b[11] = 0xff;
    let ok = true;
    for (let i = 0; i < 4; i++) {
      const part = m[i + 1]!;
      const v = Number(part);
      if (v > 255 || (part.length > 1 && part[0] === '0')) ok = false;
      b[12 + i] = v;
    }
    if (ok) return b;
  }
  return parseIpBytes(ip);
}

/** Smallest entry on the wire: family 4 · 4 B ip · u16 port · u64 services · u32 time. */
const MIN_ADDR_ENTRY_BYTES = 1 + 4 + 2 + 8 + 4;
const MAX_U32 = 0xffffffff;

/** The whole ADDR frame. Throws EncodeError for more than 1000 entries or an invalid entry. */
export function encodeAddr(entries: readonly AddrEntry[]): Uint8Array {
  if (entries.length > MAX_ADDR_ENTRIES) throw new EncodeError(`ADDR carries at most ${MAX_ADDR_ENTRIES} entries, got ${entries.length}; split it`);
  const ips = entries.map((e) => ipBytes(e.endpoint.ip));
  let bodyLength = 2;
  for (const ip of ips) bodyLength += isIpv4Bytes(ip) ? 19 : 31;
  const buf = allocFrame(MessageType.ADDR, bodyLength);
  let at = 5;
  writeU16(buf, at, entries.length);
  at += 2;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const ip = ips[i]!;
    const { port } = e.endpoint;
    if (!Number.isInteger(port) || port < 0 || port > 0xffff) throw new EncodeError(`ADDR entry ${i}: port must be 0-65535, got ${port}`);
    if (typeof e.services !== 'bigint' || e.services < 0n || e.services >= 1n << 64n) {
      throw new EncodeError(`ADDR entry ${i}: services must be a bigint in [0, 2^64)`);
    }
    if (isIpv4Bytes(ip)) {
      buf[at++] = 4;
      buf.set(ip.subarray(12), at);
      at += 4;
    } else {
      buf[at++] = 6;
      buf.set(ip, at);
      at += 16;
    }
    writeU16(buf, at, port);
    at += 2;
    writeU64(buf, at, e.services);
    at += 8;
    // Seconds since the epoch; clamped because a u32 cannot hold times before 1970 or after 2106.
    const seconds = Math.min(MAX_U32, Math.max(0, Math.floor(e.time / 1000)));
    writeU32(buf, at, Number.isFinite(seconds) ? seconds : 0);
    at += 4;
  }
  return buf;
}

/**
 * Parses an ADDR body. The count is checked against 1000 and against the bytes actually present
 * before any entry is built, so a hostile count allocates nothing.
 */
export function decodeAddr(body: Uint8Array): AddrEntry[] {
  const r = new BodyReader(body, MessageType.ADDR);
  const count = r.u16('count');
  if (count > MAX_ADDR_ENTRIES) r.fail(`count ${count} exceeds ${MAX_ADDR_ENTRIES}`, 'addr-too-many');
  if (r.remaining < count * MIN_ADDR_ENTRY_BYTES) r.fail(`count ${count} needs at least ${count * MIN_ADDR_ENTRY_BYTES} bytes, ${r.remaining} present`);
  const entries: AddrEntry[] = [];
  for (let i = 0; i < count; i++) {
    const family = r.u8('family');
    let ip: string;
    if (family === 4) {
      const b = r.bytes(4, 'IPv4 address');
      ip = `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
    } else if (family === 6) {
      ip = formatIpBytes(r.bytes(16, 'IPv6 address'));
    } else {
      return r.fail(`entry ${i}: family ${family} (expected 4 or 6)`);
    }
    const port = r.u16('port');
    const services = r.u64('services');
    const time = r.u32('time') * 1000;
    entries.push({ endpoint: { ip, port }, services, time });
  }
  r.end();
  return entries;
}
