// Whether a Node.js handler is an ES module or CommonJS, decided as Node.js decides it: by the
// file's extension, then by the "type" of the nearest package.json.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, sep } from 'node:path';

export type ModuleFormat = 'cjs' | 'esm';

/** The file extension a bundle of this format gets, so Lambda loads it as that format without a package.json. */
export function bundleExtension(format: ModuleFormat): '.js' | '.mjs' {
  return format === 'esm' ? '.mjs' : '.js';
}

/**
 * `.mjs`/`.mts` are ES modules and `.cjs`/`.cts` CommonJS whatever the package says; any other
 * extension follows the nearest package.json's "type" ("module": ESM, anything else: CommonJS).
 */
export function detectModuleFormat(entry: string): ModuleFormat {
  const extension = extname(entry);
  if (extension === '.mjs' || extension === '.mts') return 'esm';
  if (extension === '.cjs' || extension === '.cts') return 'cjs';
  return packageType(dirname(entry)) === 'module' ? 'esm' : 'cjs';
}

const ES_MODULE_SYNTAX = /(?:^|[\n;])\s*(?:import(?:\s+[\w*{]|\s*[*{"'])|export(?:\s+[\w*{]|\s*[*{]))/;

/**
 * Whether a file of an npm package is an ES module: by extension, by its package's "type", else
 * by its syntax (packages' "module" builds are ES modules in .js files without a "type"). Taking
 * CommonJS for ESM is harmless here (the file is bundled as usual); the reverse is not.
 */
export function isEsModuleFile(path: string): boolean {
  const extension = extname(path);
  if (extension === '.mjs' || extension === '.mts') return true;
  if (extension === '.cjs' || extension === '.cts' || extension === '.json' || extension === '.node') return false;
  if (packageType(dirname(path)) === 'module') return true;
  try {
    return ES_MODULE_SYNTAX.test(readFileSync(path, 'utf8'));
  } catch {
    return true;
  }
}

/** The "type" of the nearest package.json, which for a file of a dependency is its package's. */
function packageType(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    // A package.json inside node_modules belongs to a dependency, never to the handler.
    if (current.endsWith(`${sep}node_modules`)) return undefined;

    const manifest = join(current, 'package.json');
    if (existsSync(manifest)) {
      try {
        const type = (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown }).type;
        return typeof type === 'string' ? type : undefined;
      } catch {
        return undefined;
      }
    }
    if (dirname(current) === current) return undefined;
  }
}
