// The log panel: one editor tab per function, showing its CloudWatch logs (Live Tail or polling)
// and the local emulator's records for it, tagged "cloud" and "local", grouped by invocation.
// The extension host parses and sums up; the webview (media/logs.js) filters and draws.
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { AwsError, toAwsError } from '../core/aws/aws-errors';
import { logGroupConsoleUrl } from '../core/aws/console-url';
import { followLogGroup } from '../core/aws/logs/follow-log-group';
import { logGroupArn } from '../core/aws/logs/live-tail';
import type { CloudWatchLogEvent, TailStatus } from '../core/aws/logs/log-events';
import { InvocationGroups, describeInvocation } from '../core/logs/invocations';
import { parseLogMessage } from '../core/logs/parse';
import type { LogRecord } from '../core/logs/record';
import type { AwsClients } from './aws';
import type { Ctx } from './ctx';
import type { LocalEmulator } from './local-emulator';
import { escapeHtml, webviewPage } from './webview-page';

type Origin = 'local' | 'cloud';

/** A record as the webview draws it. */
interface ViewRecord {
  readonly id: string;
  readonly t: number;
  readonly origin: Origin;
  readonly stream?: string;
  readonly level?: string;
  readonly kind: string;
  readonly req?: string;
  readonly text: string;
  /** Pretty-printed, when the message is a JSON object. */
  readonly json?: string;
}

const DEFAULT_HISTORY_MINUTES = 5;

class FunctionLogPanel implements vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  private groups: Record<Origin, InvocationGroups> = { local: new InvocationGroups(), cloud: new InvocationGroups() };
  private following: AbortController | undefined;
  private ready = false;
  private readonly queued: unknown[] = [];
  private sequence = 0;
  private historyMinutes = DEFAULT_HISTORY_MINUTES;
  private cloudNote = '';

  constructor(
    private readonly ctx: Ctx,
    private readonly aws: AwsClients,
    readonly functionName: string,
    html: () => string,
    private readonly onClosed: () => void,
    /** The local emulator's latest records of the function. */
    private readonly localRecords: () => readonly LogRecord[],
  ) {
    this.panel = vscode.window.createWebviewPanel(
      'lambdaWorkbench.logs',
      `Logs: ${functionName}`,
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      { enableScripts: true, localResourceRoots: [], retainContextWhenHidden: true },
    );
    this.panel.iconPath = vscode.Uri.joinPath(ctx.extension.extensionUri, 'media', 'lambda.svg');
    this.panel.webview.html = html();
    this.panel.onDidDispose(() => {
      this.following?.abort();
      this.onClosed();
    });
    this.panel.webview.onDidReceiveMessage((message: { type?: unknown; text?: unknown; minutes?: unknown }) => {
      switch (message.type) {
        case 'ready':
          this.ready = true;
          void this.panel.webview.postMessage({ type: 'config', cap: this.ctx.config.logsMaxRecords, cloud: true });
          for (const queued of this.queued.splice(0)) void this.panel.webview.postMessage(queued);
          break;
        case 'copy':
          if (typeof message.text === 'string') void vscode.env.clipboard.writeText(message.text);
          break;
        case 'range':
          if (typeof message.minutes === 'number') this.showHistory(message.minutes);
          break;
        case 'customRange':
          void vscode.window
            .showInputBox({
              title: `History of ${functionName}`,
              prompt: 'How many minutes back should the panel load? (up to 10080, one week)',
              value: String(this.historyMinutes),
              validateInput: (value) =>
                /^\d+$/.test(value.trim()) && Number(value) <= 10_080 ? undefined : 'A whole number of minutes, up to 10080.',
            })
            .then((value) => {
              if (value !== undefined) this.showHistory(Number(value.trim()));
            });
          break;
        case 'openConsole':
          void this.aws
            .connection()
            .then((c) =>
              vscode.env.openExternal(vscode.Uri.parse(logGroupConsoleUrl(c.region, `/aws/lambda/${this.functionName}`), true)),
            );
          break;
      }
    });
  }

  /** Starts again with the last `minutes` of history. */
  private showHistory(minutes: number): void {
    this.historyMinutes = minutes;
    this.post({ type: 'reset' });
    this.groups = { local: new InvocationGroups(), cloud: new InvocationGroups() };
    this.addLocal(this.localRecords());
    void this.followCloud();
  }

  private post(message: unknown): void {
    if (this.ready) void this.panel.webview.postMessage(message);
    else this.queued.push(message);
  }

  /** Parses, sums up and sends one batch. */
  add(origin: Origin, entries: readonly { t: number; message: string; stream?: string }[]): void {
    const records: ViewRecord[] = [];
    const changed = new Map<string, ReturnType<InvocationGroups['add']>>();
    for (const entry of entries) {
      const parsed = parseLogMessage(entry.message);
      const summary = this.groups[origin].add(parsed, entry.t);
      if (summary !== undefined) changed.set(summary.requestId, summary);
      records.push({
        id: `${origin}-${++this.sequence}`,
        t: entry.t,
        origin,
        kind: parsed.kind,
        text: parsed.text,
        ...(entry.stream === undefined ? {} : { stream: entry.stream }),
        ...(parsed.level === undefined ? {} : { level: parsed.level }),
        ...(parsed.requestId === undefined ? {} : { req: parsed.requestId }),
        ...(parsed.json === undefined ? {} : { json: JSON.stringify(parsed.json, null, 2) }),
      });
    }
    this.post({ type: 'records', records });
    // One message for every invocation the batch touched: a history load touches thousands.
    const summaries = [...changed.values()].flatMap((summary) =>
      summary === undefined
        ? []
        : [{ origin, req: summary.requestId, chip: describeInvocation(summary), failed: summary.failed }],
    );
    if (summaries.length > 0) this.post({ type: 'summaries', summaries });
  }

  addLocal(records: readonly LogRecord[]): void {
    this.add(
      'local',
      records.map((record) => ({ t: record.timestamp, message: record.message, stream: 'local emulator' })),
    );
  }

  private status(text: string, tone: '' | 'warning' | 'error' = ''): void {
    this.post({ type: 'status', text, tone });
  }

  /** (Re)starts following the function's CloudWatch log group. */
  async followCloud(): Promise<void> {
    this.following?.abort();
    const controller = new AbortController();
    this.following = controller;
    const name = this.functionName;
    const logGroupName = `/aws/lambda/${name}`;
    const connection = await this.aws.connection();
    let arn: string | undefined;
    try {
      const { GetFunctionConfigurationCommand } = await import('@aws-sdk/client-lambda');
      const config = await this.aws.callLambda(
        { doing: `Reading ${name}`, action: 'lambda:GetFunctionConfiguration' },
        (client) => client.send(new GetFunctionConfigurationCommand({ FunctionName: name })),
      );
      arn = config.FunctionArn;
    } catch (error) {
      this.ctx.log.info(`Logs of ${name}: ${error instanceof Error ? error.message : String(error)}`);
      if (error instanceof AwsError && error.kind === 'notFound') {
        // Not deployed: the panel still shows the local emulator's records.
        this.status(`${name} is not deployed in ${connection.region}: showing the local emulator's records.`);
      } else {
        this.status(
          `${error instanceof Error ? error.message : String(error)} The local emulator's records still show here.`,
          'error',
        );
      }
      return;
    }
    const accountId = arn?.split(':')[4];
    const client = await this.aws.logs();
    this.cloudNote = '';
    await followLogGroup(client, {
      mode: this.ctx.config.logsSource,
      logGroupName,
      ...(accountId === undefined ? {} : { logGroupArn: logGroupArn(connection.region, accountId, logGroupName) }),
      startTime: Date.now() - this.historyMinutes * 60_000,
      signal: controller.signal,
      onEvents: (events: readonly CloudWatchLogEvent[]) =>
        this.add(
          'cloud',
          events.map((event) => ({ t: event.timestamp, message: event.message, stream: event.logStreamName })),
        ),
      onStatus: (status: TailStatus) => this.showTailStatus(status, logGroupName, connection),
    });
  }

  private showTailStatus(
    status: TailStatus,
    logGroupName: string,
    connection: Awaited<ReturnType<AwsClients['connection']>>,
  ): void {
    const reason = (error: unknown) => (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
    switch (status.kind) {
      case 'streaming':
        this.status(
          status.via === 'liveTail'
            ? `Live Tail: ${logGroupName} streams as CloudWatch ingests.`
            : `Polling ${logGroupName} every 1 to 1.25 s.${this.cloudNote}`,
        );
        break;
      case 'fellBack':
        this.cloudNote =
          status.reason instanceof Error && status.reason.name === 'ResourceNotFoundException'
            ? ' (Live Tail needs the log group to exist.)'
            : ` (Live Tail is not available: ${reason(status.reason)}.)`;
        break;
      case 'waiting':
        this.status(`No logs yet: ${logGroupName} appears when ${this.functionName} is first invoked. Waiting…`);
        break;
      case 'retrying':
        this.status(
          `The log stream broke (${reason(status.error)}); reconnecting in ${Math.round(status.retryInMs / 1000)} s…`,
          'warning',
        );
        break;
      case 'stopped': {
        const action = this.ctx.config.logsSource === 'liveTail' ? 'logs:StartLiveTail' : 'logs:FilterLogEvents';
        const error = toAwsError(status.error, { doing: `Reading ${logGroupName}`, action, service: 'logs' }, connection);
        this.status(error.message, 'error');
        this.ctx.log.warn(error.message);
        break;
      }
    }
  }

  dispose(): void {
    this.following?.abort();
    this.panel.dispose();
  }
}

export class LogPanels implements vscode.Disposable {
  private readonly panels = new Map<string, FunctionLogPanel>();
  private template: { style: string; script: string } | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly ctx: Ctx,
    private readonly aws: AwsClients,
    private readonly emulator: LocalEmulator,
  ) {
    this.disposables.push(
      emulator.onRecord((record) => this.panels.get(record.functionName)?.addLocal([record])),
      aws.connections.onDidChange(() => {
        for (const panel of this.panels.values()) void panel.followCloud();
      }),
    );
  }

  /** Opens (or shows) the panel of a function. */
  open(functionName: string): void {
    const existing = this.panels.get(functionName);
    if (existing !== undefined) {
      existing.panel.reveal();
      return;
    }
    const panel = new FunctionLogPanel(
      this.ctx,
      this.aws,
      functionName,
      () => this.html(functionName),
      () => this.panels.delete(functionName),
      () => this.emulator.recentRecords(functionName),
    );
    this.panels.set(functionName, panel);
    panel.addLocal(this.emulator.recentRecords(functionName));
    void panel.followCloud().catch((error: unknown) => {
      this.ctx.log.error(
        `Following the logs of ${functionName} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  }

  /** The functions whose panels are open; for tests. */
  get openPanels(): readonly string[] {
    return [...this.panels.keys()];
  }

  private html(functionName: string): string {
    const read = (file: string) =>
      readFileSync(vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'media', file).fsPath, 'utf8');
    this.template ??= { style: read('logs.css'), script: read('logs.js') };
    return webviewPage({
      title: `Logs: ${functionName}`,
      ...this.template,
      body: `<div class="toolbar">
  <button id="follow" aria-pressed="true" title="Keep the newest records in view">Follow</button>
  <button id="pause">Pause</button>
  <button id="clear">Clear</button>
  <input id="filter" type="text" placeholder="Filter (text)" aria-label="Filter">
  <button id="regex" aria-pressed="false" title="Use a regular expression">.*</button>
  <label>Level <select id="level" aria-label="Level">
    <option value="">All</option><option value="DEBUG">DEBUG+</option><option value="INFO">INFO+</option>
    <option value="WARN">WARN+</option><option value="ERROR">ERROR+</option>
  </select></label>
  <span id="request-filter" hidden>Request <code id="request-id"></code> <button id="clear-request" title="Show every invocation">✕</button></span>
  <select id="range" aria-label="History">
    <option value="5">Last 5 minutes</option><option value="60">Last hour</option>
    <option value="1440">Last 24 hours</option><option value="0">New records only</option>
    <option value="custom">Custom…</option>
  </select>
  <button id="console">Open in CloudWatch</button>
  <button id="copy-visible">Copy</button>
</div>
<div id="status" class="status"><span id="status-text">Starting…</span><span id="counts"></span><span id="dropped" class="dropped"></span></div>
<div id="list" class="list"><div id="empty" class="empty">No records yet. Invoke ${escapeHtml(functionName)} locally or in AWS; its logs appear here.</div><div id="rows" class="rows"></div></div>
<div id="details" class="details" hidden></div>`,
    });
  }

  dispose(): void {
    for (const panel of this.panels.values()) panel.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
