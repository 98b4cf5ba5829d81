// Activation builds the context and registers contributions; every feature loads its heavy parts
// (AWS SDK, esbuild) when first used.
import type * as vscode from 'vscode';
import type { Config } from './ui/config';
import { Ctx } from './ui/ctx';
import { registerCommands } from './ui/commands';
import { registerViews } from './ui/views';

/** What `activate` returns: the extension's API for tests and other extensions. */
export interface LambdaWorkbenchApi {
  readonly config: Config;
  /** Folder holding the "Lambda Workbench" log channel's file. */
  readonly logUri: vscode.Uri;
}

export function activate(context: vscode.ExtensionContext): LambdaWorkbenchApi {
  const started = performance.now();
  const ctx = new Ctx(context);
  registerCommands(ctx);
  registerViews(ctx);
  ctx.config.checkAll();
  ctx.log.info(`Lambda Workbench ${ctx.version} activated in ${(performance.now() - started).toFixed(1)} ms.`);
  return { config: ctx.config, logUri: context.logUri };
}

export function deactivate(): void {
  // Everything is released through context.subscriptions.
}
