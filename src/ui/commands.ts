// The command table: one entry per contributed command, registered in one loop that wraps every
// handler with the same error reporting.
import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';
import * as vscode from 'vscode';
import { bundleHandler, type BundleResult } from '../core/bundle/bundle';
import { WorkbenchError } from '../core/errors';
import type { ConnectionManager } from './connection';
import type { Ctx } from './ctx';
import type { Features } from './features';
import type { InvokeArguments } from './invoker';
import { reportFailure, runSsoLogin } from './failures';

type CommandHandler = (...args: unknown[]) => unknown;

type CommandFactory = (ctx: Ctx, features: () => Features, connections: ConnectionManager) => CommandHandler;

const COMMANDS: Record<string, { title: string; create: CommandFactory }> = {
  'lambdaWorkbench.showLog': {
    title: 'Show Extension Log',
    create: (ctx) => () => {
      ctx.log.show();
    },
  },
  'lambdaWorkbench.openSettings': {
    title: 'Open Settings',
    create: () => () => vscode.commands.executeCommand('workbench.action.openSettings', '@ext:lambda-workbench.lambda-workbench'),
  },
  'lambdaWorkbench.bundleHandler': { title: 'Bundle Handler', create: (ctx) => (arg) => bundleCommand(ctx, arg) },
  'lambdaWorkbench.chooseProfile': { title: 'Choose AWS Profile', create: (_ctx, _f, c) => () => c.chooseProfile() },
  'lambdaWorkbench.chooseRegion': { title: 'Choose AWS Region', create: (_ctx, _f, c) => () => c.chooseRegion() },
  'lambdaWorkbench.refreshFunctions': {
    title: 'Refresh Functions',
    create: (_ctx, f, c) => async () => {
      await c.profiles(true);
      f().functionsTree.refresh();
    },
  },
  'lambdaWorkbench.filterFunctions': { title: 'Filter Functions...', create: (_ctx, f) => () => f().functionActions.filter() },
  'lambdaWorkbench.clearFunctionsFilter': {
    title: 'Clear Functions Filter',
    create: (_ctx, f) => () => f().functionsTree.setFilter(''),
  },
  'lambdaWorkbench.copyFunctionName': { title: 'Copy Name', create: (_ctx, f) => (arg) => f().functionActions.copyName(arg) },
  'lambdaWorkbench.copyFunctionArn': { title: 'Copy ARN', create: (_ctx, f) => (arg) => f().functionActions.copyArn(arg) },
  'lambdaWorkbench.openInConsole': {
    title: 'Open in AWS Console',
    create: (_ctx, f) => (arg) => f().functionActions.openInConsole(arg),
  },
  'lambdaWorkbench.downloadCode': { title: 'Download Code', create: (_ctx, f) => (arg) => f().functionActions.downloadCode(arg) },
  'lambdaWorkbench.revealEnvironmentValue': {
    title: 'Reveal Value',
    create: (_ctx, f) => (arg) => f().functionActions.revealEnvironmentValue(arg),
  },
  'lambdaWorkbench.showLoadError': {
    title: 'Show Error Details',
    create: (ctx) => (error) => reportFailure(ctx, 'Lambda: Functions view', error),
  },
  'lambdaWorkbench.ssoLogin': {
    title: 'Sign In with AWS SSO',
    create: (_ctx, _f, c) => async (profile) => runSsoLogin(typeof profile === 'string' ? profile : (await c.current()).profile),
  },
  'lambdaWorkbench.invokeLocal': {
    title: 'Invoke Locally',
    create: (_ctx, f) => (args) => f().invoker.invokeLocal(invokeArguments(args)),
  },
  'lambdaWorkbench.invokeRemote': {
    title: 'Invoke Remotely',
    create: (_ctx, f) => (args) => f().invoker.invokeRemote(invokeArguments(args)),
  },
  'lambdaWorkbench.invokeAgain': { title: 'Invoke Again', create: (_ctx, f) => () => f().invoker.invokeAgain() },
  'lambdaWorkbench.deploy': notYetAvailable('Deploy Handler', 'Deploying a handler'),
  'lambdaWorkbench.openLogs': { title: 'Open Logs', create: (_ctx, f) => (arg) => f().functionActions.openLogs(arg) },
};

export const COMMAND_IDS = Object.keys(COMMANDS);

export function registerCommands(ctx: Ctx, features: () => Features, connections: ConnectionManager): void {
  for (const [id, { title, create }] of Object.entries(COMMANDS)) {
    const handler = create(ctx, features, connections);
    ctx.extensionScope.add(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await handler(...args);
        } catch (error) {
          reportFailure(ctx, `Lambda: ${title}`, error);
          return undefined;
        }
      }),
    );
  }
}

/** Arguments a command was given by a tree, a CodeLens or a test; anything else means "ask". */
function invokeArguments(value: unknown): InvokeArguments {
  if (value === null || typeof value !== 'object') return {};
  const given = value as Record<string, unknown>;
  return {
    ...(typeof given['functionName'] === 'string' ? { functionName: given['functionName'] } : {}),
    ...(typeof given['qualifier'] === 'string' ? { qualifier: given['qualifier'] } : {}),
    ...('event' in given ? { event: given['event'] } : {}),
    ...(typeof given['eventLabel'] === 'string' ? { eventLabel: given['eventLabel'] } : {}),
  };
}

/** A command whose feature has not been built yet says so plainly instead of pretending to work. */
function notYetAvailable(title: string, feature: string): { title: string; create: CommandFactory } {
  return {
    title,
    create: (ctx) => () => {
      const message = `${feature} is not available yet in Lambda Workbench ${ctx.version}. It is planned; the README lists what works today.`;
      ctx.log.info(`Lambda: ${title}: ${message}`);
      void vscode.window.showInformationMessage(message);
    },
  };
}

const BUNDLE_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']);

async function bundleCommand(ctx: Ctx, arg: unknown): Promise<BundleResult> {
  const document = await handlerDocument(arg);
  const entry = document.uri.fsPath;
  const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath;
  const storage = ctx.extension.storageUri ?? ctx.extension.globalStorageUri;
  // One output folder per source file, so two `handler.ts` in different folders never collide.
  const key = createHash('sha256').update(entry).digest('hex').slice(0, 12);
  const outDir = vscode.Uri.joinPath(storage, 'bundles', `${basename(entry, extname(entry))}-${key}`).fsPath;

  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `Bundling ${basename(entry)}` },
    () =>
      bundleHandler({
        entry,
        outDir,
        runtime: ctx.config.defaultNodeRuntime,
        minify: ctx.config.bundleMinify,
        sourcemap: ctx.config.bundleSourcemap,
        ...(folder === undefined ? {} : { displayRoot: folder }),
      }),
  );
  for (const warning of result.warnings) ctx.log.warn(`esbuild: ${warning}`);
  const summary =
    `Bundled ${basename(entry)} into ${formatBytes(result.bytes)} in ${Math.round(result.durationMs)} ms ` +
    `with esbuild ${result.esbuildVersion}` +
    (result.warnings.length > 0 ? ` (${result.warnings.length} warnings in the log).` : '.');
  ctx.log.info(`${summary} Output: ${result.outFile}`);
  void vscode.window.showInformationMessage(summary, 'Open Bundle').then(async (choice) => {
    if (choice) await vscode.window.showTextDocument(vscode.Uri.file(result.outFile));
  });
  return result;
}

/** The file to bundle: the one the command was invoked on, else the active editor's. */
async function handlerDocument(arg: unknown): Promise<vscode.TextDocument> {
  const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  if (uri === undefined) {
    throw new WorkbenchError(
      'No handler file is open. Open a TypeScript or JavaScript handler, then run "Lambda: Bundle Handler" again.',
    );
  }
  if (uri.scheme !== 'file' || !BUNDLE_EXTENSIONS.has(extname(uri.fsPath))) {
    throw new WorkbenchError(
      `${basename(uri.fsPath)} is not a TypeScript or JavaScript file on disk. Open a Node.js handler, then run "Lambda: Bundle Handler" again.`,
    );
  }
  const document = await vscode.workspace.openTextDocument(uri);
  // Bundle what the user sees, not a stale copy on disk.
  if (document.isDirty && !(await document.save())) {
    throw new WorkbenchError(`${basename(uri.fsPath)} could not be saved, so it was not bundled. Save it, then try again.`);
  }
  return document;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}
