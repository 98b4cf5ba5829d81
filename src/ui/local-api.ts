// The local HTTP API in the editor: "Lambda: Start Local API" runs `lambda-workbench start-api` in
// a workspace folder as a child process (the extension host only reads its lines), a status-bar
// item shows where it serves, the Local view lists its APIs and routes, and each route opens in the
// browser or copies its URL. Function logs and access lines go to an output channel of its own.
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { AwsConnection } from '../core/aws/connection';
import { findExecutable } from '../core/emulator/launch';
import { ApiProcess, type ServedApi, type ServedRoute } from '../core/http-api/api-process';
import type { Ctx } from './ctx';

export class LocalApi implements vscode.Disposable {
  private process: ApiProcess | undefined;
  /** Counts starts and stops, so a start that a stop overtook knows it. */
  private generation = 0;
  private starting: Promise<void> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the API starts or stops. */
  readonly onDidChange = this.changed.event;
  readonly output: vscode.OutputChannel;
  private readonly status: vscode.StatusBarItem;

  constructor(
    private readonly ctx: Ctx,
    private readonly connection: () => Promise<AwsConnection>,
  ) {
    this.output = vscode.window.createOutputChannel('Lambda Local API');
    this.status = vscode.window.createStatusBarItem('lambdaWorkbench.localApi', vscode.StatusBarAlignment.Left, 50);
    this.status.name = 'Lambda Local API';
    this.status.command = 'lambdaWorkbench.stopLocalApi';
  }

  /** The APIs served now; empty when the local API is not running. */
  get apis(): readonly ServedApi[] {
    return this.process?.running === true ? this.process.apis : [];
  }

  get running(): boolean {
    return this.process?.running === true;
  }

  /** Starts the local API for a workspace folder (asked when there are several); a running one is stopped first. */
  async start(): Promise<void> {
    if (this.starting !== undefined) return this.starting;
    this.starting = this.launch().finally(() => (this.starting = undefined));
    return this.starting;
  }

  async stop(): Promise<void> {
    // A start still under way is abandoned: what it starts is stopped as soon as it is up.
    this.generation++;
    const running = this.process;
    this.process = undefined;
    this.status.hide();
    if (running !== undefined) {
      await running.stop();
      this.output.appendLine('The local API stopped.');
      this.changed.fire();
    }
  }

  /** Opens a route in the browser: its URL, with each path parameter asked for. */
  async openInBrowser(route: ServedRoute | undefined): Promise<void> {
    const url = route === undefined ? undefined : await this.concreteUrl(route);
    if (url !== undefined) await vscode.env.openExternal(vscode.Uri.parse(url));
  }

  async copyUrl(route: ServedRoute | undefined): Promise<void> {
    if (route === undefined) return;
    await vscode.env.clipboard.writeText(route.url);
    void vscode.window.showInformationMessage(`Copied ${route.url}`);
  }

  dispose(): void {
    void this.stop();
    this.status.dispose();
    this.output.dispose();
    this.changed.dispose();
  }

  private async launch(): Promise<void> {
    await this.stop();
    const generation = this.generation;
    const folder = await this.folder();
    if (folder === undefined) return;
    const nodePath = findExecutable('node', process.env['PATH'] ?? '');
    const { region, profile } = await this.connection();
    this.output.appendLine(`Starting the local API for ${folder.uri.fsPath}...`);
    const started = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Starting the local API' },
      () =>
        ApiProcess.start({
          cliPath: join(this.ctx.extension.extensionPath, 'dist', 'cli.js'),
          // Without a Node.js on PATH, the editor's own runtime serves, told to behave as Node.js.
          nodePath: nodePath ?? process.execPath,
          ...(nodePath === undefined ? { nodeEnvironment: { ELECTRON_RUN_AS_NODE: '1' } } : {}),
          folder: folder.uri.fsPath,
          port: this.ctx.config.localApiPort,
          region,
          ...(profile === undefined ? {} : { profile }),
          onLog: (record) => this.output.appendLine(`[${record.functionName}] ${record.message}`),
          onLine: (line) => this.output.appendLine(line),
          onApis: () => this.changed.fire(),
          onExit: (code, tail) => {
            this.process = undefined;
            this.status.hide();
            this.changed.fire();
            this.output.appendLine(`The local API exited (code ${String(code)}).\n${tail}`);
            void vscode.window
              .showWarningMessage('The local API stopped on its own. Its output says why.', 'Show Output')
              .then((choice) => {
                if (choice !== undefined) this.output.show();
              });
          },
        }),
    );
    if (generation !== this.generation) {
      await started.stop();
      return;
    }
    this.process = started;
    for (const api of started.apis) this.output.appendLine(`${api.kind} ${api.id}: ${api.url}`);
    const [first] = started.apis;
    this.status.text = `$(globe) Local API${first === undefined ? '' : ` :${new URL(first.url).port}`}`;
    this.status.tooltip = `${started.apis.map((api) => `${api.kind} ${api.id}: ${api.url}`).join('\n')}\nClick to stop.`;
    this.status.show();
    this.changed.fire();
  }

  private async folder(): Promise<vscode.WorkspaceFolder | undefined> {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    if (folders.length <= 1) {
      if (folders[0] === undefined)
        void vscode.window.showWarningMessage('Open a folder with a template, serverless.yml or CDK app to start its local API.');
      return folders[0];
    }
    return vscode.window.showWorkspaceFolderPick({ placeHolder: 'The project whose APIs to serve' });
  }

  /** The route's URL with its path parameters filled in; undefined when the user cancels. */
  private async concreteUrl(route: ServedRoute): Promise<string | undefined> {
    let url = route.url;
    for (const [placeholder, name, greedy] of route.url.matchAll(/\{([^{}+]+)(\+?)\}/g)) {
      const value = await vscode.window.showInputBox({
        title: `${route.method} ${route.path}`,
        prompt: `Value of ${name ?? ''}`,
      });
      if (value === undefined) return undefined;
      // A greedy parameter takes a path: its slashes stay.
      const encoded = greedy === '+' ? value.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(value);
      url = url.replace(placeholder, encoded);
    }
    return url;
  }
}
