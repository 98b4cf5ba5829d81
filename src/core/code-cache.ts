// Loads a large CommonJS bundle through V8's code cache. Compiling the parser worker's bundle (the
// TypeScript compiler, about 10 MB) takes V8 a few hundred milliseconds on every start; with the
// bytecode V8 made on an earlier start, kept in a file, it takes a few dozen. The cache is V8's own
// format: V8 checks that it fits (its version, flags, a checksum) and compiles afresh when not.
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { writeWholeSync } from './files';
import { makePrivateDir, whyNotPrivate } from './private-dir';

export interface CachedModule {
  readonly exports: unknown;
  /** Whether V8 took the bytecode of an earlier start. */
  readonly fromCache: boolean;
  /**
   * Writes the bytecode for the next start, including the functions that have run by now (call
   * it once the module has done typical work); does nothing when it came from the cache.
   */
  saveCache(): void;
}

/** Runs `file` as a CommonJS module, with its code cache from `cacheDir` when there is one that fits. */
export function requireWithCodeCache(file: string, cacheDir: string | undefined): CachedModule {
  const source = readFileSync(file, 'utf8');
  // Bytecode is code: a cache folder another user could write is neither read nor written.
  const usable = cacheDir !== undefined && makePrivateDir(cacheDir, dirname(cacheDir)) === undefined;
  const cacheFile = usable ? cacheFileFor(file, cacheDir) : undefined;
  let cachedData: Buffer | undefined;
  try {
    if (cacheFile !== undefined && whyNotPrivate(cacheFile) === undefined) cachedData = readFileSync(cacheFile);
  } catch {
    // No cache yet (the first start), or unreadable: compile afresh.
  }
  // The same wrapper Node puts around a CommonJS module.
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new Script(wrapped, { filename: file, ...(cachedData === undefined ? {} : { cachedData }) });
  const fromCache = cachedData !== undefined && script.cachedDataRejected === false;
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run(module.exports, createRequire(file), module, file, dirname(file));
  let saved = fromCache;
  return {
    exports: module.exports,
    fromCache,
    saveCache() {
      if (saved || cacheFile === undefined) return;
      saved = true;
      // A cache that cannot be written costs the next start its compile time, nothing else. Written
      // whole: another window may be starting and reading it.
      writeWholeSync(cacheFile, script.createCachedData());
      removeOlderCaches(file, cacheFile);
    },
  };
}

/** Whether `cacheDir` holds a code cache of this build of `file` for this version of V8. */
export function hasCodeCache(file: string, cacheDir: string): boolean {
  return existsSync(cacheFileFor(file, cacheDir));
}

/**
 * One cache file per build of the bundle and version of V8: V8 checks only the source's length, so
 * the bundle's size and time in the name keep a rebuilt bundle from meeting an older one's bytecode.
 */
function cacheFileFor(file: string, cacheDir: string): string {
  const { size, mtimeMs } = statSync(file);
  return join(cacheDir, `${cachePrefix(file)}${size}-${Math.round(mtimeMs)}-v8-${process.versions.v8}.cache`);
}

function cachePrefix(file: string): string {
  return `${basename(file)}-`;
}

/** The caches of earlier builds of the same bundle, which no start will read again. */
function removeOlderCaches(file: string, cacheFile: string): void {
  const dir = dirname(cacheFile);
  const name = basename(cacheFile);
  const prefix = cachePrefix(file);
  try {
    for (const other of readdirSync(dir)) {
      if (other.startsWith(prefix) && other.endsWith('.cache') && other !== name) rmSync(join(dir, other), { force: true });
    }
  } catch {
    // Left for the next time.
  }
}
