// The Local view: the workspace's functions grouped by what describes them (SAM templates,
// serverless.yml, handler code alone), each with its triggers, what Lambda would refuse in it, and
// its saved events, which invoke on a click; above them, the files that could not be read. A
// problem row opens its file at the line.
import { join, relative } from 'node:path';
import * as vscode from 'vscode';
import { SAVED_EVENTS_FOLDER, SavedEventStore, type SavedEvent } from '../core/events/saved-events';
import type { DiscoveredLayer, DiscoveryProblem, FunctionSource } from '../core/discovery/types';
import type { Trigger } from '../core/model/trigger';
import type { LocalFunction, LocalFunctions } from './local-functions';
import type { LocalApi } from './local-api';
import type { ServedApi, ServedRoute } from '../core/http-api/api-process';
import { describeTrigger, triggerTooltip } from './trigger-rows';

export type LocalNode =
  | { readonly kind: 'group'; readonly source: FunctionSource; readonly functions: readonly LocalFunction[] }
  | { readonly kind: 'localFunction'; readonly functionName: string; readonly local: LocalFunction }
  | {
      readonly kind: 'savedEvent';
      readonly functionName: string;
      readonly eventLabel: string;
      readonly event: unknown;
      readonly saved: SavedEvent;
    }
  | { readonly kind: 'trigger'; readonly functionName: string; readonly trigger: Trigger }
  | {
      readonly kind: 'layer';
      readonly functionName: string;
      /** The project's layer, or undefined for a published version named by ARN. */
      readonly layer: DiscoveredLayer | undefined;
      readonly arn?: string;
    }
  | { readonly kind: 'problems'; readonly problems: readonly DiscoveryProblem[] }
  | { readonly kind: 'problem'; readonly file: string; readonly line: number; readonly message: string }
  | { readonly kind: 'message'; readonly text: string; readonly tooltip?: string }
  | { readonly kind: 'servedApis' }
  | { readonly kind: 'servedApi'; readonly api: ServedApi }
  | { readonly kind: 'servedRoute'; readonly route: ServedRoute };

/** A function's problem as discovery words it: `<file>:<line>: <sentence>`. */
const LOCATED = /^(.+?):(\d+): (.*)$/s;

const GROUPS: Record<FunctionSource, { label: string; icon: string }> = {
  template: { label: 'SAM templates', icon: 'file-code' },
  serverless: { label: 'serverless.yml', icon: 'symbol-event' },
  code: { label: 'Handler code', icon: 'symbol-function' },
};

export class LocalTree implements vscode.TreeDataProvider<LocalNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<LocalNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly stores = new Map<string, SavedEventStore>();
  private readonly disposables: { dispose(): unknown }[];

  constructor(
    private readonly functions: LocalFunctions,
    private readonly localApi: LocalApi,
  ) {
    const events = vscode.workspace.createFileSystemWatcher(`**/${SAVED_EVENTS_FOLDER.replaceAll('\\', '/')}/**`);
    const refresh = () => this.changed.fire(undefined);
    events.onDidChange(refresh);
    events.onDidCreate(refresh);
    events.onDidDelete(refresh);
    this.disposables = [events, this.changed, functions.onDidChange(refresh), localApi.onDidChange(refresh)];
  }

  async getChildren(node?: LocalNode): Promise<LocalNode[]> {
    if (node === undefined) {
      const functions = await this.functions.list();
      const problems = await this.functions.problems();
      const groups: LocalNode[] = (Object.keys(GROUPS) as FunctionSource[])
        .map((source) => ({ kind: 'group' as const, source, functions: functions.filter((f) => f.fn.source === source) }))
        .filter((group) => group.functions.length > 0);
      // The local API, while it runs, above the functions.
      const served: LocalNode[] = this.localApi.running ? [{ kind: 'servedApis' }] : [];
      return [...served, ...(problems.length === 0 ? [] : [{ kind: 'problems' as const, problems }]), ...groups];
    }
    if (node.kind === 'servedApis') return this.localApi.apis.map((api) => ({ kind: 'servedApi', api }));
    if (node.kind === 'servedApi') return node.api.routes.map((route) => ({ kind: 'servedRoute', route }));
    if (node.kind === 'group') {
      return node.functions.map((local) => ({ kind: 'localFunction', functionName: local.fn.config.name, local }));
    }
    if (node.kind === 'problems') {
      return node.problems.map((problem) => ({
        kind: 'problem',
        file: problem.file,
        line: problem.line,
        message: problem.message,
      }));
    }
    if (node.kind === 'localFunction') {
      const { fn } = node.local;
      const triggers: LocalNode[] = fn.triggers.map((trigger) => ({ kind: 'trigger', functionName: node.functionName, trigger }));
      const layers: LocalNode[] = fn.layers.map((use) => ({
        kind: 'layer',
        functionName: node.functionName,
        layer: this.functions.layer(node.local, use),
        ...('arn' in use ? { arn: use.arn } : {}),
      }));
      const problems: LocalNode[] = fn.problems.map((text) => {
        const [, file, line, message] = LOCATED.exec(text) ?? [];
        return file === undefined
          ? { kind: 'problem', file: fn.sourceFile, line: fn.sourceLine, message: text }
          : { kind: 'problem', file, line: Number(line), message: message ?? text };
      });
      const saved = await this.store(node.local).list(node.functionName);
      const events: LocalNode[] =
        saved.length === 0
          ? [
              {
                kind: 'message',
                text: 'No saved events',
                tooltip: 'Invoke the function and choose "Save event" in the result to keep the event here.',
              },
            ]
          : saved.map((event) => ({
              kind: 'savedEvent',
              functionName: node.functionName,
              eventLabel: event.name,
              event: event.event,
              saved: event,
            }));
      return [...problems, ...triggers, ...layers, ...events];
    }
    return [];
  }

  getTreeItem(node: LocalNode): vscode.TreeItem {
    switch (node.kind) {
      case 'group': {
        const item = new vscode.TreeItem(GROUPS[node.source].label, vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = new vscode.ThemeIcon(GROUPS[node.source].icon);
        item.description = `${node.functions.length}`;
        item.contextValue = 'localGroup';
        return item;
      }
      case 'localFunction': {
        const { fn, source } = node.local;
        const item = new vscode.TreeItem(fn.config.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `local:${node.local.folder.index}:${fn.id}`;
        item.description = fn.runtimeKnown ? fn.config.runtime : 'runtime not set';
        item.iconPath = new vscode.ThemeIcon(
          fn.problems.length > 0 ? 'error' : fn.warnings.length > 0 ? 'warning' : 'symbol-method',
        );
        item.contextValue = 'localFunction';
        const tooltip = new vscode.MarkdownString(undefined, true);
        tooltip.appendMarkdown(`**${fn.config.name}** · ${fn.runtimeKnown ? fn.config.runtime : 'runtime not set'}\n\n`);
        tooltip.appendMarkdown(`Handler \`${fn.config.handler}\` · ${fn.config.memoryMB} MB · ${fn.config.timeoutSeconds} s\n\n`);
        tooltip.appendMarkdown(`Described in \`${source}\`:${fn.sourceLine}`);
        if (fn.remoteName !== undefined) tooltip.appendMarkdown(`\n\nDeployed as \`${fn.remoteName}\``);
        for (const warning of fn.warnings) tooltip.appendMarkdown(`\n\n$(warning) ${warning}`);
        item.tooltip = tooltip;
        return item;
      }
      case 'savedEvent': {
        const item = new vscode.TreeItem(node.saved.name, vscode.TreeItemCollapsibleState.None);
        if (node.saved.error !== undefined) {
          item.iconPath = new vscode.ThemeIcon('error');
          item.description = 'not valid JSON';
          item.tooltip = node.saved.error;
          item.command = { command: 'vscode.open', title: 'Open Event', arguments: [vscode.Uri.file(node.saved.path)] };
        } else {
          item.iconPath = new vscode.ThemeIcon('json');
          item.tooltip = `Invoke ${node.functionName} locally with "${node.saved.name}"`;
          item.command = { command: 'lambdaWorkbench.invokeLocal', title: 'Invoke Locally', arguments: [node] };
        }
        item.contextValue = 'savedEvent';
        return item;
      }
      case 'trigger': {
        const { label, description, icon } = describeTrigger(node.trigger);
        const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
        item.description = description;
        item.iconPath = new vscode.ThemeIcon(icon);
        item.tooltip = triggerTooltip(node.trigger);
        item.contextValue = `localTrigger.${node.trigger.kind}`;
        return item;
      }
      case 'layer': {
        const { layer, arn } = node;
        // A published version: its name and version, from the ARN (arn:...:layer:<name>:<version>).
        const [, name, version] = /:layer:([^:]+):(\d+)$/.exec(arn ?? '') ?? [];
        const item = new vscode.TreeItem(
          layer === undefined
            ? `Layer ${name ?? arn ?? ''}${version === undefined ? '' : ` v${version}`}`
            : `Layer ${layer.name}`,
          vscode.TreeItemCollapsibleState.None,
        );
        item.iconPath = new vscode.ThemeIcon('layers');
        if (layer === undefined) {
          item.description = 'published';
          item.tooltip = arn ?? '';
        } else {
          const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(layer.contentDir));
          item.description = folder === undefined ? layer.contentDir : relative(folder.uri.fsPath, layer.contentDir) || '.';
          item.tooltip = `${layer.name}: files in ${layer.contentDir}${
            layer.compatibleRuntimes.length === 0 ? '' : `\nFor ${layer.compatibleRuntimes.join(', ')}`
          }`;
          const line = Math.max(0, layer.sourceLine - 1);
          item.command = {
            command: 'vscode.open',
            title: 'Open',
            arguments: [vscode.Uri.file(layer.sourceFile), { selection: new vscode.Range(line, 0, line, 0) }],
          };
        }
        item.contextValue = 'localLayer';
        return item;
      }
      case 'servedApis': {
        const item = new vscode.TreeItem('Local API', vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = new vscode.ThemeIcon('globe');
        item.description = 'running';
        item.tooltip = 'The project\'s APIs and function URLs, served on 127.0.0.1 by "Lambda: Start Local API".';
        item.contextValue = 'servedApis';
        return item;
      }
      case 'servedApi': {
        const item = new vscode.TreeItem(node.api.id, vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = new vscode.ThemeIcon(node.api.kind === 'function URL' ? 'link' : 'server-environment');
        item.description = `${node.api.kind}${node.api.stage === undefined ? '' : ` · ${node.api.stage}`} · ${node.api.url}`;
        item.tooltip = `${node.api.kind} ${node.api.id}\n${node.api.url}`;
        item.contextValue = 'servedApi';
        return item;
      }
      case 'servedRoute': {
        const { route } = node;
        const item = new vscode.TreeItem(`${route.method} ${route.path}`, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('arrow-right');
        item.description = route.functionName;
        item.tooltip = `${route.method} ${route.url}\n→ ${route.functionName}`;
        // Only what a browser sends by itself (a GET) opens there.
        item.contextValue = route.method === 'GET' || route.method === 'ANY' ? 'servedRoute.get' : 'servedRoute';
        return item;
      }
      case 'problems': {
        const item = new vscode.TreeItem('Problems', vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = new vscode.ThemeIcon('error');
        item.description = `${node.problems.length}`;
        item.tooltip = 'Files Lambda Workbench found but could not use; the functions of the others are listed below.';
        item.contextValue = 'localProblems';
        return item;
      }
      case 'problem': {
        const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
        const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(node.file));
        item.description = `${folder === undefined ? node.file : relative(folder.uri.fsPath, node.file)}:${node.line}`;
        item.iconPath = new vscode.ThemeIcon('error');
        item.tooltip = `${node.file}:${node.line}\n${node.message}`;
        const line = Math.max(0, node.line - 1);
        item.command = {
          command: 'vscode.open',
          title: 'Open',
          arguments: [vscode.Uri.file(node.file), { selection: new vscode.Range(line, 0, line, 0) }],
        };
        item.contextValue = 'localProblem';
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('info');
        if (node.tooltip !== undefined) item.tooltip = node.tooltip;
        item.contextValue = 'message';
        return item;
      }
    }
  }

  dispose(): void {
    for (const item of this.disposables.splice(0)) item.dispose();
  }

  private store(local: LocalFunction): SavedEventStore {
    const root = join(local.folder.uri.fsPath, SAVED_EVENTS_FOLDER);
    let store = this.stores.get(root);
    if (store === undefined) {
      store = new SavedEventStore(root);
      this.stores.set(root, store);
    }
    return store;
  }
}
