// One result view for local and remote invocations: payload, error and stack, REPORT metrics,
// log tail, request id and target, with "Save event", "Invoke again" and "Copy payload". A
// webview with a strict content security policy: its own style and script, inlined under a
// nonce, and nothing loaded from anywhere.
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { describeTarget, type InvocationResult } from '../core/invoke/invocation';
import type { Ctx } from './ctx';
import { escapeHtml, webviewPage } from './webview-page';

export type ResultAction = 'saveEvent' | 'invokeAgain' | 'copyPayload' | 'showLogs';

export interface ShownResult {
  readonly result: InvocationResult;
  readonly eventLabel: string;
}

export class ResultView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private shown: ShownResult | undefined;
  private assetsValue: ViewAssets | undefined;
  private readonly actions = new vscode.EventEmitter<{ action: ResultAction; shown: ShownResult }>();
  /** A button of the view was clicked. */
  readonly onAction = this.actions.event;

  constructor(private readonly ctx: Ctx) {}

  /** The result on screen, if the view is open. */
  get current(): ShownResult | undefined {
    return this.panel === undefined ? undefined : this.shown;
  }

  show(shown: ShownResult): void {
    this.shown = shown;
    const title = `Lambda: ${shown.result.target.functionName}`;
    if (this.panel === undefined) {
      const media = vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'media');
      // Everything the page needs is inlined, so it may load no resource at all.
      this.panel = vscode.window.createWebviewPanel(
        'lambdaWorkbench.result',
        title,
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        {
          enableScripts: true,
          localResourceRoots: [],
        },
      );
      this.panel.iconPath = vscode.Uri.joinPath(media, 'lambda.svg');
      this.panel.onDidDispose(() => {
        this.panel = undefined;
      });
      this.panel.webview.onDidReceiveMessage((message: { type?: unknown }) => {
        if (
          this.shown !== undefined &&
          (message.type === 'saveEvent' ||
            message.type === 'invokeAgain' ||
            message.type === 'copyPayload' ||
            message.type === 'showLogs')
        ) {
          this.actions.fire({ action: message.type, shown: this.shown });
        }
      });
    }
    this.panel.title = title;
    this.panel.webview.html = renderResult(this.assets(), shown);
    this.panel.reveal(undefined, true);
  }

  /** Read from media/ on first use. */
  private assets(): ViewAssets {
    const read = (file: string) =>
      readFileSync(vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'media', file).fsPath, 'utf8');
    this.assetsValue ??= { style: read('result.css'), script: read('result.js') };
    return this.assetsValue;
  }

  dispose(): void {
    this.panel?.dispose();
    this.actions.dispose();
  }
}

const escape = escapeHtml;

function metric(name: string, value: string): string {
  return `<div class="metric"><div class="name">${escape(name)}</div><div class="value">${escape(value)}</div></div>`;
}

/** The view's stylesheet and script, inlined into the page under its nonce. */
export interface ViewAssets {
  readonly style: string;
  readonly script: string;
}

export function renderResult(assets: ViewAssets, { result, eventLabel }: ShownResult): string {
  const version = result.executedVersion === undefined ? '' : ` · version ${result.executedVersion}`;
  const m = result.metrics;
  const metrics =
    m === undefined
      ? `<p class="note">No REPORT line in the log tail, so no duration or memory figures (the tail may be cut, or the endpoint sends no log).</p>`
      : `<div class="metrics">${[
          metric('Duration', `${m.durationMs.toFixed(2)} ms`),
          metric('Billed Duration', `${m.billedDurationMs} ms`),
          metric('Memory Used', `${m.maxMemoryUsedMB} of ${m.memorySizeMB} MB`),
          ...(m.initDurationMs === undefined ? [] : [metric('Init Duration', `${m.initDurationMs.toFixed(2)} ms (cold start)`)]),
          metric('Round trip', `${result.roundTripMs.toFixed(0)} ms`),
        ].join('')}</div>`;
  const payload = result.payloadJson === undefined ? result.payload : JSON.stringify(result.payloadJson, null, 2);
  const error =
    result.error === undefined
      ? ''
      : `<h2>Error</h2><p><span class="error-type">${escape(result.error.type)}</span>: ${escape(result.error.message)}</p>` +
        (result.error.stack.length === 0 ? '' : `<pre class="stack">${escape(result.error.stack.join('\n'))}</pre>`);
  return webviewPage({
    title: result.target.functionName,
    style: assets.style,
    script: assets.script,
    body: `<header>
  <h1>${escape(result.target.functionName)}</h1>
  <span class="status ${result.error === undefined ? 'ok' : 'failed'}">${result.error === undefined ? 'Succeeded' : `Failed: ${escape(result.error.type)}`}</span>
  ${m?.initDurationMs === undefined ? '' : '<span class="badge">cold start</span>'}
  <span class="target">${escape(describeTarget(result.target))}${escape(version)} · status ${result.statusCode} · event: ${escape(eventLabel)}</span>
</header>
<p class="request-id">Request ID <code>${escape(result.requestId)}</code> · ${escape(new Date(result.invokedAt).toLocaleString())}</p>
${metrics}
<div class="actions">
  <button data-action="invokeAgain">Invoke again</button>
  <button class="secondary" data-action="saveEvent">Save event</button>
  <button class="secondary" data-action="copyPayload">Copy payload</button>
  <button class="secondary" data-action="showLogs">Show logs</button>
</div>
${error}
<h2>Payload</h2>
<pre class="payload">${escape(payload === '' ? '(empty)' : payload)}</pre>
<h2>Log tail</h2>
<pre class="log">${escape(result.logTail === '' ? '(no log tail was returned)' : result.logTail)}</pre>`,
  });
}
