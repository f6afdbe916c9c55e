import { describe, expect, it } from 'vitest';
import { Handshake, type HandshakeOutcome, type HandshakeParams } from '../../src/net/handshake.js';
import { generateIdentity, type NodeIdentity } from '../../src/net/identity.js';
import { MessageType } from '../../src/wire/constants.js';
import { encodePing } from '../../src/wire/control-codec.js';
import { authPayload, encodeAuth, encodeDisconnect, encodeHello, networkIdOf } from '../../src/wire/handshake-codec.js';

const body = (frame: Uint8Array) => frame.subarray(5);
const typeOf = (frame: Uint8Array) => frame[4]!;

function side(overrides: Partial<HandshakeParams> = {}): Handshake {
  return new Handshake({
    identity: generateIdentity(),
    networkId: networkIdOf('test'),
    nonce: crypto.getRandomValues(new Uint8Array(32)),
    timestampMs: 1_700_000_000_000,
    listenPort: 7000,
    services: 1n,
    userAgent: 'test/1',
    channelBinding: new Uint8Array(32),
    isOwnNonce: () => false,
    isBannedId: () => false,
    ...overrides,
  });
}

/** Feeds `frame` to `to`. */
const feed = (to: Handshake, frame: Uint8Array): HandshakeOutcome => to.onFrame(typeOf(frame), body(frame));

describe('Handshake', () => {
  it('establishes both sides after HELLO/AUTH each way, each learning the other\'s proven id', () => {
    const idA = generateIdentity();
    const idB = generateIdentity();
    const a = side({ identity: idA });
    const b = side({ identity: idB });
    expect(feed(b, a.hello)).toEqual({ kind: 'continue' });
    expect(feed(a, b.hello)).toEqual({ kind: 'continue' });
    const authA = a.toSend!;
    const authB = b.toSend!;
    expect(typeOf(authA)).toBe(MessageType.AUTH);
    const atA = feed(a, authB);
    const atB = feed(b, authA);
    expect(atA).toMatchObject({ kind: 'established', nodeId: idB.nodeId });
    expect(atB).toMatchObject({ kind: 'established', nodeId: idA.nodeId });
    if (atA.kind === 'established') expect(atA.hello).toMatchObject({ listenPort: 7000, services: 1n, userAgent: 'test/1' });
  });

  const refusals: [string, () => HandshakeOutcome, string, string | undefined][] = [
    [
      'other network',
      () => feed(side(), side({ networkId: networkIdOf('other') }).hello),
      'wrong-network',
      undefined,
    ],
    [
      'unsupported version',
      () => {
        const h = encodeHello({ protocolVersion: 2, networkId: networkIdOf('test'), nodeId: generateIdentity().publicKey, nonce: new Uint8Array(32), timestampMs: 0, listenPort: 0, services: 0n, userAgent: '' });
        return feed(side(), h);
      },
      'unsupported-version',
      undefined,
    ],
    [
      'own node id',
      () => {
        const id = generateIdentity();
        return feed(side({ identity: id }), side({ identity: id }).hello);
      },
      'self-connection',
      undefined,
    ],
    [
      'one of our own nonces',
      () => {
        const nonce = new Uint8Array(32).fill(7);
        return feed(side({ isOwnNonce: (n) => n.every((x) => x === 7) }), side({ nonce }).hello);
      },
      'self-connection',
      undefined,
    ],
    [
      'banned id',
      () => {
        const banned = generateIdentity();
        return feed(side({ isBannedId: (id) => id === banned.nodeId }), side({ identity: banned }).hello);
      },
      'banned',
      undefined,
    ],
    ['a message before AUTH', () => feed(side(), encodePing(1n)), 'message-before-auth', 'handshake-violation'],
    [
      'a second HELLO',
      () => {
        const a = side();
        const b = side();
        feed(a, b.hello);
        return feed(a, b.hello);
      },
      'duplicate-hello',
      'handshake-violation',
    ],
    ['AUTH before HELLO', () => feed(side(), encodeAuth(new Uint8Array(64))), 'auth-before-hello', 'handshake-violation'],
    ['a malformed HELLO', () => side().onFrame(MessageType.HELLO, new Uint8Array(10)), 'malformed-message', 'malformed-message'],
  ];

  for (const [what, run, reason, offence] of refusals) {
    it(`refuses ${what} with reason ${reason}`, () => {
      const outcome = run();
      expect(outcome.kind).toBe('refuse');
      if (outcome.kind === 'refuse') {
        expect(outcome.reason).toBe(reason);
        expect(outcome.offence).toBe(offence);
      }
    });
  }

  function establishWith(signer: NodeIdentity, claimed: NodeIdentity, bindingA: Uint8Array, bindingB: Uint8Array): HandshakeOutcome {
    const a = side({ channelBinding: bindingA });
    const b = side({ identity: claimed, channelBinding: bindingB });
    feed(a, b.hello);
    // b (or whoever holds `signer`) signs a's nonce with its own binding.
    const nonceA = body(a.hello).subarray(2 + 32 + 32, 2 + 32 + 32 + 32);
    const sig = signer.sign(authPayload(networkIdOf('test'), nonceA, claimed.publicKey, bindingB));
    return feed(a, encodeAuth(sig));
  }

  it('refuses an AUTH signed by a key other than the HELLO\'s node id (bad-signature)', () => {
    const claimed = generateIdentity();
    const outcome = establishWith(generateIdentity(), claimed, new Uint8Array(32), new Uint8Array(32));
    expect(outcome).toMatchObject({ kind: 'refuse', reason: 'bad-signature', offence: 'bad-signature' });
  });

  it('refuses an AUTH made for another TLS session (a relay in the middle cannot reuse it)', () => {
    const honest = generateIdentity();
    const outcome = establishWith(honest, honest, new Uint8Array(32).fill(1), new Uint8Array(32).fill(2));
    expect(outcome).toMatchObject({ kind: 'refuse', reason: 'bad-signature' });
    expect(establishWith(honest, honest, new Uint8Array(32).fill(1), new Uint8Array(32).fill(1))).toMatchObject({ kind: 'established' });
  });

  it('reports a DISCONNECT during the handshake as the peer refusing, with its code and message', () => {
    expect(feed(side(), encodeDisconnect(0x10, 'wrong network'))).toEqual({ kind: 'remote-refused', code: 0x10, message: 'wrong network' });
    expect(side().onFrame(MessageType.DISCONNECT, Uint8Array.of(1))).toEqual({ kind: 'remote-refused', code: 0, message: '' });
  });
});
