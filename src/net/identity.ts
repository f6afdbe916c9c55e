// Node identity: an Ed25519 key pair, kept as PKCS#8 PEM (mode 0600); the node id is the public key in hex.

import { PeerwardenError } from '../core/errors.js';
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Thrown when a key file cannot be read, is not an Ed25519 PKCS#8 key, or cannot be written. */
export class IdentityError extends PeerwardenError {
  readonly code = 'identity-invalid';
  override readonly name = 'IdentityError';
}

/** DER prefix of a PKCS#8 Ed25519 private key: everything before the 32-byte seed (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** DER prefix of an Ed25519 SubjectPublicKeyInfo: everything before the 32-byte key. */
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** A node's key pair. `nodeId` is the 32-byte public key as 64 lowercase hex characters. */
export class NodeIdentity {
  readonly publicKey: Uint8Array;
  readonly nodeId: string;

  constructor(readonly privateKey: KeyObject) {
    if (privateKey.asymmetricKeyType !== 'ed25519') {
      throw new IdentityError(`a node key must be Ed25519, got ${privateKey.asymmetricKeyType ?? privateKey.type}`);
    }
    const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
    this.publicKey = new Uint8Array(spki.subarray(SPKI_ED25519_PREFIX.length));
    this.nodeId = Buffer.from(this.publicKey).toString('hex');
  }

  /** The first 12 hex characters, for logs and UIs. */
  get shortId(): string {
    return this.nodeId.slice(0, 12);
  }

  /** An Ed25519 signature (64 bytes) of `data`. */
  sign(data: Uint8Array): Uint8Array {
    return new Uint8Array(sign(null, data, this.privateKey));
  }

  /** The private key as PKCS#8 PEM. */
  toPem(): string {
    return this.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  }
}

/** A fresh random identity. */
export function generateIdentity(): NodeIdentity {
  return new NodeIdentity(generateKeyPairSync('ed25519').privateKey);
}

/**
 * The identity whose Ed25519 private key is the 32-byte `seed` (RFC 8032): the same seed always
 * gives the same node id, so simulations and tests are reproducible (seed from an injected Random).
 */
export function identityFromSeed(seed: Uint8Array): NodeIdentity {
  if (!(seed instanceof Uint8Array) || seed.length !== 32) throw new IdentityError(`an identity seed is 32 bytes, got ${seed?.length}`);
  const der = Buffer.concat([PKCS8_ED25519_PREFIX, seed]);
  return new NodeIdentity(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
}

/** Parses a PKCS#8 PEM Ed25519 private key. */
export function identityFromPem(pem: string, source = 'the key'): NodeIdentity {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (err) {
    throw new IdentityError(`${source} is not a PEM private key (${(err as Error).message}); restore it from a backup or delete it to create a new identity`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new IdentityError(`${source} holds a ${key.asymmetricKeyType} key; a node key must be Ed25519 — delete it to create a new identity`);
  }
  return new NodeIdentity(key);
}

/** Reads the identity at `path` (PKCS#8 PEM). */
export function loadIdentity(path: string): NodeIdentity {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    throw new IdentityError(`cannot read the node key ${path}: ${(err as Error).message}`);
  }
  return identityFromPem(pem, `the node key ${path}`);
}

/**
 * Writes the identity to `path` as PKCS#8 PEM with mode 0600 (owner read/write only). The file is
 * written under a temporary name and renamed, so a crash never leaves a half-written key.
 */
export function saveIdentity(identity: NodeIdentity, path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, identity.toPem(), { mode: 0o600 });
    // The umask cannot widen 0600, but an existing temp file keeps its mode: set it explicitly.
    chmodSync(tmp, 0o600);
    renameSync(tmp, path);
  } catch (err) {
    throw new IdentityError(`cannot write the node key ${path}: ${(err as Error).message}`);
  }
}

/** Loads the identity at `path`, or creates and saves a new one when the file does not exist. */
export function loadOrCreateIdentity(path: string): { identity: NodeIdentity; created: boolean } {
  let exists = true;
  try {
    statSync(path);
  } catch {
    exists = false;
  }
  if (exists) return { identity: loadIdentity(path), created: false };
  const identity = generateIdentity();
  saveIdentity(identity, path);
  return { identity, created: true };
}

/**
 * The public key object of a 32-byte Ed25519 public key (a node id in binary form). Imported as a
 * JWK: OpenSSL 3 parses that about 15x faster than the equivalent DER, and every handshake does it.
 */
export function publicKeyFromBytes(publicKey: Uint8Array): KeyObject {
  const x = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('base64url');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
}

/** True when `signature` is a valid Ed25519 signature of `data` by `publicKey` (32 bytes); never throws. */
export function verifySignature(publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    return verify(null, data, publicKeyFromBytes(publicKey), signature);
  } catch {
    return false;
  }
}

/** Node id text (64 lowercase hex) of a 32-byte public key. */
export function nodeIdOf(publicKey: Uint8Array): string {
  return Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('hex');
}

/** True for a well-formed node id: 64 lowercase hex characters. */
export function isNodeId(text: string): boolean {
  return typeof text === 'string' && /^[0-9a-f]{64}$/.test(text);
}
