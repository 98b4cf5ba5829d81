// Actions on a workspace function: from a Local view row, a CodeLens, or the palette, which first
// asks for the function.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { FUNCTION_SETTINGS_FILE } from '../core/discovery/function-settings';
import { WorkbenchError } from '../core/errors';
import { localFunctionFor } from './function-ref';
import type { LocalFunction, LocalFunctions } from './local-functions';

export class LocalActions {
  constructor(private readonly functions: LocalFunctions) {}

  /** The function an action is about: the one given, else one chosen. */
  target(arg: unknown, purpose: string): Promise<LocalFunction | undefined> {
    return localFunctionFor(this.functions, arg, {
      title: purpose,
      placeHolder: 'Choose a function of this workspace',
      whenNone: 'No Lambda handlers were found in this workspace: no SAM template, serverless.yml or exported handler function.',
    });
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
