// Bundles one Node.js handler with esbuild, incrementally: the artifact the local emulator runs and
// deploy ships. The handler's own code is one esbuild context, rebuilt in milliseconds after an
// edit; its npm packages are another (dependency-bundle.ts), rebuilt only when they change. The
// output is one file plus its source map, kept in memory as segments (for the zip writer) and
// written to a folder when asked. esbuild is imported on first use and works in its own process.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { BuildContext, BuildResult, Loader, Message, Plugin } from 'esbuild';
import { esbuildTarget, type NodeRuntime } from '../runtimes';
import { loadEsbuild } from './esbuild';
import { BundleError, formatProblem, isBuildFailure, toProblem } from './bundle-error';
import { DEPENDENCY_NAMESPACE, DependencyBundler, dependencyLink } from './dependency-bundle';
import { bundleExtension, detectModuleFormat, isEsModuleFile, type ModuleFormat } from './module-format';
import { NativePackages, packageOfFile } from './native-modules';
import { contributionsOf, sizeReport, type SizeReport } from './size-report';
import { joinedMap, type RawSourceMap } from './source-map';

export interface BundleRequest {
  /** Absolute path of the handler's source file. */
  readonly entry: string;
  /** Folder the bundle (and its `.map`) is written into, at its path in the package; nothing is written without it. */
  readonly outDir?: string;
  readonly runtime: NodeRuntime;
  readonly minify: boolean;
  readonly sourcemap: boolean;
  /** Folder that relative paths in messages are shown against, e.g. the workspace folder. */
  readonly displayRoot?: string;
  /**
   * The folder that becomes the deployment package's root (a template's CodeUri). The bundle's
   * comments and source map paths are relative to it, so its bytes do not depend on where the
   * project or the output lives. Default: the entry's folder.
   */
  readonly codeRoot?: string;
  /**
   * The module the handler string names, relative to the code root, without extension
   * (`src/app` for `src/app.handler`). Default: the entry's path relative to the code root.
   */
  readonly handlerModule?: string;
  /** Default: as Node.js would load the entry (see detectModuleFormat). */
  readonly format?: ModuleFormat;
  /**
   * Bundle the AWS SDK v3 too, for users who pin their own version. Default false: every Node.js
   * runtime Lambda Workbench supports ships SDK v3, so `@aws-sdk/*` stays out of the bundle.
   */
  readonly bundleAwsSdk?: boolean;
  /**
   * Map the npm packages' code too (default false: only the handler's own code is mapped, and
   * stack frames inside packages keep the bundle's positions). Mapping a large package such as
   * the AWS SDK makes the map ten times larger, which Node.js parses when the function starts
   * with --enable-source-maps, and a cold build a quarter slower.
   */
  readonly mapDependencies?: boolean;
  /** A tsconfig.json to use instead of the one esbuild finds next to each file (its `paths` are honoured either way). */
  readonly tsconfig?: string;
  /** esbuild's target (`es2020`); default: the runtime's Node.js (`node22`). */
  readonly target?: string;
  /** Packages to leave out besides the AWS SDK (SAM's External). */
  readonly external?: readonly string[];
  /** esbuild's loaders by extension (SAM's Loader: `.png` → `file`). */
  readonly loader?: Readonly<Record<string, string>>;
  /** Code the bundle starts with (SAM's Banner). */
  readonly banner?: string;
  /** package.json fields to resolve packages by, in order (SAM's MainFields). */
  readonly mainFields?: readonly string[];
  /** The bundle's extension; default `.mjs` for an ES module, else `.js`. */
  readonly outExtension?: string;
  /**
   * What the source map's paths lead to: `package` (default), the sources as if unpacked beside
   * the bundle in the function's package, reproducible anywhere; `outDir`, the files on this disk
   * from where the bundle is written, for a debugger to bind breakpoints in a local run.
   */
  readonly sourceMapPaths?: 'package' | 'outDir';
}

/** A file of the bundle, as segments: the dependencies' part is the same Buffer until they change. */
export interface BundleFile {
  /** Path inside the deployment package, with forward slashes. */
  readonly path: string;
  readonly segments: readonly Buffer[];
}

export interface BundleResult {
  /** The bundle's path on disk: in outDir, or where it would sit in the code root when nothing was written. */
  readonly outFile: string;
  /** Path of the bundle inside the package (`src/app.mjs`). */
  readonly bundlePath: string;
  /** Bytes of the bundle's JavaScript. */
  readonly bytes: number;
  readonly durationMs: number;
  readonly esbuildVersion: string;
  readonly warnings: readonly string[];
  readonly runtime: NodeRuntime;
  readonly format: ModuleFormat;
  /** esbuild's target, such as `node22`. */
  readonly target: string;
  /** Package patterns left out of the bundle, which the runtime must provide. */
  readonly external: readonly string[];
  /** Packages with native code, left out of the bundle. */
  readonly nativeModules: readonly string[];
  readonly size: SizeReport;
  /**
   * Variables the function should have for this bundle to run as built: with a source map,
   * NODE_OPTIONS=--enable-source-maps (Lambda does not read source maps otherwise).
   */
  readonly recommendedEnvironment: Readonly<Record<string, string>>;
  /** The bundle and its source map. */
  readonly files: readonly BundleFile[];
}

/** A bundle kept between builds: `rebuild()` after an edit costs what changed. */
export interface IncrementalBundler {
  /** Builds, throwing a BundleError when the code does not build. Calls run one after another. */
  rebuild(): Promise<BundleResult>;
  dispose(): Promise<void>;
}

export const SOURCE_MAP_ENVIRONMENT: Readonly<Record<string, string>> = { NODE_OPTIONS: '--enable-source-maps' };
const AWS_SDK_V3 = '@aws-sdk/*';

type UserBuildResult = BuildResult<{ metafile: true; write: false }>;

export async function createIncrementalBundler(request: BundleRequest): Promise<IncrementalBundler> {
  const bundler = new NodeBundler(request);
  await bundler.start();
  return bundler;
}

/**
 * Watch mode: builds once (failing like rebuild() when the code does not build), then rebuilds
 * whenever one of the handler's files changes; `onRebuild` hears about every later build.
 */
export async function watchBundle(
  request: BundleRequest,
  onRebuild: (outcome: BundleResult | BundleError) => void,
): Promise<{ readonly result: BundleResult; dispose(): Promise<void> }> {
  const watched = await watchBundleThroughFailure(request, onRebuild);
  if (watched.result instanceof BundleError) {
    await watched.dispose();
    throw watched.result;
  }
  return { result: watched.result, dispose: () => watched.dispose() };
}

/**
 * Watch mode that keeps watching when the first build fails, for a server that must go on serving
 * the other functions: the failure is the result, and a later good build is told to `onRebuild`.
 */
export async function watchBundleThroughFailure(
  request: BundleRequest,
  onRebuild: (outcome: BundleResult | BundleError) => void,
): Promise<{ readonly result: BundleResult | BundleError; dispose(): Promise<void> }> {
  const bundler = new NodeBundler(request);
  await bundler.start();
  const result = await bundler.watch(onRebuild);
  return { result, dispose: () => bundler.dispose() };
}

class NodeBundler implements IncrementalBundler {
  private readonly codeRoot: string;
  private readonly bundlePath: string;
  private readonly format: ModuleFormat;
  private readonly target: string;
  private readonly outFile: string;
  private readonly buildFile: string;
  private readonly external: readonly string[];
  private readonly loader: Readonly<Record<string, Loader>> | undefined;
  private readonly natives = new NativePackages();
  private readonly esModules = new Map<string, boolean>();
  private readonly dependencies: DependencyBundler;
  /** The package modules the last build of the handler's code imported: key to absolute path. */
  private links = new Map<string, string>();
  private context: BuildContext<{ metafile: true; write: false }> | undefined;
  private esbuildVersion = '';
  private queue: Promise<unknown> = Promise.resolve();
  private started = 0;
  private onEnd: ((result: UserBuildResult) => Promise<void>) | undefined;
  private readonly request: BundleRequest;

  constructor(given: BundleRequest) {
    // esbuild resolves a relative entry against its working folder, the code root: make it absolute first.
    const request = { ...given, entry: resolve(given.entry) };
    this.request = request;
    this.codeRoot = resolve(request.codeRoot ?? dirname(request.entry));
    this.format = request.format ?? detectModuleFormat(request.entry);
    const module =
      request.handlerModule ?? relative(this.codeRoot, request.entry).slice(0, -extname(request.entry).length || undefined);
    this.bundlePath = `${module.split(sep).join('/')}${request.outExtension ?? bundleExtension(this.format)}`;
    this.target = request.target ?? esbuildTarget(request.runtime);
    this.outFile = join(request.outDir ?? this.codeRoot, this.bundlePath);
    // esbuild writes nothing (write: false); the path only anchors the source map's relative paths.
    this.buildFile =
      request.sourceMapPaths === 'outDir' && request.outDir !== undefined ? this.outFile : join(this.codeRoot, this.bundlePath);
    this.external = [...(request.bundleAwsSdk === true ? [] : [AWS_SDK_V3]), ...(request.external ?? [])];
    // esbuild checks the names when the build starts, and says which one it does not know.
    this.loader = request.loader as Readonly<Record<string, Loader>> | undefined;
    this.dependencies = new DependencyBundler({
      entry: request.entry,
      ...(request.displayRoot === undefined ? {} : { displayRoot: request.displayRoot }),
      codeRoot: this.codeRoot,
      outFile: this.buildFile,
      target: this.target,
      format: this.format,
      minify: request.minify,
      sourcemap: request.sourcemap,
      mapDependencies: request.mapDependencies === true,
      external: this.external,
      natives: this.natives,
      ...(request.tsconfig === undefined ? {} : { tsconfig: request.tsconfig }),
      ...(request.banner === undefined ? {} : { banner: request.banner }),
      ...(this.loader === undefined ? {} : { loader: this.loader }),
      ...(request.mainFields === undefined ? {} : { mainFields: request.mainFields }),
    });
  }

  async start(): Promise<void> {
    const esbuild = loadEsbuild();
    this.esbuildVersion = esbuild.version;
    this.context = await esbuild.context({
      entryPoints: [this.request.entry],
      outfile: this.buildFile,
      bundle: true,
      platform: 'node',
      format: this.format,
      target: this.target,
      // As in the dependency block: packages resolve as Node.js resolves them.
      conditions: [],
      minify: this.request.minify,
      sourcemap: this.request.sourcemap ? 'linked' : false,
      // Stack traces need the mappings, not the sources; leaving them out keeps the package small.
      sourcesContent: false,
      external: [...this.external],
      ...(this.loader === undefined ? {} : { loader: { ...this.loader } }),
      ...(this.request.mainFields === undefined ? {} : { mainFields: [...this.request.mainFields] }),
      metafile: true,
      write: false,
      logLevel: 'silent',
      absWorkingDir: this.codeRoot,
      ...(this.request.tsconfig === undefined ? {} : { tsconfig: this.request.tsconfig }),
      plugins: [this.linkPlugin()],
    });
  }

  rebuild(): Promise<BundleResult> {
    const run = this.queue.then(async () => {
      if (this.context === undefined) throw new Error('The bundler was disposed.');
      this.started = performance.now();
      let result: UserBuildResult;
      try {
        result = await this.context.rebuild();
      } catch (error) {
        throw this.asBundleError(error);
      }
      return this.finish(result);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Starts watching; the first build's outcome is the result (a BundleError when the code does not build). */
  async watch(onRebuild: (outcome: BundleResult | BundleError) => void): Promise<BundleResult | BundleError> {
    let first: ((outcome: BundleResult | Error) => void) | undefined;
    const firstBuilt = new Promise<BundleResult | Error>((resolve) => (first = resolve));
    this.onEnd = async (result) => {
      let outcome: BundleResult | Error;
      try {
        outcome =
          result.errors.length > 0
            ? new BundleError(
                this.request.entry,
                result.errors.map((m) => toProblem(m, this.codeRoot)),
                this.request.displayRoot,
              )
            : await this.finish(result);
      } catch (error) {
        outcome = error instanceof Error ? error : new Error(String(error));
      }
      if (first !== undefined) {
        first(outcome);
        first = undefined;
      } else {
        // A later failure of another kind (a file that cannot be written) is still a failed build.
        onRebuild(
          outcome instanceof BundleError || !(outcome instanceof Error)
            ? outcome
            : new BundleError(this.request.entry, [{ text: outcome.message }], this.request.displayRoot),
        );
      }
    };
    await this.context?.watch();
    const outcome = await firstBuilt;
    if (outcome instanceof Error && !(outcome instanceof BundleError)) {
      await this.dispose();
      throw outcome;
    }
    return outcome;
  }

  async dispose(): Promise<void> {
    const context = this.context;
    this.context = undefined;
    await Promise.all([context?.dispose(), this.dependencies.dispose()]);
  }

  /** Links each npm package the handler's code imports to the dependency block. */
  private linkPlugin(): Plugin {
    return {
      name: 'lambda-workbench-dependency-links',
      setup: (build) => {
        build.onStart(() => {
          this.started = performance.now();
          this.links = new Map();
        });
        build.onResolve({ filter: /^[^./]/ }, async (args) => {
          if (args.kind === 'entry-point' || isAbsolute(args.path) || args.pluginData === SKIP) return undefined;
          const resolved = await build.resolve(args.path, {
            kind: args.kind,
            importer: args.importer,
            resolveDir: args.resolveDir,
            pluginData: SKIP,
          });
          // Unresolvable: esbuild reports it, located, when it resolves the import itself.
          if (resolved.errors.length > 0) return undefined;
          if (resolved.external) return { path: resolved.path, external: true };
          const location = packageOfFile(resolved.path);
          // A tsconfig `paths` alias, or a workspace package linked from node_modules: the user's own code.
          if (location === undefined) return { path: resolved.path, sideEffects: resolved.sideEffects };
          if (resolved.path.endsWith('.node')) this.natives.addonLoaded(resolved.path);
          if (resolved.path.endsWith('.node') || this.natives.isNative(location)) return { path: args.path, external: true };
          // An ES module's default export cannot pass through a CommonJS link the way Node's
          // interop reads it, so ES module packages are bundled with the handler's code.
          if (this.isEsModule(resolved.path)) return { path: resolved.path, sideEffects: resolved.sideEffects };
          const key = relative(this.codeRoot, resolved.path).split(sep).join('/');
          this.links.set(key, resolved.path);
          return { path: key, namespace: DEPENDENCY_NAMESPACE };
        });
        build.onLoad({ filter: /.*/, namespace: DEPENDENCY_NAMESPACE }, (args) => ({
          contents: dependencyLink(args.path),
          loader: 'js',
        }));
        build.onEnd(async (result) => {
          if (this.onEnd !== undefined) await this.onEnd(result);
        });
      },
    };
  }

  private async finish(result: UserBuildResult): Promise<BundleResult> {
    const dependencies = await this.dependencies.build(this.links);
    const js = result.outputFiles.find((file) => file.path === this.buildFile);
    const map = result.outputFiles.find((file) => file.path === `${this.buildFile}.map`);
    const code = handlerCode(js?.contents ?? new Uint8Array());
    const files: BundleFile[] = [{ path: this.bundlePath, segments: [dependencies.code, code] }];
    if (map !== undefined && dependencies.mapHead !== undefined) {
      files.push({
        path: `${this.bundlePath}.map`,
        segments: joinedMap(dependencies.mapHead, JSON.parse(map.text) as RawSourceMap),
      });
    }
    // Files a loader emitted (`.png=file`), at their place beside the bundle in the package.
    const bundleFolder = dirname(this.bundlePath);
    for (const asset of [...dependencies.assets, ...result.outputFiles.filter((file) => file !== js && file !== map)]) {
      const relativePath = relative(dirname(this.buildFile), asset.path).split(sep).join('/');
      const path = bundleFolder === '.' ? relativePath : `${bundleFolder}/${relativePath}`;
      if (!files.some((file) => file.path === path)) files.push({ path, segments: [Buffer.from(asset.contents)] });
    }
    if (this.request.outDir !== undefined) await writeFiles(this.request.outDir, files);
    const bytes = dependencies.code.length + code.length;
    const nativeModules = this.natives.names;
    return {
      outFile: this.outFile,
      bundlePath: this.bundlePath,
      bytes,
      durationMs: performance.now() - this.started,
      esbuildVersion: this.esbuildVersion,
      warnings: [
        ...this.messages([...dependencies.warnings, ...result.warnings]),
        ...nativeModules.map(
          (name) =>
            `${name} has native code (a compiled .node addon) and was left out of the bundle; ` +
            'provide it built for Amazon Linux, for example in a layer, or the function fails when it loads it.',
        ),
      ],
      runtime: this.request.runtime,
      format: this.format,
      target: this.target,
      external: [...this.external, ...nativeModules],
      nativeModules,
      size: sizeReport(bytes, dependencies.contributions, contributionsOf(result.metafile)),
      recommendedEnvironment: this.request.sourcemap ? SOURCE_MAP_ENVIRONMENT : {},
      files,
    };
  }

  private isEsModule(path: string): boolean {
    let known = this.esModules.get(path);
    if (known === undefined) {
      known = isEsModuleFile(path);
      this.esModules.set(path, known);
    }
    return known;
  }

  private messages(messages: readonly Message[]): string[] {
    return messages.map((m) => formatProblem(toProblem(m, this.codeRoot), this.request.displayRoot));
  }

  private asBundleError(error: unknown): unknown {
    if (!isBuildFailure(error)) return error;
    return new BundleError(
      this.request.entry,
      error.errors.map((m) => toProblem(m, this.codeRoot)),
      this.request.displayRoot,
    );
  }
}

const SKIP = Symbol('lambda-workbench-resolving');

/**
 * The handler's code as it follows the dependency block. A hashbang is only valid on a file's
 * first line; here it becomes a comment of the same length, so the source map's columns hold.
 */
function handlerCode(contents: Uint8Array): Buffer {
  const code = Buffer.from(contents.buffer, contents.byteOffset, contents.byteLength);
  if (code[0] !== 0x23 || code[1] !== 0x21) return code;
  const copy = Buffer.from(code);
  copy.write('//', 0, 'latin1');
  return copy;
}

async function writeFiles(outDir: string, files: readonly BundleFile[]): Promise<void> {
  await Promise.all(
    files.map(async (file) => {
      const path = join(outDir, ...file.path.split('/'));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, Buffer.concat(file.segments));
    }),
  );
}
