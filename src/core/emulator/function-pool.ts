// The environments of one function: reuse a warm one when it is free, start another when all are
// busy (up to the function's concurrency), reap idle ones, and recycle them when the code changes.
import { watch, type FSWatcher } from 'node:fs';
import type { FunctionConfig } from '../function-config';
import type { LogRecord } from '../logs/record';
import { Environment, EnvironmentLostError, type Invocation, type InvocationOutcome } from './environment';
import { ServiceError, serviceErrors } from './lambda-errors';
import type { AwsCredentials } from '../aws/credentials';
import type { RuntimeTools } from './launch';
import type { Watchdog } from './watchdog';

export interface PoolOptions {
  readonly tools: RuntimeTools;
  readonly region: string;
  readonly emulatorId: string;
  readonly watchdog?: Watchdog;
  readonly credentials?: AwsCredentials;
  readonly freeze: boolean;
  readonly initLimitMs?: number;
  /** Environments that may run at once; one more invocation is throttled. */
  readonly concurrency: number;
  readonly idleTimeoutMs: number;
  /** Recycle environments when a file under the code folder changes. */
  readonly hotReload: boolean;
  readonly onLog: (record: LogRecord) => void;
  /** Reports problems the pool meets on its own (a watcher that cannot start). */
  readonly onWarning: (message: string) => void;
}

/** Changes under these folders do not make environments stale. */
const IGNORED_CHANGES = /(^|[\\/])(\.git|__pycache__|\.pytest_cache|\.mypy_cache)([\\/]|$)|\.pyc$/;
const RELOAD_DEBOUNCE_MS = 100;

export class FunctionPool {
  private readonly environments = new Set<Environment>();
  private readonly idleTimers = new Map<Environment, NodeJS.Timeout>();
  /** Bumped on every code change; an environment started under an older generation is stale. */
  private generation = 0;
  private readonly generations = new Map<Environment, number>();
  private inFlight = 0;
  private readonly waiters: (() => void)[] = [];
  /** The debugged function's one environment while it is being started (see debug.ts). */
  private starting: Promise<Environment> | undefined;
  /** Environments being stopped; a debugged function's next one waits for them to free the port. */
  private readonly retiring = new Set<Promise<void>>();
  private watcher: FSWatcher | undefined;
  private reloadTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private configValue: FunctionConfig,
    private readonly options: PoolOptions,
  ) {}

  get config(): FunctionConfig {
    return this.configValue;
  }

  /** Whether the function runs under a debugger: one environment, kept for the whole session. */
  private get debugging(): boolean {
    return this.options.tools.debugPort !== undefined;
  }

  /** Environments that exist now, busy or idle. */
  get size(): number {
    return this.environments.size;
  }

  /** Runs an invocation now, or throws TooManyRequestsException when every environment is busy. */
  async invoke(invocation: Invocation): Promise<InvocationOutcome> {
    if (this.inFlight >= this.options.concurrency) throw serviceErrors.tooManyRequests();
    return this.run(invocation);
  }

  /** Runs an invocation as soon as an environment is free (the asynchronous invocation queue). */
  async invokeWhenFree(invocation: Invocation): Promise<InvocationOutcome> {
    while (this.inFlight >= this.options.concurrency) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.run(invocation);
  }

  /**
   * Starts the debugged function's environment ahead of any invocation, so a debugger can attach
   * before the first one; settles once its debugger server listens (true) or cannot (false).
   */
  async provisionForDebugging(): Promise<boolean> {
    if (!this.debugging || this.stopped) return false;
    // Not taken: the environment stays free for the first invocation.
    const existing = [...this.environments].find((environment) => !environment.isGone);
    try {
      return await (existing ?? (await this.startOrJoinEnvironment())).debuggerListening;
    } catch {
      // The pool stopped meanwhile.
      return false;
    }
  }

  /** New configuration: running environments finish their invocation, then make way for fresh ones. */
  update(config: FunctionConfig): void {
    const codeDirChanged = config.codeDir !== this.configValue.codeDir;
    this.configValue = config;
    if (codeDirChanged) this.closeWatcher();
    this.recycle();
  }

  /** Marks every environment stale: idle ones stop now, busy ones when their invocation ends. */
  recycle(): void {
    this.generation++;
    for (const environment of this.environments) {
      if (environment.isIdle || (this.debugging && environment.isFree)) void this.retire(environment);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.closeWatcher();
    clearTimeout(this.reloadTimer);
    await Promise.all([...this.environments].map((environment) => this.retire(environment)));
  }

  private async run(invocation: Invocation): Promise<InvocationOutcome> {
    this.inFlight++;
    let environment: Environment | undefined;
    try {
      // Taking an idle environment and handing it the invocation happen in one turn, so two
      // concurrent invocations never pick the same one.
      environment = this.takeIdle() ?? (await this.startOrJoinEnvironment());
      try {
        return await environment.invoke(invocation);
      } catch (error) {
        if (!(error instanceof EnvironmentLostError)) throw error;
        // The invocation never started; a fresh environment runs it.
        environment = await this.startEnvironment();
        return await environment.invoke(invocation);
      }
    } finally {
      this.inFlight--;
      if (environment !== undefined) this.released(environment);
      this.waiters.shift()?.();
    }
  }

  /**
   * A warm idle environment of the current generation; for a debugged function, also its
   * environment started ahead, which may still wait for the debugger before its init.
   */
  private takeIdle(): Environment | undefined {
    for (const environment of this.environments) {
      const usable = this.debugging ? environment.isFree : environment.isIdle;
      if (usable && this.generations.get(environment) === this.generation) {
        clearTimeout(this.idleTimers.get(environment));
        this.idleTimers.delete(environment);
        return environment;
      }
    }
    return undefined;
  }

  /**
   * A new environment; for a debugged function, the one already being started, since only one
   * can hold the debugger's port, and only once the one before it has let go of the port.
   */
  private startOrJoinEnvironment(): Promise<Environment> {
    if (!this.debugging) return this.startEnvironment();
    this.starting ??= Promise.all([...this.retiring])
      .then(() => this.startEnvironment())
      .finally(() => {
        this.starting = undefined;
      });
    return this.starting;
  }

  private async startEnvironment(): Promise<Environment> {
    const environment = await Environment.start({
      config: this.configValue,
      tools: this.options.tools,
      region: this.options.region,
      emulatorId: this.options.emulatorId,
      ...(this.options.watchdog === undefined ? {} : { watchdog: this.options.watchdog }),
      freeze: this.options.freeze,
      ...(this.options.initLimitMs === undefined ? {} : { initLimitMs: this.options.initLimitMs }),
      ...(this.options.credentials === undefined ? {} : { credentials: this.options.credentials }),
      onLog: this.options.onLog,
      onGone: (gone) => {
        this.forget(gone);
      },
    });
    if (this.stopped) {
      // The pool stopped while this environment started: it must not outlive the pool.
      await environment.stop();
      throw new ServiceError(503, 'ServiceException', 'The emulator is stopping.');
    }
    this.environments.add(environment);
    this.generations.set(environment, this.generation);
    this.startWatcher();
    return environment;
  }

  private released(environment: Environment): void {
    if (environment.isGone) return;
    if (this.stopped || this.generations.get(environment) !== this.generation) {
      void this.retire(environment);
      return;
    }
    // Another invocation may already have taken it again. A debugged environment is never reaped:
    // the debugger stays attached to it for the whole session.
    if (!environment.isIdle || this.debugging) return;
    clearTimeout(this.idleTimers.get(environment));
    this.idleTimers.set(
      environment,
      setTimeout(() => {
        if (environment.isIdle) void this.retire(environment);
      }, this.options.idleTimeoutMs),
    );
  }

  private async retire(environment: Environment): Promise<void> {
    this.forget(environment);
    const stopped = environment.stop();
    this.retiring.add(stopped);
    try {
      await stopped;
    } finally {
      this.retiring.delete(stopped);
    }
  }

  private forget(environment: Environment): void {
    clearTimeout(this.idleTimers.get(environment));
    this.idleTimers.delete(environment);
    this.generations.delete(environment);
    this.environments.delete(environment);
    if (this.environments.size === 0) this.closeWatcher();
  }

  private startWatcher(): void {
    if (!this.options.hotReload || this.watcher !== undefined || this.stopped) return;
    try {
      this.watcher = watch(this.configValue.codeDir, { recursive: true, persistent: false }, (_event, file) => {
        if (file !== null && IGNORED_CHANGES.test(file)) return;
        clearTimeout(this.reloadTimer);
        this.reloadTimer = setTimeout(() => {
          this.recycle();
        }, RELOAD_DEBOUNCE_MS);
      });
      this.watcher.on('error', (error) => {
        this.options.onWarning(`Stopped watching ${this.configValue.codeDir} for changes: ${error.message}`);
        this.closeWatcher();
      });
    } catch (error) {
      this.options.onWarning(
        `Cannot watch ${this.configValue.codeDir} for changes (${error instanceof Error ? error.message : String(error)}); ` +
          'code changes reach the function when its environments are next started.',
      );
    }
  }

  private closeWatcher(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }
}
