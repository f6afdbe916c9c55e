// How a connection ended and how a request was answered: the words a connection and its listeners share.

import type { DisconnectReason } from '../wire/reasons.js';

/** Why a connection ended: a DISCONNECT reason, 'unknown' (a code we do not know) or 'connection-lost' (no DISCONNECT). */
export type CloseReason = DisconnectReason | 'unknown' | 'connection-lost';

export interface CloseInfo {
  reason: CloseReason;
  /** The DISCONNECT code sent or received (0 when none). */
  code: number;
  /** Who ended it: we did ('local') or the peer did ('remote'). */
  by: 'local' | 'remote';
  /** Free text: the DISCONNECT message or what went wrong. */
  message: string;
  /** The transport error, when the link failed. */
  error?: Error;
}

export type ResponseStatusName = 'ok' | 'error' | 'unknown-topic';
