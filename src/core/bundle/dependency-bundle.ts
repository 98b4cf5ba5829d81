// The npm packages a handler imports, bundled apart from the handler's own code. Relinking and
// printing a bundle that contains a large package (the AWS SDK: 300 files, 1.3 MB) takes esbuild
// 150 ms on every rebuild; the handler's own code takes 5 ms. So the packages are built into one
// block of code that is rebuilt only when the set of imported modules or the lockfile changes, and
// the handler's code, rebuilt on every edit, is appended to it: one file, as Lambda loads it.
//
// The block is an IIFE that assigns `__lambdaDependencies`, an object with one lazy getter per
// imported module: a module is initialised the first time the handler's code requires it, as in
// an ordinary bundle. The handler's build links each package import to its getter.
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BuildContext, BuildResult, Loader, Message, OutputFile, Plugin } from 'esbuild';
import { loadEsbuild } from './esbuild';
import { BundleError, isBuildFailure, toProblem } from './bundle-error';
import { mapHead, type MapHead, type RawSourceMap } from './source-map';
import type { ModuleFormat } from './module-format';
import { NativePackages, nativeAddonPlugin, packageOfFile } from './native-modules';
import { contributionsOf } from './size-report';

/** The global the dependency block assigns; the handler's code reads its modules from it. */
export const DEPENDENCIES_GLOBAL = '__lambdaDependencies';
/** esbuild namespace of the modules that link the handler's imports to the block. */
export const DEPENDENCY_NAMESPACE = 'lambda-dependency';

/**
 * The lines every bundle starts with: the project's banner (SAM's `Banner: js=...`), then, for an
 * ES module, a `require` for the CommonJS code bundled into it, unless the banner declares one
 * (the usual ESM banner does: `const require = createRequire(import.meta.url)`).
 */
export function prelude(format: ModuleFormat, banner: string | undefined): string {
  const own = banner === undefined ? '' : `${banner}\n`;
  if (format !== 'esm' || /\b(?:const|let|var)\s+require\b/.test(own)) return own;
  return `${own}import { createRequire as __lambdaCreateRequire } from 'node:module';\nconst require = __lambdaCreateRequire(import.meta.url);\n`;
}

/** The source of the module that stands for dependency `key` in the handler's build. */
export function dependencyLink(key: string): string {
  return `module.exports = ${DEPENDENCIES_GLOBAL}[${JSON.stringify(key)}];\n`;
}

export interface DependencyBundleOptions {
  /** The handler's entry and the folder messages are relative to, for errors. */
  readonly entry: string;
  readonly displayRoot?: string;
  /** The code folder: esbuild's working folder, and what module keys are relative to. */
  readonly codeRoot: string;
  /** Where the bundle sits, for the source map's relative paths. */
  readonly outFile: string;
  readonly target: string;
  readonly format: ModuleFormat;
  readonly minify: boolean;
  /** Whether the bundle has a source map (then the block's lines are counted in it). */
  readonly sourcemap: boolean;
  /** Whether the block's own code is mapped to the packages' files (see BundleRequest.mapDependencies). */
  readonly mapDependencies: boolean;
  /** Package patterns left out, such as `@aws-sdk/*`. */
  readonly external: readonly string[];
  readonly natives: NativePackages;
  readonly tsconfig?: string;
  /** Code the bundle starts with (see prelude). */
  readonly banner?: string;
  /** esbuild's loaders by extension, and package.json fields to resolve by (see EsbuildSettings). */
  readonly loader?: Readonly<Record<string, Loader>>;
  readonly mainFields?: readonly string[];
}

/** One build of the dependency block. */
export interface DependencyBundle {
  /** What it was built from: module keys and the lockfile's stamp. */
  readonly key: string;
  /** The file's first bytes: the prelude and the block, ending with a newline. */
  readonly code: Buffer;
  /** The source map's head, lines of `code` included; absent without source maps. */
  readonly mapHead?: MapHead;
  /** Bytes per package, for the size report. */
  readonly contributions: ReadonlyMap<string, number>;
  /** Files a loader wrote beside the bundle (`.png=file`), with absolute paths. */
  readonly assets: readonly OutputFile[];
  readonly warnings: readonly Message[];
}

export class DependencyBundler {
  private context: BuildContext<{ metafile: true; write: false }> | undefined;
  private contextExternal: readonly string[] = [];
  private entrySource = '';
  private current: DependencyBundle | undefined;

  constructor(private readonly options: DependencyBundleOptions) {}

  /** The block for `modules` (key: path relative to the code folder; value: absolute path), rebuilt when they changed. */
  async build(modules: ReadonlyMap<string, string>): Promise<DependencyBundle> {
    const keys = [...modules.keys()].sort();
    const key = JSON.stringify([keys, lockfileStamp(this.options.codeRoot)]);
    if (this.current?.key === key) return this.current;
    if (keys.length === 0) {
      const head = prelude(this.options.format, this.options.banner);
      this.current = {
        key,
        code: Buffer.from(head),
        ...(this.options.sourcemap ? { mapHead: mapHead(undefined, lineCount(head)) } : {}),
        contributions: new Map(),
        assets: [],
        warnings: [],
      };
      return this.current;
    }
    this.entrySource = `module.exports = {\n${keys
      .map((k) => `  get ${JSON.stringify(k)}() { return require(${JSON.stringify(modules.get(k))}); },\n`)
      .join('')}};\n`;
    const banner = this.banner();
    let result = await this.rebuild(banner);
    // A native package met for the first time is left external, which needs a build of its own.
    if (this.nativeExternals().some((name) => !this.contextExternal.includes(name))) result = await this.rebuild(banner);
    this.current = this.assemble(key, result);
    return this.current;
  }

  async dispose(): Promise<void> {
    await this.context?.dispose();
    this.context = undefined;
  }

  private banner(): string {
    // A bundled ES module may read import.meta; inside the block it reads the bundle file's.
    const head = prelude(this.options.format, this.options.banner);
    if (this.options.format === 'esm') return `${head}const __lambdaImportMeta = import.meta;\n`;
    return `${head}const __lambdaImportMeta = { url: require('node:url').pathToFileURL(__filename).href, dirname: __dirname, filename: __filename };\n`;
  }

  private nativeExternals(): string[] {
    return this.options.natives.names.flatMap((name) => [name, `${name}/*`]);
  }

  private async rebuild(banner: string): Promise<BuildResult<{ metafile: true; write: false }>> {
    const external = [...this.options.external, ...this.nativeExternals()];
    if (this.context !== undefined && external.join('\n') !== this.contextExternal.join('\n')) await this.dispose();
    if (this.context === undefined) {
      const esbuild = loadEsbuild();
      this.contextExternal = external;
      this.context = await esbuild.context({
        entryPoints: ['lambda-dependencies'],
        outfile: this.options.outFile,
        bundle: true,
        platform: 'node',
        format: 'iife',
        globalName: DEPENDENCIES_GLOBAL,
        // Packages resolve as Node.js resolves them, without the bundlers' "module" condition: the
        // AWS SDK then comes as its single-file CommonJS builds, 48 files to parse rather than 516.
        conditions: [],
        target: this.options.target,
        minify: this.options.minify,
        sourcemap: this.options.sourcemap && this.options.mapDependencies ? 'external' : false,
        sourcesContent: false,
        define: { 'import.meta': '__lambdaImportMeta' },
        banner: { js: banner.trimEnd() },
        external,
        ...(this.options.loader === undefined ? {} : { loader: { ...this.options.loader } }),
        ...(this.options.mainFields === undefined ? {} : { mainFields: [...this.options.mainFields] }),
        metafile: true,
        write: false,
        logLevel: 'silent',
        absWorkingDir: this.options.codeRoot,
        ...(this.options.tsconfig === undefined ? {} : { tsconfig: this.options.tsconfig }),
        plugins: [this.entryPlugin(), nativeAddonPlugin(this.options.natives)],
      });
    }
    try {
      const result = await this.context.rebuild();
      for (const input of Object.keys(result.metafile.inputs)) {
        const location = packageOfFile(join(this.options.codeRoot, input));
        if (location !== undefined) this.options.natives.isNative(location);
      }
      return result;
    } catch (error) {
      if (!isBuildFailure(error)) throw error;
      throw new BundleError(
        this.options.entry,
        error.errors.map((m) => toProblem(m, this.options.codeRoot)),
        this.options.displayRoot,
      );
    }
  }

  private entryPlugin(): Plugin {
    return {
      name: 'lambda-workbench-dependencies-entry',
      setup: (build) => {
        build.onResolve({ filter: /^lambda-dependencies$/ }, () => ({ path: 'entry', namespace: 'lambda-dependencies' }));
        build.onLoad({ filter: /.*/, namespace: 'lambda-dependencies' }, () => ({
          contents: this.entrySource,
          resolveDir: this.options.codeRoot,
          loader: 'js',
        }));
      },
    };
  }

  private assemble(key: string, result: BuildResult<{ metafile: true; write: false }>): DependencyBundle {
    const js = result.outputFiles.find((file) => file.path === this.options.outFile);
    const map = result.outputFiles.find((file) => file.path === `${this.options.outFile}.map`);
    const contents = js?.contents ?? new Uint8Array();
    const bytes = Buffer.from(contents.buffer, contents.byteOffset, contents.byteLength);
    const code = bytes.at(-1) === 0x0a ? bytes : Buffer.concat([bytes, Buffer.from('\n')]);
    return {
      key,
      code,
      ...(this.options.sourcemap
        ? { mapHead: mapHead(map === undefined ? undefined : (JSON.parse(map.text) as RawSourceMap), lineCount(code)) }
        : {}),
      contributions: contributionsOf(result.metafile),
      assets: result.outputFiles.filter((file) => file !== js && file !== map),
      warnings: result.warnings,
    };
  }
}

function lineCount(text: string | Buffer): number {
  let lines = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lines++;
  return lines;
}

const LOCKFILES = ['package.json', 'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb'];
const INSTALL_MARKERS = ['node_modules/.package-lock.json', 'node_modules/.yarn-integrity', 'node_modules/.modules.yaml'];

/**
 * Sizes and times of the lockfiles and install markers of the nearest folder with node_modules:
 * an install or upgrade changes one of them, and the block is built again.
 */
function lockfileStamp(codeRoot: string): string {
  for (let dir = codeRoot; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules'))) {
      return [...LOCKFILES, ...INSTALL_MARKERS]
        .map((name) => {
          try {
            const stat = statSync(join(dir, name));
            return `${name}:${stat.size}:${stat.mtimeMs}`;
          } catch {
            return '';
          }
        })
        .join('|');
    }
    if (dirname(dir) === dir) return '';
  }
}
