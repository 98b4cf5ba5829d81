// How a command is told which function it is about, whoever calls it: a CodeLens or a Local view
// row passes `{ functionName }`, a Functions view row its node (with a version or alias), a
// keybinding or another extension a plain name; from the palette there is none, and the command
// asks. One type for all, and one picker of the workspace's functions.
import * as vscode from 'vscode';
import { WorkbenchError } from '../core/errors';
import type { FunctionsNode } from './functions-tree';
import type { LocalFunction, LocalFunctions } from './local-functions';

/** A function a command acts on, by name; a deployed one's version or alias and ARN when known. */
export interface FunctionRef {
  readonly functionName: string;
  readonly qualifier?: { readonly kind: 'version' | 'alias'; readonly name: string };
  /** Known when the command came from a row of the Functions view; looked up otherwise. */
  readonly arn?: string;
}

/** The function a command's argument names, or undefined when it names none (the palette). */
export function functionRefOf(arg: unknown): FunctionRef | undefined {
  if (typeof arg === 'string') return { functionName: arg };
  if (arg === null || typeof arg !== 'object') return undefined;
  const { functionName } = arg as { functionName?: unknown };
  if (typeof functionName !== 'string') return undefined;
  // A Functions view row of a function, version or alias knows its ARN.
  const node = arg as FunctionsNode;
  if (node.kind === 'function') return { functionName, arn: node.fn.arn };
  if (node.kind === 'version' || node.kind === 'alias') {
    return { functionName, qualifier: { kind: node.kind, name: node.qualifier }, arn: node.arn };
  }
  return { functionName };
}

/** The function name of a command's argument; see functionRefOf. */
export function functionNameOf(arg: unknown): string | undefined {
  return functionRefOf(arg)?.functionName;
}

export interface LocalFunctionPick {
  readonly title: string;
  readonly placeHolder: string;
  /** Kept open when focus moves (a step of a longer flow). */
  readonly ignoreFocusOut?: boolean;
  /** Why there is nothing to choose, and what to do, when the workspace has no function. */
  readonly whenNone: string;
  /** Choose among these rather than all the workspace's functions. */
  readonly among?: readonly LocalFunction[];
}

/**
 * One of the workspace's functions, chosen. The picker shows at once, busy while discovery
 * answers: were nothing on screen meanwhile, focus would fall back to the editor, and a webview
 * there could take it and close the picker.
 */
export async function pickLocalFunction(functions: LocalFunctions, pick: LocalFunctionPick): Promise<LocalFunction | undefined> {
  const items = (pick.among !== undefined ? Promise.resolve(pick.among) : functions.list()).then((list) => {
    if (list.length === 0) throw new WorkbenchError(pick.whenNone);
    return list.map((local) => ({
      label: local.fn.config.name,
      description: local.fn.config.runtime,
      detail: `${local.source} · ${local.fn.config.handler}`,
      local,
    }));
  });
  const choice = await vscode.window.showQuickPick(items, {
    title: pick.title,
    placeHolder: pick.placeHolder,
    ignoreFocusOut: pick.ignoreFocusOut ?? false,
  });
  return choice?.local;
}

/** The local function a command is about: the one its argument names, else one chosen. */
export async function localFunctionFor(
  functions: LocalFunctions,
  arg: unknown,
  pick: LocalFunctionPick,
): Promise<LocalFunction | undefined> {
  const name = functionNameOf(arg);
  if (name === undefined) return pickLocalFunction(functions, pick);
  const found = await functions.find(name);
  if (found === undefined) {
    throw new WorkbenchError(`There is no local function "${name}" in this workspace. Refresh the Local view and try again.`);
  }
  return found;
}
