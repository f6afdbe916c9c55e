// Connection-layer benchmarks of issue 3, each against a baseline measured in the same run.
//
//   npm run bench -- net            all of them (about 3 minutes)
//   node --expose-gc --import tsx bench/net/main.ts throughput dial   only some
//
// Throughput rows interleave our runs with the baseline's (5 rounds each) and report medians, so
// a burst of load from elsewhere on the machine hits both sides alike.
import { printTable, type BenchRow } from '../table.js';
import { broadcastRate, rawFanout } from './broadcast.js';
import { bareTlsConnectTimes, dialTimes, median, messageStream, MiB, percentile, rawStream, requestRate, twoProcessStream } from './harness.js';
import { holdMany } from './many.js';
import { bytesPerConnectionEndpoint, rawBytesPerEndpoint } from './memory.js';

const wanted = new Set(process.argv.slice(2));
const run = (name: string) => wanted.size === 0 || wanted.has(name);
const rows: BenchRow[] = [];
const ROUNDS = 5;
const STREAM_BYTES = 256 * MiB;
/** The cipher our TLS transport prefers; the raw TLS baseline uses it too (and Node's default is shown). */
const AES128 = 'TLS_AES_128_GCM_SHA256';

async function interleaved(ours: () => Promise<number>, baseline: () => Promise<number>): Promise<[number, number]> {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    b.push(await baseline());
    a.push(await ours());
  }
  return [median(a), median(b)];
}

if (run('throughput')) {
  const [plain, raw] = await interleaved(async () => (await messageStream('none', STREAM_BYTES, 64 * 1024))[0], () => rawStream('tcp', STREAM_BYTES, 64 * 1024));
  rows.push({ name: '64 KiB MESSAGEs, plaintext (MiB/s)', value: plain, unit: 'MiB/s', baseline: raw });
  rows.push({ name: '  plaintext / raw net.Socket', value: (100 * plain) / raw, unit: '%', target: '>= 85' });
  const [tls, rawTls] = await interleaved(async () => (await messageStream('tls', STREAM_BYTES, 64 * 1024))[0], () => rawStream('tls', STREAM_BYTES, 64 * 1024, AES128));
  rows.push({ name: '64 KiB MESSAGEs, TLS 1.3 (MiB/s)', value: tls, unit: 'MiB/s', baseline: rawTls });
  rows.push({ name: '  TLS / raw TLS (same cipher)', value: (100 * tls) / rawTls, unit: '%', target: '>= 85' });
  rows.push({ name: '  raw TLS, Node default cipher', value: await rawStream('tls', STREAM_BYTES, 64 * 1024), unit: 'MiB/s' });
}

if (run('two-process')) {
  // The receiver in a child process, as between two nodes: each side gets its own event loop.
  const [plain, raw] = await interleaved(() => twoProcessStream('none', 2 * STREAM_BYTES, 64 * 1024), () => twoProcessStream('raw', 2 * STREAM_BYTES, 64 * 1024));
  rows.push({ name: '64 KiB MESSAGEs, plaintext, two processes', value: plain, unit: 'MiB/s', baseline: raw });
  rows.push({ name: '  two-process plaintext / raw', value: (100 * plain) / raw, unit: '%', target: '>= 85' });
  const [tls, rawTls] = await interleaved(() => twoProcessStream('tls', 2 * STREAM_BYTES, 64 * 1024), () => twoProcessStream('raw-tls', 2 * STREAM_BYTES, 64 * 1024));
  rows.push({ name: '64 KiB MESSAGEs, TLS, two processes', value: tls, unit: 'MiB/s', baseline: rawTls });
  rows.push({ name: '  two-process TLS / raw TLS', value: (100 * tls) / rawTls, unit: '%', target: '>= 85' });
}

if (run('small')) {
  const rates: number[] = [];
  for (let i = 0; i < ROUNDS; i++) rates.push((await messageStream('none', 100 * 2_000_000, 100))[1]);
  rows.push({ name: '100-byte MESSAGEs, one direction, plaintext', value: median(rates), unit: 'msg/s', target: '>= 500000' });
}

if (run('requests')) {
  const rates: number[] = [];
  for (let i = 0; i < ROUNDS; i++) rates.push(await requestRate('none', 200_000, 64));
  rows.push({ name: 'request/response, 64 in flight, one connection', value: median(rates), unit: 'req/s', target: '>= 50000' });
  rows.push({ name: '  same over TLS', value: await requestRate('tls', 200_000, 64), unit: 'req/s' });
}

if (run('dial')) {
  const bare = await bareTlsConnectTimes(50);
  const ours = await dialTimes('tls', 50);
  rows.push({ name: 'dial: connect + TLS + HELLO/AUTH, median of 50', value: median(ours), unit: 'ms', baseline: median(bare), target: '<= 3' });
  rows.push({ name: '  p90', value: percentile(ours, 90), unit: 'ms', baseline: percentile(bare, 90) });
  rows.push({ name: '  plaintext dial (connect + HELLO/AUTH), median', value: median(await dialTimes('none', 50)), unit: 'ms' });
}

if (run('memory')) {
  const n = 1000;
  rows.push({ name: `idle connection endpoint, plaintext (${n} conns)`, value: (await bytesPerConnectionEndpoint('none', n)) / 1024, unit: 'KiB', baseline: (await rawBytesPerEndpoint('tcp', n)) / 1024, target: '<= 8' });
  rows.push({ name: `idle connection endpoint, TLS (${n} conns)`, value: (await bytesPerConnectionEndpoint('tls', n)) / 1024, unit: 'KiB', baseline: (await rawBytesPerEndpoint('tls', n)) / 1024, target: '<= 30' });
}

if (run('broadcast')) {
  const ours: number[] = [];
  const raw: number[] = [];
  let encodes = 0;
  for (let i = 0; i < ROUNDS; i++) {
    raw.push((await rawFanout(100, MiB, 5)).mibPerSecond);
    const r = await broadcastRate(100, MiB, 5);
    ours.push(r.mibPerSecond);
    encodes = Math.max(encodes, r.encodesPerBroadcast);
  }
  rows.push({ name: 'broadcast 1 MiB to 100 peers, aggregate', value: median(ours), unit: 'MiB/s', baseline: median(raw) });
  rows.push({ name: '  broadcast / raw fan-out of the same bytes', value: (100 * median(ours)) / median(raw), unit: '%', target: '>= 70' });
  rows.push({ name: '  frames encoded per broadcast', value: encodes, unit: 'encodes', target: '<= 1' });
}

if (run('many')) {
  const r = await holdMany(5000, 'tls', 30_000, 5_000);
  rows.push({ name: '5,000 TLS connections held, other process dials', value: r.connections, unit: 'conns', target: '>= 5000' });
  rows.push({ name: '  time to dial all (64 at a time)', value: r.dialMs / 1000, unit: 's' });
  rows.push({ name: '  event-loop delay p99 over 30 s (ping every 5 s)', value: r.p99, unit: 'ms', target: '< 50' });
  rows.push({ name: '  event-loop delay max', value: r.max, unit: 'ms' });
  rows.push({ name: '  PONGs received in 30 s', value: r.pongs, unit: 'pongs' });
  rows.push({ name: '  connections that answered the last ping', value: r.answeredLastInterval, unit: 'conns', target: '>= 5000' });
}

printTable('net: connections, TLS, requests, broadcast (same-process loopback unless noted)', rows);
