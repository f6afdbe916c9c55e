// AS map benchmark: lookups per second of text addresses in a generated map of 25,000 prefixes, against plain netGroup of the same addresses.
//
// The map is built by our own encoder from a seeded table (no download): 25,000 prefixes, 60 %
// IPv4 /10–/24 and 40 % IPv6 /28–/64, AS numbers from a pool of 25,000 below 4,000,000; it comes to
// ~218 KB, the size class of a real map of that many prefixes. Run alone with
// `node --import tsx bench/addrbook/asmap.ts`; `npm run bench -- addrbook` includes its rows.
import { pathToFileURL } from 'node:url';
import { Asmap, encodeAsmap, netGroup, type AsmapEntry } from '../../src/core/address/index.js';
import { createRandom } from '../../src/core/random.js';
import { opsPerSecond, printTable, type BenchRow } from '../table.js';

const PREFIXES = 25_000;

function cidr(bytes: Uint8Array, length: number, v6: boolean): string {
  if (!v6) return `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}/${length - 96}`;
  const words: string[] = [];
  for (let i = 0; i < 8; i++) words.push(((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16));
  return `${words.join(':')}/${length}`;
}

/** The seeded prefix table and, per prefix, its 16 bytes and length (for drawing addresses inside it). */
export function benchAsmapTable(): { table: AsmapEntry[]; prefixes: { bytes: Uint8Array; length: number }[] } {
  const rnd = createRandom('asmap-bench');
  const asns = Array.from({ length: 25_000 }, () => 1 + rnd.int(4_000_000));
  const table: AsmapEntry[] = [];
  const prefixes: { bytes: Uint8Array; length: number }[] = [];
  const seen = new Set<string>();
  while (table.length < PREFIXES) {
    const bytes = new Uint8Array(16);
    const v6 = rnd.int(100) < 40;
    let length: number;
    if (v6) {
      length = 28 + rnd.int(37);
      const words = [0x2000 + rnd.int(0x1000), rnd.int(65536), rnd.int(65536), rnd.int(65536)];
      words.forEach((w, i) => {
        bytes[2 * i] = w >> 8;
        bytes[2 * i + 1] = w & 0xff;
      });
    } else {
      length = 96 + 10 + rnd.int(15);
      bytes.set([0xff, 0xff, 1 + rnd.int(223), rnd.int(256), rnd.int(256), rnd.int(256)], 10);
    }
    for (let i = length; i < 128; i++) bytes[i >>> 3]! &= ~(0x80 >>> (i & 7));
    const prefix = cidr(bytes, length, v6);
    if (seen.has(prefix)) continue;
    seen.add(prefix);
    table.push({ prefix, asn: asns[rnd.int(asns.length)]! });
    prefixes.push({ bytes, length });
  }
  return { table, prefixes };
}

function text(bytes: Uint8Array): string {
  if (bytes[10] === 0xff && bytes[11] === 0xff && bytes.subarray(0, 10).every((b) => b === 0)) return `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  const words: string[] = [];
  for (let i = 0; i < 8; i++) words.push(((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16));
  return words.join(':');
}

/** Text addresses: half inside random prefixes of the table (mapped), half anywhere. */
function addresses(prefixes: { bytes: Uint8Array; length: number }[], n: number, ipv4Only: boolean): string[] {
  const rnd = createRandom('asmap-bench-addresses');
  const pool = ipv4Only ? prefixes.filter((p) => p.bytes[10] === 0xff) : prefixes;
  const out: string[] = [];
  while (out.length < n) {
    if (rnd.int(2) === 0) {
      const p = pool[rnd.int(pool.length)]!;
      const b = p.bytes.slice();
      for (let i = p.length; i < 128; i++) if (rnd.int(2)) b[i >>> 3]! |= 0x80 >>> (i & 7);
      out.push(text(b));
    } else if (ipv4Only || rnd.int(10) < 7) {
      out.push(`${1 + rnd.int(223)}.${rnd.int(256)}.${rnd.int(256)}.${rnd.int(256)}`);
    } else {
      out.push(`${(0x2000 + rnd.int(0x1000)).toString(16)}:${rnd.int(65536).toString(16)}::${rnd.int(65536).toString(16)}`);
    }
  }
  return out;
}

/** `fn` over the addresses, per second: the median of 5 passes of 0.4 s. */
function rate(fn: (ip: string) => unknown, ips: string[]): number {
  let i = 0;
  const rates: number[] = [];
  for (let round = 0; round < 5; round++) {
    rates.push(
      opsPerSecond(() => {
        fn(ips[i]!);
        i = i + 1 === ips.length ? 0 : i + 1;
      }, 400),
    );
  }
  return rates.sort((a, b) => a - b)[2]!;
}

export function asmapRows(): { rows: BenchRow[]; map: Asmap } {
  const rows: BenchRow[] = [];
  const { table, prefixes } = benchAsmapTable();
  let t = performance.now();
  const bytes = encodeAsmap(table);
  const encodeMs = performance.now() - t;
  t = performance.now();
  const map = Asmap.fromBytes(bytes);
  const loadMs = performance.now() - t;
  rows.push({ name: `asmap: file size for ${PREFIXES.toLocaleString('en-US')} prefixes (our encoder)`, value: bytes.length / 1024, unit: 'KiB' });
  rows.push({ name: 'asmap: encodeAsmap of the table', value: encodeMs, unit: 'ms' });
  rows.push({ name: 'asmap: Asmap.fromBytes (check + decode)', value: loadMs, unit: 'ms' });

  const v4 = addresses(prefixes, 20_000, true);
  const mixed = addresses(prefixes, 20_000, false);
  const mapped = v4.filter((ip) => map.lookup(ip) !== 0).length / v4.length;
  for (let i = 0; i < 3; i++) rate((ip) => map.lookup(ip), v4); // warm-up
  rows.push({
    name: `asmap: lookup(IPv4 text), ${Math.round(mapped * 100)} % mapped (median of 5)`,
    value: rate((ip) => map.lookup(ip), v4),
    unit: 'lookups/s',
    baseline: rate((ip) => netGroup(ip), v4),
    target: '>= 500000',
  });
  rows.push({
    name: 'asmap: lookup(text), IPv4 and IPv6 mixed (~30 % IPv6) (median of 5)',
    value: rate((ip) => map.lookup(ip), mixed),
    unit: 'lookups/s',
    baseline: rate((ip) => netGroup(ip), mixed),
    target: '>= 500000',
  });
  rows.push({
    name: 'asmap: netGroup(IPv4 text, { asmap }) (median of 5)',
    value: rate((ip) => netGroup(ip, { asmap: map }), v4),
    unit: 'groups/s',
    baseline: rate((ip) => netGroup(ip), v4),
  });
  return { rows, map };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printTable('addrbook: asmap (baseline: netGroup of the same addresses without a map)', asmapRows().rows);
}
