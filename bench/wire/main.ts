// Wire codec benchmarks: the frame decoder and message codecs against the minimum work they could do.
import { printTable, opsPerSecond, type BenchRow } from '../table.js';
import { generateIdentity, verifySignature } from '../../src/net/identity.js';
import { decodeMessage, encodeMessage } from '../../src/wire/app-codec.js';
import { decodeAddr, encodeAddr, type AddrEntry } from '../../src/wire/control-codec.js';
import { FrameDecoder } from '../../src/wire/decoder.js';
import { encodeFrame, frameBytes } from '../../src/wire/frame.js';
import { authPayload, decodeHello, encodeHello, networkIdOf } from '../../src/wire/handshake-codec.js';

const rows: BenchRow[] = [];
const MiB = 1024 * 1024;

// A stream of 100-byte-payload MESSAGE frames in 64 KiB chunks, as a socket delivers it.
const small = frameBytes(encodeMessage('blocks', new Uint8Array(100)));
const smallStream = Buffer.concat(Array.from({ length: 20_000 }, () => small));
const smallChunks: Buffer[] = [];
for (let at = 0; at < smallStream.length; at += 65536) smallChunks.push(smallStream.subarray(at, at + 65536));
{
  let frames = 0;
  const decoder = new FrameDecoder((_type, body) => {
    decodeMessage(body);
    frames++;
  }, 4 * MiB);
  const t0 = performance.now();
  for (let r = 0; r < 20; r++) for (const c of smallChunks) decoder.push(c);
  const ours = frames / ((performance.now() - t0) / 1000);
  // Baseline: only walking the length fields of the same bytes (no views, no topic, no split frames).
  let walked = 0;
  const t1 = performance.now();
  for (let r = 0; r < 20; r++) {
    for (let at = 0; at + 4 <= smallStream.length; ) {
      at += 4 + smallStream.readUInt32BE(at);
      walked++;
    }
  }
  const floor = walked / ((performance.now() - t1) / 1000);
  rows.push({ name: 'decode 100-byte MESSAGE frames from 64 KiB chunks', value: ours, unit: 'frames/s', baseline: floor });
}

// Large frames split across reads: the decoder joins each once.
{
  const big = encodeFrame(0x10, new Uint8Array(MiB));
  const stream = Buffer.concat(Array.from({ length: 16 }, () => big));
  const chunks: Buffer[] = [];
  for (let at = 0; at < stream.length; at += 65536) chunks.push(stream.subarray(at, at + 65536));
  let bytes = 0;
  const decoder = new FrameDecoder((_t, body) => (bytes += body.length), 4 * MiB);
  const t0 = performance.now();
  for (let r = 0; r < 20; r++) for (const c of chunks) decoder.push(c);
  const ours = bytes / MiB / ((performance.now() - t0) / 1000);
  let copied = 0;
  const t1 = performance.now();
  for (let r = 0; r < 20; r++) for (let f = 0; f < 16; f++) copied += Buffer.concat(chunks.slice(f * 16, f * 16 + 17)).length;
  const floor = copied / MiB / ((performance.now() - t1) / 1000);
  rows.push({ name: 'decode 1 MiB frames from 64 KiB chunks', value: ours, unit: 'MiB/s', baseline: floor });
}

{
  const payload = new Uint8Array(100);
  const ours = opsPerSecond(() => encodeMessage('blocks', payload));
  const floor = opsPerSecond(() => {
    const b = Buffer.allocUnsafe(112);
    b.set(payload, 12);
  });
  rows.push({ name: 'encode a 100-byte MESSAGE', value: ours, unit: 'ops/s', baseline: floor });
}

{
  const hello = { protocolVersion: 1, networkId: networkIdOf('main'), nodeId: new Uint8Array(32), nonce: new Uint8Array(32), timestampMs: Date.now(), listenPort: 7000, services: 1n, userAgent: 'peerwarden/0.1.0' };
  rows.push({ name: 'HELLO encode + decode', value: opsPerSecond(() => decodeHello(encodeHello(hello).subarray(5))), unit: 'ops/s' });
}

{
  const entries: AddrEntry[] = Array.from({ length: 1000 }, (_, i) => ({ endpoint: { ip: `10.${i >> 8}.${i & 255}.1`, port: 7000 }, services: 1n, time: 1_700_000_000_000 }));
  const ours = opsPerSecond(() => decodeAddr(encodeAddr(entries).subarray(5)), 500);
  const asJson = entries.map((e) => ({ ip: e.endpoint.ip, port: e.endpoint.port, services: String(e.services), time: e.time }));
  const json = opsPerSecond(() => JSON.parse(JSON.stringify(asJson)), 500);
  rows.push({ name: 'ADDR of 1000 entries encode + decode (baseline: JSON)', value: ours, unit: 'ops/s', baseline: json });
}

{
  const id = generateIdentity();
  const data = authPayload(networkIdOf('main'), new Uint8Array(32), id.publicKey, new Uint8Array(32));
  const sig = id.sign(data);
  rows.push({ name: 'AUTH sign (Ed25519, node:crypto)', value: opsPerSecond(() => id.sign(data), 500), unit: 'ops/s' });
  rows.push({ name: 'AUTH verify (incl. public key import)', value: opsPerSecond(() => verifySignature(id.publicKey, data, sig), 500), unit: 'ops/s' });
}

printTable('wire: frame decoder and codecs (baseline: the least work on the same bytes)', rows);
