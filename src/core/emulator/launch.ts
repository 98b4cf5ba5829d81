// How each runtime's environment process is started, and the variables Lambda gives it.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { AwsCredentials } from '../aws/credentials';
import type { FunctionConfig } from '../function-config';
import { checkDebugpy, DEBUG_HOST } from './debug';
import { isEsmHandler } from '../handler-string';
import { NodeSnapshots } from './node-snapshots';
import { isNodeRuntime, type PythonRuntime } from '../runtimes';

export interface LaunchSpec {
  readonly command: string;
  readonly args: readonly string[];
}

/** A runtime that cannot start, described as Lambda would report it to the caller. */
export interface LaunchFailure {
  readonly errorType: string;
  readonly errorMessage: string;
}

export interface RuntimeTools {
  /** The Node.js executable for nodejs* runtimes. */
  readonly nodePath: string;
  readonly python: PythonFinder;
  /** Folder holding `node/bootstrap.cjs` and `python/bootstrap.py`. */
  readonly runtimeDir: string;
  /** PATH the environment processes see, and where executables are looked up. */
  readonly path: string;
  /** The debugger server's port on 127.0.0.1, when the environment is started for debugging (see debug.ts). */
  readonly debugPort?: number;
  /** Startup snapshots of the Node.js bootstrap; without them Node.js starts from the bootstrap file. */
  readonly snapshots?: NodeSnapshots;
}

export function launchSpec(config: FunctionConfig, tools: RuntimeTools): LaunchSpec | LaunchFailure {
  if (!isFolder(config.codeDir)) {
    return {
      errorType: 'Runtime.InvalidEntrypoint',
      errorMessage: `The code folder of ${config.name} does not exist: ${config.codeDir}. Fix where the function's code is (CodeUri), or run the build that creates it.`,
    };
  }
  if (isNodeRuntime(config.runtime)) {
    // Lambda's Node.js runtime sizes the V8 heap from the memory setting.
    const heapMB = Math.floor(config.memoryMB * 0.9);
    const heap = `--max-old-space-size=${heapMB}`;
    // A startup snapshot of the bootstrap keeps that flag from slowing the start; it cannot serve
    // ES module handlers (no dynamic import in a snapshot), V8 flags of the function's own, or the debugger.
    const snapshot =
      tools.debugPort === undefined &&
      NodeSnapshots.compatible(config.environment['NODE_OPTIONS']) &&
      !isEsmHandler(config.codeDir, config.handler)
        ? tools.snapshots?.blobFor(heapMB)
        : undefined;
    if (snapshot !== undefined) return { command: tools.nodePath, args: [heap, '--snapshot-blob', snapshot] };
    return {
      command: tools.nodePath,
      args: [
        heap,
        // --inspect-brk: nothing runs until a debugger has attached and resumed. The bundle's
        // --enable-source-maps (NODE_OPTIONS) only maps stack traces; the inspector is unaffected.
        ...(tools.debugPort === undefined ? [] : [`--inspect-brk=${DEBUG_HOST}:${tools.debugPort}`]),
        join(tools.runtimeDir, 'node', 'bootstrap.cjs'),
      ],
    };
  }
  if (config.runtime.startsWith('python')) {
    const python = tools.python.find(config.runtime as PythonRuntime);
    if (python === undefined) {
      return {
        errorType: 'Runtime.InvalidEntrypoint',
        errorMessage: `No working Python interpreter was found for ${config.runtime}: neither ${config.runtime} nor python3 runs here. Install Python or set the Python path in the settings.`,
      };
    }
    const bootstrap = join(tools.runtimeDir, 'python', 'bootstrap.py');
    // -u: unbuffered output, so each line reaches the log as it is written, as in Lambda.
    if (tools.debugPort === undefined) return { command: python.path, args: ['-u', bootstrap] };
    const debugpy = checkDebugpy(python.path);
    if (!debugpy.ok) return { errorType: 'Runtime.InvalidEntrypoint', errorMessage: debugpy.message };
    return {
      command: python.path,
      args: [
        '-u',
        // Frozen standard-library modules would make debugpy warn and miss breakpoints in them.
        '-X',
        'frozen_modules=off',
        ...['-m', 'debugpy', '--listen', `${DEBUG_HOST}:${tools.debugPort}`, '--wait-for-client', bootstrap],
      ],
    };
  }
  const bootstrap = join(config.codeDir, 'bootstrap');
  if (!existsSync(bootstrap) || !statSync(bootstrap).isFile()) {
    return {
      errorType: 'Runtime.InvalidEntrypoint',
      errorMessage: `Couldn't find valid bootstrap(s): [${bootstrap}]. A ${config.runtime} function needs an executable file named bootstrap in its code folder.`,
    };
  }
  try {
    accessSync(bootstrap, constants.X_OK);
  } catch {
    return {
      errorType: 'Runtime.InvalidEntrypoint',
      errorMessage: `fork/exec ${bootstrap}: permission denied. Make the file executable (chmod +x bootstrap).`,
    };
  }
  return { command: bootstrap, args: [] };
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function isLaunchFailure(value: LaunchSpec | LaunchFailure): value is LaunchFailure {
  return 'errorType' in value;
}

export interface PythonChoice {
  readonly path: string;
  /** The interpreter's version, e.g. `3.11`. */
  readonly version: string;
}

/**
 * Finds a Python that really runs for a runtime: the configured one, else `python3.X`, else
 * `python3`. Version managers put shims on PATH that exist but fail, so each candidate is run
 * once; the answer is kept for the life of the finder.
 */
export class PythonFinder {
  private readonly found = new Map<string, PythonChoice | undefined>();

  constructor(
    private readonly path: string,
    private readonly configured?: string,
  ) {}

  find(runtime: PythonRuntime): PythonChoice | undefined {
    if (!this.found.has(runtime)) {
      const candidates = this.configured !== undefined ? [this.configured] : [runtime, 'python3'];
      let choice: PythonChoice | undefined;
      for (const candidate of candidates) {
        const executable = candidate.includes('/') ? candidate : findExecutable(candidate, this.path);
        const probe = executable === undefined ? undefined : probePython(executable, this.path);
        if (probe !== undefined) {
          choice = probe;
          break;
        }
      }
      this.found.set(runtime, choice);
    }
    return this.found.get(runtime);
  }
}

/** Runs the interpreter once for its version and real path (a shim's target starts faster than the shim). */
function probePython(executable: string, path: string): PythonChoice | undefined {
  const script = 'import sys; print("%d.%d" % sys.version_info[:2]); print(sys.executable)';
  const result = spawnSync(executable, ['-c', script], { encoding: 'utf8', timeout: 10_000, env: { PATH: path } });
  const [version = '', real = ''] = result.status === 0 ? result.stdout.trim().split('\n') : [];
  if (!/^\d+\.\d+$/.test(version)) return undefined;
  return { path: real === '' ? executable : real, version };
}

export function findExecutable(name: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

export interface EnvironmentContext {
  readonly runtimeApi: string;
  readonly region: string;
  readonly logStreamName: string;
  readonly runtimeDir: string;
  readonly path: string;
  readonly credentials?: AwsCredentials;
  /** `NAME=value` the emulator uses to find the environment's processes; see processes.ts. */
  readonly marker: readonly [string, string];
}

/** The variables a function sees in Lambda; nothing of the emulator's own environment leaks in but PATH. */
export function lambdaEnvironment(config: FunctionConfig, context: EnvironmentContext): Record<string, string> {
  const runtimeFolder = isNodeRuntime(config.runtime) ? 'node' : config.runtime.startsWith('python') ? 'python' : '';
  // Defaults a function may override, as in Lambda.
  const defaults: Record<string, string> = { PATH: context.path, LANG: 'en_US.UTF-8', TZ: ':UTC' };
  if (isNodeRuntime(config.runtime)) {
    defaults['NODE_PATH'] = [...(config.nodeModulePaths ?? []), config.codeDir].join(delimiter);
  }
  // Variables Lambda reserves: always the platform's values.
  const reserved: Record<string, string> = {
    _HANDLER: config.handler,
    AWS_REGION: context.region,
    AWS_DEFAULT_REGION: context.region,
    AWS_LAMBDA_FUNCTION_NAME: config.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memoryMB),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${config.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: context.logStreamName,
    AWS_LAMBDA_RUNTIME_API: context.runtimeApi,
    LAMBDA_TASK_ROOT: config.codeDir,
    LAMBDA_RUNTIME_DIR: runtimeFolder === '' ? context.runtimeDir : join(context.runtimeDir, runtimeFolder),
    [context.marker[0]]: context.marker[1],
  };
  // Custom runtimes get no execution environment name in Lambda either.
  if (runtimeFolder !== '') reserved['AWS_EXECUTION_ENV'] = `AWS_Lambda_${config.runtime}`;
  if (context.credentials) {
    reserved['AWS_ACCESS_KEY_ID'] = context.credentials.accessKeyId;
    reserved['AWS_SECRET_ACCESS_KEY'] = context.credentials.secretAccessKey;
    if (context.credentials.sessionToken !== undefined) reserved['AWS_SESSION_TOKEN'] = context.credentials.sessionToken;
  }
  return { ...defaults, ...config.environment, ...reserved };
}
