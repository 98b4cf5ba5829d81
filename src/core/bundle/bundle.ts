// Bundling one Node.js handler with esbuild, once or kept up to date while it is being served.
// The work is node-bundler.ts's; these are the entry points callers have used from the start.
import { createIncrementalBundler, watchBundle, type BundleRequest, type BundleResult } from './node-bundler';
import type { BundleError } from './bundle-error';

export { BundleError, formatProblem, type BundleProblem } from './bundle-error';
export {
  createIncrementalBundler,
  SOURCE_MAP_ENVIRONMENT,
  type BundleFile,
  type BundleRequest,
  type BundleResult,
  type IncrementalBundler,
} from './node-bundler';
export type { ModuleFormat } from './module-format';
export type { SizeContributor, SizeReport } from './size-report';

/** Builds the bundle once, writing it into the request's outDir; a BundleError when the code does not build. */
export async function bundleHandler(request: BundleRequest): Promise<BundleResult> {
  const bundler = await createIncrementalBundler(request);
  try {
    return await bundler.rebuild();
  } finally {
    await bundler.dispose();
  }
}

/** A bundle kept up to date: esbuild rebuilds it whenever one of its inputs changes. */
export interface WatchedBundle {
  readonly outFile: string;
  readonly result: BundleResult;
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
  const watched = await watchBundle(request, onRebuild);
  return { outFile: watched.result.outFile, result: watched.result, dispose: () => watched.dispose() };
}
