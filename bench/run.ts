// Runs every benchmark (bench/<name>/main.ts) in its own process, or only those named on the command line.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const suites = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(here, d.name, 'main.ts')))
  .map((d) => d.name)
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();

if (suites.length === 0) {
  console.error(`no benchmark matches ${wanted.join(', ')}; available: ${readdirSync(here).join(', ')}`);
  process.exit(2);
}

let failed = 0;
for (const name of suites) {
  // A fresh process per suite keeps heap measurements and JIT state independent.
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(here, name, 'main.ts')], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`benchmark ${name} exited with ${r.status ?? r.signal}`);
  }
}
process.exit(failed ? 1 : 0);
