// The numbers of the wire protocol (docs/protocol.md): message type codes, version and size limits.

/** The protocol version this code speaks; a HELLO with any other version is refused. */
export const PROTOCOL_VERSION = 1;

/** Message type codes (the u8 after the frame's length). */
export const MessageType = {
  HELLO: 0x01,
  AUTH: 0x02,
  PING: 0x03,
  PONG: 0x04,
  GETADDR: 0x05,
  ADDR: 0x06,
  DISCONNECT: 0x07,
  MESSAGE: 0x10,
  REQUEST: 0x11,
  RESPONSE: 0x12,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** Types at or above this are extensions: ignored after the handshake, so new features need no version bump. */
export const FIRST_EXTENSION_TYPE = 0x80;

/** Bytes of the frame header: u32 length + u8 type. */
export const FRAME_HEADER_BYTES = 5;

/**
 * Default bound on the length field (type + body) after the handshake. 4 MiB holds any sane
 * application message while keeping the worst-case buffer per peer small enough for 125 peers.
 */
export const DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;

/**
 * Until the handshake is done a whole frame (length field included) may be at most 256 bytes: the
 * largest HELLO is 186, so an unauthenticated peer can never make us buffer more than this.
 */
export const PRE_HANDSHAKE_MAX_FRAME_TOTAL = 256;
/** The same limit expressed on the length field (which does not count its own 4 bytes). */
export const PRE_HANDSHAKE_MAX_FRAME_BYTES = PRE_HANDSHAKE_MAX_FRAME_TOTAL - 4;

/** Bytes of a node id (an Ed25519 public key), a network id (SHA-256) and a HELLO nonce. */
export const NODE_ID_BYTES = 32;
export const NETWORK_ID_BYTES = 32;
export const NONCE_BYTES = 32;
/** An Ed25519 signature. */
export const SIGNATURE_BYTES = 64;
/** AUTH's channel binding: TLS exporter output, or zeros without TLS. */
export const CHANNEL_BINDING_BYTES = 32;

/** HELLO's user agent is at most 64 bytes of UTF-8: enough for "name/version (platform)". */
export const MAX_USER_AGENT_BYTES = 64;
/** Topics are length-prefixed by one byte. */
export const MAX_TOPIC_BYTES = 255;
/** DISCONNECT's message is length-prefixed by one byte. */
export const MAX_DISCONNECT_MESSAGE_BYTES = 255;
/** ADDR carries at most 1000 entries (Bitcoin's MAX_ADDR_TO_SEND); more is misbehaviour. */
export const MAX_ADDR_ENTRIES = 1000;

/** RESPONSE status byte. */
export const ResponseStatus = { OK: 0, ERROR: 1, UNKNOWN_TOPIC: 2 } as const;
export type ResponseStatusCode = (typeof ResponseStatus)[keyof typeof ResponseStatus];
