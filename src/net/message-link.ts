// Message-level links: in-process connection ends that hand decoded messages across instead of bytes (the simulator's fast path).
//
// A Connection on a MessageLink runs every policy it runs on a byte stream — handshake checks,
// keep-alive and its PING allowance, offences, the slow-peer mark, requests — but its HELLO, AUTH,
// PING, PONG, GETADDR, ADDR and DISCONNECT travel as objects: nothing is encoded, copied or decoded.
// Anything else (application messages, requests, broadcasts, hand-made frames) travels as its
// encoded frame and goes through the receiver's frame decoder. Identities are vouched for by the
// network that created the link (see MessageNetwork) instead of being proven with Ed25519.

import type { AddrEntry } from '../wire/control-codec.js';
import { MessageType } from '../wire/constants.js';
import type { Hello } from '../wire/handshake-codec.js';
import type { HandshakeAuth } from './handshake.js';
import type { Link } from './transport.js';

/** A frame of any kind, as its bytes (the receiver decodes it): not one of the types below. */
export const FRAME = 0;

/** A decoded protocol message (`t` is the wire type code, or FRAME), with the bytes it takes on the wire. */
export type WireMessage =
  | { readonly t: typeof MessageType.HELLO; readonly hello: Hello; readonly size: number }
  | { readonly t: typeof MessageType.AUTH; readonly signature: Uint8Array; readonly size: number }
  | { readonly t: typeof MessageType.PING; readonly nonce: bigint; readonly size: number }
  | { readonly t: typeof MessageType.PONG; readonly nonce: bigint; readonly size: number }
  | { readonly t: typeof MessageType.GETADDR; readonly size: number }
  | { readonly t: typeof MessageType.ADDR; readonly entries: readonly AddrEntry[]; readonly size: number }
  | { readonly t: typeof MessageType.DISCONNECT; readonly code: number; readonly message: string; readonly size: number }
  | { readonly t: typeof FRAME; readonly bytes: Uint8Array; readonly size: number };

/** What a MessageLink reports to its single owner (the Connection). */
export interface MessageLinkHandlers {
  onMessage(message: WireMessage): void;
  onDrain(): void;
  onClose(error: Error | undefined): void;
}

/**
 * A Link that carries messages. `write`, `cork` and `uncork` of the byte interface are not used
 * (a Connection recognises the link and calls `send`); `writableLength` and `needDrain` count the
 * wire size of messages sent and not yet delivered, as a socket's buffer would.
 */
export interface MessageLink extends Link {
  readonly kind: 'message';
  /** How the handshake proves and checks node ids on this link (the network vouches for them). */
  readonly auth: HandshakeAuth;
  attachMessages(handlers: MessageLinkHandlers): void;
  /** Queues a message for delivery one latency later; never refuses (see writableLength). */
  send(message: WireMessage): void;
}

export function isMessageLink(link: Link): link is MessageLink {
  return (link as Partial<MessageLink>).kind === 'message';
}

const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Wire size of an ADDR of these entries (length prefix included): what the frame would take. */
export function addrWireBytes(entries: readonly AddrEntry[]): number {
  let n = 4 + 1 + 2;
  for (const e of entries) n += e.endpoint.ip.includes(':') ? 31 : 19;
  return n;
}

/** Wire size of a HELLO (length prefix included). */
export function helloWireBytes(h: Hello): number {
  return 4 + 1 + 2 + 32 + 32 + 32 + 8 + 2 + 8 + 1 + utf8Length(h.userAgent);
}

/** Wire size of AUTH, PING, PONG, GETADDR (length prefix included). */
export const AUTH_WIRE_BYTES = 4 + 1 + 64;
export const NONCE_WIRE_BYTES = 4 + 1 + 8;
export const GETADDR_WIRE_BYTES = 4 + 1;

/** Wire size of a DISCONNECT (length prefix included; the message is cut at 255 bytes, as the codec does). */
export function disconnectWireBytes(message: string): number {
  return 4 + 1 + 2 + 1 + Math.min(255, utf8Length(message));
}
