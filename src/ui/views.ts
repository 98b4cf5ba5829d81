// The two views of the Lambda container. Until the account explorer and handler discovery fill
// them, they hold no rows, which lets their welcome content say what to do next.
import * as vscode from 'vscode';
import type { Ctx } from './ctx';

class EmptyTree implements vscode.TreeDataProvider<never> {
  getTreeItem(element: never): vscode.TreeItem {
    return element;
  }

  getChildren(): never[] {
    return [];
  }
}

export function registerViews(ctx: Ctx): void {
  for (const id of ['lambdaWorkbench.functions', 'lambdaWorkbench.local']) {
    ctx.extensionScope.add(vscode.window.registerTreeDataProvider(id, new EmptyTree()));
  }
}
