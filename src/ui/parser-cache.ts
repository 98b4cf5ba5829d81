// The parser worker compiles the TypeScript compiler on its first start after an install or
// update (a few hundred milliseconds), then keeps V8's code cache in the extension's global storage
// (see parser-worker.ts). A while after activation, when no such cache exists yet and discovery has
// not started (its parser writes the cache itself), a worker is started only to write it, so that
// the first discovery the user waits for seldom pays for the compile.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type * as vscode from 'vscode';
import { hasCodeCache } from '../core/code-cache';
import type { ParserWorkerData } from '../parser-thread';
import type { Ctx } from './ctx';

/** After the editor's own start, which is busy enough. */
const PREPARE_AFTER_MS = 5000;

export function parserCodeCacheDir(context: vscode.ExtensionContext): string {
  // Shared by all windows: the parser's compiled code depends on the extension's build only.
  return join(context.globalStorageUri.fsPath, 'code-cache');
}

/** Schedules the one-time preparation; disposing the extension's scope cancels or stops it. */
export function prepareParserCodeCache(ctx: Ctx, discoveryStarted: () => boolean, delayMs = PREPARE_AFTER_MS): void {
  const context = ctx.extension;
  const codeCacheDir = parserCodeCacheDir(context);
  let worker: Worker | undefined;
  const timer = setTimeout(() => {
    try {
      if (discoveryStarted() || hasCodeCache(join(context.extensionPath, 'dist', 'parser-thread.js'), codeCacheDir)) return;
      const data: ParserWorkerData = { prepareOnly: true, codeCacheDir };
      worker = new Worker(join(context.extensionPath, 'dist', 'parser-worker.js'), { workerData: data });
      worker.unref();
      worker.on('error', (error) => ctx.log.warn(`Preparing the parser's code cache failed: ${error.message}`));
      worker.on('exit', () => (worker = undefined));
    } catch (error) {
      ctx.log.warn(`Preparing the parser's code cache failed: ${(error as Error).message}`);
    }
  }, delayMs);
  ctx.extensionScope.add({
    dispose: () => {
      clearTimeout(timer);
      void worker?.terminate();
    },
  });
}
