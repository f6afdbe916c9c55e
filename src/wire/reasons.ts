// The DISCONNECT reason codes: one per way a connection can end, shared by both sides of the wire.

/**
 * Reason name → u16 code. Codes are part of the protocol (docs/protocol.md); names are what the API
 * reports. 0x00xx: ordinary endings; 0x001x: handshake refusals; 0x002x: protocol violations.
 * A code we do not know is reported as 'unknown' with its number kept.
 */
export const DisconnectCode = {
  /** No reason given. */
  none: 0x0000,
  /** The node is stopping. */
  shutdown: 0x0001,
  /** The application or operator asked for this disconnection. */
  requested: 0x0002,
  /** Another connection to the same node id is kept (the one dialled by the lower node id). */
  duplicate: 0x0003,
  /** All inbound slots are taken. */
  'too-many-inbound': 0x0004,
  /** All connection slots (inbound + outbound) are taken. */
  'too-many-total': 0x0005,
  /** This IP already has the maximum number of inbound connections. */
  'too-many-from-ip': 0x0006,
  /** The peer's IP, subnet or node id is banned. */
  banned: 0x0007,
  /** Dropped to make room for another inbound peer. */
  evicted: 0x0008,
  /** Replaced by the governor's periodic churn. */
  churn: 0x0009,
  /** The peer's reputation fell to the disconnect threshold. */
  score: 0x000a,
  /** The peer does not read: its outbound queue passed the high-water mark. */
  slow: 0x000b,
  /** Three pings in a row went unanswered. */
  'ping-timeout': 0x000c,
  /** A short-lived connection (feeler, port probe, hub visit) finished its job. */
  done: 0x000d,
  /** More connections than the governor wants. */
  surplus: 0x000e,

  /** HELLO named another network. */
  'wrong-network': 0x0010,
  /** HELLO carried a protocol version we do not speak. */
  'unsupported-version': 0x0011,
  /** HELLO carried our own node id or one of our own nonces: we dialled ourselves. */
  'self-connection': 0x0012,
  /** AUTH's signature did not verify against the node id of HELLO. */
  'bad-signature': 0x0013,
  /** The handshake did not finish within the handshake timeout (10 s by default). */
  'handshake-timeout': 0x0014,
  /** A message other than HELLO/AUTH/DISCONNECT arrived before the handshake was done. */
  'message-before-auth': 0x0015,
  /** A second HELLO arrived. */
  'duplicate-hello': 0x0016,
  /** AUTH arrived before HELLO. */
  'auth-before-hello': 0x0017,

  /** A frame's length field was over the limit in force (or zero). */
  'frame-too-large': 0x0020,
  /** A message body did not parse (truncated, count over its limit, bad value). */
  'malformed-message': 0x0021,
  /** A message type below 0x80 that this version does not know. */
  'unknown-message-type': 0x0022,
  /** A handshake message (HELLO/AUTH) after the handshake, or another breach of the message rules. */
  'protocol-violation': 0x0023,
} as const;

export type DisconnectReason = keyof typeof DisconnectCode;

const byCode = new Map<number, DisconnectReason>(Object.entries(DisconnectCode).map(([name, code]) => [code, name as DisconnectReason]));

/** The code of a reason name. */
export function reasonCode(reason: DisconnectReason): number {
  return DisconnectCode[reason];
}

/** The reason name of a code received on the wire, or 'unknown' for a code this version does not define. */
export function reasonName(code: number): DisconnectReason | 'unknown' {
  return byCode.get(code) ?? 'unknown';
}

/** True for the reasons that refuse a handshake (0x0010–0x001f). */
export function isHandshakeRefusal(code: number): boolean {
  return code >= 0x0010 && code <= 0x001f;
}
