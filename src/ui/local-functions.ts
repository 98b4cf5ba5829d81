// The workspace's functions: SAM templates, serverless.yml files and handler code, discovered in
// two worker threads (see discovery-worker.ts and parser-worker.ts) when first asked for and again
// after a relevant file changes. Unreadable templates become diagnostics on their files; the other
// functions still list.
import { join, relative } from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { DiscoveryReply, DiscoveryRequest, DiscoveryWorkerData } from '../discovery-worker';
import type { ParserWorkerData } from '../parser-thread';
import type { ParserReply, ParserRequest } from '../core/discovery/parser-port';
import { WorkbenchError } from '../core/errors';
import {
  readFunctionSettings,
  updateFunctionSettings,
  type FunctionSettings,
  type FunctionSettingsPatch,
} from '../core/discovery/function-settings';
import type { DiscoveredFunction, DiscoveredLayer, DiscoveryProblem, HandlerLocation, LayerUse } from '../core/discovery/types';
import { NODE_RUNTIMES, PYTHON_RUNTIMES, type Runtime } from '../core/runtimes';
import type { Ctx } from './ctx';
import { parserCodeCacheDir } from './parser-cache';
import { STEP_OF_A_FLOW } from './quick-input';

export interface LocalFunction {
  readonly fn: DiscoveredFunction;
  readonly folder: vscode.WorkspaceFolder;
  /** Where it is described, relative to its workspace folder. */
  readonly source: string;
  /** What the user chose for it in `.lambda/functions.json`. */
  readonly settings: FunctionSettings;
}

/** Files whose change can change what discovery finds. */
const WATCHED = '**/*.{yaml,yml,ts,mts,cts,js,mjs,cjs,py,json}';
/** Folders discovery skips, so a change inside them (an npm install, a build) triggers nothing. */
const IGNORED_SEGMENT =
  /[\\/](node_modules|\.git|\.aws-sam|cdk\.out|dist|build|out|coverage|\.serverless|\.esbuild|\.venv|venv|__pycache__)[\\/]/;
const RESCAN_DELAY_MS = 400;
const WORKER_TIMEOUT_MS = 60_000;

export class LocalFunctions implements vscode.Disposable {
  private cached: Promise<LocalFunction[]> | undefined;
  private readonly disposables: { dispose(): unknown }[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after a change on disk made the next listing differ (or possibly differ). */
  readonly onDidChange = this.changed.event;
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('lambdaWorkbench.discovery');
  private readonly threads: DiscoveryThreads;
  private rescan: NodeJS.Timeout | undefined;
  /** How long the last full discovery took, for the log and the benchmark. */
  lastScanMs: number | undefined;
  /** What the last discovery could not read (a template that does not parse, a broken settings file...). */
  private problemsFound: readonly DiscoveryProblem[] = [];
  /** The layers the last discovery found, by folder index and layer id. */
  private layersFound = new Map<string, DiscoveredLayer>();

  constructor(private readonly ctx: Ctx) {
    const dist = vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist');
    this.threads = new DiscoveryThreads(
      vscode.Uri.joinPath(dist, 'discovery-worker.js').fsPath,
      vscode.Uri.joinPath(dist, 'parser-worker.js').fsPath,
      parserCodeCacheDir(ctx.extension),
    );
    const watcher = vscode.workspace.createFileSystemWatcher(WATCHED);
    const onFile = (uri: vscode.Uri) => {
      if (IGNORED_SEGMENT.test(uri.fsPath) && !uri.fsPath.endsWith('functions.json')) return;
      this.scheduleRescan();
    };
    watcher.onDidChange(onFile);
    watcher.onDidCreate(onFile);
    watcher.onDidDelete(onFile);
    this.disposables.push(
      watcher,
      this.threads,
      this.changed,
      this.diagnostics,
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.scheduleRescan()),
      vscode.workspace.onDidCloseTextDocument((document) => this.threads.closed(document.uri.fsPath)),
    );
  }

  list(): Promise<LocalFunction[]> {
    if (this.cached === undefined) {
      const reading = this.read();
      this.cached = reading;
      // A failed discovery is reported to its caller and tried again on the next request.
      reading.catch(() => {
        if (this.cached === reading) this.cached = undefined;
      });
    }
    return this.cached;
  }

  /** The files the current listing could not read or use, each located at its line. */
  async problems(): Promise<readonly DiscoveryProblem[]> {
    await this.list();
    return this.problemsFound;
  }

  /** The project's layer a function names, when it is one of the project's (not a published version). */
  layer(local: LocalFunction, use: LayerUse): DiscoveredLayer | undefined {
    return 'layerId' in use ? this.layersFound.get(`${local.folder.index}#${use.layerId}`) : undefined;
  }

  /** Whether discovery's threads are running (so the parser will write its own code cache). */
  get threadsStarted(): boolean {
    return this.threads.running;
  }

  /** The function of that name (or template logical id). */
  async find(name: string): Promise<LocalFunction | undefined> {
    const functions = await this.list();
    return functions.find((f) => f.fn.config.name === name) ?? functions.find((f) => f.fn.config.logicalId === name);
  }

  async findById(id: string): Promise<LocalFunction | undefined> {
    return (await this.list()).find((f) => f.fn.id === id);
  }

  /** The functions whose handler is in `file`. */
  async inFile(file: string): Promise<LocalFunction[]> {
    return (await this.list()).filter((f) => f.fn.handlerCode?.file === file);
  }

  /**
   * The handlers written in one document, as it is now (saved or not). The parser keeps the
   * document's tree and parses only what each edit changed.
   */
  async handlersIn(document: vscode.TextDocument): Promise<HandlerLocation[]> {
    return this.threads.handlers(document.uri.fsPath, document.getText());
  }

  /** Forgets what was found, so the next listing discovers again; listeners hear of it at once. */
  refresh(): void {
    this.cached = undefined;
    this.changed.fire();
  }

  /**
   * The function with a known runtime: one whose runtime nothing named is asked for once, and the
   * answer is remembered in `.lambda/functions.json`. Undefined when the user cancels.
   */
  async withRuntime(local: LocalFunction): Promise<LocalFunction | undefined> {
    if (local.fn.runtimeKnown) return local;
    const python = local.fn.handlerCode?.language === 'python' || local.fn.config.runtime.startsWith('python');
    const runtimes: readonly Runtime[] = python ? PYTHON_RUNTIMES : NODE_RUNTIMES;
    const choice = await vscode.window.showQuickPick(
      runtimes.map((runtime) => ({ label: runtime })),
      {
        title: `Runtime of ${local.fn.config.name}`,
        placeHolder: `${local.source} does not say which runtime ${local.fn.config.name} uses; the choice is remembered in .lambda/functions.json`,
        ignoreFocusOut: STEP_OF_A_FLOW,
      },
    );
    if (choice === undefined) return undefined;
    await this.remember(local, { runtime: choice.label });
    return (await this.findById(local.fn.id)) ?? local;
  }

  /** Saves choices about a function in its folder's `.lambda/functions.json` and discovers again. */
  async remember(local: LocalFunction, patch: FunctionSettingsPatch): Promise<void> {
    await updateFunctionSettings(local.folder.uri.fsPath, local.fn.id, patch);
    this.refresh();
  }

  dispose(): void {
    clearTimeout(this.rescan);
    for (const item of this.disposables.splice(0)) item.dispose();
  }

  private scheduleRescan(): void {
    clearTimeout(this.rescan);
    this.rescan = setTimeout(() => this.refresh(), RESCAN_DELAY_MS);
  }

  private async read(): Promise<LocalFunction[]> {
    const started = performance.now();
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    const functions: LocalFunction[] = [];
    const problems: DiscoveryProblem[] = [];
    const layers = new Map<string, DiscoveredLayer>();
    const storage = this.ctx.extension.storageUri?.fsPath;
    for (const folder of folders) {
      const root = folder.uri.fsPath;
      const settings = readFunctionSettings(root);
      if (settings.problem !== undefined) problems.push(settings.problem);
      const found = await this.threads.workspace(root, {
        defaultNodeRuntime: this.ctx.config.defaultNodeRuntime,
        overrides: settings.functions,
        // What earlier sessions parsed, by file size and time: a restart parses only changed files.
        ...(storage === undefined ? {} : { cacheFile: join(storage, `discovery-${folder.index}.json`) }),
      });
      problems.push(...found.problems);
      for (const layer of found.layers) layers.set(`${folder.index}#${layer.id}`, layer);
      for (const discovered of found.functions) {
        const chosen = settings.functions[discovered.id] ?? {};
        // The deployed function chosen once (deploy, "Invoke remotely") wins over the template's name.
        const fn = chosen.remoteFunction === undefined ? discovered : { ...discovered, remoteName: chosen.remoteFunction };
        functions.push({ fn, folder, source: relative(root, fn.sourceFile), settings: chosen });
        for (const warning of fn.warnings) this.ctx.log.warn(`${relative(root, fn.sourceFile)}: ${warning}`);
      }
    }
    this.showProblems(problems);
    this.problemsFound = problems;
    this.layersFound = layers;
    this.lastScanMs = performance.now() - started;
    this.ctx.log.info(`Found ${functions.length} local function(s) in ${this.lastScanMs.toFixed(0)} ms.`);
    void vscode.commands.executeCommand('setContext', 'lambdaWorkbench.discoveryReady', true);
    return uniqueAcrossFolders(functions);
  }

  private showProblems(problems: readonly DiscoveryProblem[]): void {
    this.diagnostics.clear();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const problem of problems) {
      const line = Math.max(0, problem.line - 1);
      const diagnostic = new vscode.Diagnostic(
        new vscode.Range(line, problem.column, line, Number.MAX_SAFE_INTEGER),
        problem.message,
        vscode.DiagnosticSeverity.Error,
      );
      diagnostic.source = 'Lambda Workbench';
      byFile.set(problem.file, [...(byFile.get(problem.file) ?? []), diagnostic]);
      this.ctx.log.warn(`${problem.file}:${problem.line}: ${problem.message}`);
    }
    for (const [file, diagnostics] of byFile) this.diagnostics.set(vscode.Uri.file(file), diagnostics);
  }
}

/** Names are unique within a folder; a name repeated in a second folder gets that folder's name. */
function uniqueAcrossFolders(functions: LocalFunction[]): LocalFunction[] {
  const seen = new Set<string>();
  return functions.map((local) => {
    let name = local.fn.config.name;
    if (seen.has(name)) name = `${name}-${local.folder.name.replace(/[^A-Za-z0-9_-]/g, '')}`;
    seen.add(name);
    return name === local.fn.config.name ? local : { ...local, fn: { ...local.fn, config: { ...local.fn.config, name } } };
  });
}

/**
 * The two threads of discovery, started together on first use (the parser loads the TypeScript
 * compiler while the discovery worker reads the workspace) and again after either dies: the
 * discovery worker, asked for workspaces, and the parser worker, asked for open documents.
 */
class DiscoveryThreads implements vscode.Disposable {
  private threads: { discovery: Worker; parser: Worker } | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { settle: (reply: Reply) => void; reject: (error: Error) => void }>();

  constructor(
    private readonly discoveryScript: string,
    private readonly parserScript: string,
    private readonly codeCacheDir: string,
  ) {}

  async workspace(root: string, options: DiscoveryRequest['options']) {
    const reply = await this.request('discovery', { root, options });
    if ('workspace' in reply) return reply.workspace;
    throw new WorkbenchError('The discovery worker gave no result.');
  }

  async handlers(file: string, text: string): Promise<HandlerLocation[]> {
    const reply = await this.request('parser', { kind: 'document', file, text });
    return 'document' in reply ? reply.document : [];
  }

  get running(): boolean {
    return this.threads !== undefined;
  }

  /** The editor closed a document: the parser drops its tree. Nothing to do when the threads are not running. */
  closed(file: string): void {
    const request: ParserRequest = { id: 0, kind: 'closed', file };
    this.threads?.parser.postMessage(request);
  }

  dispose(): void {
    this.stop(new WorkbenchError('Discovery stopped.'));
  }

  private request(
    to: 'discovery' | 'parser',
    body: DistributiveOmit<DiscoveryRequest, 'id'> | DistributiveOmit<Exclude<ParserRequest, { kind: 'closed' }>, 'id'>,
  ): Promise<Reply> {
    const id = this.nextId++;
    const threads = this.start();
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new WorkbenchError('Handler discovery took over a minute and was stopped. Try "Refresh" in the Local view.'));
      }, WORKER_TIMEOUT_MS);
      this.pending.set(id, {
        settle: (reply) => {
          clearTimeout(timer);
          if ('error' in reply) reject(new WorkbenchError(`Handler discovery failed: ${reply.error}`));
          else resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      threads[to].postMessage({ ...body, id });
    });
  }

  private start(): { discovery: Worker; parser: Worker } {
    if (this.threads !== undefined) return this.threads;
    const channel = new MessageChannel();
    const parserData: ParserWorkerData = { discoveryPort: channel.port2, codeCacheDir: this.codeCacheDir };
    const discoveryData: DiscoveryWorkerData = { parserPort: channel.port1 };
    const threads = {
      parser: new Worker(this.parserScript, { workerData: parserData, transferList: [channel.port2] }),
      discovery: new Worker(this.discoveryScript, { workerData: discoveryData, transferList: [channel.port1] }),
    };
    for (const worker of [threads.parser, threads.discovery]) {
      worker.on('message', (reply: Reply) => {
        const waiting = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        waiting?.settle(reply);
      });
      const fail = (error: Error) => {
        if (this.threads === threads) this.stop(new WorkbenchError(`Handler discovery stopped: ${error.message}`));
      };
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`a worker exited with code ${code}`)));
      // Idle workers must not keep the extension host alive.
      worker.unref();
    }
    this.threads = threads;
    return threads;
  }

  /** Ends both threads (one alone is of no use) and fails what waits on them. */
  private stop(error: Error): void {
    const threads = this.threads;
    this.threads = undefined;
    void threads?.discovery.terminate();
    void threads?.parser.terminate();
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}

type Reply = DiscoveryReply | ParserReply;
type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
