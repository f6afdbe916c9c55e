// Generates src/core/hash/sha256-compress.ts: the unrolled SHA-256 compression functions.
//
//   node --import tsx scripts/gen-sha256-compress.ts          rewrites the file
//   node --import tsx scripts/gen-sha256-compress.ts --check  exits 1 if the file differs from the output
//
// Everything comes from FIPS 180-4: the round constants K are computed here (the first 32 bits of
// the fractional parts of the cube roots of the first 64 primes, in exact integer arithmetic), and
// every round is printed from the same three statements (§6.2.2 step 3), with the roles of the
// working variables rotated instead of the values moved. test/core/hash/sha256-generator.test.ts
// checks that the file on disk is this script's output; test/core/hash/sha256.test.ts checks the
// functions against node:crypto.

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The generated file, relative to this script. */
export const OUTPUT_URL = new URL('../src/core/hash/sha256-compress.ts', import.meta.url);

// ---- The definition (FIPS 180-4 §4.1.2, §4.2.2, §6.2.2) ----

/** The first `n` primes. */
function primes(n: number): number[] {
  const out: number[] = [];
  for (let p = 2; out.length < n; p++) if (out.every((q) => p % q !== 0)) out.push(p);
  return out;
}

/** ⌊∛x⌋ for a non-negative bigint, by bisection (exact). */
function integerCubeRoot(x: bigint): bigint {
  let lo = 0n;
  let hi = 1n;
  while (hi * hi * hi <= x) hi *= 2n;
  while (hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    if (mid * mid * mid <= x) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** K[t]: the first 32 bits of the fractional part of ∛(t-th prime) — ⌊∛(p · 2⁹⁶)⌋ mod 2³². */
export function roundConstants(): number[] {
  return primes(64).map((p) => Number(integerCubeRoot(BigInt(p) << 96n) & 0xffffffffn));
}

/** The working variables a..h, in role order. */
const VARS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] as const;

const rotr = (x: string, n: number) => `((${x} >>> ${n}) | (${x} << ${32 - n}))`;
const shr = (x: string, n: number) => `(${x} >>> ${n})`;
/** Σ0, Σ1 (on the working variables) and σ0, σ1 (on the schedule), as expressions. */
const bigSigma0 = (x: string) => `(${rotr(x, 2)} ^ ${rotr(x, 13)} ^ ${rotr(x, 22)})`;
const bigSigma1 = (x: string) => `(${rotr(x, 6)} ^ ${rotr(x, 11)} ^ ${rotr(x, 25)})`;
const smallSigma0 = (x: string) => `(${rotr(x, 7)} ^ ${rotr(x, 18)} ^ ${shr(x, 3)})`;
const smallSigma1 = (x: string) => `(${rotr(x, 17)} ^ ${rotr(x, 19)} ^ ${shr(x, 10)})`;
const ch = (x: string, y: string, z: string) => `(${z} ^ (${x} & (${y} ^ ${z})))`;
const maj = (x: string, y: string, z: string) => `((${x} & ${y}) | (${z} & (${x} | ${y})))`;

/**
 * One round: T1 = h + Σ1(e) + Ch(e,f,g) + K[t] + W[t]; d += T1; h = T1 + Σ0(a) + Maj(a,b,c). The
 * textbook then shifts every variable one place (h←g, g←f, …, a←T1+T2); here the values stay put
 * and round t uses variable (r − t) mod 8 for role r, so after 8 rounds the names line up again.
 * `kw` is the K[t] + W[t] term, already printed.
 */
function round(t: number, kw: string): string[] {
  const v = (role: number) => VARS[(role - (t % 8) + 8) % 8]!;
  const [a, b, c, d, e, f, g, h] = [0, 1, 2, 3, 4, 5, 6, 7].map(v) as [string, string, string, string, string, string, string, string];
  return [
    `${h} = (${h} + ${bigSigma1(e)} + ${ch(e, f, g)} + ${kw}) | 0;`,
    `${d} = (${d} + ${h}) | 0;`,
    `${h} = (${h} + ${bigSigma0(a)} + ${maj(a, b, c)}) | 0;`,
  ];
}

/** W[t] = σ1(W[t−2]) + W[t−7] + σ0(W[t−15]) + W[t−16], kept in 16 rotating locals w0..w15. */
function scheduleStep(j: number): string {
  const w = (k: number) => `w${(j + k) % 16}`;
  return `${w(0)} = (${w(0)} + ${smallSigma0(w(1))} + ${w(9)} + ${smallSigma1(w(14))}) | 0;`;
}

// ---- The four functions ----

/** Where a message word of the first 16 rounds comes from. */
type Word = { load: string } | { constant: number };

interface Variant {
  /** The doc comment and signature, verbatim. */
  head: string[];
  /** Statements before the loads. */
  prologue?: string[];
  /** Initial values of w0..w15; absent when the function reads an expanded 64-word schedule. */
  words?: Word[];
  /** The array the working variables start from. */
  from: string;
  /** The first round to print unrolled (the rounds before it are already done by the caller). */
  firstRound?: number;
  /** The array the working variables are added to at the end (the result goes into `st`). */
  addTo: string;
}

const loads = (array: string, n: number): Word[] => Array.from({ length: n }, (_, i) => ({ load: `${array}[${i}]!` }));

const VARIANTS: Variant[] = [
  {
    head: ['/** Compresses the 16-word block `w` into the state `st` (in place). */', 'export function compress(st: Int32Array, w: Int32Array): void {'],
    prologue: ['const init = st;'],
    words: loads('w', 16),
    from: 'init',
    addTo: 'st',
  },
  {
    head: [
      '/**',
      ' * The same compression for a block whose words 0–7 are fixed (a key): `init` holds the working',
      ' * variables after rounds 0–7, which read nothing else, so only rounds 8–63 run. `st` holds the',
      ' * chaining value the result is added to.',
      ' */',
      'export function compressFromRound8(st: Int32Array, init: Int32Array, w: Int32Array): void {',
    ],
    words: loads('w', 16),
    from: 'init',
    firstRound: 8,
    addTo: 'st',
  },
  {
    head: [
      '/** The 64 rounds over an already expanded 64-word schedule `w`, added into `st`. */',
      'export function roundsOverSchedule(st: Int32Array, w: Int32Array): void {',
    ],
    from: 'st',
    addTo: 'st',
  },
  {
    head: [
      '/**',
      ' * The compression of the second SHA-256 of a SHA-256d: `digest` (8 words) padded to one block,',
      ' * whose words 8–15 are constants (0x80000000, six zeros, 256). The constants are written into the',
      ' * code so V8 folds them; the result goes into `st`, which starts from the IV.',
      ' */',
      'export function compressDigest(st: Int32Array, digest: Int32Array, iv: Int32Array): void {',
    ],
    // The padding of a 256-bit message: a 1 bit, zeros, and the length 256 in the last word.
    words: [...loads('digest', 8), { constant: 0x80000000 | 0 }, 0, 0, 0, 0, 0, 0, 256].map((x) =>
      typeof x === 'number' ? { constant: x } : x,
    ),
    from: 'iv',
    addTo: 'iv',
  },
];

/** K[t] + W[t] for an unrolled round: a constant word is folded into the K term, a zero one dropped. */
function unrolledKw(t: number, word: Word): string {
  if ('load' in word) return `K[${t}]! + w${t}`;
  return word.constant === 0 ? `K[${t}]!` : `(K[${t}]! + ${word.constant})`;
}

function emitFunction(variant: Variant): string[] {
  const body: string[] = [...(variant.prologue ?? [])];
  const { words } = variant;
  if (words) words.forEach((word, i) => body.push(`let w${i} = ${'load' in word ? word.load : word.constant};`));
  VARS.forEach((x, i) => body.push(`let ${x} = ${variant.from}[${i}]!;`));
  const loop: string[] = [];
  if (words) {
    // Rounds 0–15 read the block's words; rounds 16–63 extend the schedule in place, 16 per pass.
    for (let t = variant.firstRound ?? 0; t < 16; t++) body.push(...round(t, unrolledKw(t, words[t]!)));
    body.push('for (let i = 16; i < 64; i += 16) {');
    for (let j = 0; j < 16; j++) loop.push(scheduleStep(j), ...round(j, `K[i + ${j}]! + w${j}`));
  } else {
    body.push('for (let i = 0; i < 64; i += 8) {');
    for (let j = 0; j < 8; j++) loop.push(...round(j, `K[i + ${j}]! + w[i + ${j}]!`));
  }
  body.push(...loop.map((s) => `  ${s}`), '}');
  VARS.forEach((x, i) => body.push(`st[${i}] = (${variant.addTo}[${i}]! + ${x}) | 0;`));
  return [...variant.head, ...body.map((s) => `  ${s}`), '}'];
}

const HEADER = [
  '// The SHA-256 compression function, unrolled for V8: the schedule lives in 16 local variables and',
  '// each group of 8 rounds rotates the roles of the working variables (a..h) through the statements.',
  '//',
  '// Generated mechanically from the textbook definition (FIPS 180-4 §6.2.2) by',
  '// scripts/gen-sha256-compress.ts and checked against node:crypto by the tests; ~30 % faster than a',
  '// loop over a 64-word schedule array. Do not edit this file: edit the generator\'s pattern (every',
  '// round has the same three statements) and rerun it:',
  '//   node --import tsx scripts/gen-sha256-compress.ts          (rewrites this file)',
  '//   node --import tsx scripts/gen-sha256-compress.ts --check  (exits 1 if this file is stale)',
];

function emitK(): string[] {
  const hex = roundConstants().map((k) => `0x${k.toString(16).padStart(8, '0')},`);
  const rows: string[] = [];
  for (let i = 0; i < hex.length; i += 8) rows.push(`  ${hex.slice(i, i + 8).join(' ')}`);
  return ['export const K = Int32Array.of(', ...rows, ');'];
}

/** The full text of src/core/hash/sha256-compress.ts. */
export function generateSha256Compress(): string {
  const sections = [HEADER, emitK(), ...VARIANTS.map(emitFunction)];
  return `${sections.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

// ---- Command line ----

/** A short hint at the first line where `actual` (on disk) and `expected` (generated) differ. */
export function diffHint(actual: string, expected: string): string {
  const lines = (s: string) => (s.endsWith('\n') ? s.slice(0, -1) : s).split('\n');
  const a = lines(actual);
  const e = lines(expected);
  let line = 0;
  while (line < a.length && line < e.length && a[line] === e[line]) line++;
  const show = (s: string | undefined) => (s === undefined ? '(end of file)' : JSON.stringify(s));
  return [
    `first difference at line ${line + 1} (the file has ${a.length} lines, the generator's output ${e.length}):`,
    `  file:      ${show(a[line])}`,
    `  generator: ${show(e[line])}`,
  ].join('\n');
}

function main(argv: string[]): number {
  const path = fileURLToPath(OUTPUT_URL);
  const expected = generateSha256Compress();
  let actual: string | undefined;
  try {
    actual = readFileSync(path, 'utf8');
  } catch {
    actual = undefined;
  }
  if (argv.includes('--check')) {
    if (actual === expected) return 0;
    console.error(`${path} is not the generator's output.`);
    if (actual !== undefined) console.error(diffHint(actual, expected));
    console.error('Regenerate it with: node --import tsx scripts/gen-sha256-compress.ts');
    return 1;
  }
  if (actual === expected) {
    console.log(`${path}: up to date`);
  } else {
    writeFileSync(path, expected);
    console.log(`${path}: written`);
  }
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
