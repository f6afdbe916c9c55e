// Codecs of application traffic: MESSAGE, REQUEST, RESPONSE — built as EncodedFrames so payloads are never copied twice.

import { MessageType, ResponseStatus, type ResponseStatusCode } from './constants.js';
import { EncodeError, MalformedMessageError } from './errors.js';
import { INLINE_PAYLOAD_MAX, allocFrame, writeFrameHeader, writeU32, type EncodedFrame } from './frame.js';
import { topicBytes, topicText } from './topic.js';

export interface MessageBody {
  topic: string;
  payload: Uint8Array;
}

export interface RequestBody {
  requestId: number;
  topic: string;
  payload: Uint8Array;
}

export interface ResponseBody {
  requestId: number;
  status: ResponseStatusCode;
  payload: Uint8Array;
}

function checkPayload(payload: Uint8Array): void {
  if (!(payload instanceof Uint8Array)) throw new EncodeError(`a payload must be a Uint8Array (or Buffer), got ${typeof payload}`);
}

/**
 * Starts a frame whose body is `fixedLength` bytes of leading fields followed by the payload.
 * Small payloads are copied in (one chunk); large ones ride along by reference. Returns the buffer
 * holding header + fixed fields (+ payload when inlined); the caller writes the fixed fields at 5.
 */
function startFrame(type: number, fixedLength: number, payload: Uint8Array): Buffer {
  checkPayload(payload);
  const bodyLength = fixedLength + payload.length;
  if (bodyLength + 1 > 0xffffffff) throw new EncodeError(`a frame body of ${bodyLength} bytes cannot be framed`);
  if (payload.length <= INLINE_PAYLOAD_MAX) {
    const buf = allocFrame(type, bodyLength);
    buf.set(payload, 5 + fixedLength);
    return buf;
  }
  const head = Buffer.allocUnsafe(5 + fixedLength);
  writeFrameHeader(head, 0, type, bodyLength);
  return head;
}

function finish(type: number, head: Buffer, payload: Uint8Array): EncodedFrame {
  const inline = payload.length <= INLINE_PAYLOAD_MAX;
  return { type, head, payload: inline ? undefined : payload, size: inline ? head.length : head.length + payload.length };
}

/** A MESSAGE frame: u8 n · topic · payload. Throws EncodeError for a topic over 255 bytes. */
export function encodeMessage(topic: string, payload: Uint8Array): EncodedFrame {
  const t = topicBytes(topic);
  const buf = startFrame(MessageType.MESSAGE, 1 + t.length, payload);
  buf[5] = t.length;
  buf.set(t, 6);
  return finish(MessageType.MESSAGE, buf, payload);
}

/** A REQUEST frame: u32 requestId · u8 n · topic · payload. */
export function encodeRequest(requestId: number, topic: string, payload: Uint8Array): EncodedFrame {
  const t = topicBytes(topic);
  const buf = startFrame(MessageType.REQUEST, 5 + t.length, payload);
  writeU32(buf, 5, requestId);
  buf[9] = t.length;
  buf.set(t, 10);
  return finish(MessageType.REQUEST, buf, payload);
}

/** A RESPONSE frame: u32 requestId · u8 status · payload. */
export function encodeResponse(requestId: number, status: ResponseStatusCode, payload: Uint8Array): EncodedFrame {
  if (status !== ResponseStatus.OK && status !== ResponseStatus.ERROR && status !== ResponseStatus.UNKNOWN_TOPIC) {
    throw new EncodeError(`response status must be 0, 1 or 2, got ${String(status)}`);
  }
  const buf = startFrame(MessageType.RESPONSE, 5, payload);
  writeU32(buf, 5, requestId);
  buf[9] = status;
  return finish(MessageType.RESPONSE, buf, payload);
}

/** Reads `u8 n · topic` at `at`; returns the topic and the offset after it. */
function readTopic(type: number, body: Uint8Array, at: number): [string, number] {
  if (body.length < at + 1) throw new MalformedMessageError(type, 'truncated: missing topic length');
  const n = body[at]!;
  const end = at + 1 + n;
  if (body.length < end) throw new MalformedMessageError(type, `truncated: topic needs ${n} bytes, ${body.length - at - 1} left`);
  const topic = topicText(body, at + 1, end);
  if (topic === undefined) throw new MalformedMessageError(type, 'topic is not valid UTF-8');
  return [topic, end];
}

const readU32 = (b: Uint8Array, at: number): number => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

/** Parses a MESSAGE body; the payload is a view into `body`. */
export function decodeMessage(body: Uint8Array): MessageBody {
  const [topic, end] = readTopic(MessageType.MESSAGE, body, 0);
  return { topic, payload: body.subarray(end) };
}

/** Parses a REQUEST body; the payload is a view into `body`. */
export function decodeRequest(body: Uint8Array): RequestBody {
  if (body.length < 4) throw new MalformedMessageError(MessageType.REQUEST, 'truncated: missing requestId');
  const requestId = readU32(body, 0);
  const [topic, end] = readTopic(MessageType.REQUEST, body, 4);
  return { requestId, topic, payload: body.subarray(end) };
}

/** Parses a RESPONSE body; the payload is a view into `body`. */
export function decodeResponse(body: Uint8Array): ResponseBody {
  if (body.length < 5) throw new MalformedMessageError(MessageType.RESPONSE, 'truncated: missing requestId or status');
  const requestId = readU32(body, 0);
  const status = body[4]!;
  if (status > 2) throw new MalformedMessageError(MessageType.RESPONSE, `status ${status} (expected 0 ok, 1 error, 2 unknown topic)`);
  return { requestId, status: status as ResponseStatusCode, payload: body.subarray(5) };
}
