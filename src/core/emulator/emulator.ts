// The local Lambda service: functions by name, the Invoke API's semantics (validation, invocation
// types, log tails, service errors), and the environments that run them.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { configProblems, type FunctionConfig } from '../function-config';
import type { LogRecord } from '../logs/record';
import { FunctionPool } from './function-pool';
import { functionArn, newRequestId, newTraceId, parseFunctionName } from './identifiers';
import type { InvocationOutcome } from './environment';
import { ServiceError, serviceErrors } from './lambda-errors';
import type { AwsCredentials } from '../aws/credentials';
import { findExecutable, PythonFinder } from './launch';
import { NodeSnapshots } from './node-snapshots';
import { isNodeRuntime, type PythonRuntime } from '../runtimes';
import { WorkbenchError } from '../errors';
import type { DebugTarget } from './debug';
import { Watchdog } from './watchdog';

/** Largest synchronous request payload: 6 MB. */
export const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** Largest asynchronous (Event) request payload: 1 MB. */
export const MAX_ASYNC_PAYLOAD_BYTES = 1024 * 1024;
/** Largest X-Amz-Client-Context header, decoded. */
export const MAX_CLIENT_CONTEXT_BYTES = 3583;
/** X-Amz-Log-Result carries the last 4 KB of the invocation's log. */
export const LOG_TAIL_BYTES = 4096;

export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';
export type LogType = 'None' | 'Tail';

export interface InvokeRequest {
  /** A name, `name:qualifier`, or a full or partial ARN. */
  readonly functionName: string;
  readonly qualifier?: string;
  readonly invocationType?: InvocationType;
  readonly logType?: LogType;
  /** Base64-encoded JSON, as in the X-Amz-Client-Context header. */
  readonly clientContext?: string;
  readonly payload?: Buffer | string;
}

export interface InvokeResult {
  readonly statusCode: 200 | 202 | 204;
  readonly requestId: string;
  readonly executedVersion?: string;
  readonly functionError?: 'Unhandled';
  /** Base64 of the last 4 KB of the log, when LogType was Tail. */
  readonly logResult?: string;
  readonly payload: Buffer;
  readonly contentType?: string;
  /** The whole outcome, metrics and full log included, for synchronous invocations. */
  readonly outcome?: InvocationOutcome;
}

export interface EmulatorOptions {
  readonly functions: readonly FunctionConfig[];
  /** Marks every process of every environment, so a supervisor can stop them all (see processes.ts). */
  readonly instanceId?: string;
  readonly region?: string;
  readonly accountId?: string;
  /** Environments one function may run at once before invocations are throttled (429). */
  readonly concurrency?: number;
  readonly idleTimeoutMs?: number;
  readonly hotReload?: boolean;
  /** Freeze environments between invocations as Lambda does (off while debugging). */
  readonly freeze?: boolean;
  /** Real AWS credentials to hand to functions; none when omitted. */
  readonly credentials?: AwsCredentials;
  readonly nodePath?: string;
  readonly pythonPath?: string;
  /** Folder of the bundled runtimes (node/bootstrap.cjs, python/bootstrap.py). */
  readonly runtimeDir?: string;
  /** How often a failed asynchronous invocation is retried (Lambda: 2). */
  readonly asyncRetries?: number;
  /** Delay before each retry; Lambda waits minutes, locally seconds are more useful. */
  readonly asyncRetryDelayMs?: number;
  /** The init phase's limit (Lambda: 10 s); tests shorten it. */
  readonly initLimitMs?: number;
  /** Start Node.js environments from V8 startup snapshots (faster cold starts); on by default. */
  readonly nodeSnapshots?: boolean;
  /** Where snapshots are kept; a folder in the system's temporary folder by default. */
  readonly snapshotDir?: string;
  /** One function to run under a debugger; see debug.ts for what changes for it. */
  readonly debug?: DebugTarget;
  /**
   * The watchdog script (dist/watchdog.js, next to the emulator's bundle by default) that ends
   * the environments' processes if the emulator dies; false for none.
   */
  readonly watchdogScript?: string | false;
  /**
   * Functions the project describes but that cannot run (no Runtime, a Timeout Lambda refuses...),
   * with why: invoking one is answered with the reason rather than "not found".
   */
  readonly unavailable?: readonly UnavailableFunction[];
}

export interface UnavailableFunction {
  readonly name: string;
  readonly logicalId?: string;
  readonly deployedName?: string;
  /** Sentences that name the file and line and what to change. */
  readonly problems: readonly string[];
}

export type LogListener = (record: LogRecord) => void;

export class Emulator {
  readonly region: string;
  readonly accountId: string;
  readonly instanceId: string;
  private readonly pools = new Map<string, FunctionPool>();
  private readonly logListeners = new Set<LogListener>();
  private readonly background = new Set<Promise<unknown>>();
  private readonly python: PythonFinder;
  private readonly nodePath: string;
  private readonly snapshots: NodeSnapshots | undefined;
  /** The debugged function's name (not its logical id), when one is debugged. */
  private readonly debugged: string | undefined;
  /** Functions whose Python version was already checked. */
  private readonly checked = new Set<string>();
  private readonly watchdog: Watchdog | undefined;
  private stopped = false;

  constructor(private readonly options: EmulatorOptions) {
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.instanceId = options.instanceId ?? randomUUID();
    this.python = new PythonFinder(hostPath(), options.pythonPath);
    // The emulator may run inside an editor whose own executable is not a plain Node.js.
    this.nodePath = options.nodePath ?? findExecutable('node', hostPath()) ?? process.execPath;
    this.snapshots =
      options.nodeSnapshots === false
        ? undefined
        : new NodeSnapshots(
            this.nodePath,
            join(options.runtimeDir ?? defaultRuntimeDir(), 'node', 'bootstrap.cjs'),
            options.snapshotDir,
            (message) => {
              // Every Node.js function starts without a snapshot from now on; each one's log says why.
              for (const pool of this.pools.values()) {
                if (isNodeRuntime(pool.config.runtime)) {
                  this.emit({ timestamp: Date.now(), functionName: pool.config.name, message, source: 'platform' });
                }
              }
            },
          );
    this.debugged = options.debug === undefined ? undefined : debuggedFunction(options.functions, options.debug);
    this.watchdog =
      options.watchdogScript === false ? undefined : new Watchdog(options.watchdogScript ?? join(__dirname, 'watchdog.js'));
    this.setFunctions(options.functions);
  }

  get functionNames(): string[] {
    return [...this.pools.keys()];
  }

  config(name: string): FunctionConfig | undefined {
    return this.pool(name)?.config;
  }

  /** A function by its name, by its template logical id (as sam local does), or by its deployed name. */
  private pool(name: string): FunctionPool | undefined {
    return (
      this.pools.get(name) ??
      [...this.pools.values()].find((pool) => pool.config.logicalId === name || pool.config.deployedName === name)
    );
  }

  /**
   * Replaces the set of functions: removed ones stop, changed ones recycle their environments, and
   * those given as they were keep their warm environments.
   */
  setFunctions(functions: readonly FunctionConfig[]): void {
    const names = new Set(functions.map((f) => f.name));
    for (const [name, pool] of this.pools) {
      if (!names.has(name)) {
        this.pools.delete(name);
        void pool.stop();
      }
    }
    for (const config of functions) {
      const pool = this.pools.get(config.name);
      if (pool === undefined) this.pools.set(config.name, this.createPool(config));
      else if (!isDeepStrictEqual(pool.config, config)) pool.update(config);
    }
  }

  /**
   * Starts the debugged function's environment before any invocation, so a debugger can attach
   * first. Settles once its debugger server listens (true) or cannot (false; the log says why).
   */
  async provisionForDebugging(): Promise<boolean> {
    const pool = this.debugged === undefined ? undefined : this.pools.get(this.debugged);
    return pool === undefined ? false : pool.provisionForDebugging();
  }

  /** Every log record of every function, as it is written. Returns a function that unsubscribes. */
  onLog(listener: LogListener): () => void {
    this.logListeners.add(listener);
    return () => this.logListeners.delete(listener);
  }

  /** Invokes a function with the semantics of Lambda's Invoke API; service errors are thrown as ServiceError. */
  async invoke(request: InvokeRequest): Promise<InvokeResult> {
    if (this.stopped) throw new ServiceError(503, 'ServiceException', 'The emulator is stopping.');
    const invocationType = request.invocationType ?? 'RequestResponse';
    if (!['RequestResponse', 'Event', 'DryRun'].includes(invocationType)) {
      throw serviceErrors.invalidParameter(`Invalid InvocationType "${invocationType}"; use RequestResponse, Event or DryRun.`);
    }
    const reference = parseFunctionName(request.functionName);
    if (reference === undefined) {
      throw serviceErrors.invalidFunctionName(request.functionName);
    }
    if (request.qualifier !== undefined && reference.qualifier !== undefined && request.qualifier !== reference.qualifier) {
      throw serviceErrors.invalidParameter(
        'The derived qualifier from the function name does not match the specified qualifier.',
      );
    }
    const qualifier = request.qualifier ?? reference.qualifier;
    const pool = this.pool(reference.name);
    const unavailable = this.options.unavailable?.find((f) => [f.name, f.logicalId, f.deployedName].includes(reference.name));
    if (pool === undefined && unavailable !== undefined) {
      throw serviceErrors.invalidParameter(`${unavailable.name} cannot run locally. ${unavailable.problems.join(' ')}`);
    }
    // Locally every function has only $LATEST: there are no published versions or aliases.
    if (pool === undefined || (qualifier !== undefined && qualifier !== '$LATEST')) {
      throw serviceErrors.functionNotFound(functionArn(this.region, this.accountId, reference.name, qualifier ?? '$LATEST'));
    }
    if (!this.checked.has(pool.config.name)) {
      this.checked.add(pool.config.name);
      this.notePythonVersion(pool.config);
    }
    const problems = configProblems(pool.config);
    if (problems.length > 0) throw serviceErrors.invalidParameter(problems.join(' '));

    const payload = typeof request.payload === 'string' ? Buffer.from(request.payload) : (request.payload ?? Buffer.alloc(0));
    const limit = invocationType === 'Event' ? MAX_ASYNC_PAYLOAD_BYTES : MAX_SYNC_PAYLOAD_BYTES;
    if (payload.length > limit) throw serviceErrors.requestTooLarge(limit);
    const event = validateJson(payload);
    const clientContext = decodeClientContext(request.clientContext);
    const requestId = newRequestId();
    if (invocationType === 'DryRun') return { statusCode: 204, requestId, payload: Buffer.alloc(0) };

    const invocation = {
      requestId,
      payload: event,
      invokedFunctionArn: functionArn(this.region, this.accountId, pool.config.name, qualifier),
      traceId: newTraceId(),
      ...(clientContext === undefined ? {} : { clientContext }),
    };
    if (invocationType === 'Event') {
      this.track(this.runAsync(pool, invocation));
      return { statusCode: 202, requestId, payload: Buffer.alloc(0) };
    }
    const outcome = await pool.invoke(invocation);
    return {
      statusCode: 200,
      requestId,
      executedVersion: '$LATEST',
      payload: outcome.payload,
      contentType: outcome.contentType,
      ...(outcome.errorType === undefined ? {} : { functionError: 'Unhandled' }),
      ...(request.logType === 'Tail' ? { logResult: logTail(outcome.log) } : {}),
      outcome,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.pools.values()].map((pool) => pool.stop()));
    await Promise.allSettled([...this.background]);
    this.snapshots?.dispose();
    // Every environment has ended: the watchdog has nothing left to do.
    this.watchdog?.close();
  }

  private createPool(config: FunctionConfig): FunctionPool {
    const path = hostPath();
    const debugPort = config.name === this.debugged ? this.options.debug?.port : undefined;
    const debugging = debugPort !== undefined;
    return new FunctionPool(config, {
      tools: {
        nodePath: this.nodePath,
        ...(this.snapshots === undefined ? {} : { snapshots: this.snapshots }),
        python: this.python,
        runtimeDir: this.options.runtimeDir ?? defaultRuntimeDir(),
        path,
        ...(debugging ? { debugPort } : {}),
      },
      region: this.region,
      emulatorId: this.instanceId,
      ...(this.watchdog === undefined ? {} : { watchdog: this.watchdog }),
      ...(this.options.credentials === undefined ? {} : { credentials: this.options.credentials }),
      // A frozen process would freeze its debugger server too, and the debugger would lose it.
      freeze: !debugging && (this.options.freeze ?? true),
      ...(this.options.initLimitMs === undefined ? {} : { initLimitMs: this.options.initLimitMs }),
      // One environment holds the debugger's port: reserved concurrency 1.
      concurrency: debugging ? 1 : (this.options.concurrency ?? 10),
      idleTimeoutMs: this.options.idleTimeoutMs ?? 5 * 60_000,
      // The debugger stays attached to one environment; a code change would end its session.
      hotReload: !debugging && (this.options.hotReload ?? true),
      onLog: (record) => {
        this.emit(record);
      },
      onWarning: (message) => {
        this.emit({ timestamp: Date.now(), functionName: config.name, message, source: 'platform' });
      },
    });
  }

  /** Says so when a Python function will run on another Python version than its runtime's. */
  private notePythonVersion(config: FunctionConfig): void {
    if (!config.runtime.startsWith('python')) return;
    const choice = this.python.find(config.runtime as PythonRuntime);
    const wanted = config.runtime.slice('python'.length);
    if (choice !== undefined && choice.version !== wanted) {
      this.emit({
        timestamp: Date.now(),
        functionName: config.name,
        message: `${config.runtime} is not installed here; ${config.name} runs on Python ${choice.version} (${choice.path}). Install Python ${wanted} to match Lambda.`,
        source: 'platform',
      });
    }
  }

  private emit(record: LogRecord): void {
    for (const listener of this.logListeners) {
      try {
        listener(record);
      } catch {
        // A failing listener must not break the invocation it listens to.
      }
    }
  }

  /** An Event invocation: queued until an environment is free, retried on function errors. */
  private async runAsync(pool: FunctionPool, invocation: Parameters<FunctionPool['invoke']>[0]): Promise<void> {
    const retries = this.options.asyncRetries ?? 2;
    for (let attempt = 0; attempt <= retries && !this.stopped; attempt++) {
      // Retries keep the request id, as Lambda's do.
      const outcome = await pool.invokeWhenFree(invocation);
      if (outcome.errorType === undefined) return;
      if (attempt < retries) {
        this.emit({
          timestamp: Date.now(),
          functionName: pool.config.name,
          requestId: invocation.requestId,
          message: `Asynchronous invocation ${invocation.requestId} failed with ${outcome.errorType}; retry ${attempt + 1} of ${retries}.`,
          source: 'platform',
        });
        await new Promise((resolve) => setTimeout(resolve, this.options.asyncRetryDelayMs ?? 1000));
      }
    }
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.catch(() => {}).finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }
}

/** The name of the function `target` means, or a WorkbenchError that says which functions there are. */
function debuggedFunction(functions: readonly FunctionConfig[], target: DebugTarget): string {
  const config =
    functions.find((f) => f.name === target.functionName) ?? functions.find((f) => f.logicalId === target.functionName);
  if (config === undefined) {
    const names = functions.map((f) => f.name).join(', ') || 'none';
    throw new WorkbenchError(
      `Cannot debug "${target.functionName}": there is no function by that name. The functions are: ${names}.`,
    );
  }
  if (!isNodeRuntime(config.runtime) && !config.runtime.startsWith('python')) {
    throw new WorkbenchError(
      `Cannot debug ${config.name}: debugging works for Node.js and Python functions, and it runs on ${config.runtime}.`,
    );
  }
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65_535) {
    throw new WorkbenchError(`The debug port ${target.port} is not a port number from 1 to 65535; choose another.`);
  }
  return config.name;
}

function hostPath(): string {
  return process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin';
}

/** The runtimes sit next to the emulator's code: dist/runtimes in a build, src/core/emulator/runtimes in the sources. */
export function defaultRuntimeDir(): string {
  return join(__dirname, 'runtimes');
}

/** An empty payload is the event `{}`; anything else must be JSON. */
function validateJson(payload: Buffer): Buffer {
  if (payload.length === 0) return Buffer.from('{}');
  try {
    JSON.parse(payload.toString('utf8'));
    return payload;
  } catch (error) {
    throw serviceErrors.invalidRequestContent(
      `Could not parse request body into json: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** X-Amz-Client-Context: base64 of a JSON object, passed to the runtime decoded. */
function decodeClientContext(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const decoded = Buffer.from(value, 'base64');
  if (decoded.length > MAX_CLIENT_CONTEXT_BYTES) {
    throw serviceErrors.invalidParameter(`Client context must be at most ${MAX_CLIENT_CONTEXT_BYTES} bytes once decoded.`);
  }
  try {
    const parsed: unknown = JSON.parse(decoded.toString('utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
  } catch {
    throw serviceErrors.invalidRequestContent('Client context must be a valid Base64-encoded JSON object.');
  }
  return decoded.toString('utf8');
}

/** The log as text, one record per line, and its last 4 KB in base64 as X-Amz-Log-Result carries it. */
export function logText(log: readonly LogRecord[]): string {
  return log.map((record) => `${record.message}\n`).join('');
}

export function logTail(log: readonly LogRecord[]): string {
  const bytes = Buffer.from(logText(log));
  let start = Math.max(0, bytes.length - LOG_TAIL_BYTES);
  // Do not start in the middle of a UTF-8 character.
  while (start < bytes.length && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
  return bytes.subarray(start).toString('base64');
}
