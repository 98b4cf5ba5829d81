// The emulator as a child process (`lambda-workbench serve`), for hosts that should not run it
// themselves, such as the editor's extension host: environments, bundling and HTTP all happen
// outside the host. Log records arrive as JSON lines; stopping ends every process it started.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { WorkbenchError } from '../errors';
import type { FunctionConfig } from '../function-config';
import type { LogRecord } from '../logs/record';
import type { DebugTarget } from './debug';
import { killMarked, signalGroup } from './processes';

export interface EmulatorProcessOptions {
  /** `lambda-workbench`'s script (dist/cli.js). */
  readonly cliPath: string;
  readonly nodePath: string;
  /** Extra environment for Node.js (an editor's own executable needs ELECTRON_RUN_AS_NODE). */
  readonly nodeEnvironment?: Readonly<Record<string, string>>;
  readonly functions: readonly FunctionConfig[];
  readonly region?: string;
  /** A profile whose credentials the functions get. */
  readonly profile?: string;
  /**
   * One function to run under a debugger (see debug.ts). `start()` resolves once its environment
   * waits for the debugger on 127.0.0.1:`port`, which the log says in a "Debugger listening" record.
   */
  readonly debug?: DebugTarget;
  /**
   * Where TypeScript handlers are bundled, one folder per function (`<buildDir>/<function name>/`,
   * source maps beside the bundles), for a debugger's outFiles; the caller owns the folder. A
   * temporary folder of the emulator's own by default.
   */
  readonly buildDir?: string;
  /** The Python interpreter for Python functions (the one checkDebugpy checked, when debugging one). */
  readonly pythonPath?: string;
  /** Host names the Invoke API answers besides loopback ones (see local-callers.ts). */
  readonly allowedHosts?: readonly string[];
  /** Origins whose web pages may call the Invoke API. */
  readonly allowedOrigins?: readonly string[];
  readonly onLog?: (record: LogRecord) => void;
  /** The process ended without being stopped; `output` is what it last wrote to standard error. */
  readonly onExit?: (code: number | null, output: string) => void;
  readonly startTimeoutMs?: number;
}

const READY = /serving \d+ function\(s\) on (http:\/\/127\.0\.0\.1:\d+)/;

export class EmulatorProcess {
  private stopping = false;
  private lastUpdate = 0;

  private constructor(
    readonly url: string,
    private readonly child: ChildProcessByStdio<Writable, Readable, Readable>,
    private readonly instanceId: string,
    private readonly scratch: string,
    private readonly exited: Promise<void>,
  ) {}

  static async start(options: EmulatorProcessOptions): Promise<EmulatorProcess> {
    const instanceId = randomUUID();
    const scratch = mkdtempSync(join(tmpdir(), 'lambda-workbench-emulator-'));
    const functionsFile = join(scratch, 'functions.json');
    writeFileSync(functionsFile, JSON.stringify({ functions: options.functions }));
    const args = [
      options.cliPath,
      'serve',
      ...['--functions', functionsFile, '--port', '0', '--json-logs', '--instance-id', instanceId],
      // Standard input is this process's: its end stops the emulator, its lines change the functions.
      ...['--exit-with-parent', '--update-from-stdin'],
      ...(options.region === undefined ? [] : ['--region', options.region]),
      ...(options.profile === undefined ? [] : ['--profile', options.profile]),
      ...(options.debug === undefined ? [] : ['--debug', options.debug.functionName, '--debug-port', String(options.debug.port)]),
      ...(options.buildDir === undefined ? [] : ['--build-dir', options.buildDir]),
      ...(options.pythonPath === undefined ? [] : ['--python', options.pythonPath]),
      ...(options.allowedHosts ?? []).flatMap((host) => ['--allow-host', host]),
      ...(options.allowedOrigins ?? []).flatMap((origin) => ['--allow-origin', origin]),
    ];
    const child = spawn(options.nodePath, args, {
      env: { ...process.env, ...options.nodeEnvironment },
      // Its own process group: stopping it stops everything below it. Its standard input stays
      // open to this process only; when this process ends, however abruptly, the emulator stops.
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // Writing to an emulator that has just exited fails with EPIPE; its exit is what reports that.
    child.stdin.on('error', () => undefined);
    let stderr = '';
    let readyUrl: string | undefined;
    // Assigned once started; the exit handler below needs it.
    let instance: EmulatorProcess | undefined = undefined;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    readJsonLines(child.stdout, (record) => options.onLog?.(record as LogRecord));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new WorkbenchError(
            `The local emulator did not start within ${(options.startTimeoutMs ?? 60_000) / 1000} s.\n${stderr}`,
          ),
        );
      }, options.startTimeoutMs ?? 60_000);
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => {
        // Keep the tail: it explains a failure to start or a crash.
        stderr = (stderr + chunk).slice(-8000);
        const match = readyUrl === undefined ? READY.exec(stderr) : null;
        if (match?.[1] !== undefined) {
          readyUrl = match[1];
          clearTimeout(timer);
          resolve(readyUrl);
        }
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(
          new WorkbenchError(`The local emulator could not start: ${error.message}. Check that Node.js is installed.`, {
            cause: error,
          }),
        );
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        if (readyUrl === undefined) {
          // The CLI states its failure on a line of its own; anything else is context.
          const lines = stderr.trim().split('\n');
          const stated = lines.filter((line) => line.startsWith('lambda-workbench: ')).pop();
          const reason = (stated ?? lines.slice(-3).join(' ')).replace(/^lambda-workbench: /, '');
          reject(new WorkbenchError(`The local emulator stopped while starting (exit ${String(code)}): ${reason}`));
        } else if (instance !== undefined && !instance.stopping) {
          instance.cleanUp();
          options.onExit?.(code, stderr);
        }
      });
    }).catch((error: unknown) => {
      signalGroup(child.pid, 'SIGKILL');
      killMarked(`${instanceId}/`);
      rmSync(scratch, { recursive: true, force: true });
      throw error;
    });
    instance = new EmulatorProcess(url, child, instanceId, scratch, exited);
    return instance;
  }

  /**
   * Serves `functions` from now on without a restart: those given as before keep their warm
   * environments, changed ones start fresh, removed ones stop. Resolves once the emulator serves
   * them; rejects with its reason (it then serves the set before).
   */
  async update(functions: readonly FunctionConfig[], timeoutMs = 60_000): Promise<void> {
    const id = ++this.lastUpdate;
    // A whole line: an answer split across two chunks is read once it has ended.
    const answer = new RegExp(`^\\[update ${id}\\] (serving \\d+ function\\(s\\)|failed: (.*))\\n`, 'm');
    const { stderr } = this.child;
    let seen = '';
    let onData: (chunk: string) => void = () => {};
    let onExit: () => void = () => {};
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        onData = (chunk: string) => {
          seen = (seen + chunk).slice(-8000);
          const match = answer.exec(seen);
          if (match === null) return;
          if (match[2] === undefined) resolve();
          else reject(new WorkbenchError(`The local emulator refused the new functions: ${match[2]}`));
        };
        onExit = () => reject(new WorkbenchError('The local emulator stopped before it took the new functions.'));
        stderr.on('data', onData);
        this.child.once('exit', onExit);
        timer = setTimeout(
          () => reject(new WorkbenchError(`The local emulator did not take the new functions within ${timeoutMs / 1000} s.`)),
          timeoutMs,
        );
        if (!this.running) onExit();
        else this.child.stdin.write(`${JSON.stringify({ id, functions })}\n`);
      });
    } finally {
      clearTimeout(timer);
      stderr.off('data', onData);
      this.child.off('exit', onExit);
    }
  }

  get running(): boolean {
    return !this.stopping && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Stops the emulator and every process any of its environments started. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const pid = this.child.pid;
    if (pid !== undefined && this.child.exitCode === null) {
      signalGroup(pid, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.exited, new Promise((resolve) => (timer = setTimeout(resolve, 3000)))]);
      clearTimeout(timer);
      signalGroup(pid, 'SIGKILL');
    }
    this.cleanUp();
  }

  private cleanUp(): void {
    // Environments live in process groups of their own; the marker finds any that outlived the emulator.
    killMarked(`${this.instanceId}/`);
    rmSync(this.scratch, { recursive: true, force: true });
  }
}

function readJsonLines(stream: Readable, onValue: (value: unknown) => void): void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        onValue(JSON.parse(line));
      } catch {
        // Not a record; the emulator writes nothing else on standard output.
      }
    }
  });
}
