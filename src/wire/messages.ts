// Decodes any frame body into a tagged message: the single entry point for tools, tests and fuzzing.

import { decodeMessage, decodeRequest, decodeResponse, type MessageBody, type RequestBody, type ResponseBody } from './app-codec.js';
import { FIRST_EXTENSION_TYPE, MessageType } from './constants.js';
import { decodeAddr, decodeGetAddr, decodePing, decodePong, type AddrEntry } from './control-codec.js';
import { decodeAuth, decodeDisconnect, decodeHello, type Disconnect, type Hello } from './handshake-codec.js';

export type WireMessage =
  | { kind: 'hello'; hello: Hello }
  | { kind: 'auth'; signature: Uint8Array }
  | { kind: 'ping'; nonce: bigint }
  | { kind: 'pong'; nonce: bigint }
  | { kind: 'getaddr' }
  | { kind: 'addr'; entries: AddrEntry[] }
  | { kind: 'disconnect'; disconnect: Disconnect }
  | ({ kind: 'message' } & MessageBody)
  | ({ kind: 'request' } & RequestBody)
  | ({ kind: 'response' } & ResponseBody)
  | { kind: 'extension'; type: number; body: Uint8Array }
  | { kind: 'unknown'; type: number; body: Uint8Array };

/**
 * Decodes a frame body by type. Throws MalformedMessageError for a body that does not parse;
 * types ≥ 0x80 come back as 'extension', undefined types below 0x80 as 'unknown' (the caller decides).
 */
export function decodeBody(type: number, body: Uint8Array): WireMessage {
  switch (type) {
    case MessageType.HELLO:
      return { kind: 'hello', hello: decodeHello(body) };
    case MessageType.AUTH:
      return { kind: 'auth', signature: decodeAuth(body) };
    case MessageType.PING:
      return { kind: 'ping', nonce: decodePing(body) };
    case MessageType.PONG:
      return { kind: 'pong', nonce: decodePong(body) };
    case MessageType.GETADDR:
      decodeGetAddr(body);
      return { kind: 'getaddr' };
    case MessageType.ADDR:
      return { kind: 'addr', entries: decodeAddr(body) };
    case MessageType.DISCONNECT:
      return { kind: 'disconnect', disconnect: decodeDisconnect(body) };
    case MessageType.MESSAGE:
      return { kind: 'message', ...decodeMessage(body) };
    case MessageType.REQUEST:
      return { kind: 'request', ...decodeRequest(body) };
    case MessageType.RESPONSE:
      return { kind: 'response', ...decodeResponse(body) };
    default:
      return type >= FIRST_EXTENSION_TYPE ? { kind: 'extension', type, body } : { kind: 'unknown', type, body };
  }
}
