// Actions on a workspace function: from a Local view row, a CodeLens, or the palette, which first
// asks for the function.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { FUNCTION_SETTINGS_FILE } from '../core/discovery/function-settings';
import { WorkbenchError } from '../core/errors';
import type { LocalFunction, LocalFunctions } from './local-functions';

/** The function name a command was given: a row, a lens's `{ functionName }`, or a plain string. */
export function functionNameOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg !== null && typeof arg === 'object' && typeof (arg as { functionName?: unknown }).functionName === 'string') {
    return (arg as { functionName: string }).functionName;
  }
  return undefined;
}

export class LocalActions {
  constructor(private readonly functions: LocalFunctions) {}

  /** The function an action is about: the one given, else one chosen. */
  async target(arg: unknown, purpose: string): Promise<LocalFunction | undefined> {
    const name = functionNameOf(arg);
    if (name !== undefined) {
      const found = await this.functions.find(name);
      if (found === undefined) {
        throw new WorkbenchError(`There is no local function "${name}" in this workspace. Refresh the Local view and try again.`);
      }
      return found;
    }
    const functions = await this.functions.list();
    if (functions.length === 0) {
      throw new WorkbenchError(
        'No Lambda handlers were found in this workspace: no SAM template, serverless.yml or exported handler function.',
      );
    }
    const choice = await vscode.window.showQuickPick(
      functions.map((local) => ({
        label: local.fn.config.name,
        description: local.fn.config.runtime,
        detail: local.source,
        local,
      })),
      { title: purpose, placeHolder: 'Choose a function of this workspace' },
    );
    return choice?.local;
  }

  async openHandler(arg: unknown): Promise<void> {
    const local = await this.target(arg, 'Open Handler');
    if (local === undefined) return;
    const code = local.fn.handlerCode;
    if (code === undefined) {
      throw new WorkbenchError(
        `The code of ${local.fn.config.name}'s handler "${local.fn.config.handler}" was not found under ${local.fn.config.codeDir}. Check Handler and CodeUri in ${local.source}.`,
      );
    }
    const position = new vscode.Position(code.line - 1, code.column);
    await vscode.window.showTextDocument(vscode.Uri.file(code.file), { selection: new vscode.Range(position, position) });
  }

  /**
   * Opens `.lambda/functions.json` at the function's entry, writing the entry first with the values
   * in use, so a handler found alone in code gets settings the user can edit.
   */
  async editSettings(arg: unknown): Promise<void> {
    const local = await this.target(arg, 'Edit Function Settings');
    if (local === undefined) return;
    const { config } = local.fn;
    await this.functions.remember(local, {
      runtime: config.runtime,
      timeoutSeconds: config.timeoutSeconds,
      memoryMB: config.memoryMB,
      environment: { ...config.environment },
    });
    const file = join(local.folder.uri.fsPath, FUNCTION_SETTINGS_FILE);
    const document = await vscode.workspace.openTextDocument(file);
    const at = document.getText().indexOf(JSON.stringify(local.fn.id));
    const position = document.positionAt(Math.max(0, at));
    await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position) });
  }
}
