// The two views of the Lambda container, registered at activation with small stand-ins that load
// the real trees (in the features bundle) when a view first asks for rows.
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import type { Features } from './features';
import type { FunctionsNode } from './functions-tree';
import type { LocalNode } from './local-tree';

/**
 * Forwards to a tree built on first use in the features bundle, so registering a view at
 * activation loads nothing.
 */
class LazyTree<N> implements vscode.TreeDataProvider<N> {
  private readonly changed = new vscode.EventEmitter<N | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private loaded: LoadedTree<N> | undefined;
  /** Set right after the view is created from this provider. */
  view: vscode.TreeView<N> | undefined;

  constructor(private readonly load: () => LoadedTree<N>) {}

  private tree(): LoadedTree<N> {
    if (this.loaded === undefined) {
      const tree = this.load();
      this.loaded = tree;
      tree.onDidChangeTreeData?.((node) => this.changed.fire(Array.isArray(node) ? undefined : (node ?? undefined)));
      if (this.view !== undefined) tree.attach?.(this.view);
    }
    return this.loaded;
  }

  getTreeItem(node: N): vscode.TreeItem | Thenable<vscode.TreeItem> {
    return this.tree().getTreeItem(node);
  }

  getChildren(node?: N): vscode.ProviderResult<N[]> {
    return this.tree().getChildren(node);
  }

  resolveTreeItem(item: vscode.TreeItem, node: N, token: vscode.CancellationToken): vscode.ProviderResult<vscode.TreeItem> {
    const tree = this.tree();
    return tree.resolveTreeItem === undefined ? item : tree.resolveTreeItem(item, node, token);
  }
}

type LoadedTree<N> = vscode.TreeDataProvider<N> & { attach?(view: vscode.TreeView<N>): void };

export function registerViews(ctx: Ctx, features: () => Features): void {
  const functions = new LazyTree<FunctionsNode>(() => features().functionsTree);
  functions.view = ctx.extensionScope.add(
    vscode.window.createTreeView('lambdaWorkbench.functions', { treeDataProvider: functions, showCollapseAll: true }),
  );
  const local = new LazyTree<LocalNode>(() => features().localTree);
  local.view = ctx.extensionScope.add(
    vscode.window.createTreeView('lambdaWorkbench.local', { treeDataProvider: local, showCollapseAll: true }),
  );
}
