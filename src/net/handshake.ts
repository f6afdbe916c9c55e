// The HELLO/AUTH handshake (docs/protocol.md) as a state machine: frames in, what to send and the outcome out.

import { PROTOCOL_VERSION, MessageType } from '../wire/constants.js';
import { MalformedMessageError } from '../wire/errors.js';
import { authPayload, decodeAuth, decodeHello, encodeAuth, encodeHello, readDisconnect, type Hello } from '../wire/handshake-codec.js';
import type { DisconnectReason } from '../wire/reasons.js';
import { nodeIdOf, verifySignature, type NodeIdentity } from './identity.js';
import type { Offence } from '../core/reputation/penalties.js';

/**
 * How AUTH proves possession of a node key and how it is checked. Ed25519 everywhere but in the
 * simulator, whose in-process network vouches for the identities of the links it creates (see
 * MessageNetwork): the same checks run, only the signature arithmetic is skipped.
 */
export interface HandshakeAuth {
  sign(identity: NodeIdentity, payload: Uint8Array): Uint8Array;
  verify(publicKey: Uint8Array, payload: Uint8Array, signature: Uint8Array): boolean;
}

/** Ed25519 signatures: the node id is the public key, AUTH proves the private one. */
export const ED25519_AUTH: HandshakeAuth = {
  sign: (identity, payload) => identity.sign(payload),
  verify: verifySignature,
};

export interface HandshakeParams {
  identity: NodeIdentity;
  networkId: Uint8Array;
  /** Our 32-byte HELLO nonce for this connection (from the injected Random). */
  nonce: Uint8Array;
  timestampMs: number;
  listenPort: number;
  services: bigint;
  userAgent: string;
  /** 32 bytes from the transport (TLS exporter, or zeros). */
  channelBinding: Uint8Array;
  /** True for a nonce of any of our own pending handshakes: seeing one come back means we dialled ourselves. */
  isOwnNonce(nonce: Uint8Array): boolean;
  /** The node-layer ban check for a claimed node id. */
  isBannedId(nodeId: string): boolean;
  /** Default Ed25519. */
  auth?: HandshakeAuth;
}

/** A refusal we decide: send DISCONNECT(reason) and close; `offence` when it is also misbehaviour. */
export interface Refusal {
  kind: 'refuse';
  reason: DisconnectReason;
  detail: string;
  offence?: Offence;
}

export type HandshakeOutcome =
  | { kind: 'continue' }
  | { kind: 'established'; hello: Hello; nodeId: string }
  | Refusal
  /** The peer sent DISCONNECT during the handshake. */
  | { kind: 'remote-refused'; code: number; message: string };

const CONTINUE = { kind: 'continue' } as const;

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * One side of a handshake. Send `hello` at once; feed every received frame to onFrame() until it
 * returns something other than 'continue'; when `toSend` is set after a call, send it (our AUTH).
 * A message-level link hands over decoded messages instead: send `helloFields`, feed
 * acceptHello()/acceptAuth(), and send `signature` as AUTH once it is set.
 */
export class Handshake {
  /** Our HELLO as fields. */
  readonly helloFields: Hello;
  /** Our AUTH frame, set when the peer's HELLO arrived through onFrame() and was accepted; the caller sends it and clears it. */
  toSend: Uint8Array | undefined;
  /** Our AUTH signature, set when the peer's HELLO was accepted. */
  signature: Uint8Array | undefined;
  #p: HandshakeParams;
  #remote: Hello | undefined;
  #hello: Uint8Array | undefined;

  constructor(params: HandshakeParams) {
    this.#p = params;
    this.helloFields = {
      protocolVersion: PROTOCOL_VERSION,
      networkId: params.networkId,
      nodeId: params.identity.publicKey,
      nonce: params.nonce,
      timestampMs: params.timestampMs,
      listenPort: params.listenPort,
      services: params.services,
      userAgent: params.userAgent,
    };
  }

  /** Our HELLO frame. */
  get hello(): Uint8Array {
    return (this.#hello ??= encodeHello(this.helloFields));
  }

  /** The peer's HELLO once received (its node id is proven only when the outcome is 'established'). */
  get remoteHello(): Hello | undefined {
    return this.#remote;
  }

  onFrame(type: number, body: Uint8Array): HandshakeOutcome {
    try {
      switch (type) {
        case MessageType.HELLO: {
          const outcome = this.acceptHello(decodeHello(body));
          if (outcome.kind === 'continue') this.toSend = encodeAuth(this.signature!);
          return outcome;
        }
        case MessageType.AUTH:
          return this.acceptAuth(decodeAuth(body));
        case MessageType.DISCONNECT: {
          const { code, message } = readDisconnect(body);
          return { kind: 'remote-refused', code, message };
        }
        default:
          return refuse('message-before-auth', `message type 0x${type.toString(16).padStart(2, '0')} before the handshake was done`, 'handshake-violation');
      }
    } catch (err) {
      if (err instanceof MalformedMessageError) return refuse('malformed-message', err.message, err.offence);
      throw err;
    }
  }

  /** The peer's HELLO, decoded. */
  acceptHello(h: Hello): HandshakeOutcome {
    return this.#remote ? refuse('duplicate-hello', 'a second HELLO', 'handshake-violation') : this.#onHello(h);
  }

  /** The peer's AUTH signature. */
  acceptAuth(signature: Uint8Array): HandshakeOutcome {
    return this.#remote ? this.#onAuth(signature) : refuse('auth-before-hello', 'AUTH arrived before HELLO', 'handshake-violation');
  }

  #onHello(h: Hello): HandshakeOutcome {
    const p = this.#p;
    if (h.protocolVersion !== PROTOCOL_VERSION) {
      return refuse('unsupported-version', `protocol version ${h.protocolVersion}; this node speaks ${PROTOCOL_VERSION}`);
    }
    if (!equalBytes(h.networkId, p.networkId)) return refuse('wrong-network', 'the HELLO names another network');
    if (equalBytes(h.nodeId, p.identity.publicKey)) return refuse('self-connection', 'the HELLO carries our own node id');
    if (equalBytes(h.nonce, p.nonce) || p.isOwnNonce(h.nonce)) return refuse('self-connection', 'the HELLO carries one of our own nonces');
    const nodeId = nodeIdOf(h.nodeId);
    if (p.isBannedId(nodeId)) return refuse('banned', `node id ${nodeId.slice(0, 12)} is banned`);
    this.#remote = h;
    this.signature = (p.auth ?? ED25519_AUTH).sign(p.identity, authPayload(p.networkId, h.nonce, p.identity.publicKey, p.channelBinding));
    return CONTINUE;
  }

  #onAuth(signature: Uint8Array): HandshakeOutcome {
    const p = this.#p;
    const h = this.#remote!;
    // The peer signed *our* nonce and its own node id over this very channel.
    const signed = authPayload(p.networkId, p.nonce, h.nodeId, p.channelBinding);
    if (!(p.auth ?? ED25519_AUTH).verify(h.nodeId, signed, signature)) {
      return refuse('bad-signature', 'AUTH does not verify against the node id of HELLO (or the session was relayed)', 'bad-signature');
    }
    return { kind: 'established', hello: h, nodeId: nodeIdOf(h.nodeId) };
  }
}

function refuse(reason: DisconnectReason, detail: string, offence?: Offence): Refusal {
  return offence ? { kind: 'refuse', reason, detail, offence } : { kind: 'refuse', reason, detail };
}
