// The local HTTP API as a child process (`lambda-workbench start-api` in a project's folder), for a
// host that should not run it itself, such as the editor's extension host. The APIs it serves are
// read from the lines it prints at start; the functions' log records arrive as JSON lines;
// stopping ends every process it started.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { WorkbenchError } from '../errors';
import type { LogRecord } from '../logs/record';
import { killMarked, signalGroup } from '../emulator/processes';

export interface ServedRoute {
  readonly method: string;
  /** The route's path (`/items/{id}`), or `$default`. */
  readonly path: string;
  /** Its full URL, placeholders included (`http://127.0.0.1:3000/items/{id}`). */
  readonly url: string;
  readonly functionName: string;
}

export interface ServedApi {
  readonly kind: 'REST API' | 'HTTP API' | 'function URL';
  /** The API's logical id, or the function's name for a function URL. */
  readonly id: string;
  readonly stage?: string;
  readonly url: string;
  readonly routes: readonly ServedRoute[];
}

export interface ApiProcessOptions {
  readonly cliPath: string;
  readonly nodePath: string;
  readonly nodeEnvironment?: Readonly<Record<string, string>>;
  /** The project's folder: start-api reads it as the CLI does. */
  readonly folder: string;
  /** The first API's port (0: free ports). */
  readonly port: number;
  readonly region?: string;
  readonly profile?: string;
  readonly onLog?: (record: LogRecord) => void;
  /** Every other line it writes: access lines, reloads, warnings. */
  readonly onLine?: (line: string) => void;
  /** The APIs as announced again after a reload of the project. */
  readonly onApis?: (apis: readonly ServedApi[]) => void;
  /** It ended without being stopped; `output` is the tail of what it wrote. */
  readonly onExit?: (code: number | null, output: string) => void;
  readonly startTimeoutMs?: number;
}

const API_LINE = /^(REST API|HTTP API|function URL) (\S+)(?: \(stage ([^)]+)\))?: (http:\/\/\S+)$/;
const ROUTE_LINE = /^ {2}(\S+) (http:\/\/\S+?)(?: \(\$default\))? -> (\S+)$/;
const READY_LINE = /^start-api ready: \d+ API\(s\)$/;

/** The APIs the lines announce, in order. */
export function servedApis(lines: readonly string[]): ServedApi[] {
  const apis: { kind: ServedApi['kind']; id: string; stage?: string; url: string; routes: ServedRoute[] }[] = [];
  for (const line of lines) {
    const api = API_LINE.exec(line);
    if (api !== null) {
      apis.push({
        kind: api[1] as ServedApi['kind'],
        id: api[2] ?? '',
        ...(api[3] === undefined ? {} : { stage: api[3] }),
        url: api[4] ?? '',
        routes: [],
      });
      continue;
    }
    const route = ROUTE_LINE.exec(line);
    const current = apis[apis.length - 1];
    if (route === null || current === undefined) continue;
    const url = route[2] ?? '';
    const isDefault = line.includes('($default)');
    current.routes.push({
      method: route[1] ?? '',
      path: isDefault ? '$default' : url.slice(current.url.length) || '/',
      url: isDefault ? current.url : url,
      functionName: route[3] ?? '',
    });
  }
  return apis;
}

export class ApiProcess {
  private stopping = false;

  private constructor(
    /** What it serves: as announced at start, then after each reload. */
    public apis: readonly ServedApi[],
    private readonly child: ChildProcessByStdio<Writable, Readable, Readable>,
    private readonly instanceId: string,
    private readonly exited: Promise<void>,
  ) {}

  static async start(options: ApiProcessOptions): Promise<ApiProcess> {
    const instanceId = randomUUID();
    const args = [
      options.cliPath,
      'start-api',
      ...['--port', String(options.port), '--json-logs', '--instance-id', instanceId, '--exit-with-parent'],
      ...(options.region === undefined ? [] : ['--region', options.region]),
      ...(options.profile === undefined ? [] : ['--profile', options.profile]),
    ];
    const child = spawn(options.nodePath, args, {
      cwd: options.folder,
      env: { ...process.env, ...options.nodeEnvironment },
      // Its own process group, and standard input held open by this process only: see EmulatorProcess.
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.on('error', () => undefined);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    readLines(child.stdout, (line) => {
      try {
        options.onLog?.(JSON.parse(line) as LogRecord);
      } catch {
        // Standard output carries records only.
      }
    });
    let tail = '';
    const announced: string[] = [];
    let ready = false;
    // Assigned once started; the exit handler below needs it.
    let instance: ApiProcess | undefined = undefined;
    const started = new Promise<ServedApi[]>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new WorkbenchError(`The local API did not start within ${(options.startTimeoutMs ?? 60_000) / 1000} s.\n${tail}`),
          ),
        options.startTimeoutMs ?? 60_000,
      );
      readLines(child.stderr, (line) => {
        tail = `${tail}${line}\n`.slice(-8000);
        if (!ready) {
          announced.push(line);
          if (READY_LINE.test(line)) {
            ready = true;
            clearTimeout(timer);
            resolve(servedApis(announced.splice(0)));
          }
          return;
        }
        options.onLine?.(line);
        // A reload announces the APIs again, ending with the ready line.
        if (API_LINE.test(line) || ROUTE_LINE.test(line)) announced.push(line);
        else if (READY_LINE.test(line)) {
          const apis = servedApis(announced.splice(0));
          if (instance !== undefined) instance.apis = apis;
          options.onApis?.(apis);
        }
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(
          new WorkbenchError(`The local API could not start: ${error.message}. Check that Node.js is installed.`, {
            cause: error,
          }),
        );
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        if (!ready) {
          const stated = tail
            .trim()
            .split('\n')
            .filter((line) => line.startsWith('lambda-workbench: '))
            .pop();
          reject(
            new WorkbenchError(
              `The local API stopped while starting (exit ${String(code)}): ${(stated ?? tail.trim().split('\n').slice(-3).join(' ')).replace(/^lambda-workbench: /, '')}`,
            ),
          );
        } else if (instance !== undefined && !instance.stopping) {
          killMarked(`${instanceId}/`);
          options.onExit?.(code, tail);
        }
      });
    });
    let apis: ServedApi[];
    try {
      apis = await started;
    } catch (error) {
      signalGroup(child.pid, 'SIGKILL');
      killMarked(`${instanceId}/`);
      throw error;
    }
    instance = new ApiProcess(apis, child, instanceId, exited);
    return instance;
  }

  get running(): boolean {
    return !this.stopping && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Stops the API, its emulator and every process their environments started. */
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
    killMarked(`${this.instanceId}/`);
  }
}

function readLines(stream: Readable, onLine: (line: string) => void): void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') onLine(line);
  });
}
