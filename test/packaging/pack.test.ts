// The package as a user gets it: packed, installed into a new strict TypeScript project with nothing
// but `npm i peerwarden`, type-checked with the tsconfig docs/node.md gives, and run (two nodes).
//
// Bounded: npm works from its cache first (--prefer-offline) and runs no install scripts; the
// checkout's own better-sqlite3 (same version, already built) replaces the uncompiled one, so
// nothing is downloaded but packages from the npm registry.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The first fenced block of `lang` after `heading` in a doc: what the test runs is what the docs show. */
function snippet(doc: string, heading: string, lang: string): string {
  const text = readFileSync(join(root, doc), 'utf8');
  const at = text.indexOf(heading);
  if (at < 0) throw new Error(`${doc} has no "${heading}"`);
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(text.slice(at));
  if (!m) throw new Error(`${doc}: no \`\`\`${lang} block after "${heading}"`);
  return m[1]!;
}

describe('the packed package in a new TypeScript project', () => {
  const work = mkdtempSync(join(tmpdir(), 'pw-pack-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('installs, type-checks strictly (skipLibCheck: false) and runs a two-node program', () => {
    expect(existsSync(join(root, 'dist/index.d.ts')), 'build the package first (npm run build)').toBe(true);

    // 1. Pack, as `npm publish` would (the build already ran: no scripts).
    const packed = JSON.parse(execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' })) as {
      filename: string;
      files: { path: string }[];
    }[];
    const files = packed[0]!.files.map((f) => f.path);
    // Source maps would point at src/, which is not shipped; the docs the CLI points at are.
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files).toContain('docs/operations.md');
    expect(files).toContain('contrib/peerwarden.toml');

    // 2. A new project: its only dependency is the tarball.
    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'pw-consumer', version: '1.0.0', private: true, type: 'module' }, null, 2));
    execFileSync(npm, ['install', join(work, packed[0]!.filename), '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: app,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const installed = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(installed.dependencies)).toEqual(['peerwarden']);
    // Install scripts did not run: use the checkout's compiled better-sqlite3 (the same version).
    const sqlite = join(app, 'node_modules/better-sqlite3');
    rmSync(sqlite, { recursive: true, force: true });
    cpSync(join(root, 'node_modules/better-sqlite3'), sqlite, { recursive: true, filter: (src) => !/[/\\](deps|src|obj|obj\.target)$/.test(src) });

    // 3. The tsconfig of docs/node.md, the two-node program of docs/node.md, the simulator snippet of docs/simulator.md.
    writeFileSync(join(app, 'tsconfig.json'), snippet('docs/node.md', '## Installing', 'json'));
    writeFileSync(join(app, 'two-nodes.ts'), snippet('docs/node.md', '## Installing', 'ts'));
    writeFileSync(join(app, 'sim.ts'), snippet('docs/simulator.md', '## From code', 'ts'));
    const tsconfig = JSON.parse(readFileSync(join(app, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
    expect(tsconfig.compilerOptions).toMatchObject({ strict: true, skipLibCheck: false });
    expect(String(tsconfig.compilerOptions.module).toLowerCase()).toBe('nodenext');
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', app], { cwd: app, encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);

    // 4. Run it: two nodes connect, exchange a message and answer a request; SQLite holds the server's data.
    const run = spawnSync(process.execPath, [join(app, 'dist/two-nodes.js')], { cwd: app, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^connected to [0-9a-f]{12} at 127\.0\.0\.1:\d+ \(outbound, hot\)$/m);
    expect(run.stdout).toMatch(/^the server got greeting: hello$/m);
    expect(run.stdout).toMatch(/^the server's time: \d{4}-\d\d-\d\dT/m);
    expect(readdirSync(join(app, 'server-data')).sort()).toEqual(expect.arrayContaining(['node.key', 'peerwarden.db']));

    // 5. CommonJS callers get the same module (require() of an ES module, Node.js 20.19 and later).
    const cjs = spawnSync(process.execPath, ['-e', "const p = require('peerwarden'); const s = require('peerwarden/sim'); console.log(typeof p.createNode, typeof s.runScenario)"], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(cjs.stdout.trim()).toBe('function function');
  }, 170_000);
});
