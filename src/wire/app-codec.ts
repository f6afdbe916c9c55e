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
 * Builds a frame whose body is `fixed` (already-encoded leading fields) followed by the payload.
 * Small payloads are copied in (one chunk); large ones ride along by reference.
 */
function buildFrame(type: number, fixedLength: number, writeFixed: (buf: Uint8Array, at: number) => void, payload: Uint8Array): EncodedFrame {
  checkPayload(payload);
  const bodyLength = fixedLength + payload.length;
  if (bodyLength + 1 > 0xffffffff) throw new EncodeError(`a frame body of ${bodyLength} bytes cannot be framed`);
  if (payload.length <= INLINE_PAYLOAD_MAX) {
    const buf = allocFrame(type, bodyLength);
    writeFixed(buf, 5);
    buf.set(payload, 5 + fixedLength);
    return { type, head: buf, payload: undefined, size: buf.length };
  }
  const head = Buffer.allocUnsafe(5 + fixedLength);
  writeFrameHeader(head, 0, type, bodyLength);
  writeFixed(head, 5);
  return { type, head, payload, size: head.length + payload.length };
}

/** A MESSAGE frame: u8 n · topic · payload. Throws EncodeError for a topic over 255 bytes. */
export function encodeMessage(topic: string, payload: Uint8Array): EncodedFrame {
  const t = topicBytes(topic);
  return buildFrame(
    MessageType.MESSAGE,
    1 + t.length,
    (buf, at) => {
      buf[at] = t.length;
      buf.set(t, at + 1);
    },
    payload,
  );
}

/** A REQUEST frame: u32 requestId · u8 n · topic · payload. */
export function encodeRequest(requestId: number, topic: string, payload: Uint8Array): EncodedFrame {
  const t = topicBytes(topic);
  return buildFrame(
    MessageType.REQUEST,
    5 + t.length,
    (buf, at) => {
      writeU32(buf, at, requestId);
      buf[at + 4] = t.length;
      buf.set(t, at + 5);
    },
    payload,
  );
}

/** A RESPONSE frame: u32 requestId · u8 status · payload. */
export function encodeResponse(requestId: number, status: ResponseStatusCode, payload: Uint8Array): EncodedFrame {
  if (status !== ResponseStatus.OK && status !== ResponseStatus.ERROR && status !== ResponseStatus.UNKNOWN_TOPIC) {
    throw new EncodeError(`response status must be 0, 1 or 2, got ${String(status)}`);
  }
  return buildFrame(
    MessageType.RESPONSE,
    5,
    (buf, at) => {
      writeU32(buf, at, requestId);
      buf[at + 4] = status;
    },
    payload,
  );
}

/** Reads `u8 n · topic` at `at`; returns the topic and the offset after it. */
function readTopic(type: number, body: Uint8Array, at: number): [string, number] {
  if (body.length < at + 1) throw new MalformedMessageError(type, 'truncated: missing topic length');
  const n = body[at]!;
  const end = at + 1 + n;
  if (body.length < end) throw new MalformedMessageError(type, `truncated: topic needs ${n} bytes, ${body.length - at - 1} left`);
  const topic = topicText(body.subarray(at + 1, end));
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
