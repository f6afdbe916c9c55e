import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIpBytes } from '../../src/core/address/index.js';
import { decodeMessage, decodeRequest, decodeResponse, encodeMessage, encodeRequest, encodeResponse } from '../../src/wire/app-codec.js';
import { MAX_ADDR_ENTRIES, MessageType } from '../../src/wire/constants.js';
import { decodeAddr, decodePing, decodePong, encodeAddr, encodeGetAddr, encodePing, encodePong, type AddrEntry } from '../../src/wire/control-codec.js';
import { EncodeError, MalformedMessageError, WireError } from '../../src/wire/errors.js';
import { encodeFrame, frameBytes, INLINE_PAYLOAD_MAX } from '../../src/wire/frame.js';
import { authPayload, decodeAuth, decodeDisconnect, decodeHello, encodeAuth, encodeDisconnect, encodeHello, networkIdOf, type Hello } from '../../src/wire/handshake-codec.js';
import { decodeBody } from '../../src/wire/messages.js';
import { DisconnectCode, reasonCode, reasonName } from '../../src/wire/reasons.js';

/** The body of a single-frame encoding (skips the 5-byte header, checking it). */
function bodyOf(frame: Uint8Array, type: number): Uint8Array {
  const length = ((frame[0]! << 24) | (frame[1]! << 16) | (frame[2]! << 8) | frame[3]!) >>> 0;
  expect(length).toBe(frame.length - 4);
  expect(frame[4]).toBe(type);
  return frame.subarray(5);
}

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const helloArb: fc.Arbitrary<Hello> = fc.record({
  protocolVersion: fc.integer({ min: 0, max: 0xffff }),
  networkId: bytes(32),
  nodeId: bytes(32),
  nonce: bytes(32),
  timestampMs: fc.integer({ min: 0, max: 2 ** 50 }),
  listenPort: fc.integer({ min: 0, max: 65535 }),
  services: u64,
  userAgent: fc.string({ maxLength: 64 }).filter((s) => Buffer.byteLength(s) <= 64),
});
const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
const ipv6 = bytes(16)
  .filter((b) => !(b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff))
  .map((b) => formatIpBytes(b));
const addrArb: fc.Arbitrary<AddrEntry> = fc.record({
  endpoint: fc.record({ ip: fc.oneof(ipv4, ipv6), port: fc.integer({ min: 0, max: 65535 }) }),
  services: u64,
  time: fc.integer({ min: 0, max: 0xffffffff }).map((s) => s * 1000),
});
const topicArb = fc.string({ maxLength: 40 }).filter((s) => Buffer.byteLength(s) <= 255);

describe('handshake codecs', () => {
  it('round-trips HELLO (property) and keeps the largest within 186 bytes', () => {
    fc.assert(
      fc.property(helloArb, (h) => {
        const frame = encodeHello(h);
        expect(frame.length).toBeLessThanOrEqual(186);
        expect(decodeHello(bodyOf(frame, MessageType.HELLO))).toEqual(h);
      }),
    );
    const largest = encodeHello({ protocolVersion: 1, networkId: new Uint8Array(32), nodeId: new Uint8Array(32), nonce: new Uint8Array(32), timestampMs: 0, listenPort: 0, services: 0n, userAgent: 'x'.repeat(64) });
    expect(largest.length).toBe(186);
  });

  it('refuses a HELLO whose user agent claims 255 bytes', () => {
    const h = encodeHello({ protocolVersion: 1, networkId: new Uint8Array(32), nodeId: new Uint8Array(32), nonce: new Uint8Array(32), timestampMs: 0, listenPort: 0, services: 0n, userAgent: '' });
    const body = Buffer.concat([bodyOf(h, MessageType.HELLO).subarray(0, -1), Uint8Array.of(255), Buffer.alloc(255, 0x41)]);
    expect(() => decodeHello(body)).toThrow(/userAgent is 255 bytes, at most 64/);
    expect(() => encodeHello({ ...decodeHello(bodyOf(h, MessageType.HELLO)), userAgent: 'y'.repeat(65) })).toThrow(EncodeError);
  });

  it('refuses truncated and over-long HELLO bodies', () => {
    const body = bodyOf(encodeHello({ protocolVersion: 1, networkId: new Uint8Array(32), nodeId: new Uint8Array(32), nonce: new Uint8Array(32), timestampMs: 5, listenPort: 1, services: 1n, userAgent: 'ua' }), MessageType.HELLO);
    for (let n = 0; n < body.length; n++) expect(() => decodeHello(body.subarray(0, n))).toThrow(MalformedMessageError);
    expect(() => decodeHello(Buffer.concat([body, Uint8Array.of(0)]))).toThrow(/trailing/);
  });

  it('round-trips AUTH and DISCONNECT, cutting a long goodbye on a character boundary', () => {
    const sig = new Uint8Array(64).map((_, i) => i);
    expect(decodeAuth(bodyOf(encodeAuth(sig), MessageType.AUTH))).toEqual(sig);
    expect(() => decodeAuth(sig.subarray(0, 63))).toThrow(MalformedMessageError);
    expect(decodeDisconnect(bodyOf(encodeDisconnect(11, 'slow'), MessageType.DISCONNECT))).toEqual({ code: 11, message: 'slow' });
    const long = decodeDisconnect(bodyOf(encodeDisconnect(1, 'é'.repeat(200)), MessageType.DISCONNECT));
    expect(Buffer.byteLength(long.message)).toBeLessThanOrEqual(255);
    expect(long.message).toBe('é'.repeat(127));
  });

  it('builds the AUTH payload as domain ‖ networkId ‖ remote nonce ‖ signer id ‖ binding', () => {
    const p = authPayload(networkIdOf('main'), new Uint8Array(32).fill(1), new Uint8Array(32).fill(2), new Uint8Array(32).fill(3));
    expect(Buffer.from(p.subarray(0, 18)).toString()).toBe('peerwarden-auth-v1');
    expect(p.length).toBe(18 + 128);
    // SHA-256("peerwarden/main"), computed independently (Python's hashlib).
    expect(Buffer.from(networkIdOf('main')).toString('hex')).toBe('65ac2dcdc08f665ad3855212c314c6e37fd6d88f510713f7227c9ae45d17c263');
  });
});

describe('control codecs', () => {
  it('round-trips PING/PONG nonces and GETADDR', () => {
    fc.assert(
      fc.property(u64, (n) => {
        expect(decodePing(bodyOf(encodePing(n), MessageType.PING))).toBe(n);
        expect(decodePong(bodyOf(encodePong(n), MessageType.PONG))).toBe(n);
      }),
    );
    expect([...encodeGetAddr()]).toEqual([0, 0, 0, 1, MessageType.GETADDR]);
    expect(() => decodeBody(MessageType.GETADDR, Uint8Array.of(1))).toThrow(MalformedMessageError);
  });

  it('round-trips ADDR entries, IPv4 and IPv6, time in ms (seconds on the wire)', () => {
    fc.assert(
      fc.property(fc.array(addrArb, { maxLength: 50 }), (entries) => {
        expect(decodeAddr(bodyOf(encodeAddr(entries), MessageType.ADDR))).toEqual(entries);
      }),
    );
  });

  it('refuses an ADDR with count 65535 before building any entry, and more than 1000 entries', () => {
    const body = Buffer.concat([Uint8Array.of(0xff, 0xff), Buffer.alloc(19 * 10)]);
    expect(() => decodeAddr(body)).toThrow(/count 65535 exceeds 1000/);
    const overCount = Buffer.concat([Uint8Array.of(0x03, 0xe9), Buffer.alloc(19 * 1001)]); // 1001
    expect(() => decodeAddr(overCount)).toThrow(MalformedMessageError);
    const entries = Array.from({ length: MAX_ADDR_ENTRIES + 1 }, () => ({ endpoint: { ip: '1.2.3.4', port: 1 }, services: 0n, time: 0 }));
    expect(() => encodeAddr(entries)).toThrow(EncodeError);
    expect(decodeAddr(bodyOf(encodeAddr(entries.slice(1)), MessageType.ADDR))).toHaveLength(1000);
  });

  it('refuses an ADDR whose count promises more bytes than are present, and unknown families', () => {
    expect(() => decodeAddr(Uint8Array.of(0, 2, 4, 1, 2, 3, 4))).toThrow(/needs at least 38 bytes/);
    const one = bodyOf(encodeAddr([{ endpoint: { ip: '1.2.3.4', port: 5 }, services: 0n, time: 0 }]), MessageType.ADDR);
    const bad = Uint8Array.from(one);
    bad[2] = 5;
    expect(() => decodeAddr(bad)).toThrow(/family 5/);
  });
});

describe('application codecs', () => {
  it('round-trips MESSAGE, REQUEST and RESPONSE for small and large payloads (property)', () => {
    fc.assert(
      fc.property(topicArb, fc.uint8Array({ maxLength: 3000 }), fc.nat({ max: 0xffffffff }), fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2>, (topic, payload, id, status) => {
        const m = frameBytes(encodeMessage(topic, payload));
        expect(decodeMessage(bodyOf(m, MessageType.MESSAGE))).toEqual({ topic, payload: expect.anything() });
        expect(Buffer.compare(decodeMessage(bodyOf(m, MessageType.MESSAGE)).payload, payload)).toBe(0);
        const r = decodeRequest(bodyOf(frameBytes(encodeRequest(id, topic, payload)), MessageType.REQUEST));
        expect([r.requestId, r.topic, Buffer.compare(r.payload, payload)]).toEqual([id, topic, 0]);
        const s = decodeResponse(bodyOf(frameBytes(encodeResponse(id, status, payload)), MessageType.RESPONSE));
        expect([s.requestId, s.status, Buffer.compare(s.payload, payload)]).toEqual([id, status, 0]);
      }),
    );
  });

  it('carries a large payload by reference (never copied) and inlines small ones', () => {
    const big = new Uint8Array(INLINE_PAYLOAD_MAX + 1);
    const f = encodeMessage('t', big);
    expect(f.payload).toBe(big);
    expect(f.size).toBe(f.head.length + big.length);
    const small = encodeMessage('t', new Uint8Array(10));
    expect(small.payload).toBeUndefined();
    expect(small.size).toBe(small.head.length);
  });

  it('refuses a topic over 255 bytes, invalid UTF-8 topics, truncated topics and unknown statuses', () => {
    expect(() => encodeMessage('x'.repeat(256), new Uint8Array())).toThrow(EncodeError);
    expect(() => decodeMessage(Uint8Array.of(2, 0xc3, 0x28))).toThrow(/not valid UTF-8/);
    expect(() => decodeMessage(Uint8Array.of(5, 0x41))).toThrow(/truncated/);
    expect(() => decodeMessage(new Uint8Array())).toThrow(MalformedMessageError);
    expect(() => decodeRequest(Uint8Array.of(0, 0, 1))).toThrow(MalformedMessageError);
    expect(() => decodeResponse(Uint8Array.of(0, 0, 0, 1, 3))).toThrow(/status 3/);
  });
});

describe('decodeBody', () => {
  const valid = (): Uint8Array[] => [
    encodeHello({ protocolVersion: 1, networkId: networkIdOf('x'), nodeId: new Uint8Array(32).fill(1), nonce: new Uint8Array(32).fill(2), timestampMs: 1, listenPort: 7000, services: 3n, userAgent: 'peerwarden' }),
    encodeAuth(new Uint8Array(64).fill(5)),
    encodePing(7n),
    encodePong(7n),
    encodeGetAddr(),
    encodeAddr([{ endpoint: { ip: '1.2.3.4', port: 7000 }, services: 1n, time: 1_700_000_000_000 }, { endpoint: { ip: '2001:db8::1', port: 1 }, services: 0n, time: 0 }]),
    encodeDisconnect(3, 'dup'),
    frameBytes(encodeMessage('blocks', Buffer.from('payload'))),
    frameBytes(encodeRequest(9, 'get', Buffer.from('q'))),
    frameBytes(encodeResponse(9, 0, Buffer.from('a'))),
  ];

  it('answers every mutation of a valid body with a message or a WireError, never anything else (property)', () => {
    fc.assert(
      fc.property(
        fc.nat(9),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 4 }),
        fc.nat(),
        fc.uint8Array({ maxLength: 8 }),
        (which, flips, cut, extra) => {
          const frame = valid()[which]!;
          const type = frame[4]!;
          let body = Uint8Array.from(frame.subarray(5));
          for (const [at, v] of flips) if (body.length > 0) body[at % body.length] = v;
          body = Buffer.concat([body.subarray(0, cut % (body.length + 1)), extra]);
          try {
            decodeBody(type, body);
          } catch (err) {
            expect(err).toBeInstanceOf(WireError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reports types ≥ 0x80 as extensions and undefined lower types as unknown', () => {
    expect(decodeBody(0x80, new Uint8Array(3)).kind).toBe('extension');
    expect(decodeBody(0x13, new Uint8Array(3)).kind).toBe('unknown');
    expect(decodeBody(0x10, bodyOf(frameBytes(encodeMessage('a', Uint8Array.of(1))), 0x10))).toMatchObject({ kind: 'message', topic: 'a' });
  });

  it('encodeFrame writes length = type + body', () => {
    expect([...encodeFrame(0x42, Uint8Array.of(1, 2))]).toEqual([0, 0, 0, 3, 0x42, 1, 2]);
  });
});

describe('disconnect reasons', () => {
  it('gives every reason a distinct code and maps codes back to names', () => {
    const codes = Object.values(DisconnectCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const [name, code] of Object.entries(DisconnectCode)) expect(reasonName(code)).toBe(name);
    expect(reasonCode('slow')).toBe(0x000b);
    expect(reasonName(0x7777)).toBe('unknown');
  });
});
