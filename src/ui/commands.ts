// The command table: one entry per contributed command, registered in one loop that wraps every
// handler with the same error reporting.
import * as vscode from 'vscode';
import type { ConnectionManager } from './connection';
import type { Ctx } from './ctx';
import type { Features } from './features';
import type { InvokeArguments } from './invoker';
import { reportFailure, runSsoLogin } from './failures';
import { functionNameOf, functionRefOf } from './function-ref';
import type { ServedRoute } from '../core/http-api/api-process';

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
  'lambdaWorkbench.bundleHandler': { title: 'Bundle Current Handler', create: (_ctx, f) => (arg) => f().deployer.bundle(arg) },
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
  'lambdaWorkbench.deploy': { title: 'Deploy Current Handler', create: (_ctx, f) => (arg) => f().deployer.deploy(arg) },
  'lambdaWorkbench.deployHere': { title: 'Deploy Here', create: (_ctx, f) => (arg) => f().deployer.deployHere(arg) },
  'lambdaWorkbench.toggleDeployOnSave': {
    title: 'Toggle Deploy on Save',
    create: (_ctx, f) => (arg) => f().deployer.toggleDeployOnSave(arg),
  },
  'lambdaWorkbench.debug': {
    title: 'Debug Handler',
    create: (_ctx, f) => (arg) => f().debugger.debugFunction(functionNameOf(arg)),
  },
  'lambdaWorkbench.openHandler': { title: 'Open Handler', create: (_ctx, f) => (arg) => f().localActions.openHandler(arg) },
  'lambdaWorkbench.editFunctionSettings': {
    title: 'Edit Function Settings',
    create: (_ctx, f) => (arg) => f().localActions.editSettings(arg),
  },
  'lambdaWorkbench.refreshLocal': { title: 'Refresh Local Functions', create: (_ctx, f) => () => f().localFunctions.refresh() },
  'lambdaWorkbench.openLogs': { title: 'Open Logs', create: (_ctx, f) => (arg) => f().functionActions.openLogs(arg) },
  'lambdaWorkbench.startLocalApi': { title: 'Start Local API', create: (_ctx, f) => () => f().localApi.start() },
  'lambdaWorkbench.stopLocalApi': { title: 'Stop Local API', create: (_ctx, f) => () => f().localApi.stop() },
  'lambdaWorkbench.openRouteInBrowser': {
    title: 'Open in Browser',
    create: (_ctx, f) => (arg) => f().localApi.openInBrowser(servedRouteOf(arg)),
  },
  'lambdaWorkbench.copyRouteUrl': { title: 'Copy URL', create: (_ctx, f) => (arg) => f().localApi.copyUrl(servedRouteOf(arg)) },
};

/** A route from a Local view row (`{ kind: 'servedRoute', route }`) or given as it is. */
function servedRouteOf(value: unknown): ServedRoute | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const given = value as { route?: unknown; url?: unknown };
  const route = (typeof given.url === 'string' ? given : given.route) as ServedRoute | undefined;
  return typeof route?.url === 'string' ? route : undefined;
}

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
  // A plain name, a lens's or row's `{ functionName }`, a Functions view node (with its qualifier).
  const ref = functionRefOf(value);
  const named = ref === undefined ? {} : { functionName: ref.functionName };
  if (value === null || typeof value !== 'object') return named;
  const given = value as Record<string, unknown>;
  return {
    ...named,
    ...(ref?.qualifier !== undefined ? { qualifier: ref.qualifier.name } : {}),
    ...(typeof given['qualifier'] === 'string' ? { qualifier: given['qualifier'] } : {}),
    ...('event' in given ? { event: given['event'] } : {}),
    ...(typeof given['eventLabel'] === 'string' ? { eventLabel: given['eventLabel'] } : {}),
  };
}
