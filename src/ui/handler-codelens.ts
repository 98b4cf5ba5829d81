// "Invoke locally | Invoke <deployed> | Debug | Deploy" above every handler the workspace's
// discovery links to a function. The document is parsed in the discovery worker, so a lens costs
// the editor one message; the lenses refresh when discovery or the setting changes.
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import type { LocalFunctions } from './local-functions';

export class HandlerCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly disposables: { dispose(): unknown }[];
  /** How long the last document took, from the request to the lenses; for the benchmark. */
  lastMs: number | undefined;

  constructor(
    private readonly ctx: Ctx,
    private readonly functions: LocalFunctions,
  ) {
    this.disposables = [
      this.changed,
      functions.onDidChange(() => this.changed.fire()),
      vscode.workspace.onDidChangeConfiguration((change) => {
        if (change.affectsConfiguration('lambdaWorkbench.codeLens.enabled')) this.changed.fire();
      }),
    ];
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!this.ctx.config.codeLensEnabled) return [];
    const started = performance.now();
    const [handlers, functions] = await Promise.all([
      this.functions.handlersIn(document),
      this.functions.inFile(document.uri.fsPath),
    ]);
    if (token.isCancellationRequested) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const handler of handlers) {
      const linked = functions.filter((f) => f.fn.handlerCode?.exportName === handler.exportName);
      const range = new vscode.Range(handler.line - 1, handler.column, handler.line - 1, handler.column);
      for (const { fn } of linked) {
        const name = fn.config.name;
        // Two functions may share one handler (two template resources); the lens then says which.
        const who = linked.length > 1 ? ` ${name}` : '';
        lenses.push(
          new vscode.CodeLens(range, {
            title: `$(play) Invoke${who} locally`,
            tooltip: `Invoke ${name} in the local emulator`,
            command: 'lambdaWorkbench.invokeLocal',
            arguments: [{ functionName: name }],
          }),
        );
        if (fn.remoteName !== undefined) {
          lenses.push(
            new vscode.CodeLens(range, {
              title: `$(cloud) Invoke ${fn.remoteName}`,
              tooltip: `Invoke the deployed function ${fn.remoteName}`,
              command: 'lambdaWorkbench.invokeRemote',
              arguments: [{ functionName: fn.remoteName }],
            }),
          );
        }
        lenses.push(
          new vscode.CodeLens(range, {
            title: `$(debug-alt-small) Debug${who}`,
            tooltip: `Invoke ${name} locally with the debugger attached`,
            command: 'lambdaWorkbench.debug',
            arguments: [{ functionName: name }],
          }),
          new vscode.CodeLens(range, {
            title: `$(cloud-upload) Deploy${who}`,
            tooltip: `Bundle ${name} and update the deployed function's code`,
            command: 'lambdaWorkbench.deploy',
            arguments: [{ functionName: name }],
          }),
        );
      }
    }
    this.lastMs = performance.now() - started;
    return lenses;
  }

  dispose(): void {
    for (const item of this.disposables.splice(0)) item.dispose();
  }
}
