import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSelfSignedCertificate } from '../../src/net/certificate.js';
import { IdentityError, generateIdentity, identityFromPem, identityFromSeed, isNodeId, loadIdentity, loadOrCreateIdentity, nodeIdOf, saveIdentity, verifySignature } from '../../src/net/identity.js';

const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

describe('node identity', () => {
  it('derives the RFC 8032 test vector 1 key pair and signature from its seed', () => {
    const id = identityFromSeed(hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'));
    expect(id.nodeId).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    expect(id.shortId).toBe('d75a980182b1');
    const sig = id.sign(new Uint8Array(0));
    expect(Buffer.from(sig).toString('hex')).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
    expect(verifySignature(id.publicKey, new Uint8Array(0), sig)).toBe(true);
    expect(verifySignature(id.publicKey, Uint8Array.of(1), sig)).toBe(false);
    expect(verifySignature(new Uint8Array(32), new Uint8Array(0), sig)).toBe(false);
    expect(verifySignature(id.publicKey, new Uint8Array(0), sig.subarray(1))).toBe(false);
  });

  it('gives a 64-hex node id and distinct ids to fresh identities', () => {
    const a = generateIdentity();
    const b = generateIdentity();
    expect(isNodeId(a.nodeId)).toBe(true);
    expect(a.nodeId).not.toBe(b.nodeId);
    expect(nodeIdOf(a.publicKey)).toBe(a.nodeId);
    expect(isNodeId('ABC')).toBe(false);
  });

  it('saves as PKCS#8 PEM with mode 0600 and loads the same identity', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-id-'));
    const path = join(dir, 'sub', 'node.key');
    const id = generateIdentity();
    saveIdentity(id, path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(loadIdentity(path).nodeId).toBe(id.nodeId);
    expect(identityFromPem(id.toPem()).nodeId).toBe(id.nodeId);
  });

  it('creates the key on first start and reuses it afterwards', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'pw-id-')), 'node.key');
    const first = loadOrCreateIdentity(path);
    const second = loadOrCreateIdentity(path);
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.identity.nodeId).toBe(first.identity.nodeId);
  });

  it('refuses garbage and non-Ed25519 keys with an IdentityError that names the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-id-'));
    const garbage = join(dir, 'garbage.key');
    writeFileSync(garbage, 'not a key');
    expect(() => loadIdentity(garbage)).toThrow(IdentityError);
    expect(() => loadIdentity(garbage)).toThrow(/garbage\.key/);
    const ec = join(dir, 'ec.key');
    writeFileSync(ec, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
    expect(() => loadIdentity(ec)).toThrow(/must be Ed25519/);
    expect(() => loadIdentity(join(dir, 'missing.key'))).toThrow(IdentityError);
    expect(() => identityFromSeed(new Uint8Array(31))).toThrow(IdentityError);
  });
});

describe('self-signed certificate', () => {
  it('is a valid X.509 certificate, self-signed with a fresh Ed25519 key', () => {
    const { cert, key } = createSelfSignedCertificate();
    const x = new X509Certificate(cert);
    expect(x.subject).toBe('CN=peerwarden');
    expect(x.issuer).toBe('CN=peerwarden');
    expect(x.publicKey.asymmetricKeyType).toBe('ed25519');
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.checkPrivateKey(identityFromPem(key).privateKey)).toBe(true);
    expect(new X509Certificate(createSelfSignedCertificate().cert).serialNumber).not.toBe(x.serialNumber);
  });
});
