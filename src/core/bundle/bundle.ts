// Bundles one Node.js handler with esbuild: the artifact the local emulator runs and deploy ships.
// esbuild is imported on first use; its work happens in esbuild's own child process.
import { basename, dirname, extname, join, relative } from 'node:path';
import type { BuildFailure, BuildOptions, BuildResult, Message } from 'esbuild';
import { WorkbenchError } from '../errors';
import { esbuildTarget, type NodeRuntime } from '../runtimes';

export interface BundleRequest {
  /** Absolute path of the handler's source file. */
  readonly entry: string;
  /** Folder that receives `<entry name>.js` (and its `.map`). */
  readonly outDir: string;
  readonly runtime: NodeRuntime;
  readonly minify: boolean;
  readonly sourcemap: boolean;
  /** Folder that relative paths in messages are shown against, e.g. the workspace folder. */
  readonly displayRoot?: string;
}

export interface BundleResult {
  readonly outFile: string;
  readonly bytes: number;
  readonly durationMs: number;
  readonly esbuildVersion: string;
  readonly warnings: readonly string[];
}

/** A problem esbuild reported, located in the user's source. */
export interface BundleProblem {
  readonly text: string;
  readonly file?: string;
  /** 1-based line and 0-based column, as esbuild reports them. */
  readonly line?: number;
  readonly column?: number;
}

export class BundleError extends WorkbenchError {
  override name = 'BundleError';

  constructor(
    readonly entry: string,
    readonly problems: readonly BundleProblem[],
    displayRoot?: string,
  ) {
    const first = problems[0];
    const where = first ? formatProblem(first, displayRoot) : 'no details were reported';
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    super(`Bundling ${basename(entry)} failed: ${where}${more}. Fix the code and bundle again.`);
  }
}

export function formatProblem(problem: BundleProblem, displayRoot?: string): string {
  if (problem.file === undefined) return problem.text;
  const file = displayRoot ? relative(displayRoot, problem.file) || problem.file : problem.file;
  const line = problem.line ?? 0;
  const column = problem.column ?? 0;
  return `${file}:${line}:${column + 1}: ${problem.text}`;
}

export async function bundleHandler(request: BundleRequest): Promise<BundleResult> {
  const esbuild = await import('esbuild');
  const { options, outFile, workingDir } = buildOptions(request);
  const started = performance.now();
  try {
    const result = await esbuild.build(options);
    return summarize(result, outFile, workingDir, request, performance.now() - started, esbuild.version);
  } catch (error) {
    throw asBundleError(error, request, workingDir);
  }
}

/** A bundle kept up to date: esbuild rebuilds it whenever one of its inputs changes. */
export interface WatchedBundle {
  readonly outFile: string;
  dispose(): Promise<void>;
}

/**
 * Builds once (failing like bundleHandler when the code does not build), then keeps rebuilding
 * on change; `onRebuild` hears about every later build, good or bad.
 */
export async function watchHandler(
  request: BundleRequest,
  onRebuild: (outcome: BundleResult | BundleError) => void,
): Promise<WatchedBundle> {
  const esbuild = await import('esbuild');
  const { options, outFile, workingDir } = buildOptions(request);
  let started = performance.now();
  let firstBuild: ((error?: BundleError) => void) | undefined;
  const firstBuilt = new Promise<BundleError | undefined>((resolve) => (firstBuild = resolve));
  const context = await esbuild.context({
    ...options,
    plugins: [
      {
        name: 'lambda-workbench-rebuilds',
        setup(build) {
          build.onStart(() => {
            started = performance.now();
          });
          build.onEnd((result) => {
            const outcome =
              result.errors.length > 0
                ? new BundleError(
                    request.entry,
                    result.errors.map((m) => toProblem(m, workingDir)),
                    request.displayRoot,
                  )
                : summarize(result, outFile, workingDir, request, performance.now() - started, esbuild.version);
            if (firstBuild !== undefined) {
              firstBuild(outcome instanceof BundleError ? outcome : undefined);
              firstBuild = undefined;
            } else {
              onRebuild(outcome);
            }
          });
        },
      },
    ],
  });
  // Watch mode starts with a build of its own; that first build decides whether the bundle exists.
  await context.watch();
  const failure = await firstBuilt;
  if (failure !== undefined) {
    await context.dispose();
    throw failure;
  }
  return { outFile, dispose: () => context.dispose() };
}

function buildOptions(request: BundleRequest): {
  options: BuildOptions & { metafile: true };
  outFile: string;
  workingDir: string;
} {
  const outFile = join(request.outDir, `${basename(request.entry, extname(request.entry))}.js`);
  // esbuild reports locations relative to its working directory; messages are shown relative to displayRoot.
  const workingDir = request.displayRoot ?? dirname(request.entry);
  return {
    outFile,
    workingDir,
    options: {
      entryPoints: [request.entry],
      outfile: outFile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: esbuildTarget(request.runtime),
      minify: request.minify,
      sourcemap: request.sourcemap ? 'linked' : false,
      // Every supported Node.js runtime ships the AWS SDK v3, so bundling it would only add megabytes.
      external: ['@aws-sdk/*'],
      metafile: true,
      logLevel: 'silent',
      absWorkingDir: workingDir,
    },
  };
}

function summarize(
  result: BuildResult<{ metafile: true }>,
  outFile: string,
  workingDir: string,
  request: BundleRequest,
  durationMs: number,
  esbuildVersion: string,
): BundleResult {
  const output = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith('.js'));
  return {
    outFile,
    bytes: output ? output[1].bytes : 0,
    durationMs,
    esbuildVersion,
    warnings: result.warnings.map((m) => formatProblem(toProblem(m, workingDir), request.displayRoot)),
  };
}

function asBundleError(error: unknown, request: BundleRequest, workingDir: string): unknown {
  if (isBuildFailure(error)) {
    return new BundleError(
      request.entry,
      error.errors.map((m) => toProblem(m, workingDir)),
      request.displayRoot,
    );
  }
  return error;
}

function toProblem(message: Message, workingDir: string): BundleProblem {
  const location = message.location;
  if (!location) return { text: message.text };
  return { text: message.text, file: join(workingDir, location.file), line: location.line, column: location.column };
}

function isBuildFailure(error: unknown): error is BuildFailure {
  return error instanceof Error && Array.isArray((error as Partial<BuildFailure>).errors);
}
