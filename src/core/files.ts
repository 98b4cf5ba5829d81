// Files written whole or not at all, for caches: a reader (another window, the next start) sees the
// old file or the new one, never half of one.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Writes `data` to a temporary file beside `path`, then renames it over `path`; false when that failed. */
export function writeWholeSync(path: string, data: string | Buffer): boolean {
  const partial = `${path}.${process.pid}.partial`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(partial, data);
    renameSync(partial, path);
    return true;
  } catch {
    rmSync(partial, { force: true });
    return false;
  }
}
