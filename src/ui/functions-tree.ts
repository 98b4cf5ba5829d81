// The Functions view: the region's functions, loaded page by page, and under each what the Lambda
// console shows (triggers, versions, aliases, configuration, logs), each asked for only when its
// row is expanded. Empty and failed states are rows, so the tree never just stays blank.
import * as vscode from 'vscode';
import { AwsError } from '../core/aws/aws-errors';
import type { AwsConnection } from '../core/aws/connection';
import {
  describeRouting,
  getFunctionDetails,
  listAliases,
  listFunctionsPage,
  listVersions,
  type DeployedFunction,
  type FunctionAlias,
  type FunctionDetails,
  type FunctionVersion,
} from '../core/aws/deployed-functions';
import { getUrlTrigger, listEventSourceTriggers, listPolicyTriggers } from '../core/aws/triggers';
import type { Trigger } from '../core/model/trigger';
import { describeTrigger, triggerTooltip } from './trigger-rows';
import type { AwsClients } from './aws';
import type { Ctx } from './ctx';

type GroupName = 'triggers' | 'versions' | 'aliases' | 'configuration' | 'environment' | 'layers';

/** Every row of the tree. Rows about a function carry its name (and qualifier) for the commands. */
export type FunctionsNode =
  | { readonly kind: 'function'; readonly functionName: string; readonly fn: DeployedFunction }
  | { readonly kind: 'group'; readonly functionName: string; readonly group: GroupName; readonly details?: FunctionDetails }
  | { readonly kind: 'trigger'; readonly functionName: string; readonly trigger: Trigger }
  | {
      readonly kind: 'version';
      readonly functionName: string;
      readonly qualifier: string;
      readonly version: FunctionVersion;
      readonly arn: string;
    }
  | {
      readonly kind: 'alias';
      readonly functionName: string;
      readonly qualifier: string;
      readonly alias: FunctionAlias;
      readonly arn: string;
    }
  | {
      readonly kind: 'setting';
      readonly functionName: string;
      readonly label: string;
      readonly value: string;
      readonly id: string;
    }
  | { readonly kind: 'envVar'; readonly functionName: string; readonly variable: string }
  | { readonly kind: 'logs'; readonly functionName: string }
  | {
      readonly kind: 'message';
      readonly id: string;
      readonly text: string;
      readonly tone: MessageTone;
      readonly error?: unknown;
    };

type MessageTone = 'empty' | 'loading' | 'failed' | 'notFound';

/** The functions loaded so far, and how to get the rest. */
interface FunctionList {
  readonly connection: AwsConnection;
  readonly functions: DeployedFunction[];
  nextMarker?: string;
  done: boolean;
  error?: unknown;
}

const GROUP_LABELS: Record<GroupName, string> = {
  triggers: 'Triggers',
  versions: 'Versions',
  aliases: 'Aliases',
  configuration: 'Configuration',
  environment: 'Environment variables',
  layers: 'Layers',
};

const GROUP_ICONS: Record<GroupName, string> = {
  triggers: 'zap',
  versions: 'versions',
  aliases: 'tag',
  configuration: 'settings-gear',
  environment: 'symbol-variable',
  layers: 'layers',
};

export class FunctionsTree implements vscode.TreeDataProvider<FunctionsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<FunctionsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private list: FunctionList | undefined;
  /** The first page's request, shared by every caller until a refresh; undefined means no credentials. */
  private listing: Promise<FunctionList | undefined> | undefined;
  /** Bumped by every refresh, so pages of an older listing are dropped. */
  private generation = 0;
  private filterText = '';
  private view: vscode.TreeView<FunctionsNode> | undefined;
  private announceTimer: NodeJS.Timeout | undefined;
  private lastAnnounced = 0;

  constructor(
    private readonly ctx: Ctx,
    private readonly aws: AwsClients,
  ) {
    ctx.extensionScope.add(aws.connections.onDidChange(() => this.refresh()));
  }

  /** The tree view, for its description (counts, filter) and title. */
  attach(view: vscode.TreeView<FunctionsNode>): void {
    this.view = view;
    this.updateDescription();
  }

  dispose(): void {
    this.generation++;
    clearTimeout(this.announceTimer);
    this.changed.dispose();
  }

  refresh(): void {
    this.generation++;
    this.list = undefined;
    this.listing = undefined;
    this.changed.fire(undefined);
  }

  get filter(): string {
    return this.filterText;
  }

  setFilter(text: string): void {
    this.filterText = text.trim();
    void vscode.commands.executeCommand('setContext', 'lambdaWorkbench.functionsFiltered', this.filterText !== '');
    this.changed.fire(undefined);
  }

  /** The functions loaded so far; for the palette's function picker and tests. */
  get loadedFunctions(): readonly DeployedFunction[] {
    return this.list?.functions ?? [];
  }

  getTreeItem(node: FunctionsNode): vscode.TreeItem {
    return toTreeItem(node);
  }

  async getChildren(node?: FunctionsNode): Promise<FunctionsNode[]> {
    if (node === undefined) return this.rootChildren();
    switch (node.kind) {
      case 'function':
        return this.functionChildren(node.fn);
      case 'group':
        return this.groupChildren(node);
      default:
        return [];
    }
  }

  /** A richer tooltip, computed only when the pointer rests on a function. */
  resolveTreeItem(item: vscode.TreeItem, node: FunctionsNode): vscode.TreeItem {
    if (node.kind === 'function') item.tooltip = functionTooltip(node.fn);
    return item;
  }

  /** Starts listing the region's functions: the first page now, the others in the background. */
  private async startListing(generation: number): Promise<FunctionList | undefined> {
    const noCredentials = await this.aws.connections.hasNoCredentialSource();
    // With no credentials the tree is empty, which shows the welcome content that offers a profile.
    void vscode.commands.executeCommand('setContext', 'lambdaWorkbench.noCredentials', noCredentials);
    if (noCredentials) return undefined;
    const list: FunctionList = { connection: await this.aws.connection(), functions: [], done: false };
    if (generation === this.generation) this.list = list;
    await this.loadPage(list, generation);
    return list;
  }

  private async rootChildren(): Promise<FunctionsNode[]> {
    this.listing ??= this.startListing(this.generation);
    const list = await this.listing;
    if (list === undefined) return [];
    const rows: FunctionsNode[] = [];
    const filter = this.filterText.toLowerCase();
    for (const fn of list.functions) {
      if (filter === '' || fn.name.toLowerCase().includes(filter)) rows.push({ kind: 'function', functionName: fn.name, fn });
    }
    if (list.error !== undefined) {
      rows.push(failedRow('root', list.error));
    } else if (!list.done) {
      rows.push({
        kind: 'message',
        id: 'root/loading',
        text: `Loading more functions… (${list.functions.length} so far)`,
        tone: 'loading',
      });
    } else if (list.functions.length === 0) {
      rows.push({ kind: 'message', id: 'root/empty', text: `No functions in ${list.connection.region}`, tone: 'empty' });
    } else if (rows.length === 0) {
      rows.push({ kind: 'message', id: 'root/no-match', text: `No function name contains "${this.filterText}"`, tone: 'empty' });
    }
    this.updateDescription();
    return rows;
  }

  /** Loads the next page; while more remain, the following page is asked for in the background. */
  private async loadPage(list: FunctionList, generation: number): Promise<void> {
    try {
      const page = await this.aws.callLambda(
        { doing: `Listing the functions of ${list.connection.region}`, action: 'lambda:ListFunctions' },
        (client) => listFunctionsPage(client, list.nextMarker),
      );
      if (generation !== this.generation) return;
      list.functions.push(...page.functions);
      list.functions.sort((a, b) => a.name.localeCompare(b.name));
      if (page.nextMarker === undefined) {
        list.done = true;
        delete list.nextMarker;
      } else {
        list.nextMarker = page.nextMarker;
      }
    } catch (error) {
      if (generation !== this.generation) return;
      list.error = error;
      this.ctx.log.warn(error instanceof Error ? error.message : String(error));
      return;
    }
    if (!list.done) {
      setTimeout(() => {
        void this.loadPage(list, generation).then(() => {
          if (generation === this.generation) this.announcePage(list);
        });
      }, 0);
    }
  }

  /**
   * Shows newly arrived pages at most every quarter second, and the last one at once: each
   * announcement re-renders every loaded row, so one per page would redraw 1,000 rows 20 times.
   */
  private announcePage(list: FunctionList): void {
    clearTimeout(this.announceTimer);
    const wait = list.done || list.error !== undefined ? 0 : Math.max(0, this.lastAnnounced + 250 - performance.now());
    this.announceTimer = setTimeout(() => {
      this.lastAnnounced = performance.now();
      this.changed.fire(undefined);
    }, wait);
  }

  private updateDescription(): void {
    if (this.view === undefined) return;
    const list = this.list;
    if (list === undefined) {
      this.view.description = '';
      return;
    }
    const total = `${list.functions.length}${list.done ? '' : '+'}`;
    const where = `${list.connection.profile ?? 'default'} · ${list.connection.region}`;
    if (this.filterText === '') {
      this.view.description = `${total} functions · ${where}`;
    } else {
      const filter = this.filterText.toLowerCase();
      const matching = list.functions.filter((fn) => fn.name.toLowerCase().includes(filter)).length;
      this.view.description = `${matching} of ${total} match "${this.filterText}" · ${where}`;
    }
  }

  /** Expanding a function reads it again: fresh configuration, or "not found" if it was deleted. */
  private async functionChildren(fn: DeployedFunction): Promise<FunctionsNode[]> {
    let details: FunctionDetails;
    try {
      details = await this.aws.callLambda({ doing: `Reading ${fn.name}`, action: 'lambda:GetFunction' }, (client) =>
        getFunctionDetails(client, fn.name),
      );
    } catch (error) {
      if (error instanceof AwsError && error.kind === 'notFound') {
        return [
          {
            kind: 'message',
            id: `${fn.arn}/not-found`,
            text: `${fn.name} was not found: it was deleted or renamed. Refresh the view.`,
            tone: 'notFound',
            error,
          },
        ];
      }
      return [failedRow(fn.arn, error)];
    }
    const name = fn.name;
    const rows: FunctionsNode[] = [
      { kind: 'group', functionName: name, group: 'triggers' },
      { kind: 'group', functionName: name, group: 'versions' },
      { kind: 'group', functionName: name, group: 'aliases' },
      { kind: 'group', functionName: name, group: 'configuration', details },
      { kind: 'logs', functionName: name },
    ];
    return rows;
  }

  private async groupChildren(node: Extract<FunctionsNode, { kind: 'group' }>): Promise<FunctionsNode[]> {
    const name = node.functionName;
    const id = `${name}/${node.group}`;
    try {
      switch (node.group) {
        case 'triggers':
          return await this.triggerRows(name);
        case 'versions': {
          const versions = await this.aws.callLambda(
            { doing: `Listing the versions of ${name}`, action: 'lambda:ListVersionsByFunction' },
            (client) => listVersions(client, name),
          );
          if (versions.length === 0) return [emptyRow(id, 'No published versions')];
          return versions.map((version) => ({
            kind: 'version',
            functionName: name,
            qualifier: version.version,
            version,
            arn: version.arn,
          }));
        }
        case 'aliases': {
          const aliases = await this.aws.callLambda(
            { doing: `Listing the aliases of ${name}`, action: 'lambda:ListAliases' },
            (client) => listAliases(client, name),
          );
          if (aliases.length === 0) return [emptyRow(id, 'No aliases')];
          return aliases.map((alias) => ({ kind: 'alias', functionName: name, qualifier: alias.name, alias, arn: alias.arn }));
        }
        case 'configuration':
          return node.details === undefined ? [] : configurationRows(node.details);
        case 'environment': {
          const names = node.details?.fn.environmentNames ?? [];
          if (names.length === 0) return [emptyRow(id, 'No environment variables')];
          return names.map((variable) => ({ kind: 'envVar', functionName: name, variable }));
        }
        case 'layers': {
          const layers = node.details?.fn.layers ?? [];
          if (layers.length === 0) return [emptyRow(id, 'No layers')];
          return layers.map((layer) => ({
            kind: 'setting',
            functionName: name,
            id: `${id}/${layer.arn}`,
            label: layerName(layer.arn),
            value: layer.arn,
          }));
        }
      }
    } catch (error) {
      return [failedRow(id, error)];
    }
  }

  /** The three kinds of trigger, each read on its own: one failing leaves the others shown. */
  private async triggerRows(name: string): Promise<FunctionsNode[]> {
    const id = `${name}/triggers`;
    const [mappings, policy, url] = await Promise.allSettled([
      this.aws.callLambda(
        { doing: `Listing the event source mappings of ${name}`, action: 'lambda:ListEventSourceMappings' },
        (c) => listEventSourceTriggers(c, name),
      ),
      this.aws.callLambda({ doing: `Reading the resource policy of ${name}`, action: 'lambda:GetPolicy' }, (c) =>
        listPolicyTriggers(c, name),
      ),
      this.aws.callLambda({ doing: `Reading the Function URL of ${name}`, action: 'lambda:GetFunctionUrlConfig' }, (c) =>
        getUrlTrigger(c, name),
      ),
    ]);
    const rows: FunctionsNode[] = [];
    const add = (triggers: readonly Trigger[]) => {
      for (const trigger of triggers) rows.push({ kind: 'trigger', functionName: name, trigger });
    };
    if (url.status === 'fulfilled' && url.value !== undefined) add([url.value]);
    if (mappings.status === 'fulfilled') add(mappings.value);
    if (policy.status === 'fulfilled') add(policy.value);
    for (const [part, result] of [
      ['mappings', mappings],
      ['policy', policy],
      ['url', url],
    ] as const) {
      if (result.status === 'rejected') rows.push(failedRow(`${id}/${part}`, result.reason));
    }
    return rows.length === 0 ? [emptyRow(id, 'No triggers')] : rows;
  }
}

function emptyRow(parentId: string, text: string): FunctionsNode {
  return { kind: 'message', id: `${parentId}/empty`, text, tone: 'empty' };
}

function failedRow(parentId: string, error: unknown): FunctionsNode {
  const reason = error instanceof AwsError ? shortReason(error) : error instanceof Error ? error.message : String(error);
  return {
    kind: 'message',
    id: `${parentId}/failed`,
    text: `Failed to load: ${reason} - click for details`,
    tone: 'failed',
    error,
  };
}

/** The cause part of an AwsError's message ("Listing X failed: <cause>. <next step>"), for a row. */
function shortReason(error: AwsError): string {
  const afterFailed = error.message.split(' failed: ')[1] ?? error.message;
  return afterFailed.split('. ')[0]?.replace(/\.$/, '') ?? afterFailed;
}

function layerName(arn: string): string {
  // arn:aws:lambda:region:account:layer:name:version
  const parts = arn.split(':');
  return parts.length >= 8 ? `${parts[6]}:${parts[7]}` : arn;
}

function configurationRows(details: FunctionDetails): FunctionsNode[] {
  const { fn } = details;
  const name = fn.name;
  const id = `${name}/configuration`;
  const setting = (label: string, value: string): FunctionsNode => ({
    kind: 'setting',
    functionName: name,
    id: `${id}/${label}`,
    label,
    value,
  });
  return [
    { kind: 'group', functionName: name, group: 'environment', details },
    { kind: 'group', functionName: name, group: 'layers', details },
    setting('Role', fn.role ?? 'none'),
    setting(
      'VPC',
      fn.vpc === undefined
        ? 'not attached to a VPC'
        : `${fn.vpc.vpcId ?? 'VPC'} · subnets ${fn.vpc.subnetIds.join(', ')} · security groups ${fn.vpc.securityGroupIds.join(', ')}`,
    ),
    setting(
      'Reserved concurrency',
      details.reservedConcurrency === undefined ? 'unreserved (account pool)' : String(details.reservedConcurrency),
    ),
    setting('Handler', fn.handler ?? (details.imageUri === undefined ? 'none' : `image ${details.imageUri}`)),
    setting('Memory', `${fn.memoryMb} MB`),
    setting('Timeout', `${fn.timeoutSeconds} s`),
    setting('Architecture', fn.architecture),
    ...(fn.ephemeralStorageMb === undefined ? [] : [setting('Ephemeral storage', `${fn.ephemeralStorageMb} MB`)]),
    ...(fn.tracing === undefined ? [] : [setting('Tracing', fn.tracing)]),
  ];
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function functionTooltip(fn: DeployedFunction): vscode.MarkdownString {
  const rows: [string, string][] = [
    ['Handler', fn.handler ?? (fn.packageType === 'Image' ? 'container image' : 'none')],
    ['Runtime', fn.runtime ?? 'container image'],
    ['Architecture', fn.architecture],
    ['Memory', `${fn.memoryMb} MB`],
    ['Timeout', `${fn.timeoutSeconds} s`],
    ['Code size', formatBytes(fn.codeSizeBytes)],
    ['Last modified', fn.lastModified ?? 'unknown'],
    ['State', fn.state === undefined ? 'Active' : `${fn.state}${fn.stateReason === undefined ? '' : ` (${fn.stateReason})`}`],
  ];
  const tooltip = new vscode.MarkdownString();
  tooltip.appendMarkdown(`**${escapeMarkdown(fn.name)}**\n\n`);
  if (fn.description !== '') tooltip.appendMarkdown(`${escapeMarkdown(fn.description)}\n\n`);
  tooltip.appendMarkdown(rows.map(([label, value]) => `${label}: \`${value.replace(/`/g, "'")}\``).join('  \n'));
  return tooltip;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

/** The one place rows become tree items. `contextValue` is the row's kind, for the menus. */
export function toTreeItem(node: FunctionsNode): vscode.TreeItem {
  const None = vscode.TreeItemCollapsibleState.None;
  const Collapsed = vscode.TreeItemCollapsibleState.Collapsed;
  switch (node.kind) {
    case 'function': {
      const fn = node.fn;
      const item = new vscode.TreeItem(fn.name, Collapsed);
      item.id = `function/${fn.arn}`;
      item.description = `${fn.runtime ?? 'image'} · ${fn.memoryMb} MB · ${fn.timeoutSeconds} s`;
      item.contextValue = 'remoteFunction';
      item.iconPath = new vscode.ThemeIcon(fn.state === 'Failed' ? 'error' : 'symbol-function');
      return item;
    }
    case 'group': {
      const item = new vscode.TreeItem(GROUP_LABELS[node.group], Collapsed);
      item.id = `group/${node.functionName}/${node.group}`;
      item.iconPath = new vscode.ThemeIcon(GROUP_ICONS[node.group]);
      item.contextValue = `group.${node.group}`;
      if (node.group === 'environment') item.description = `${node.details?.fn.environmentNames.length ?? 0}`;
      if (node.group === 'layers') item.description = `${node.details?.fn.layers.length ?? 0}`;
      return item;
    }
    case 'trigger': {
      const { label, description, icon } = describeTrigger(node.trigger);
      const item = new vscode.TreeItem(label, None);
      item.description = description;
      item.iconPath = new vscode.ThemeIcon(icon);
      item.tooltip = triggerTooltip(node.trigger);
      item.contextValue = `trigger.${node.trigger.kind}`;
      return item;
    }
    case 'version': {
      const item = new vscode.TreeItem(`Version ${node.version.version}`, None);
      item.id = `version/${node.arn}`;
      item.description = [node.version.description, node.version.lastModified?.slice(0, 10)].filter(Boolean).join(' · ');
      item.iconPath = new vscode.ThemeIcon('versions');
      item.contextValue = 'remoteVersion';
      item.tooltip = node.arn;
      return item;
    }
    case 'alias': {
      const item = new vscode.TreeItem(node.alias.name, None);
      item.id = `alias/${node.arn}`;
      item.description = `→ ${describeRouting(node.alias)}`;
      item.iconPath = new vscode.ThemeIcon('tag');
      item.contextValue = 'remoteAlias';
      item.tooltip = `${node.arn}${node.alias.description === '' ? '' : `\n${node.alias.description}`}`;
      return item;
    }
    case 'setting': {
      const item = new vscode.TreeItem(node.label, None);
      item.id = `setting/${node.id}`;
      item.description = node.value;
      item.tooltip = `${node.label}: ${node.value}`;
      item.contextValue = 'setting';
      return item;
    }
    case 'envVar': {
      // Only the name: a value is shown on demand, never in the tree.
      const item = new vscode.TreeItem(node.variable, None);
      item.id = `env/${node.functionName}/${node.variable}`;
      item.description = '••••••';
      item.tooltip = 'Use "Reveal Value" to see this variable\'s value.';
      item.iconPath = new vscode.ThemeIcon('symbol-variable');
      item.contextValue = 'environmentVariable';
      return item;
    }
    case 'logs': {
      const item = new vscode.TreeItem('Logs', None);
      item.id = `logs/${node.functionName}`;
      item.iconPath = new vscode.ThemeIcon('output');
      item.contextValue = 'functionLogs';
      item.command = { command: 'lambdaWorkbench.openLogs', title: 'Open Logs', arguments: [node] };
      return item;
    }
    case 'message': {
      const item = new vscode.TreeItem(node.text, None);
      item.id = `message/${node.id}`;
      item.contextValue = `message.${node.tone}`;
      const icons: Record<MessageTone, string> = { empty: 'info', loading: 'loading~spin', failed: 'error', notFound: 'warning' };
      item.iconPath = new vscode.ThemeIcon(icons[node.tone]);
      if (node.error !== undefined) {
        item.command = { command: 'lambdaWorkbench.showLoadError', title: 'Show Details', arguments: [node.error] };
      }
      return item;
    }
  }
}
