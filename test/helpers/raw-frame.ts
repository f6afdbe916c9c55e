// A protocol frame built by hand from docs/protocol.md (u32 length, u8 type, body), not with the project's codecs.

/** The frame of `type` with `body`: what a peer written from the documentation alone would send. */
export function rawFrame(type: number, body: Uint8Array = new Uint8Array(0)): Buffer {
  const b = Buffer.alloc(5 + body.length);
  b.writeUInt32BE(body.length + 1);
  b[4] = type;
  b.set(body, 5);
  return b;
}
