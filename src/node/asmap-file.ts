// Loads the AS map file named by the `asmap` setting, with errors that say which file and what to do.

import { readFileSync } from 'node:fs';
import { Asmap, AsmapError } from '../core/address/index.js';

/**
 * Reads and checks an asmap file (Bitcoin Core's format). Throws AsmapError naming the file: when
 * it cannot be read, or when it fails Core's sanity check (a truncated download, another format).
 */
export function loadAsmapFile(path: string): Asmap {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new AsmapError(`cannot read the asmap file ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check the path in the asmap setting (--asmap), or remove the setting to group peers by /16`);
  }
  try {
    return Asmap.fromBytes(bytes);
  } catch (err) {
    if (err instanceof AsmapError) {
      throw new AsmapError(
        `${path} is not a usable asmap file (${err.message.replace(/^invalid asmap: /, '')}). Use a map in Bitcoin Core's binary format (e.g. from the asmap-data project, checked with sha256sum); docs/addrbook.md says how`,
        err.bitOffset,
      );
    }
    throw err;
  }
}
