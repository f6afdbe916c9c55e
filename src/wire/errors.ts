// Typed errors of the wire layer: every malformed input ends in one of these, never in a crash.

import { PeerwardenError } from '../core/errors.js';
import type { Offence } from '../core/reputation/penalties.js';

/** Base class: anything wrong with bytes received from (or about to be sent to) a peer. */
export class WireError extends PeerwardenError {
  readonly code: string = 'wire-invalid';
  override name = 'WireError';
}

/** A frame's length field exceeds the limit in force (or is zero): the stream cannot be trusted further. */
export class FrameTooLargeError extends WireError {
  override readonly code: string = 'frame-too-large';
  override name = 'FrameTooLargeError';
  constructor(
    readonly length: number,
    readonly limit: number,
  ) {
    super(
      length === 0
        ? 'frame length 0: every frame needs at least its type byte'
        : `frame length ${length} exceeds the limit of ${limit} bytes; the peer is broken or hostile (raise maxFrameBytes only if both sides agree)`,
    );
  }
}

/** The offences a body that does not parse can be: most are plain garbage, one is book flooding. */
export type MalformedOffence = Extract<Offence, 'malformed-message' | 'addr-too-many'>;

/**
 * A message body that does not parse: truncated, too long, a count over its limit, a bad enum value.
 * `offence` names what the sender did, for the reputation table: an ADDR over 1000 entries is
 * 'addr-too-many' (flooding the book), everything else 'malformed-message'.
 */
export class MalformedMessageError extends WireError {
  override readonly code: string = 'malformed-message';
  override name = 'MalformedMessageError';
  constructor(
    readonly messageType: number,
    readonly detail: string,
    readonly offence: MalformedOffence = 'malformed-message',
  ) {
    super(`malformed message of type 0x${messageType.toString(16).padStart(2, '0')}: ${detail}`);
  }
}

/** Something we were asked to send cannot be encoded (a topic over 255 bytes, a user agent over 64…). */
export class EncodeError extends WireError {
  override readonly code: string = 'encode-failed';
  override name = 'EncodeError';
}
