// Turns a function as written (maybe TypeScript) into one the emulator can run: a Node.js handler
// whose module exists only as TypeScript is bundled with esbuild with the options deploy uses (the
// same format, target and externals, so the same JavaScript), and kept rebuilt while it is served.
// Only the source map differs: its paths lead to the files on disk, so breakpoints bind.
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FunctionConfig } from '../function-config';
import { nodeHandlerModule } from '../handler-string';
import { isNodeRuntime } from '../runtimes';
import { BundleError, bundleHandler, type BundleRequest, type BundleResult } from './bundle';
import { watchBundleThroughFailure } from './node-bundler';
import { bundleExtension, detectModuleFormat } from './module-format';
import { bundleShape, esbuildEntry } from './esbuild-settings';

const JAVASCRIPT_EXTENSIONS = ['', '.js', '.mjs', '.cjs'];
const TYPESCRIPT_EXTENSIONS = ['.ts', '.mts', '.cts'];

export interface LocalFunction {
  readonly config: FunctionConfig;
  /** The bundled entry, when the handler had to be built. */
  readonly bundle?: BundleResult;
  /** Why the handler does not build (watch mode only: its invocations fail with it until a save fixes it). */
  readonly buildError?: BundleError;
  dispose(): Promise<void>;
}

export interface PrepareOptions {
  /** Where bundles are written: one folder per function below it. */
  readonly buildDir: string;
  /** Keep the bundle rebuilt when its sources change. */
  readonly watch: boolean;
  readonly minify?: boolean;
  /** As deploy's option: bundle the AWS SDK rather than use the one the runtime (here: the project) provides. */
  readonly bundleAwsSdk?: boolean;
  readonly onRebuild?: (name: string, outcome: BundleResult | BundleError) => void;
}

export async function prepareLocalFunction(config: FunctionConfig, options: PrepareOptions): Promise<LocalFunction> {
  const unchanged: LocalFunction = { config, dispose: async () => {} };
  if (!isNodeRuntime(config.runtime)) return unchanged;
  const module = nodeHandlerModule(config.handler);
  if (module === undefined) return unchanged;
  const base = join(config.codeDir, module.moduleRoot, module.moduleName);
  // A project that bundles with esbuild (SAM's BuildMethod) runs bundled, JavaScript too, as its
  // banner, loaders and externals make it; otherwise JavaScript runs as it is, and only a module
  // that exists as TypeScript alone is bundled.
  const settings = config.esbuild;
  const entry =
    settings !== undefined
      ? (esbuildEntry(config.codeDir, config.handler, settings) ??
        [...TYPESCRIPT_EXTENSIONS, ...JAVASCRIPT_EXTENSIONS.slice(1)].map((ext) => base + ext).find((path) => existsSync(path)))
      : JAVASCRIPT_EXTENSIONS.some((ext) => existsSync(base + ext))
        ? undefined
        : TYPESCRIPT_EXTENSIONS.map((ext) => base + ext).find((path) => existsSync(path));
  if (entry === undefined) return unchanged;

  const buildRoot = join(options.buildDir, config.name);
  const shape = bundleShape(settings);
  const format = shape.format ?? detectModuleFormat(entry);
  // The same code deploy builds; minified only when asked, and always with a source map, for a
  // debugger and for stack traces that point at the sources.
  const request: BundleRequest = {
    entry,
    outDir: buildRoot,
    codeRoot: config.codeDir,
    handlerModule: `${module.moduleRoot}${module.moduleName}`,
    runtime: config.runtime,
    ...shape,
    format,
    minify: options.minify ?? false,
    sourcemap: true,
    bundleAwsSdk: options.bundleAwsSdk ?? false,
    displayRoot: config.codeDir,
    sourceMapPaths: 'outDir',
  };
  const projectModules = nodeModulesAbove(config.codeDir);
  // An ES module resolves packages from node_modules folders above it, never from NODE_PATH: the
  // packages left out of the bundle (the AWS SDK, native modules) are linked in beside the bundle.
  const nearest = projectModules[0];
  if (format === 'esm' && nearest !== undefined) linkNodeModules(buildRoot, nearest);
  const bundled: FunctionConfig = {
    ...config,
    codeDir: buildRoot,
    // The bundle leaves the AWS SDK and native modules out; they resolve from the project as in a
    // deployment with a layer. Source maps make stack traces point at the TypeScript.
    nodeModulePaths: [...projectModules, ...(config.nodeModulePaths ?? [])],
    environment: { NODE_OPTIONS: '--enable-source-maps', ...config.environment },
  };
  if (!options.watch) {
    const result = await bundleHandler(request);
    return { config: bundled, bundle: result, dispose: async () => {} };
  }
  // A server goes on serving the other functions when one does not build: this one's module is a
  // stand-in that fails its init with esbuild's message, until a save builds it (hot reload then
  // brings the new bundle in).
  const watched = await watchBundleThroughFailure(request, (outcome) => options.onRebuild?.(config.name, outcome));
  if (watched.result instanceof BundleError) {
    writeFailingModule(
      join(buildRoot, `${module.moduleRoot}${module.moduleName}${shape.outExtension ?? bundleExtension(format)}`),
      watched.result,
    );
    return { config: bundled, buildError: watched.result, dispose: () => watched.dispose() };
  }
  return { config: bundled, bundle: watched.result, dispose: () => watched.dispose() };
}

/** A module whose loading throws the build's error, as Lambda reports a module that fails at init. */
function writeFailingModule(path: string, error: BundleError): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `throw new Error(${JSON.stringify(error.message)});\n`);
}

function linkNodeModules(buildRoot: string, target: string): void {
  const link = join(buildRoot, 'node_modules');
  if (existsSync(link)) return;
  mkdirSync(buildRoot, { recursive: true });
  // A junction on Windows needs no privilege; elsewhere the type is ignored.
  symlinkSync(target, link, 'junction');
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
