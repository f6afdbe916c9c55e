// Builds the dashboard into dist/dashboard: index.html, devnet.html, fleet.html and content-hashed assets, all bundled with esbuild.

import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'dist', 'dashboard');
const assets = join(out, 'assets');

/** Each page and the script it loads. */
const PAGES = [
  { html: 'index.html', entry: 'src/main.ts', name: 'dashboard' },
  { html: 'devnet.html', entry: 'src/devnet/main.ts', name: 'devnet' },
  { html: 'fleet.html', entry: 'src/fleet/main.ts', name: 'fleet' },
];

rmSync(out, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });

const result = await build({
  absWorkingDir: here,
  entryPoints: PAGES.map((p) => ({ in: p.entry, out: p.name })),
  outdir: assets,
  bundle: true,
  splitting: true,
  format: 'esm',
  minify: !process.argv.includes("--no-minify"),
  // Source maps only on request (`node dashboard/build.mjs --sourcemap`): they would triple the package.
  sourcemap: process.argv.includes('--sourcemap'),
  // Browsers of the last few years; nothing older is worth the extra bytes.
  target: ['chrome100', 'firefox100', 'safari15'],
  // Hashes in the names let the server cache assets forever (see src/api/dashboard.ts).
  entryNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  assetNames: '[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
  legalComments: 'linked',
});

const sizes = [];
for (const page of PAGES) {
  const [file, meta] = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint === page.entry);
  const tags = [];
  if (meta.cssBundle) tags.push(`<link rel="stylesheet" href="assets/${basename(meta.cssBundle)}" />`);
  tags.push(`<script type="module" src="assets/${basename(file)}"></script>`);
  const html = readFileSync(join(here, 'pages', page.html), 'utf8').replace('<!-- assets -->', tags.join('\n    '));
  writeFileSync(join(out, page.html), html);
}
for (const [file, o] of Object.entries(result.metafile.outputs)) {
  if (!file.endsWith('.map')) sizes.push(`${relative(out, join(here, file)).padEnd(40)} ${(o.bytes / 1024).toFixed(1)} kB`);
}
if (process.argv.includes('--sizes')) console.log(sizes.join('\n'));
