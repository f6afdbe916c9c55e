// Finds the rotated predecessors of a log file, oldest first, in the two layouts cardano-node setups use.
//
// 1. logrotate / numbered: node.json.1 (newest) … node.json.N (oldest). Compressed ones (.gz) are
//    skipped: reading them would need a decompressor for little gain.
// 2. Timestamped (iohk-monitoring's and cardano-tracer's own rotation): `node.json` is a symlink to
//    the current file, e.g. node-20250924130405.json, next to older node-<timestamp>.json files whose
//    names sort by time.
import { lstat, readdir, realpath } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';

async function isSymlink(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isSymbolicLink();
  } catch {
    return false;
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

/** The rotated files that precede `path`, oldest first (existing files only, never `path` itself). */
export async function findRotatedSiblings(path: string): Promise<string[]> {
  const dir = dirname(path);
  const base = basename(path);
  const numbered = (await listDir(dir))
    .map((name) => ({ name, m: name.startsWith(base + '.') ? /^(\d+)$/.exec(name.slice(base.length + 1)) : null }))
    .filter((x) => x.m !== null)
    .map((x) => ({ path: join(dir, x.name), n: Number(x.m![1]) }))
    .sort((a, b) => b.n - a.n)
    .map((x) => x.path);

  const timestamped: string[] = [];
  if (await isSymlink(path)) {
    try {
      const target = await realpath(path);
      const targetDir = dirname(target);
      const targetName = basename(target);
      // The name up to its first digit is the stem shared by all rotations ("node-").
      const digit = targetName.search(/\d/);
      if (digit > 0) {
        const stem = targetName.slice(0, digit);
        const ext = extname(targetName);
        for (const name of (await listDir(targetDir)).sort()) {
          if (name < targetName && name.startsWith(stem) && extname(name) === ext && /\d/.test(name[stem.length] ?? '')) {
            timestamped.push(join(targetDir, name));
          }
        }
      }
    } catch {
      // A dangling symlink: no siblings to offer; the follower waits for the target to appear.
    }
  }
  return [...timestamped, ...numbered];
}
