// `serve`: the project's functions over Lambda's Invoke API on 127.0.0.1, until stopped.
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { type LocalFunction } from '../core/bundle/local-function';
import type { DebugTarget } from '../core/emulator/debug';
import { Emulator } from '../core/emulator/emulator';
import { serveEmulator } from '../core/emulator/http-api';
import { LocalCallers } from '../core/local-callers';
import { type FunctionConfig } from '../core/function-config';
import { WorkbenchError } from '../core/errors';
import type { LogRecord } from '../core/logs/record';
import { isNodeRuntime } from '../core/runtimes';
import { UsageError, TEMPLATE_OPTIONS, portNumber, hostName, originOf, wholeNumber } from './options';
import { profileCredentials, loadFunctions, logicalIdOf, disposeBuilds, prepareToRun } from './load';
import { VERSION } from './version';

/**
 * Writes to a stream once per turn of the event loop: every record of an invocation in one
 * write, rather than a system call each, which matters when invocations run by the thousand.
 */
export function batchedWriter(stream: NodeJS.WriteStream): { write(text: string): void; flush(): void } {
  let pending = '';
  const flush = () => {
    if (pending === '') return;
    stream.write(pending);
    pending = '';
  };
  return {
    write(text) {
      if (pending === '') setImmediate(flush);
      pending += text;
    },
    flush,
  };
}

export function formatRecord(record: LogRecord, json: boolean): string {
  if (json) return `${JSON.stringify(record)}\n`;
  const prefix = `[${record.functionName}] `;
  return `${prefix}${record.message.replaceAll('\n', `\n${prefix}`)}\n`;
}

export const SERVE_OPTIONS = {
  ...TEMPLATE_OPTIONS,
  port: { type: 'string', default: '3001' },
  concurrency: { type: 'string', default: '10' },
  'idle-timeout': { type: 'string', default: '300' },
  'json-logs': { type: 'boolean', default: false },
  'instance-id': { type: 'string' },
  'exit-with-parent': { type: 'boolean', default: false },
  'update-from-stdin': { type: 'boolean', default: false },
  debug: { type: 'string' },
  'debug-port': { type: 'string' },
  'build-dir': { type: 'string' },
  python: { type: 'string' },
  'allow-host': { type: 'string', multiple: true, default: [] as string[] },
  'allow-origin': { type: 'string', multiple: true, default: [] as string[] },
} as const;

export function parseServeArgs(args: string[]) {
  return parseArgs({ args, options: SERVE_OPTIONS });
}

export async function serve(args: string[]): Promise<void> {
  const { values } = parseServeArgs(args);
  // Stop requests are taken from the start: one that comes while functions are still being built
  // stops the emulator as soon as it has started, and ends whatever it started.
  const stop = stopRequest(values['exit-with-parent']);
  let running: Awaited<ReturnType<typeof startServing>>;
  try {
    running = await startServing(values);
  } catch (error) {
    // Nothing keeps waiting for a stop that will never be asked for.
    stop.cancel();
    throw error;
  }
  if (values['update-from-stdin']) applyUpdates(running);
  await stop.requested;
  const { emulator, prepared, buildDir, server, output } = running;
  // The emulator first, so invocations in flight are answered before the server closes.
  await shutdown(emulator, prepared, buildDir);
  await server.close();
  output.flush();
  process.exit(0);
}

export type ServeValues = ReturnType<typeof parseServeArgs>['values'];

/** Builds the functions and starts the emulator and its server; says on standard error when it is ready. */
export async function startServing(values: ServeValues) {
  const port = wholeNumber(values.port, '--port');
  const callers = new LocalCallers({
    allowedHosts: values['allow-host'].map((host) => hostName(host, '--allow-host')),
    allowedOrigins: values['allow-origin'].map((origin) => originOf(origin, '--allow-origin')),
  });
  if (values['debug-port'] !== undefined && values.debug === undefined) {
    throw new UsageError('--debug-port needs --debug <function>, the function to debug.');
  }
  const debugPort = values['debug-port'] === undefined ? undefined : portNumber(values['debug-port'], '--debug-port');
  // Before anything is built or started, so a bad profile leaves nothing behind.
  const auth = await profileCredentials(values.profile);
  const { functions, prepared, unavailable, buildDir, buildRoot, extraEnvironment, project } = await loadFunctions(
    values,
    true,
    undefined,
    values.debug,
  );
  const configs = prepared.map((p, i) => ({ ...p.config, ...logicalIdOf(functions[i]) }));
  let emulator: Emulator;
  try {
    emulator = new Emulator({
      functions: configs,
      region: values.region,
      ...auth,
      ...(values['instance-id'] === undefined ? {} : { instanceId: values['instance-id'] }),
      concurrency: wholeNumber(values.concurrency, '--concurrency'),
      idleTimeoutMs: wholeNumber(values['idle-timeout'], '--idle-timeout') * 1000,
      ...(values.python === undefined ? {} : { pythonPath: values.python }),
      ...(values.debug === undefined ? {} : { debug: debugTarget(values.debug, debugPort, configs) }),
      unavailable,
    });
  } catch (error) {
    await disposeBuilds(prepared, buildDir);
    throw error;
  }
  const output = batchedWriter(values['json-logs'] ? process.stdout : process.stderr);
  emulator.onLog((record) => {
    output.write(formatRecord(record, values['json-logs']));
  });
  let server;
  try {
    server = await serveEmulator(emulator, port, callers);
  } catch (error) {
    await shutdown(emulator, prepared, buildDir);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new WorkbenchError(`Port ${port} is in use. Choose another with --port.`, { cause: error });
    throw error;
  }
  // Ready means a debugger can attach: the debugged function's environment already waits for it,
  // and the record that says where was written before the line that says ready.
  await emulator.provisionForDebugging();
  output.flush();
  process.stderr.write(
    `Lambda Workbench emulator ${VERSION}: serving ${functions.length} function(s) on ${server.url}\n` +
      functions
        .map(
          (f) => `  ${f.config.name}${f.config.logicalId === undefined ? '' : ` (${f.config.logicalId})`}  ${f.config.runtime}\n`,
        )
        .join(''),
  );
  return { emulator, functions, prepared, buildDir, buildRoot, extraEnvironment, server, output, project };
}

export type Running = Awaited<ReturnType<typeof startServing>>;

/** A function being served: as it was given, and as it runs (bundled when it is TypeScript). */
interface Served {
  readonly given: FunctionConfig;
  readonly prepared: LocalFunction;
}

/**
 * The function set being served, changed in place: a function given as before keeps its bundle and
 * its warm environments, a changed one is built again and gets fresh environments, a removed one
 * stops, the others keep serving meanwhile. New and changed functions are built first, in a folder
 * of the change's own, so that a failure leaves what serves as it was.
 */
export class ServedFunctions {
  private served: Served[];
  private changes = 0;

  constructor(private readonly running: Running) {
    this.served = running.prepared.map((prepared, i) => ({ given: running.functions[i]?.config ?? prepared.config, prepared }));
  }

  /** Serves `given` from now on; throws (serving what it served) when one of them does not build. */
  async apply(given: readonly FunctionConfig[]): Promise<void> {
    const { running } = this;
    const fresh: Served[] = [];
    try {
      const buildDir = join(running.buildRoot, `update-${++this.changes}`);
      const outcomes = await Promise.allSettled(
        given.map(async (config): Promise<Served> => {
          const before = this.served.find((s) => s.given.name === config.name);
          if (before !== undefined && isDeepStrictEqual(before.given, config)) return before;
          const environment = { ...config.environment, ...running.extraEnvironment };
          const built = { given: config, prepared: await prepareToRun({ ...config, environment }, buildDir, true) };
          fresh.push(built);
          return built;
        }),
      );
      const failed = outcomes.find((outcome) => outcome.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
      const next = outcomes.map((outcome) => (outcome as PromiseFulfilledResult<Served>).value);
      running.emulator.setFunctions(next.map((s) => s.prepared.config));
      const gone = this.served.filter((s) => !next.includes(s));
      this.served = next;
      running.prepared.splice(0, running.prepared.length, ...next.map((s) => s.prepared));
      await Promise.all(gone.map((s) => s.prepared.dispose()));
    } catch (error) {
      await Promise.all(fresh.map((s) => s.prepared.dispose()));
      throw error;
    }
  }
}

/**
 * Applies the function sets that arrive on standard input, one JSON line each
 * (`{"id": 1, "functions": [FunctionConfig...]}`), in place (see ServedFunctions). Each line is
 * answered on standard error: `[update 1] serving N function(s)`, or `[update 1] failed: <reason>`
 * with the set before it kept.
 */
function applyUpdates(running: Running): void {
  const served = new ServedFunctions(running);
  let queue = Promise.resolve();
  const apply = async (line: string) => {
    let id: unknown;
    try {
      const request = JSON.parse(line) as { id?: unknown; functions?: unknown };
      id = request.id;
      const given = functionConfigsOf(request.functions);
      await served.apply(given);
      running.output.flush();
      process.stderr.write(`[update ${String(id)}] serving ${given.length} function(s)\n`);
    } catch (error) {
      process.stderr.write(`[update ${String(id)}] failed: ${(error as Error).message}\n`);
    }
  };
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() !== '') queue = queue.then(() => apply(line));
  });
}

function functionConfigsOf(value: unknown): FunctionConfig[] {
  if (!Array.isArray(value) || !value.every((f) => typeof (f as { name?: unknown } | null)?.name === 'string')) {
    throw new UsageError('an update is {"id": n, "functions": [...]}, each function with its name.');
  }
  return value as FunctionConfig[];
}

/**
 * `requested` settles on SIGINT or SIGTERM, or, with `withParent`, when standard input closes: the
 * parent holds it open, so its end means the parent is gone, however it went. `cancel` lets the
 * process end without one (a start that failed).
 */
export function stopRequest(withParent: boolean): { requested: Promise<void>; cancel(): void } {
  let stop = () => {};
  const requested = new Promise<void>((resolve) => (stop = resolve));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (withParent) {
    process.stdin.resume();
    process.stdin.once('end', stop);
    process.stdin.once('error', stop);
  }
  return {
    requested,
    cancel() {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      if (withParent) process.stdin.destroy();
    },
  };
}

/** The --debug function with its port: the one given, else the usual port of its runtime's debugger. */
export function debugTarget(name: string, port: number | undefined, configs: FunctionConfig[]): DebugTarget {
  if (port !== undefined) return { functionName: name, port };
  const config = configs.find((c) => c.name === name) ?? configs.find((c) => c.logicalId === name);
  return { functionName: name, port: config !== undefined && isNodeRuntime(config.runtime) ? 9229 : 5678 };
}

export async function shutdown(emulator: Emulator, prepared: LocalFunction[], buildDir: string | undefined): Promise<void> {
  await emulator.stop();
  await disposeBuilds(prepared, buildDir);
}
