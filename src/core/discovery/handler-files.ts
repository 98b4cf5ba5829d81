// From a function's handler string to the source file that holds the handler, the way the runtime
// would look for it, but preferring sources (TypeScript) over what a build would emit next to them.
import { basename, extname, join } from 'node:path';
import { nodeHandlerModule } from '../handler-string';

/** TypeScript first: a build's .js beside it is output, and the lens belongs on the source. */
const NODE_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

/** Where a handler string says the handler is: files to try in order, and the export or function name. */
export interface HandlerTarget {
  readonly language: 'node' | 'python';
  /** Absolute paths, most likely first. */
  readonly candidates: readonly string[];
  /** The Node.js export (the first segment of the property path) or the Python function. */
  readonly exportName: string;
}

/**
 * `dir/file.export.path` under the code folder. SAM's esbuild builds name their sources in
 * EntryPoints; the one with the module's name (or the only one) is the handler's file.
 */
export function nodeHandlerTarget(
  codeDir: string,
  handler: string,
  entryPoints: readonly string[] = [],
): HandlerTarget | undefined {
  const module = nodeHandlerModule(handler);
  if (module === undefined) return undefined;
  const [exportName = ''] = module.propertyPath.split('.');
  const base = join(codeDir, module.moduleRoot, module.moduleName);
  return {
    language: 'node',
    candidates: [
      ...entryPointFiles(codeDir, module.moduleName, entryPoints),
      ...NODE_EXTENSIONS.map((extension) => base + extension),
    ],
    exportName,
  };
}

/**
 * The files SAM's esbuild EntryPoints may mean for the handler module `moduleName` (esbuild writes
 * each entry as `<its name>.js`): the entries of that name, else the only entry; an entry without
 * an extension is tried as `.ts`, then `.js`, as SAM tries it.
 */
export function entryPointFiles(codeDir: string, moduleName: string, entryPoints: readonly string[]): string[] {
  const byName = entryPoints.filter((entry) => basename(entry, extname(entry)) === moduleName);
  const entries = byName.length > 0 ? byName : entryPoints.length === 1 ? entryPoints : [];
  return entries.flatMap((entry) =>
    extname(entry) === '' ? [`${entry}.ts`, `${entry}.js`].map((file) => join(codeDir, file)) : [join(codeDir, entry)],
  );
}

/** `package/module.function` or `package.module.function`: the module file, or a package's `__init__.py`. */
export function pythonHandlerTarget(codeDir: string, handler: string): HandlerTarget | undefined {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || dot === handler.length - 1) return undefined;
  const modulePath = handler.slice(0, dot).replaceAll('.', '/');
  const base = join(codeDir, modulePath);
  return { language: 'python', candidates: [`${base}.py`, join(base, '__init__.py')], exportName: handler.slice(dot + 1) };
}
