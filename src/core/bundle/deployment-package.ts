// A function's deployment package: its code as the deterministic .zip Lambda receives, with the
// CodeSha256 Lambda will report for it. Node.js handlers are bundled (one file and its source
// map, at the path the handler string names); Python and custom-runtime functions are their code
// folder (see code-folder.ts). A builder is kept between deploys so a rebuild after an edit costs
// what changed: the bundle is incremental and unchanged zip segments are not compressed again.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WorkbenchError } from '../errors';
import type { FunctionConfig } from '../function-config';
import { nodeHandlerModule } from '../handler-string';
import { isNodeRuntime, PYTHON_RUNTIMES, type Runtime } from '../runtimes';
import { codeSha256, DeflateCache, entrySize, writeZip, type ZipFileEntry } from '../zip/write-zip';
import { readCodeFolder } from './code-folder';
import { bundleShape, esbuildEntry } from './esbuild-settings';
import type { ModuleFormat } from './module-format';
import { createIncrementalBundler, type BundleRequest, type BundleResult, type IncrementalBundler } from './node-bundler';

export type PackageStep = 'bundling' | 'zipping';
export type PackageLanguage = 'nodejs' | 'python' | 'custom';

export interface PackageOptions {
  readonly minify?: boolean;
  /** Default true: a source map beside the bundle, read when NODE_OPTIONS has --enable-source-maps. */
  readonly sourcemap?: boolean;
  /** Bundle the AWS SDK v3 rather than use the runtime's (see BundleRequest.bundleAwsSdk). */
  readonly bundleAwsSdk?: boolean;
  /** Map the npm packages' code in the source map too (see BundleRequest.mapDependencies). */
  readonly mapDependencies?: boolean;
  /** The handler's source file, when the handler string does not lead to it (SAM's esbuild EntryPoints). */
  readonly entry?: string;
  /** Python: a folder of installed dependencies to put at the zip's root. */
  readonly dependenciesDir?: string;
  /**
   * The code folder is build output (`sam build`'s, a CDK asset): it is packaged as it is, never
   * bundled again from a source entry point it does not hold.
   */
  readonly built?: boolean;
  /** Folder that paths in messages are relative to. */
  readonly displayRoot?: string;
  readonly onProgress?: (step: PackageStep) => void;
}

export interface DeploymentPackage {
  /** The local function's name. */
  readonly functionName: string;
  /** The runtime the code was built for. */
  readonly runtime: Runtime;
  readonly language: PackageLanguage;
  /** Node.js: the module format of the bundle. */
  readonly format?: ModuleFormat;
  readonly zip: Buffer;
  /** Base64 SHA-256 of the zip, as Lambda reports it. */
  readonly codeSha256: string;
  /** Bytes of the zip. */
  readonly bytes: number;
  readonly unzippedBytes: number;
  /** The zip's files, sorted. */
  readonly files: readonly string[];
  /** Node.js: what the bundle is, including its size report. */
  readonly bundle?: BundleResult;
  readonly warnings: readonly string[];
  /** Variables the function should have for this package (NODE_OPTIONS for source maps). */
  readonly recommendedEnvironment: Readonly<Record<string, string>>;
  readonly durationMs: number;
}

export interface PackageBuilder {
  build(): Promise<DeploymentPackage>;
  dispose(): Promise<void>;
}

/** Extensions tried for a Node.js handler's module, TypeScript first: a .js beside a .ts is usually its compiled copy. */
const NODE_SOURCE_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs', '.jsx'];

export function languageOf(runtime: Runtime): PackageLanguage {
  if (isNodeRuntime(runtime)) return 'nodejs';
  return (PYTHON_RUNTIMES as readonly string[]).includes(runtime) ? 'python' : 'custom';
}

/** The source file of a Node.js function's handler, or an error that says which files were looked for. */
export function nodeHandlerEntry(config: FunctionConfig): { entry: string; handlerModule: string } {
  const module = nodeHandlerModule(config.handler);
  if (module === undefined) {
    throw new WorkbenchError(
      `The handler "${config.handler}" of ${config.name} is not of the form file.export (such as app.handler). Fix the function's Handler.`,
    );
  }
  const handlerModule = `${module.moduleRoot}${module.moduleName}`;
  const base = join(config.codeDir, handlerModule);
  const entry = NODE_SOURCE_EXTENSIONS.map((ext) => base + ext).find((path) => existsSync(path));
  if (entry === undefined) {
    throw new WorkbenchError(
      `The handler "${config.handler}" of ${config.name} names the module ${handlerModule}, but none of ` +
        `${NODE_SOURCE_EXTENSIONS.map((ext) => handlerModule + ext).join(', ')} exists in ${config.codeDir}. ` +
        "Check the function's Handler and CodeUri.",
    );
  }
  return { entry, handlerModule };
}

/** The file of a Python function's handler module (`pkg.mod.handler`: pkg/mod.py), or an error naming it. */
export function pythonHandlerFile(config: FunctionConfig): string {
  const dot = config.handler.lastIndexOf('.');
  const module = dot > 0 ? config.handler.slice(0, dot).replaceAll('.', '/') : '';
  const candidates = module === '' ? [] : [`${module}.py`, `${module}/__init__.py`];
  const found = candidates.find((candidate) => existsSync(join(config.codeDir, candidate)));
  if (found === undefined) {
    throw new WorkbenchError(
      module === ''
        ? `The handler "${config.handler}" of ${config.name} is not of the form module.function (such as app.handler). Fix the function's Handler.`
        : `The handler "${config.handler}" of ${config.name} names the module ${module}, but neither ${candidates.join(' nor ')} exists in ${config.codeDir}. Check the function's Handler and CodeUri.`,
    );
  }
  return join(config.codeDir, found);
}

/** A builder for the function's package; throws at once when a Node.js handler's entry does not exist. */
export function createPackageBuilder(config: FunctionConfig, options: PackageOptions = {}): PackageBuilder {
  const language = languageOf(config.runtime);
  const cache = new DeflateCache();
  if (language !== 'nodejs' || !isNodeRuntime(config.runtime) || options.built === true) {
    return {
      build: () => buildFolderPackage(config, language, options, cache),
      dispose: async () => {},
    };
  }
  const runtime = config.runtime;
  const settings = config.esbuild;
  // SAM's esbuild EntryPoints name the source; the handler string still names the bundle's path.
  const given = options.entry ?? (settings === undefined ? undefined : esbuildEntry(config.codeDir, config.handler, settings));
  if (given !== undefined && !existsSync(given)) {
    throw new WorkbenchError(`The entry point ${given} of ${config.name} does not exist. Check its path.`);
  }
  const module = given === undefined ? undefined : nodeHandlerModule(config.handler);
  const { entry, handlerModule } =
    given !== undefined && module !== undefined
      ? { entry: given, handlerModule: `${module.moduleRoot}${module.moduleName}` }
      : nodeHandlerEntry(config);
  let bundler: IncrementalBundler | undefined;
  return {
    async build() {
      const started = performance.now();
      options.onProgress?.('bundling');
      bundler ??= await createIncrementalBundler({
        entry,
        codeRoot: config.codeDir,
        handlerModule,
        runtime,
        ...packagedBundle(config, options),
        bundleAwsSdk: options.bundleAwsSdk ?? false,
        mapDependencies: options.mapDependencies ?? false,
        ...(options.displayRoot === undefined ? {} : { displayRoot: options.displayRoot }),
      });
      const bundle = await bundler.rebuild();
      options.onProgress?.('zipping');
      const entries = bundle.files.map((file): ZipFileEntry => ({ path: file.path, data: file.segments }));
      const zip = await writeZip(entries, cache);
      return {
        functionName: config.name,
        runtime,
        language,
        format: bundle.format,
        zip,
        codeSha256: codeSha256(zip),
        bytes: zip.length,
        unzippedBytes: entries.reduce((sum, e) => sum + entrySize(e), 0),
        files: entries.map((e) => e.path).sort(),
        bundle,
        warnings: bundle.warnings,
        recommendedEnvironment: bundle.recommendedEnvironment,
        durationMs: performance.now() - started,
      };
    },
    async dispose() {
      await bundler?.dispose();
      bundler = undefined;
    },
  };
}

/**
 * How a function's bundle for its package is made: as `sam build` makes it when the project says
 * how (minified, and with no source map unless Sourcemap is true or NODE_OPTIONS reads them), else
 * with a source map; `--minify` and `--no-sourcemap` hold either way.
 */
export function packagedBundle(
  config: FunctionConfig,
  options: Pick<PackageOptions, 'minify' | 'sourcemap'>,
): Pick<BundleRequest, 'minify' | 'sourcemap'> & ReturnType<typeof bundleShape> {
  const settings = config.esbuild;
  const samMinify = settings === undefined ? false : (settings.minify ?? true);
  const samSourcemap =
    settings === undefined
      ? true
      : (settings.sourcemap ?? config.environment['NODE_OPTIONS']?.includes('--enable-source-maps') === true);
  return {
    minify: options.minify === true || samMinify,
    sourcemap: options.sourcemap !== false && samSourcemap,
    ...bundleShape(settings),
  };
}

/** One deployment package, built from scratch. */
export async function buildDeploymentPackage(config: FunctionConfig, options: PackageOptions = {}): Promise<DeploymentPackage> {
  const builder = createPackageBuilder(config, options);
  try {
    return await builder.build();
  } finally {
    await builder.dispose();
  }
}

async function buildFolderPackage(
  config: FunctionConfig,
  language: PackageLanguage,
  options: PackageOptions,
  cache: DeflateCache,
): Promise<DeploymentPackage> {
  const started = performance.now();
  if (!existsSync(config.codeDir)) {
    throw new WorkbenchError(`The code folder ${config.codeDir} of ${config.name} does not exist. Check the function's CodeUri.`);
  }
  if (language === 'python') pythonHandlerFile(config);
  options.onProgress?.('zipping');
  const folder = await readCodeFolder(config.codeDir, {
    language: language === 'python' ? 'python' : 'custom',
    ...(options.dependenciesDir === undefined ? {} : { dependenciesDir: options.dependenciesDir }),
  });
  const zip = await writeZip(folder.entries, cache);
  return {
    functionName: config.name,
    runtime: config.runtime,
    language,
    zip,
    codeSha256: codeSha256(zip),
    bytes: zip.length,
    unzippedBytes: folder.unzippedBytes,
    files: folder.entries.map((e) => e.path).sort(),
    warnings: folder.warnings,
    recommendedEnvironment: {},
    durationMs: performance.now() - started,
  };
}
