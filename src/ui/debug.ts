// One-click debugging: a `lambdaWorkbench` debug configuration (from the Debug lens, the Local
// view, or launch.json) starts an emulator of its own with the function's environment waiting
// for a debugger, sends the invoke, and attaches VS Code's JavaScript debugger (with the bundle's
// source maps, so breakpoints in TypeScript hold) or the Python debugger. The invoke proceeds once
// the debugger resumes the environment; ending the session stops the emulator and everything in it.
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { checkDebugpy, freePort } from '../core/emulator/debug';
import { PythonFinder, findExecutable } from '../core/emulator/launch';
import { WorkbenchError } from '../core/errors';
import { invokeFunction, type InvocationResult } from '../core/invoke/invocation';
import { parseJsonText, describeJsonError } from '../core/json-text';
import { isNodeRuntime, type PythonRuntime } from '../core/runtimes';
import { pickLocalFunction } from './function-ref';
import type { Ctx } from './ctx';
import { DEBUG_TYPE } from './contributions';
import type { Invoker } from './invoker';
import type { LocalEmulator } from './local-emulator';
import type { LocalFunction, LocalFunctions } from './local-functions';
import type { ResultView } from './result-view';
import { STEP_OF_A_FLOW } from './quick-input';

/** Marks the attach sessions this extension starts, so their end can be tied back to the emulator. */
const SESSION_KEY = '__lambdaWorkbenchDebugId';

interface DebugRun {
  readonly stop: () => Promise<void>;
  session?: vscode.DebugSession;
}

export class LambdaDebugger implements vscode.DebugConfigurationProvider, vscode.Disposable {
  private readonly runs = new Map<string, DebugRun>();
  private nextRun = 1;
  private readonly disposables: { dispose(): unknown }[];
  /** The last debugged invocation's result; for tests. */
  lastResult: InvocationResult | undefined;

  constructor(
    private readonly ctx: Ctx,
    private readonly functions: LocalFunctions,
    private readonly emulator: LocalEmulator,
    private readonly results: ResultView,
    private readonly invoker: Invoker,
  ) {
    this.disposables = [
      vscode.debug.onDidStartDebugSession((session) => {
        const run = this.runs.get(String(session.configuration[SESSION_KEY]));
        if (run !== undefined) run.session = session;
      }),
      vscode.debug.onDidTerminateDebugSession((session) => {
        const id = String(session.configuration[SESSION_KEY]);
        const run = this.runs.get(id);
        if (run === undefined) return;
        this.runs.delete(id);
        void run.stop();
      }),
    ];
  }

  /** The command: debug the function given (a lens, a row) or one chosen among the workspace's. */
  // Registered at activation by editor-providers.ts, which forwards here.

  async debugFunction(functionName: string | undefined, event?: unknown): Promise<void> {
    const name = functionName ?? (await this.pickFunction());
    if (name === undefined) return;
    const local = await this.functions.find(name);
    const configuration: vscode.DebugConfiguration = {
      type: DEBUG_TYPE,
      request: 'launch',
      name: `Debug ${name}`,
      function: name,
      ...(event === undefined ? {} : { event }),
    };
    await vscode.debug.startDebugging(local?.folder, configuration);
  }

  provideDebugConfigurations(): vscode.ProviderResult<vscode.DebugConfiguration[]> {
    return this.functions.list().then((functions) =>
      functions.map((local) => ({
        type: DEBUG_TYPE,
        request: 'launch',
        name: `Debug ${local.fn.config.name} (Lambda)`,
        function: local.fn.config.name,
      })),
    );
  }

  /** F5 without a launch.json arrives here empty: it becomes "debug the function I choose". */
  async resolveDebugConfiguration(
    _folder: vscode.WorkspaceFolder | undefined,
    configuration: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    const named: unknown = configuration['function'];
    if (configuration.type !== '' && typeof named === 'string' && named !== '') {
      return configuration;
    }
    const name = await this.pickFunction();
    if (name === undefined) return undefined;
    return { ...configuration, type: DEBUG_TYPE, request: 'launch', name: configuration.name || `Debug ${name}`, function: name };
  }

  /**
   * Starts the emulator and the invoke, then the debugger's own session; this configuration
   * itself never runs an adapter, so it resolves to undefined.
   */
  async resolveDebugConfigurationWithSubstitutedVariables(
    folder: vscode.WorkspaceFolder | undefined,
    configuration: vscode.DebugConfiguration,
  ): Promise<undefined> {
    try {
      await this.start(folder, configuration);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.ctx.log.error(`Lambda: Debug: ${message}`);
      void vscode.window.showErrorMessage(message);
    }
    return undefined;
  }

  dispose(): void {
    for (const item of this.disposables.splice(0)) item.dispose();
    for (const run of this.runs.values()) void run.stop();
    this.runs.clear();
  }

  private async start(folder: vscode.WorkspaceFolder | undefined, configuration: vscode.DebugConfiguration): Promise<void> {
    const name: unknown = configuration['function'];
    if (typeof name !== 'string' || name === '') {
      throw new WorkbenchError('The debug configuration names no function. Add "function": "<name in the Local view>" to it.');
    }
    const found = await this.functions.find(name);
    if (found === undefined) {
      throw new WorkbenchError(
        `There is no local function "${name}" in this workspace. Check "function" in the debug configuration against the Local view.`,
      );
    }
    const local = await this.functions.withRuntime(found);
    if (local === undefined) return;
    const runtime = local.fn.config.runtime;
    const isPython = runtime.startsWith('python');
    if (!isNodeRuntime(runtime) && !isPython) {
      throw new WorkbenchError(`Debugging ${runtime} functions is not supported; Node.js and Python functions can be debugged.`);
    }
    const python = isPython ? this.pythonFor(runtime as PythonRuntime) : undefined;
    if (isPython && python === undefined) {
      throw new WorkbenchError(
        `No Python interpreter was found for ${runtime}. Install Python, or pick an interpreter with "Python: Select Interpreter".`,
      );
    }
    if (python !== undefined) await this.checkPythonDebugging(python);

    const picked = await this.event(configuration, local);
    if (picked === undefined) return;

    const port = await freePort();
    const id = String(this.nextRun++);
    const all = (await this.functions.list()).map((f) => f.fn.config);
    // The run's own bundles, in a folder only this user can write (mkdtemp: mode 0700, a name no one
    // can guess): the debugger loads the source maps it finds there.
    const buildDir = mkdtempSync(join(tmpdir(), 'lambda-workbench-debug-'));
    let launched;
    try {
      // Resolves once the function's environment is up and waiting, paused, for a debugger.
      launched = await this.emulator.launchForDebugging(all, { functionName: name, port }, buildDir, python);
    } catch (error) {
      rmSync(buildDir, { recursive: true, force: true });
      throw error;
    }
    const { process: emulator, client } = launched;
    let stopped = false;
    this.runs.set(id, {
      stop: async () => {
        if (stopped) return;
        stopped = true;
        client.destroy();
        await emulator.stop();
        rmSync(buildDir, { recursive: true, force: true });
      },
    });
    this.ctx.log.info(`Debugging ${name}: its environment waits for a debugger on 127.0.0.1:${port}.`);
    const attach = python === undefined ? this.nodeAttach(name, port, local, buildDir) : this.pythonAttach(name, port, local);
    if (!(await vscode.debug.startDebugging(folder, { ...attach, [SESSION_KEY]: id }))) {
      await this.end(id);
      throw new WorkbenchError(
        `The debugger did not start for ${name}. The Debug Console and the "Lambda Workbench" log say why.`,
      );
    }
    // The invoke runs once the debugger has resumed the environment, and stops at its breakpoints.
    invokeFunction(client, { kind: 'local', functionName: name }, picked.event).then(
      (result) => {
        this.lastResult = result;
        this.results.show({ result, eventLabel: picked.label });
        this.ctx.log.info(
          `Debugged invocation of ${name} ended: ${result.error === undefined ? 'succeeded' : `failed (${result.error.type})`}.`,
        );
        void this.end(id);
      },
      (error: unknown) => {
        if (!stopped) void vscode.window.showErrorMessage(`The debugged invocation of ${name} failed: ${String(error)}`);
        void this.end(id);
      },
    );
  }

  /** Ends a run: its debug session (if any) and its emulator. */
  private async end(id: string): Promise<void> {
    const run = this.runs.get(id);
    if (run === undefined) return;
    this.runs.delete(id);
    if (run.session !== undefined) await vscode.debug.stopDebugging(run.session);
    await run.stop();
  }

  private nodeAttach(name: string, port: number, local: LocalFunction, bundles: string): vscode.DebugConfiguration {
    return {
      type: 'node',
      request: 'attach',
      name: `Lambda: ${name}`,
      address: '127.0.0.1',
      port,
      continueOnAttach: true,
      sourceMaps: true,
      outFiles: [`${bundles}/**/*.js`, `${local.fn.config.codeDir}/**/*.js`, '!**/node_modules/**'],
      resolveSourceMapLocations: [`${bundles}/**`, `${local.folder.uri.fsPath}/**`, '!**/node_modules/**'],
      // The emulator's runtime client is not the user's code.
      skipFiles: ['<node_internals>/**', '**/runtimes/node/bootstrap.cjs'],
    };
  }

  private pythonAttach(name: string, port: number, local: LocalFunction): vscode.DebugConfiguration {
    return {
      type: 'debugpy',
      request: 'attach',
      name: `Lambda: ${name}`,
      connect: { host: '127.0.0.1', port },
      pathMappings: [{ localRoot: local.fn.config.codeDir, remoteRoot: local.fn.config.codeDir }],
      justMyCode: true,
    };
  }

  /** The interpreter the emulator would run: the Python extension's choice when set, else the runtime's. */
  private pythonFor(runtime: PythonRuntime): string | undefined {
    const configured = vscode.workspace.getConfiguration('python').get<string>('defaultInterpreterPath');
    const finder = new PythonFinder(process.env['PATH'] ?? '', configured && configured !== 'python' ? configured : undefined);
    return finder.find(runtime)?.path ?? findExecutable('python3', process.env['PATH'] ?? '');
  }

  private async checkPythonDebugging(python: string): Promise<void> {
    const check = checkDebugpy(python);
    if (!check.ok) {
      const copy = 'Copy Install Command';
      const run = 'Install in Terminal';
      const choice = await vscode.window.showErrorMessage(check.message, copy, run);
      if (choice === copy) await vscode.env.clipboard.writeText(check.installCommand);
      if (choice === run) {
        const terminal = vscode.window.createTerminal('Install debugpy');
        terminal.show();
        terminal.sendText(check.installCommand);
      }
      throw new WorkbenchError(check.message);
    }
    if (vscode.extensions.getExtension('ms-python.debugpy') === undefined) {
      throw new WorkbenchError(
        'Attaching to Python needs the "Python Debugger" extension (ms-python.debugpy). Install it from the Extensions view, then debug again.',
      );
    }
  }

  private async event(
    configuration: vscode.DebugConfiguration,
    local: LocalFunction,
  ): Promise<{ event: unknown; label: string } | undefined> {
    if ('event' in configuration) return { event: configuration['event'] as unknown, label: 'given event' };
    const file: unknown = configuration['eventFile'];
    if (typeof file === 'string' && file !== '') {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        throw new WorkbenchError(
          `Cannot read the event file ${file}: ${(error as Error).message}. Check "eventFile" in the debug configuration.`,
        );
      }
      const parsed = parseJsonText(text);
      if (!parsed.ok) throw new WorkbenchError(`${file} is not valid JSON: ${describeJsonError(parsed.error)}.`);
      return { event: parsed.value, label: file };
    }
    return this.invoker.chooseLocalEvent(local.fn.config.name);
  }

  private async pickFunction(): Promise<string | undefined> {
    const choice = await pickLocalFunction(this.functions, {
      title: 'Debug a Lambda function',
      placeHolder: 'Choose the function to invoke with the debugger attached',
      ignoreFocusOut: STEP_OF_A_FLOW,
      whenNone: 'No Lambda handlers were found in this workspace, so there is nothing to debug.',
    });
    return choice?.fn.config.name;
  }
}
