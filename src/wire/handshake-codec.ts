// Codecs of the handshake and goodbye messages: HELLO, AUTH, DISCONNECT, and the bytes AUTH signs.

import { createHash } from 'node:crypto';
import {
  CHANNEL_BINDING_BYTES,
  MAX_DISCONNECT_MESSAGE_BYTES,
  MAX_USER_AGENT_BYTES,
  MessageType,
  NETWORK_ID_BYTES,
  NODE_ID_BYTES,
  NONCE_BYTES,
  SIGNATURE_BYTES,
} from './constants.js';
import { EncodeError } from './errors.js';
import { allocFrame, writeU16, writeU64 } from './frame.js';
import { BodyReader } from './reader.js';

export interface Hello {
  protocolVersion: number;
  /** SHA-256("peerwarden/" + network name): nodes of other networks refuse each other. */
  networkId: Uint8Array;
  /** The sender's Ed25519 public key (claimed here, proven by AUTH). */
  nodeId: Uint8Array;
  /** 32 random bytes: the peer signs ours in AUTH, and seeing our own nonce come back means we dialled ourselves. */
  nonce: Uint8Array;
  timestampMs: number;
  /** The port the sender accepts connections on; 0 if it does not listen. */
  listenPort: number;
  /** Service flags (u64). */
  services: bigint;
  userAgent: string;
}

export interface Disconnect {
  code: number;
  message: string;
}

/** The network id of a network name: SHA-256("peerwarden/" + name). */
export function networkIdOf(networkName: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`peerwarden/${networkName}`, 'utf8').digest());
}

const HELLO_FIXED_BYTES = 2 + NETWORK_ID_BYTES + NODE_ID_BYTES + NONCE_BYTES + 8 + 2 + 8 + 1;

function expectLength(what: string, bytes: Uint8Array, n: number): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== n) {
    throw new EncodeError(`${what} must be ${n} bytes, got ${bytes instanceof Uint8Array ? bytes.length : typeof bytes}`);
  }
}

/** The whole HELLO frame (at most 186 bytes). */
export function encodeHello(h: Hello): Uint8Array {
  expectLength('networkId', h.networkId, NETWORK_ID_BYTES);
  expectLength('nodeId', h.nodeId, NODE_ID_BYTES);
  expectLength('nonce', h.nonce, NONCE_BYTES);
  if (!Number.isInteger(h.protocolVersion) || h.protocolVersion < 0 || h.protocolVersion > 0xffff) {
    throw new EncodeError(`protocolVersion must be a u16, got ${h.protocolVersion}`);
  }
  if (!Number.isInteger(h.listenPort) || h.listenPort < 0 || h.listenPort > 0xffff) {
    throw new EncodeError(`listenPort must be 0-65535, got ${h.listenPort}`);
  }
  if (!Number.isSafeInteger(h.timestampMs) || h.timestampMs < 0) throw new EncodeError(`timestampMs must be a non-negative integer, got ${h.timestampMs}`);
  if (typeof h.services !== 'bigint' || h.services < 0n || h.services >= 1n << 64n) {
    throw new EncodeError(`services must be a bigint in [0, 2^64), got ${String(h.services)}`);
  }
  const ua = Buffer.from(h.userAgent, 'utf8');
  if (ua.length > MAX_USER_AGENT_BYTES) {
    throw new EncodeError(`userAgent is ${ua.length} bytes of UTF-8; at most ${MAX_USER_AGENT_BYTES} allowed`);
  }
  const buf = allocFrame(MessageType.HELLO, HELLO_FIXED_BYTES + ua.length);
  let at = 5;
  writeU16(buf, at, h.protocolVersion);
  at += 2;
  buf.set(h.networkId, at);
  at += NETWORK_ID_BYTES;
  buf.set(h.nodeId, at);
  at += NODE_ID_BYTES;
  buf.set(h.nonce, at);
  at += NONCE_BYTES;
  writeU64(buf, at, h.timestampMs);
  at += 8;
  writeU16(buf, at, h.listenPort);
  at += 2;
  writeU64(buf, at, h.services);
  at += 8;
  buf[at++] = ua.length;
  buf.set(ua, at);
  return buf;
}

/** Parses a HELLO body. The version is returned as sent: refusing other versions is the handshake's call. */
export function decodeHello(body: Uint8Array): Hello {
  const r = new BodyReader(body, MessageType.HELLO);
  // Copies, not views: a HELLO is kept for the connection's life and must not pin a read buffer.
  const protocolVersion = r.u16('protocolVersion');
  const networkId = r.copy(NETWORK_ID_BYTES, 'networkId');
  const nodeId = r.copy(NODE_ID_BYTES, 'nodeId');
  const nonce = r.copy(NONCE_BYTES, 'nonce');
  const timestampMs = r.u64Number('timestampMs');
  const listenPort = r.u16('listenPort');
  const services = r.u64('services');
  const userAgent = r.shortString('userAgent', MAX_USER_AGENT_BYTES);
  r.end();
  return { protocolVersion, networkId, nodeId, nonce, timestampMs, listenPort, services, userAgent };
}

/** The whole AUTH frame. */
export function encodeAuth(signature: Uint8Array): Uint8Array {
  expectLength('signature', signature, SIGNATURE_BYTES);
  const buf = allocFrame(MessageType.AUTH, SIGNATURE_BYTES);
  buf.set(signature, 5);
  return buf;
}

/** Parses an AUTH body: the 64-byte signature (a copy). */
export function decodeAuth(body: Uint8Array): Uint8Array {
  const r = new BodyReader(body, MessageType.AUTH);
  const sig = r.copy(SIGNATURE_BYTES, 'signature');
  r.end();
  return sig;
}

const AUTH_DOMAIN = Buffer.from('peerwarden-auth-v1', 'ascii');

/**
 * What AUTH signs: "peerwarden-auth-v1" ‖ networkId ‖ the *remote* side's HELLO nonce ‖ the signer's
 * own nodeId ‖ 32 B channel binding. Signing the other side's fresh nonce makes a signature
 * useless on any other connection; the channel binding ties it to this TLS session.
 */
export function authPayload(networkId: Uint8Array, remoteNonce: Uint8Array, signerNodeId: Uint8Array, channelBinding: Uint8Array): Uint8Array {
  expectLength('channelBinding', channelBinding, CHANNEL_BINDING_BYTES);
  return Buffer.concat([AUTH_DOMAIN, networkId, remoteNonce, signerNodeId, channelBinding]);
}

/** Truncates a string so its UTF-8 form fits `max` bytes without splitting a character. */
function fitUtf8(text: string, max: number): Buffer {
  let bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= max) return bytes;
  let end = max;
  // Step back over UTF-8 continuation bytes (10xxxxxx) so the cut lands on a character boundary.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  bytes = bytes.subarray(0, end);
  return bytes;
}

/** The whole DISCONNECT frame; a message over 255 bytes is cut (it is only informative). */
export function encodeDisconnect(code: number, message = ''): Uint8Array {
  if (!Number.isInteger(code) || code < 0 || code > 0xffff) throw new EncodeError(`a disconnect code is a u16, got ${code}`);
  const msg = fitUtf8(message, MAX_DISCONNECT_MESSAGE_BYTES);
  const buf = allocFrame(MessageType.DISCONNECT, 3 + msg.length);
  writeU16(buf, 5, code);
  buf[7] = msg.length;
  buf.set(msg, 8);
  return buf;
}

/** Parses a DISCONNECT body. The message is decoded leniently: it is for humans and logs only. */
export function decodeDisconnect(body: Uint8Array): Disconnect {
  const r = new BodyReader(body, MessageType.DISCONNECT);
  const code = r.u16('reason code');
  const message = r.shortString('message', MAX_DISCONNECT_MESSAGE_BYTES, false);
  r.end();
  return { code, message };
}

/** A DISCONNECT as far as it reads: a garbled goodbye is still a goodbye (code 0, no message). */
export function readDisconnect(body: Uint8Array): Disconnect {
  try {
    return decodeDisconnect(body);
  } catch {
    return { code: 0, message: '' };
  }
}
