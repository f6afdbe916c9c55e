// A throwaway self-signed X.509 certificate for TLS, written as DER by hand (no openssl binary, no network).
//
// TLS only encrypts; who the peer is comes from AUTH. So the certificate carries nothing but a fresh
// Ed25519 key: subject and issuer "CN=peerwarden", validity 2000–2049, no extensions.

import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

/** DER length octets: short form below 128, else 0x80|k followed by k big-endian bytes. */
function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Uint8Array[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

const sequence = (...parts: Uint8Array[]) => tlv(0x30, ...parts);
const set = (...parts: Uint8Array[]) => tlv(0x31, ...parts);

/** A DER INTEGER from unsigned big-endian bytes (a 0x00 is prepended when the top bit is set). */
function integer(bytes: Uint8Array): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  return tlv(0x02, trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

/** A DER OBJECT IDENTIFIER from dotted text. */
function oid(text: string): Buffer {
  const arcs = text.split('.').map(Number);
  const out = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const base128: number[] = [];
    for (let v = arc; ; v = Math.floor(v / 128)) {
      base128.unshift((v & 0x7f) | (base128.length ? 0x80 : 0));
      if (v < 128) break;
    }
    out.push(...base128);
  }
  return tlv(0x06, Buffer.from(out));
}

const ED25519 = '1.3.101.112';
const COMMON_NAME = '2.5.4.3';

function name(cn: string): Buffer {
  return sequence(set(sequence(oid(COMMON_NAME), tlv(0x0c, Buffer.from(cn, 'utf8')))));
}

/** UTCTime covers 1950–2049; a fixed window keeps certificate creation independent of any clock. */
const NOT_BEFORE = '000101000000Z';
const NOT_AFTER = '491231235959Z';

export interface SelfSignedCertificate {
  /** PEM of the PKCS#8 private key. */
  key: string;
  /** PEM of the certificate. */
  cert: string;
}

/** Creates a new Ed25519 key and a self-signed certificate for it. */
export function createSelfSignedCertificate(commonName = 'peerwarden'): SelfSignedCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const algorithm = sequence(oid(ED25519));
  const serial = randomBytes(16);
  serial[0]! &= 0x7f; // a positive serial of up to 16 bytes, as RFC 5280 asks
  const tbs = sequence(
    tlv(0xa0, integer(Buffer.from([2]))), // [0] EXPLICIT version: v3
    integer(serial),
    algorithm,
    name(commonName),
    sequence(tlv(0x17, Buffer.from(NOT_BEFORE, 'ascii')), tlv(0x17, Buffer.from(NOT_AFTER, 'ascii'))),
    name(commonName),
    publicKey.export({ format: 'der', type: 'spki' }),
  );
  const signature = sign(null, tbs, privateKey);
  // BIT STRING: a leading 0x00 says no unused bits in the last byte.
  const certificate = sequence(tbs, algorithm, tlv(0x03, Buffer.from([0]), signature));
  const base64 = certificate.toString('base64').replace(/(.{64})/g, '$1\n').trimEnd();
  return {
    key: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    cert: `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`,
  };
}
