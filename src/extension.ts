// Activation builds the context and registers contributions; every feature loads its heavy parts
// (AWS SDK, esbuild) when first used.
import type * as vscode from 'vscode';
import type { AwsConnection } from './core/aws/connection';
import type { Config } from './ui/config';
import { Ctx } from './ui/ctx';
import { registerCommands } from './ui/commands';
import { ConnectionManager } from './ui/connection';
import { registerViews } from './ui/views';
import { registerEditorProviders } from './ui/editor-providers';
import { prepareParserCodeCache } from './ui/parser-cache';
import type { Features } from './ui/features';
import type { FunctionsTree } from './ui/functions-tree';
import type { LocalFunction } from './ui/local-functions';
import type { InvokerDiagnostics } from './ui/invoker';
import type { ShownResult } from './ui/result-view';

/** What `activate` returns: the extension's API for tests and other extensions. */
export interface LambdaWorkbenchApi {
  readonly config: Config;
  /** Folder holding the "Lambda Workbench" log channel's file. */
  readonly logUri: vscode.Uri;
  /** The invocation result on screen, if any. */
  shownResult(): ShownResult | undefined;
  /** Timings the benchmarks read. */
  diagnostics(): InvokerDiagnostics;
  /** The AWS connection in use. */
  connection(): Promise<AwsConnection>;
  /** The Functions view's rows, as the view reads them; for tests. */
  functionsTree(): FunctionsTree;
  /** How long the profile picker last took to show its items; for the benchmark. */
  profilePickerMs(): number | undefined;
  /** The workspace's functions as the Local view lists them; for tests. */
  localFunctions(): Promise<LocalFunction[]>;
  /** The features, loaded on first call; for tests and benchmarks. */
  features(): Features;
}

export function activate(context: vscode.ExtensionContext): LambdaWorkbenchApi {
  const started = performance.now();
  const ctx = new Ctx(context);
  const connections = ctx.extensionScope.add(new ConnectionManager(ctx));
  let loaded: Features | undefined;
  const features = () => (loaded ??= loadFeatures(ctx, connections));
  registerCommands(ctx, features, connections);
  registerViews(ctx, features);
  registerEditorProviders(ctx, features);
  prepareParserCodeCache(ctx, () => loaded?.discoveryStarted === true);
  ctx.config.checkAll();
  ctx.log.info(`Lambda Workbench ${ctx.version} activated in ${(performance.now() - started).toFixed(1)} ms.`);
  return {
    config: ctx.config,
    logUri: context.logUri,
    shownResult: () => loaded?.shownResult,
    diagnostics: () => features().invoker.diagnostics,
    connection: () => connections.current(),
    functionsTree: () => features().functionsTree,
    profilePickerMs: () => connections.lastPickerMs,
    localFunctions: () => features().localFunctions.list(),
    features,
  };
}

/**
 * The features are a bundle of their own (dist/features.js, see esbuild.mjs), read when a command
 * first needs them: activation loads only this small file.
 */
function loadFeatures(ctx: Ctx, connections: ConnectionManager): Features {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazily read bundle, on purpose
  const bundle = require('./features.js') as typeof import('./ui/features');
  return new bundle.Features(ctx, connections);
}

export function deactivate(): void {
  // Everything is released through context.subscriptions.
}
