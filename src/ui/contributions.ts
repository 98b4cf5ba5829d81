// Identifiers shared by the registrations made at activation and the features behind them.
import type * as vscode from 'vscode';

/** The documents that can hold a handler. */
export const CODELENS_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', language: 'typescript' },
  { scheme: 'file', language: 'typescriptreact' },
  { scheme: 'file', language: 'javascript' },
  { scheme: 'file', language: 'javascriptreact' },
  { scheme: 'file', language: 'python' },
];

/** The debug configuration type of package.json's `debuggers`. */
export const DEBUG_TYPE = 'lambdaWorkbench';
