// Turns a function as written (maybe TypeScript) into one the emulator can run: a Node.js handler
// whose module exists only as TypeScript is bundled with esbuild, exactly as deploy would ship
// it, and kept rebuilt while it is being served.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FunctionConfig } from '../function-config';
import { nodeHandlerModule } from '../handler-string';
import { isNodeRuntime } from '../runtimes';
import { bundleHandler, watchHandler, type BundleError, type BundleResult } from './bundle';

const JAVASCRIPT_EXTENSIONS = ['', '.js', '.mjs', '.cjs'];
const TYPESCRIPT_EXTENSIONS = ['.ts', '.mts', '.cts'];

export interface LocalFunction {
  readonly config: FunctionConfig;
  /** The bundled entry, when the handler had to be built. */
  readonly bundle?: BundleResult;
  dispose(): Promise<void>;
}

export interface PrepareOptions {
  /** Where bundles are written: one folder per function below it. */
  readonly buildDir: string;
  /** Keep the bundle rebuilt when its sources change. */
  readonly watch: boolean;
  readonly minify?: boolean;
  readonly onRebuild?: (name: string, outcome: BundleResult | BundleError) => void;
}

export async function prepareLocalFunction(config: FunctionConfig, options: PrepareOptions): Promise<LocalFunction> {
  const unchanged: LocalFunction = { config, dispose: async () => {} };
  if (!isNodeRuntime(config.runtime)) return unchanged;
  const module = nodeHandlerModule(config.handler);
  if (module === undefined) return unchanged;
  const base = join(config.codeDir, module.moduleRoot, module.moduleName);
  if (JAVASCRIPT_EXTENSIONS.some((ext) => existsSync(base + ext))) return unchanged;
  const entry = TYPESCRIPT_EXTENSIONS.map((ext) => base + ext).find((path) => existsSync(path));
  if (entry === undefined) return unchanged;

  const buildRoot = join(options.buildDir, config.name);
  const request = {
    entry,
    outDir: join(buildRoot, module.moduleRoot),
    runtime: config.runtime,
    minify: options.minify ?? false,
    sourcemap: true,
    displayRoot: config.codeDir,
  };
  const bundled: FunctionConfig = {
    ...config,
    codeDir: buildRoot,
    // The bundle leaves the AWS SDK and native modules out; they resolve from the project as in a
    // deployment with a layer. Source maps make stack traces point at the TypeScript.
    nodeModulePaths: [...nodeModulesAbove(config.codeDir), ...(config.nodeModulePaths ?? [])],
    environment: { NODE_OPTIONS: '--enable-source-maps', ...config.environment },
  };
  if (!options.watch) {
    const result = await bundleHandler(request);
    return { config: bundled, bundle: result, dispose: async () => {} };
  }
  const watched = await watchHandler(request, (outcome) => options.onRebuild?.(config.name, outcome));
  return { config: bundled, dispose: () => watched.dispose() };
}

/** node_modules folders from `dir` up to the root, nearest first, as Node resolves them. */
function nodeModulesAbove(dir: string): string[] {
  const found: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    const candidate = join(current, 'node_modules');
    if (existsSync(candidate)) found.push(candidate);
    if (dirname(current) === current) return found;
  }
}
