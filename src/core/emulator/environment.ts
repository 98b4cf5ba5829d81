// One execution environment: a runtime process of its own, talking to its own Runtime API
// endpoint, running one invocation at a time. It keeps its state between invocations (warm
// reuse), is frozen while idle as Lambda freezes sandboxes, and dies on timeout, crash or stop.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FunctionConfig } from '../function-config';
import { billedDuration, endLine, initReportLine, reportLine, startLine, timeoutLine } from '../logs/platform';
import type { LogRecord } from '../logs/record';
import { newLogStreamName } from './identifiers';
import { exitError, platformError, timedOutError, type ProcessExit } from './lambda-errors';
import { debuggerListeningLine, DEBUG_HOST, isListening, portInUse } from './debug';
import { isLaunchFailure, lambdaEnvironment, launchSpec, type LaunchFailure, type RuntimeTools } from './launch';
import type { AwsCredentials } from '../aws/credentials';
import { isNodeRuntime } from '../runtimes';
import { LocalCallers } from '../local-callers';
import { EnvironmentProcess } from './environment-process';
import { ENVIRONMENT_MARKER, markerValue, selfId } from './processes';
import type { Watchdog } from './watchdog';

/** Largest response a runtime may post: 6 MiB plus 100 bytes. */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024 + 100;
/** The init phase's own limit, before Lambda retries init inside the first invocation. */
export const INIT_LIMIT_MS = 10_000;
const MEMORY_CHECK_INTERVAL_MS = 100;
const PEAK_MEMORY_READ_INTERVAL_MS = 100;
/**
 * Lambda freezes an environment the moment it answers. Freezing after a short idle spell instead
 * keeps back-to-back invocations from paying a stop and a resume each, while timers left
 * running by a handler still stop until the next invocation, as in Lambda.
 */
const FREEZE_AFTER_IDLE_MS = 20;
const DEBUG_PORT_POLL_MS = 25;
/** debugpy starts an adapter process before it listens; on a busy machine that takes seconds. */
const DEBUG_PORT_LIMIT_MS = 30_000;

/** One invocation as the environment receives it. */
export interface Invocation {
  readonly requestId: string;
  readonly payload: Buffer;
  readonly invokedFunctionArn: string;
  readonly traceId: string;
  /** Decoded client context JSON, as the runtime receives it. */
  readonly clientContext?: string;
  /** Cognito identity JSON. */
  readonly cognitoIdentity?: string;
}

export interface InvocationOutcome {
  readonly requestId: string;
  readonly payload: Buffer;
  readonly contentType: string;
  /** Set when the function failed: the runtime's error type, or the platform's (Sandbox.Timedout...). */
  readonly errorType?: string;
  readonly durationMs: number;
  readonly billedDurationMs: number;
  readonly maxMemoryUsedMB: number;
  readonly memorySizeMB: number;
  /** Present on a cold start. */
  readonly initDurationMs?: number;
  /** The invocation's log as Lambda would show it, one record per line (init output first on a cold start). */
  readonly log: readonly LogRecord[];
}

export interface EnvironmentOptions {
  readonly config: FunctionConfig;
  readonly tools: RuntimeTools;
  readonly region: string;
  readonly credentials?: AwsCredentials;
  /** Freeze the process group between invocations (SIGSTOP/SIGCONT), as Lambda does. */
  readonly freeze: boolean;
  /** The init phase's limit; Lambda's is 10 seconds. */
  readonly initLimitMs?: number;
  /** Identifies the emulator; every process of the environment carries it (see processes.ts). */
  readonly emulatorId: string;
  /** Told of every process of the environment, to end them if the emulator dies (see watchdog.ts). */
  readonly watchdog?: Watchdog;
  /** Every record as it is written, for live log views. */
  readonly onLog: (record: LogRecord) => void;
  /** Called once, when the environment can take no more invocations. */
  readonly onGone: (environment: Environment) => void;
}

type State = 'initializing' | 'idle' | 'busy' | 'gone';

/** Only the environment's runtime calls its Runtime API: by a loopback address, never from a web page. */
const RUNTIME_API_CALLERS = new LocalCallers({
  howToAllow: {
    host: () => 'A runtime reaches its Runtime API at the address in AWS_LAMBDA_RUNTIME_API.',
    origin: () => 'A web page may not call the Runtime API.',
  },
});

/** The environment ended before its invocation reached the runtime; another one can take it. */
export class EnvironmentLostError extends Error {
  override name = 'EnvironmentLostError';

  constructor(environmentId: string) {
    super(`Environment ${environmentId} ended before its invocation started.`);
  }
}

interface Current {
  readonly invocation: Invocation;
  readonly resolve: (outcome: InvocationOutcome) => void;
  readonly reject: (error: EnvironmentLostError) => void;
  readonly log: LogRecord[];
  /** When the runtime received the event (START). */
  dispatchedAt?: number;
  /** When the runtime's answer (or the platform's verdict) arrived. */
  completedAt?: number;
  deadlineMs?: number;
  timer?: NodeJS.Timeout;
  /** The runtime has started posting its answer (its body may still be arriving). */
  answering: boolean;
  /** Peak memory read just before the platform killed the process. */
  peakKB?: number | undefined;
  completed: boolean;
}

export class Environment {
  readonly id = randomUUID();
  private state: State = 'initializing';
  private server: Server | undefined;
  private process: EnvironmentProcess | undefined;
  private readonly startedAt = performance.now();
  private initDurationMs: number | undefined;
  /** Set until the first invocation has reported the cold start. */
  private coldStart = true;
  private initLimitTimer: NodeJS.Timeout | undefined;
  /** Init output waiting to be shown with the first invocation. */
  private readonly initLog: LogRecord[] = [];
  private pendingNext: ServerResponse | undefined;
  private current: Current | undefined;
  private initError: { payload: Buffer; errorType: string } | undefined;
  private memoryTimer: NodeJS.Timeout | undefined;
  private outOfMemory = false;
  private frozen = false;
  private peakKB = 0;
  private peakReadAt = -Infinity;
  private freezeTimer: NodeJS.Timeout | undefined;
  private exit: ProcessExit | undefined;
  private readonly exited: Promise<void>;
  /** Settles once the current invocation, if any, has its answer. */
  private answered: Promise<void> = Promise.resolve();
  /** Settles once the processes are gone and the endpoint is closed. */
  private released: Promise<void> = Promise.resolve();
  private markExited!: () => void;
  private debuggerReady: Promise<boolean> = Promise.resolve(false);

  private constructor(private readonly options: EnvironmentOptions) {
    this.exited = new Promise((resolve) => (this.markExited = resolve));
  }

  /** Starts the Runtime API endpoint and the runtime process; init proceeds in the background. */
  static async start(options: EnvironmentOptions): Promise<Environment> {
    const environment = new Environment(options);
    await environment.listen();
    try {
      await environment.startRuntime();
    } catch (error) {
      // Nothing of a failed start stays open.
      await environment.stop();
      throw error;
    }
    return environment;
  }

  private async startRuntime(): Promise<void> {
    const options = this.options;
    const debugPort = options.tools.debugPort;
    // A Node.js inspector that cannot listen says so and runs the code anyway, undebugged.
    const taken =
      debugPort !== undefined && (await portInUse(debugPort))
        ? {
            errorType: 'Runtime.InvalidEntrypoint',
            errorMessage: `Port ${debugPort} on ${DEBUG_HOST} is in use, so ${options.config.name}'s debugger cannot listen there. Choose another debug port.`,
          }
        : undefined;
    this.launch(taken);
  }

  /** The environment runs under a debugger server: no timeout or init limit applies (see debug.ts). */
  private get debugging(): boolean {
    return this.options.tools.debugPort !== undefined;
  }

  /**
   * Settles once the debugger server listens (true), or once it is clear it never will (false:
   * the process ended or could not start). Immediately false for an environment not being debugged.
   */
  get debuggerListening(): Promise<boolean> {
    return this.debuggerReady;
  }

  /** The environment's marker variable's value (see processes.ts). */
  private get marker(): string {
    return markerValue(this.options.emulatorId, this.id, selfId());
  }

  private get initLimitMs(): number {
    return this.options.initLimitMs ?? INIT_LIMIT_MS;
  }

  get isIdle(): boolean {
    return this.state === 'idle';
  }

  /** Can take an invocation now: idle, or still initializing with none waiting. */
  get isFree(): boolean {
    return this.state === 'idle' || (this.state === 'initializing' && this.current === undefined);
  }

  get isGone(): boolean {
    return this.state === 'gone';
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** Runs one invocation. The environment must be idle or still initializing without an invocation. */
  invoke(invocation: Invocation): Promise<InvocationOutcome> {
    if (this.current !== undefined || this.state === 'gone' || this.state === 'busy') {
      throw new Error(`Environment ${this.id} is not free (${this.state}).`);
    }
    const answer = new Promise<InvocationOutcome>((resolve, reject) => {
      this.current = { invocation, resolve, reject, log: [], answering: false, completed: false };
      if (this.state === 'idle') this.state = 'busy';
      if (this.initError !== undefined) {
        this.finishInitFailure();
        return;
      }
      this.thaw();
      if (this.pendingNext !== undefined) this.dispatch(this.pendingNext);
    });
    this.answered = answer.then(
      () => undefined,
      () => undefined,
    );
    return answer;
  }

  /** Ends the environment and every process it started. */
  async stop(): Promise<void> {
    this.markGone();
    await this.released;
  }

  // ---- process ----------------------------------------------------------------------------

  private async listen(): Promise<void> {
    // No timeouts: /next is a long poll, and a handler may run for 15 minutes between requests.
    const server = createServer({ requestTimeout: 0, keepAliveTimeout: 0 }, (req, res) => {
      this.handleRuntimeApi(req, res);
    });
    server.headersTimeout = 0;
    server.timeout = 0;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        resolve();
      });
    });
  }

  private launch(failure?: LaunchFailure): void {
    const { config, tools } = this.options;
    const spec = failure ?? launchSpec(config, tools);
    if (isLaunchFailure(spec)) {
      this.failToStart(spec.errorType, spec.errorMessage);
      return;
    }
    const port = (this.server?.address() as AddressInfo).port;
    const env = lambdaEnvironment(config, {
      runtimeApi: `127.0.0.1:${port}`,
      region: this.options.region,
      logStreamName: newLogStreamName(),
      runtimeDir: tools.runtimeDir,
      path: tools.path,
      marker: [ENVIRONMENT_MARKER, this.marker],
      ...(this.options.credentials === undefined ? {} : { credentials: this.options.credentials }),
    });
    const couldNotStart = (reason: string) =>
      `Could not start ${config.name}'s runtime (${spec.command}): ${reason}. Check the function's configuration.`;
    try {
      this.process = EnvironmentProcess.start({
        command: spec.command,
        args: spec.args,
        cwd: config.codeDir,
        env,
        ...(this.options.watchdog === undefined ? {} : { watchdog: this.options.watchdog }),
        onLine: (line) => {
          this.record(line, 'function');
        },
        onSpawnError: (error) => {
          this.failToStart('Runtime.InvalidEntrypoint', couldNotStart(error.message));
          this.onExit({ code: null, signal: null });
        },
        onExit: (code, signal) => {
          this.onExit({ code, signal });
        },
      });
    } catch (error) {
      // Refused before any process existed: an argument or variable the system cannot pass on.
      this.failToStart('Runtime.InvalidEntrypoint', couldNotStart(error instanceof Error ? error.message : String(error)));
      return;
    }
    if (tools.debugPort !== undefined) {
      // Init waits for the debugger, however long the developer takes to attach.
      this.debuggerReady = this.announceDebugger(
        tools.debugPort,
        isNodeRuntime(config.runtime) ? 'Node.js inspector' : 'debugpy',
      );
      return;
    }
    this.initLimitTimer = setTimeout(() => {
      this.onInitLimit();
    }, this.initLimitMs);
  }

  /** The runtime cannot start: the first invocation fails with this error, and the environment ends. */
  private failToStart(errorType: string, errorMessage: string): void {
    this.initError = { payload: platformError(errorType, errorMessage), errorType };
    this.record(`${errorType}: ${errorMessage}`, 'platform');
    this.markExited();
  }

  /** Waits for the debugger server to listen, then says in the log where to attach. */
  private async announceDebugger(port: number, server: 'Node.js inspector' | 'debugpy'): Promise<boolean> {
    const deadline = performance.now() + DEBUG_PORT_LIMIT_MS;
    while (this.exit === undefined && this.state !== 'gone') {
      if (isListening(port)) {
        this.record(debuggerListeningLine(port, server), 'platform');
        return true;
      }
      if (performance.now() > deadline) {
        this.record(
          `The debugger of ${this.options.config.name} is not listening on ${DEBUG_HOST}:${port} after ${DEBUG_PORT_LIMIT_MS / 1000} s; its log above may say why. Attaching may still work later.`,
          'platform',
        );
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, DEBUG_PORT_POLL_MS));
    }
    return false;
  }

  /** Adds a record to the current invocation's log (or the init log) and reports it live. */
  private record(line: string, source: LogRecord['source']): void {
    // Runtimes write a multi-line message as one line with carriage returns; show it as lines again.
    const message = line.replaceAll('\r', '\n');
    const current = this.current?.dispatchedAt === undefined ? undefined : this.current;
    const record: LogRecord = {
      timestamp: Date.now(),
      functionName: this.options.config.name,
      message,
      source,
      ...(current === undefined ? {} : { requestId: current.invocation.requestId }),
    };
    (current?.log ?? this.initLog).push(record);
    this.options.onLog(record);
  }

  private onExit(exit: ProcessExit): void {
    if (this.exit !== undefined) return;
    this.exit = exit;
    this.markExited();
    clearTimeout(this.initLimitTimer);
    this.stopMemoryWatch();
    this.pendingNext = undefined;
    const current = this.current;
    if (current !== undefined && !current.completed && current.dispatchedAt === undefined && this.initDurationMs !== undefined) {
      // A warm environment died between invocations (it exited after its last answer) before
      // taking this one: the invocation never started, so it goes to another environment.
      this.current = undefined;
      this.markGone();
      current.reject(new EnvironmentLostError(this.id));
    } else if (current !== undefined && !current.completed) {
      // An answer the runtime posted just before it exited may still be on its way: let it arrive first.
      setImmediate(() => {
        if (current.dispatchedAt === undefined && this.initError !== undefined) {
          this.finishInitFailure();
        } else {
          const outOfMemory =
            this.outOfMemory || current.log.some((r) => /JavaScript heap out of memory|MemoryError/.test(r.message));
          this.complete(current, exitError(current.invocation.requestId, exit, outOfMemory), {
            errorType: outOfMemory ? 'Runtime.OutOfMemory' : 'Runtime.ExitError',
          });
        }
      });
    } else if (this.state !== 'gone') {
      this.markGone();
    }
  }

  /**
   * The environment takes no more invocations: its processes are killed (with any children that
   * outlived the runtime) and its Runtime API endpoint closes.
   */
  private markGone(): void {
    if (this.state === 'gone') return;
    this.state = 'gone';
    clearTimeout(this.freezeTimer);
    clearTimeout(this.initLimitTimer);
    this.stopMemoryWatch();
    this.options.onGone(this);
    this.released = this.release();
  }

  private async release(): Promise<void> {
    const runtime = this.process;
    if (runtime !== undefined) {
      this.kill();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.exited, new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
      clearTimeout(timer);
      runtime.release();
    }
    // An invocation cut short by the stop is answered before the environment counts as released.
    await this.answered;
    const server = this.server;
    if (server === undefined) return;
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
      server.closeAllConnections();
    });
  }

  /** Ends every process of the environment, whether it left the runtime's session or not. */
  private kill(): void {
    this.process?.kill();
  }

  private scheduleFreeze(): void {
    if (!this.options.freeze) return;
    clearTimeout(this.freezeTimer);
    this.freezeTimer = setTimeout(() => {
      this.freeze();
    }, FREEZE_AFTER_IDLE_MS);
  }

  private freeze(): void {
    if (this.frozen || this.exit !== undefined || this.current !== undefined || this.state === 'gone') return;
    this.process?.freeze();
    this.frozen = true;
  }

  private thaw(): void {
    clearTimeout(this.freezeTimer);
    if (!this.frozen) return;
    this.process?.thaw();
    this.frozen = false;
  }

  // ---- init -------------------------------------------------------------------------------

  private onInitLimit(): void {
    if (this.initDurationMs !== undefined || this.state === 'gone') return;
    this.record(initReportLine(this.initLimitMs, 'init', 'timeout'), 'platform');
    if (this.current === undefined) {
      // No invocation is waiting: Lambda gives up on this environment.
      this.kill();
      return;
    }
    // Lambda retries a timed-out init inside the invocation, under the function timeout. Here
    // init simply continues for that long instead of starting over; a runtime that is still not
    // ready then ends as a timed-out invocation.
    const current = this.current;
    this.initLimitTimer = setTimeout(() => {
      if (this.initDurationMs !== undefined || current.completed) return;
      this.onTimeout(current);
    }, this.options.config.timeoutSeconds * 1000);
  }

  /** The invocation fails because init did; the environment is not reused. */
  private finishInitFailure(): void {
    const current = this.current;
    const failure = this.initError;
    if (current === undefined || failure === undefined || current.completed) return;
    const initMs = performance.now() - this.startedAt;
    this.record(initReportLine(initMs, 'init', 'error', failure.errorType), 'platform');
    this.kill();
    this.complete(current, failure.payload, { errorType: failure.errorType, initFailed: true });
  }

  // ---- invocation ---------------------------------------------------------------------------

  private dispatch(response: ServerResponse): void {
    const current = this.current;
    if (current === undefined) return;
    this.pendingNext = undefined;
    const { invocation } = current;
    const { config } = this.options;
    // Output written since the last invocation ended belongs before this one's START.
    this.process?.drain();
    current.dispatchedAt = performance.now();
    current.deadlineMs = Date.now() + config.timeoutSeconds * 1000;
    this.state = 'busy';
    this.record(startLine(invocation.requestId), 'platform');
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'Content-Length': String(invocation.payload.length),
      'Lambda-Runtime-Aws-Request-Id': invocation.requestId,
      'Lambda-Runtime-Deadline-Ms': String(current.deadlineMs),
      'Lambda-Runtime-Invoked-Function-Arn': invocation.invokedFunctionArn,
      'Lambda-Runtime-Trace-Id': invocation.traceId,
    };
    if (invocation.clientContext !== undefined) headers['Lambda-Runtime-Client-Context'] = invocation.clientContext;
    if (invocation.cognitoIdentity !== undefined) headers['Lambda-Runtime-Cognito-Identity'] = invocation.cognitoIdentity;
    response.writeHead(200, headers);
    response.end(invocation.payload);
    // A handler paused at a breakpoint must not be killed for its timeout.
    if (!this.debugging) {
      current.timer = setTimeout(() => {
        this.onTimeout(current);
      }, config.timeoutSeconds * 1000);
    }
    this.startMemoryWatch();
  }

  private onTimeout(current: Current): void {
    if (current.completed) return;
    const { config } = this.options;
    // What the handler wrote until now comes before the platform's verdict.
    this.process?.drain(true);
    this.record(timeoutLine(current.invocation.requestId, config.timeoutSeconds), 'platform');
    this.notePeakMemory();
    this.kill();
    this.complete(current, timedOutError(current.invocation.requestId, config.timeoutSeconds), {
      errorType: 'Sandbox.Timedout',
      status: 'timeout',
    });
  }

  /** Every 100 ms of an invocation: the memory limit, and the processes the handler started. */
  private startMemoryWatch(): void {
    const runtime = this.process;
    if (runtime === undefined) return;
    const limitKB = this.options.config.memoryMB * 1024;
    this.memoryTimer = setInterval(() => {
      runtime.track();
      const rss = runtime.residentKB();
      if (rss !== undefined && rss > limitKB) {
        this.outOfMemory = true;
        this.notePeakMemory();
        this.kill();
      }
    }, MEMORY_CHECK_INTERVAL_MS);
  }

  /**
   * The process's peak resident memory. The peak only grows, and reading it costs a file read,
   * so back-to-back invocations reuse a reading up to 100 ms old.
   */
  private peakMemoryKB(): number {
    const now = performance.now();
    if (this.process !== undefined && now - this.peakReadAt >= PEAK_MEMORY_READ_INTERVAL_MS) {
      this.peakKB = Math.max(this.peakKB, this.process.peakResidentKB() ?? 0);
      this.peakReadAt = now;
    }
    return this.peakKB;
  }

  private notePeakMemory(): void {
    if (this.current !== undefined && this.process !== undefined) this.current.peakKB = this.process.peakResidentKB();
  }

  private stopMemoryWatch(): void {
    clearInterval(this.memoryTimer);
    this.memoryTimer = undefined;
  }

  /**
   * Closes the invocation: platform lines, metrics, then the caller's answer. The environment
   * goes back to idle unless its process is gone.
   */
  private complete(
    current: Current,
    payload: Buffer,
    detail: { errorType?: string; contentType?: string; status?: string; initFailed?: boolean } = {},
  ): void {
    if (current.completed) return;
    current.completed = true;
    current.completedAt = performance.now();
    clearTimeout(current.timer);
    this.stopMemoryWatch();
    // Everything the runtime wrote before it answered is in its output file by now (see
    // environment-process.ts): all of it goes into this invocation's log, before END.
    this.process?.drain(true);
    this.closeInvocation(current, payload, detail);
  }

  private closeInvocation(
    current: Current,
    payload: Buffer,
    detail: { errorType?: string; contentType?: string; status?: string; initFailed?: boolean },
  ): void {
    const { config } = this.options;
    const requestId = current.invocation.requestId;
    if (current.dispatchedAt === undefined) {
      // Init failed before the runtime asked for the event: Lambda still reports the invocation.
      current.dispatchedAt = current.completedAt ?? performance.now();
      this.record(startLine(requestId), 'platform');
    }
    const durationMs = (current.completedAt ?? performance.now()) - current.dispatchedAt;
    const peakKB = current.peakKB ?? this.peakMemoryKB();
    const maxMemoryUsedMB = Math.min(config.memoryMB, Math.ceil(peakKB / 1024));
    const initDurationMs = this.coldStart ? (this.initDurationMs ?? performance.now() - this.startedAt) : undefined;
    this.coldStart = false;
    this.record(endLine(requestId), 'platform');
    const status = detail.status ?? (detail.initFailed ? 'error' : undefined);
    this.record(
      reportLine({
        requestId,
        durationMs,
        billedDurationMs: billedDuration(durationMs),
        memorySizeMB: config.memoryMB,
        maxMemoryUsedMB,
        ...(initDurationMs === undefined ? {} : { initDurationMs }),
        ...(status === undefined ? {} : { status }),
      }),
      'platform',
    );
    const log = [...this.initLog.splice(0), ...current.log];
    this.current = undefined;
    if (this.exit !== undefined || detail.initFailed || detail.status === 'timeout') {
      this.markGone();
    } else {
      this.state = 'idle';
      this.scheduleFreeze();
    }
    current.resolve({
      requestId,
      payload,
      contentType: detail.contentType ?? 'application/json',
      ...(detail.errorType === undefined ? {} : { errorType: detail.errorType }),
      durationMs,
      billedDurationMs: billedDuration(durationMs),
      maxMemoryUsedMB,
      memorySizeMB: config.memoryMB,
      ...(initDurationMs === undefined ? {} : { initDurationMs }),
      log,
    });
  }

  // ---- Runtime API ------------------------------------------------------------------------

  private handleRuntimeApi(req: IncomingMessage, res: ServerResponse): void {
    const refusal = RUNTIME_API_CALLERS.check(req);
    if (refusal !== undefined) {
      req.resume();
      sendJson(res, refusal.status, { errorType: refusal.errorType, errorMessage: refusal.message });
      return;
    }
    const url = req.url ?? '/';
    const method = req.method ?? 'GET';
    const invocation = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
    if (method === 'GET' && url === '/2018-06-01/runtime/invocation/next') {
      this.onNext(res);
    } else if (method === 'POST' && invocation?.[1] !== undefined) {
      this.onResult(req, res, decodeURIComponent(invocation[1]), invocation[2] === 'error');
    } else if (method === 'POST' && url === '/2018-06-01/runtime/init/error') {
      this.onInitError(req, res);
    } else if (url.startsWith('/2022-07-01/telemetry') || url.startsWith('/2020-08-15/logs')) {
      // The Telemetry and Logs APIs are accepted and ignored, as the Runtime Interface Emulator does.
      req.resume();
      sendJson(res, 202, { status: 'OK' });
    } else if (url.startsWith('/2020-01-01/extension')) {
      req.resume();
      sendJson(res, 403, {
        errorType: 'Extension.Unsupported',
        errorMessage: 'Lambda extensions do not run in the Lambda Workbench emulator yet.',
      });
    } else {
      req.resume();
      sendJson(res, 404, { errorType: 'InvalidRequest', errorMessage: `Unknown Runtime API path: ${method} ${url}` });
    }
  }

  private onNext(res: ServerResponse): void {
    // A runtime may send /next right behind its answer, in the same write; it counts once the answer is in.
    const current = this.current;
    const running = current?.dispatchedAt !== undefined && !current.completed && !current.answering;
    if (this.pendingNext !== undefined || running) {
      sendJson(res, 403, {
        errorType: 'InvalidStateTransition',
        errorMessage:
          'State transition from Running to Ready failed: the runtime asked for the next event before answering this one.',
      });
      return;
    }
    if (this.initDurationMs === undefined) {
      this.initDurationMs = performance.now() - this.startedAt;
      clearTimeout(this.initLimitTimer);
      if (this.state === 'initializing') this.state = this.current === undefined ? 'idle' : 'busy';
    }
    // A long poll: it is answered when an invocation arrives, however long that takes.
    res.socket?.setTimeout(0);
    this.pendingNext = res;
    res.once('close', () => {
      if (this.pendingNext === res) this.pendingNext = undefined;
    });
    if (current !== undefined && current.dispatchedAt === undefined) {
      this.dispatch(res);
    } else if (current === undefined) {
      this.scheduleFreeze();
    }
  }

  private onResult(req: IncomingMessage, res: ServerResponse, requestId: string, isError: boolean): void {
    const current = this.current;
    if (current?.dispatchedAt === undefined || current.invocation.requestId !== requestId || current.completed) {
      req.resume();
      sendJson(res, 400, { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' });
      return;
    }
    current.answering = true;
    const streaming = req.headers['lambda-runtime-function-response-mode'] === 'streaming';
    readBody(req, MAX_RESPONSE_BYTES, (body, tooLarge) => {
      if (current.completed) {
        sendJson(res, 400, { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' });
        return;
      }
      if (tooLarge) {
        sendJson(res, 413, {
          errorMessage: `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
          errorType: 'RequestEntityTooLarge',
        });
        this.complete(
          current,
          platformError(
            'Function.ResponseSizeTooLarge',
            `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
          ),
          { errorType: 'Function.ResponseSizeTooLarge' },
        );
        return;
      }
      sendJson(res, 202, { status: 'OK' });
      const contentType = req.headers['content-type'];
      // A streamed response reports a mid-stream failure in its trailers.
      const streamedErrorType = streaming ? req.trailers['lambda-runtime-function-error-type'] : undefined;
      if (streamedErrorType !== undefined) {
        const errorBody = req.trailers['lambda-runtime-function-error-body'];
        this.complete(
          current,
          errorBody === undefined ? platformError(streamedErrorType, '') : Buffer.from(errorBody, 'base64'),
          {
            errorType: streamedErrorType,
          },
        );
      } else if (isError) {
        this.complete(current, body, { errorType: errorTypeOf(req, body) });
      } else {
        this.complete(current, body, contentType === undefined ? {} : { contentType });
      }
    });
  }

  private onInitError(req: IncomingMessage, res: ServerResponse): void {
    if (this.initDurationMs !== undefined) {
      req.resume();
      sendJson(res, 403, { errorType: 'InvalidStateTransition', errorMessage: 'Init has already completed.' });
      return;
    }
    readBody(req, MAX_RESPONSE_BYTES, (body) => {
      sendJson(res, 202, { status: 'OK' });
      this.initError = { payload: body, errorType: errorTypeOf(req, body) };
      clearTimeout(this.initLimitTimer);
      // The runtime exits after reporting; the invocation fails with what it reported.
      if (this.current !== undefined) this.finishInitFailure();
    });
  }
}

function errorTypeOf(req: IncomingMessage, body: Buffer): string {
  const header = req.headers['lambda-runtime-function-error-type'];
  if (typeof header === 'string' && header !== '') return header;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errorType?: unknown };
    if (typeof parsed.errorType === 'string') return parsed.errorType;
  } catch {
    // Not JSON: Lambda passes such bodies on as they are.
  }
  return 'Unhandled';
}

function sendJson(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Reads a request body up to `limit` bytes; past it, stops keeping data and reports `tooLarge`. */
export function readBody(req: IncomingMessage, limit: number, done: (body: Buffer, tooLarge: boolean) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      tooLarge = true;
      chunks.length = 0;
    } else if (!tooLarge) {
      chunks.push(chunk);
    }
  });
  req.on('end', () => {
    done(tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge);
  });
  req.on('error', () => {
    done(Buffer.alloc(0), tooLarge);
  });
}
