// The two views of the Lambda container. The Functions view is registered at activation with a
// small stand-in that loads the real tree (in the features bundle) when the view first asks for
// rows; the Local view holds no rows until handler discovery fills it, so its welcome content
// says what to do next.
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import type { Features } from './features';
import type { FunctionsNode } from './functions-tree';

class EmptyTree implements vscode.TreeDataProvider<never> {
  getTreeItem(element: never): vscode.TreeItem {
    return element;
  }

  getChildren(): never[] {
    return [];
  }
}

/** Forwards to the features' FunctionsTree, built on first use. */
class LazyFunctionsTree implements vscode.TreeDataProvider<FunctionsNode> {
  private readonly changed = new vscode.EventEmitter<FunctionsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private connected = false;
  /** Set right after the view is created from this provider. */
  view: vscode.TreeView<FunctionsNode> | undefined;

  constructor(private readonly features: () => Features) {}

  private tree() {
    const tree = this.features().functionsTree;
    if (!this.connected) {
      this.connected = true;
      tree.onDidChangeTreeData((node) => this.changed.fire(node));
      if (this.view !== undefined) tree.attach(this.view);
    }
    return tree;
  }

  getTreeItem(node: FunctionsNode): vscode.TreeItem {
    return this.tree().getTreeItem(node);
  }

  getChildren(node?: FunctionsNode): Promise<FunctionsNode[]> {
    return this.tree().getChildren(node);
  }

  resolveTreeItem(item: vscode.TreeItem, node: FunctionsNode): vscode.TreeItem {
    return this.tree().resolveTreeItem(item, node);
  }
}

export function registerViews(ctx: Ctx, features: () => Features): void {
  const provider = new LazyFunctionsTree(features);
  provider.view = ctx.extensionScope.add(
    vscode.window.createTreeView('lambdaWorkbench.functions', { treeDataProvider: provider, showCollapseAll: true }),
  );
  ctx.extensionScope.add(vscode.window.registerTreeDataProvider('lambdaWorkbench.local', new EmptyTree()));
}
