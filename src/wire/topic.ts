// Topic text <-> bytes, memoised: a stream of messages reuses a handful of topics, so neither side re-encodes them.

import { MAX_TOPIC_BYTES } from './constants.js';
import { EncodeError } from './errors.js';
import { decodeUtf8Strict } from './reader.js';

/**
 * Encoded topics by text. Bounded: cleared when full, so a caller cycling through endless topics
 * costs at most this many entries. (A pure memo: it never changes any result.)
 */
const ENCODE_MEMO_MAX = 256;
const encodeMemo = new Map<string, Uint8Array>();

/** The UTF-8 bytes of `topic`; throws EncodeError when longer than 255 bytes. */
export function topicBytes(topic: string): Uint8Array {
  let bytes = encodeMemo.get(topic);
  if (bytes) return bytes;
  if (typeof topic !== 'string') throw new EncodeError(`a topic must be a string, got ${typeof topic}`);
  bytes = Buffer.from(topic, 'utf8');
  if (bytes.length > MAX_TOPIC_BYTES) {
    throw new EncodeError(`topic ${JSON.stringify(topic.slice(0, 40))}… is ${bytes.length} bytes of UTF-8; at most ${MAX_TOPIC_BYTES} allowed`);
  }
  if (encodeMemo.size >= ENCODE_MEMO_MAX) encodeMemo.clear();
  encodeMemo.set(topic, bytes);
  return bytes;
}

/**
 * Decoded topics in a direct-mapped table of 64 slots keyed by an FNV-1a hash of the bytes: a hit
 * costs one short byte comparison instead of a UTF-8 decode and a new string per message.
 */
const DECODE_SLOTS = 64;
const slotBytes: (Uint8Array | undefined)[] = new Array(DECODE_SLOTS).fill(undefined);
const slotText: string[] = new Array(DECODE_SLOTS).fill('');

/**
 * Decodes the topic in bytes[start, end) (strict UTF-8); undefined when not valid UTF-8. Offsets
 * rather than a view: the hot path (a cache hit) then allocates nothing.
 */
export function topicText(bytes: Uint8Array, start = 0, end = bytes.length): string | undefined {
  const n = end - start;
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  const slot = (h ^ (h >>> 16)) & (DECODE_SLOTS - 1);
  const known = slotBytes[slot];
  if (known && known.length === n) {
    let same = true;
    for (let i = 0; i < n; i++) {
      if (known[i] !== bytes[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return slotText[slot];
  }
  const view = bytes.subarray(start, end);
  const text = decodeUtf8Strict(view);
  if (text === undefined) return undefined;
  // Copy: the bytes are a view into a read buffer that must not be kept alive by the memo.
  slotBytes[slot] = Uint8Array.prototype.slice.call(view);
  slotText[slot] = text;
  return text;
}
