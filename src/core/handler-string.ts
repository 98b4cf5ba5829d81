// Lambda's Node.js handler strings: `dir/file.export.path` names a module file (looked up as
// Lambda does, with or without an extension) and a property path inside it.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';

export interface NodeHandlerModule {
  /** The folder part, relative to the code folder, with its trailing slash (`dir/`), or ''. */
  readonly moduleRoot: string;
  /** The file name without extension (`file`). */
  readonly moduleName: string;
  /** The property path inside the module (`export.path`). */
  readonly propertyPath: string;
}

export function nodeHandlerModule(handler: string): NodeHandlerModule | undefined {
  const base = basename(handler);
  const dot = base.indexOf('.');
  if (dot <= 0 || dot === base.length - 1) return undefined;
  return {
    moduleRoot: handler.slice(0, handler.length - base.length),
    moduleName: base.slice(0, dot),
    propertyPath: base.slice(dot + 1),
  };
}

/** Whether the Node.js runtime would load the handler's module as an ES module. */
export function isEsmHandler(codeDir: string, handler: string): boolean {
  const module = nodeHandlerModule(handler);
  if (module === undefined) return false;
  const base = join(codeDir, module.moduleRoot, module.moduleName);
  if (existsSync(base)) return false;
  if (existsSync(`${base}.js`)) return nearestPackageType(dirname(base)) === 'module';
  return existsSync(`${base}.mjs`);
}

function nearestPackageType(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    if (current.endsWith(`${sep}node_modules`)) return undefined;
    const manifest = join(current, 'package.json');
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: string }).type;
      } catch {
        return undefined;
      }
    }
    if (dirname(current) === current) return undefined;
  }
}
