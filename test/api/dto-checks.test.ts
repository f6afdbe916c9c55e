// The compile-time checks that keep the server's types and the API's JSON types (src/api/dto.ts) in
// step: what KeyDrift reports, and what Wire makes of a library type. Checked by the type checker
// (npx tsc -p tsconfig.json); at run time only asWire does anything, and it changes nothing.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { KeyDrift } from '../../src/api/dto-checks.js';
import { asWire, type Wire } from '../../src/api/server.js';

describe('KeyDrift', () => {
  it('is never when both sides have the same keys, optional or not', () => {
    expectTypeOf<KeyDrift<{ a: number; b: { c: string | undefined } }, { a: number; b?: { c?: string } }>>().toEqualTypeOf<never>();
  });

  it('names a key only the server sends, and one only the DTO has, with its path', () => {
    expectTypeOf<KeyDrift<{ a: number; b: { c: string; d: number } }, { a: number; b: { c: string } }>>().toEqualTypeOf<'b.d: sent, but not in the DTO'>();
    expectTypeOf<KeyDrift<{ a: number }, { a: number; e?: string }>>().toEqualTypeOf<'e: in the DTO, but not sent'>();
  });

  it('compares array elements, and the values of a record but not its keys', () => {
    expectTypeOf<KeyDrift<{ list: { x: 1; y: 2 }[] }, { list: { x: 1 }[] }>>().toEqualTypeOf<'list[].y: sent, but not in the DTO'>();
    expectTypeOf<KeyDrift<{ byOrigin: Record<'seed' | 'dns', { n: 1 }> }, { byOrigin: Record<string, { n: 1 }> }>>().toEqualTypeOf<never>();
    expectTypeOf<KeyDrift<{ byOrigin: Record<'seed', { n: 1; m: 2 }> }, { byOrigin: Record<string, { n: 1 }> }>>().toEqualTypeOf<'byOrigin[key].m: sent, but not in the DTO'>();
  });

  it('leaves alone what the builder converts (an endpoint object sent as text)', () => {
    expectTypeOf<KeyDrift<{ remote: { ip: string; port: number } }, { remote: string }>>().toEqualTypeOf<never>();
  });
});

describe('Wire', () => {
  it('types bigints as the decimal strings the serializer writes, at any depth', () => {
    expectTypeOf<Wire<{ services: bigint; list: { n: bigint }[]; at: number; rtt: number | undefined }>>().toEqualTypeOf<{
      services: string;
      list: { n: string }[];
      at: number;
      rtt: number | undefined;
    }>();
  });

  it('asWire hands back the very value', () => {
    const peer = { services: 9n };
    expect(asWire(peer)).toBe(peer);
  });
});
