// esbuild, loaded on the first build rather than when the extension or the CLI starts.
import { createRequire } from 'node:module';
import type * as Esbuild from 'esbuild';

let loaded: typeof Esbuild | undefined;

/**
 * require() rather than import(): esbuild's API is a CommonJS file, and Node's ESM loader would
 * first scan all of it for its exports, some 40 ms of a cold build.
 */
export function loadEsbuild(): typeof Esbuild {
  loaded ??= createRequire(__filename)('esbuild') as typeof Esbuild;
  return loaded;
}
