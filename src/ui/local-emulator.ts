// The local emulator for the editor: a child process (`lambda-workbench serve`) started on the
// first local invocation with the workspace's functions, given the new set in place when they
// change (the others stay warm), restarted when the AWS connection changes (the functions see the
// chosen region, and the chosen profile's credentials), stopped with the extension. Its log goes to
// an output channel and to the log panel.
import { join } from 'node:path';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import * as vscode from 'vscode';
import type { AwsConnection } from '../core/aws/connection';
import type { DebugTarget } from '../core/emulator/debug';
import { EmulatorProcess } from '../core/emulator/emulator-process';
import { findExecutable } from '../core/emulator/launch';
import type { FunctionConfig } from '../core/function-config';
import type { LogRecord } from '../core/logs/record';
import type { Ctx } from './ctx';

interface Running {
  readonly process: EmulatorProcess;
  readonly client: LambdaClient;
  /** What it was started with (region, profile, who may call it): a change needs a new process. */
  readonly startKey: string;
  /** The functions it serves: a change is given to it in place. */
  functionsKey: string;
}

/** Records kept per function for a log panel opened later. */
const RECENT_RECORDS = 2_000;

/** Any credentials do for the emulator: it checks no signature. */
const LOCAL_CREDENTIALS = { accessKeyId: 'LOCALEMULATOR', secretAccessKey: 'local-emulator' };

export class LocalEmulator implements vscode.Disposable {
  private running: Running | undefined;
  /** The calls of client(), one after another. */
  private turns: Promise<unknown> = Promise.resolve();
  readonly output: vscode.OutputChannel;
  private readonly records = new vscode.EventEmitter<LogRecord>();
  /** Every log record of every local function. */
  readonly onRecord = this.records.event;
  /** The latest records of each function, for a log panel opened after the invocation. */
  private readonly recent = new Map<string, LogRecord[]>();

  constructor(
    private readonly ctx: Ctx,
    /** The AWS connection chosen in the editor, whose region and profile the functions get. */
    private readonly connection: () => Promise<AwsConnection>,
  ) {
    this.output = vscode.window.createOutputChannel('Lambda Local Emulator');
  }

  /**
   * A Lambda client for the emulator serving exactly `functions`, starting, updating or restarting
   * it as needed. One call at a time: two at once could each start an emulator, and one be lost.
   */
  client(functions: readonly FunctionConfig[]): Promise<LambdaClient> {
    const turn = this.turns.then(() => this.clientNow(functions));
    this.turns = turn.catch(() => undefined);
    return turn;
  }

  private async clientNow(functions: readonly FunctionConfig[]): Promise<LambdaClient> {
    // The region, credentials and who may call it are fixed when it starts: a change restarts it.
    const { region, profile } = await this.connection();
    const startKey = JSON.stringify([
      region,
      profile,
      this.ctx.config.emulatorAllowedHosts,
      this.ctx.config.emulatorAllowedOrigins,
    ]);
    const functionsKey = JSON.stringify(functions);
    const running = this.running;
    if (running?.startKey === startKey && running.process.running) {
      if (running.functionsKey === functionsKey) return running.client;
      try {
        await running.process.update(functions);
        running.functionsKey = functionsKey;
        return running.client;
      } catch (error) {
        this.ctx.log.warn(`${(error as Error).message} Restarting the local emulator with them.`);
      }
    }
    this.running = await this.start(functions, startKey, functionsKey);
    return this.running.client;
  }

  /** The latest records of `functionName`, oldest first. */
  recentRecords(functionName: string): readonly LogRecord[] {
    return this.recent.get(functionName) ?? [];
  }

  private remember(record: LogRecord): void {
    let kept = this.recent.get(record.functionName);
    if (kept === undefined) {
      kept = [];
      this.recent.set(record.functionName, kept);
    }
    kept.push(record);
    if (kept.length > RECENT_RECORDS) kept.splice(0, kept.length - RECENT_RECORDS);
  }

  dispose(): void {
    void this.stop();
    this.output.dispose();
    this.records.dispose();
  }

  private async start(functions: readonly FunctionConfig[], startKey: string, functionsKey: string): Promise<Running> {
    await this.stop();
    return { ...(await this.launch(functions)), startKey, functionsKey };
  }

  /**
   * An emulator of its own for one debug session, with `debug.functionName`'s environment started
   * under the debugger's port; the caller stops it when the session ends.
   */
  async launchForDebugging(
    functions: readonly FunctionConfig[],
    debug: DebugTarget,
    buildDir: string,
    pythonPath?: string,
  ): Promise<{ process: EmulatorProcess; client: LambdaClient }> {
    return this.launch(functions, { debug, buildDir, ...(pythonPath === undefined ? {} : { pythonPath }) });
  }

  private async launch(
    functions: readonly FunctionConfig[],
    { debug, buildDir, pythonPath }: { debug?: DebugTarget; buildDir?: string; pythonPath?: string } = {},
  ): Promise<{ process: EmulatorProcess; client: LambdaClient }> {
    const nodePath = findExecutable('node', process.env['PATH'] ?? '');
    this.ctx.log.info(`Starting the local emulator with ${functions.length} function(s).`);
    const { region, profile } = await this.connection();
    const emulator = await EmulatorProcess.start({
      cliPath: join(this.ctx.extension.extensionPath, 'dist', 'cli.js'),
      // Without a Node.js on PATH, the editor's own runtime serves, told to behave as Node.js.
      nodePath: nodePath ?? process.execPath,
      ...(nodePath === undefined ? { nodeEnvironment: { ELECTRON_RUN_AS_NODE: '1' } } : {}),
      functions,
      ...(debug === undefined ? {} : { debug }),
      ...(buildDir === undefined ? {} : { buildDir }),
      ...(pythonPath === undefined ? {} : { pythonPath }),
      region,
      ...(profile === undefined ? {} : { profile }),
      allowedHosts: this.ctx.config.emulatorAllowedHosts,
      allowedOrigins: this.ctx.config.emulatorAllowedOrigins,
      onLog: (record) => {
        this.output.appendLine(`[${record.functionName}] ${record.message}`);
        this.remember(record);
        this.records.fire(record);
      },
      onExit: (code, output) => {
        this.ctx.log.warn(
          `The local emulator exited (code ${String(code)}); it restarts on the next local invocation.\n${output}`,
        );
      },
    });
    const { LambdaClient: Client } = await import('@aws-sdk/client-lambda');
    const client = new Client({ endpoint: emulator.url, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
    this.ctx.log.info(
      `The local emulator serves on ${emulator.url}${debug === undefined ? '' : ` for debugging ${debug.functionName}`}.`,
    );
    return { process: emulator, client };
  }

  private async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    if (running === undefined) return;
    running.client.destroy();
    await running.process.stop();
  }
}
