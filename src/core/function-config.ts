// What Lambda needs to know to run one function: the same shape whether it came from a SAM
// template, serverless.yml, handler code or the command line.
import type { EsbuildSettings } from './bundle/esbuild-settings';
import { RUNTIMES, isRuntime, type Runtime } from './runtimes';

export interface FunctionConfig {
  /** The function's name: a template's FunctionName, else its logical id. */
  readonly name: string;
  /** The template's logical id, when it differs from the name; local callers may use either. */
  readonly logicalId?: string;
  /**
   * The deployed function's name when it differs from the name (serverless.yml's
   * `<service>-<stage>-<key>`): code that invokes the function by that name reaches it locally too.
   */
  readonly deployedName?: string;
  readonly runtime: Runtime;
  /** The instruction set it is deployed for; Lambda's default, x86_64, when absent. */
  readonly architecture?: Architecture;
  /** Lambda's handler string: `file.export` (Node), `module.function` (Python); informational for custom runtimes. */
  readonly handler: string;
  /** The folder Lambda would unpack the deployment package into (LAMBDA_TASK_ROOT). */
  readonly codeDir: string;
  readonly timeoutSeconds: number;
  readonly memoryMB: number;
  readonly environment: Readonly<Record<string, string>>;
  /** Extra folders Node resolves modules from (NODE_PATH), e.g. the project's node_modules for a bundle. */
  readonly nodeModulePaths?: readonly string[];
  /** How its Node.js code is bundled, when the project says (SAM's `BuildMethod: esbuild`). */
  readonly esbuild?: EsbuildSettings;
}

export type Architecture = 'x86_64' | 'arm64';

/** The architecture a template's `Architectures` or serverless.yml's `architecture` names; undefined for anything else. */
export function architectureOf(value: unknown): Architecture | undefined {
  const named = Array.isArray(value) && value.length === 1 ? (value[0] as unknown) : value;
  return named === 'x86_64' || named === 'arm64' ? named : undefined;
}

export const DEFAULT_TIMEOUT_SECONDS = 3;
export const DEFAULT_MEMORY_MB = 128;
export const MAX_TIMEOUT_SECONDS = 900;
export const MIN_MEMORY_MB = 128;
export const MAX_MEMORY_MB = 10_240;
/** Lambda's limit on the total size of a function's environment variables (keys and values). */
export const MAX_ENVIRONMENT_BYTES = 4096;

/** Variables Lambda sets itself and refuses in a function's configuration. */
export const RESERVED_ENVIRONMENT_KEYS = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
]);

/** Lambda's limits on a function's handler string and name. */
export const MAX_HANDLER_LENGTH = 128;
const FUNCTION_NAME = /^[a-zA-Z0-9-_]{1,64}$/;
/** Lambda's pattern for an environment variable's name. */
const VARIABLE_NAME = /^[a-zA-Z]([a-zA-Z0-9_])+$/;

/** One thing wrong with a function's configuration: the property, and a sentence that quotes the value. */
export interface ConfigProblem {
  readonly property: 'FunctionName' | 'Runtime' | 'Handler' | 'Timeout' | 'MemorySize' | 'Environment';
  readonly message: string;
}

/** A function's properties as a template or a caller wrote them, before any is coerced. */
export interface WrittenProperties {
  /** The FunctionName written, when one was (a logical id is not checked against Lambda's name rules). */
  readonly functionName?: unknown;
  readonly runtime: unknown;
  readonly handler: unknown;
  readonly timeout: unknown;
  readonly memory: unknown;
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * What is wrong with a function's properties, checked as Lambda checks them when the function is
 * created; empty when nothing is. Each sentence quotes the value as written (shortened when long)
 * and says what to write instead.
 */
export function propertyProblems(written: WrittenProperties): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { functionName, runtime, handler, timeout, memory, environment } = written;
  if (functionName !== undefined && (typeof functionName !== 'string' || !FUNCTION_NAME.test(functionName))) {
    problems.push({
      property: 'FunctionName',
      message: `FunctionName ${quote(functionName)} is not a function name: use 1 to 64 letters, digits, hyphens and underscores.`,
    });
  }
  if (runtime === undefined || runtime === '') {
    problems.push({
      property: 'Runtime',
      message: 'There is no Runtime: add one (such as nodejs22.x or python3.12) to the function or to Globals.Function.',
    });
  } else if (typeof runtime !== 'string' || !isRuntime(runtime)) {
    problems.push({
      property: 'Runtime',
      message: `Runtime ${quote(runtime)} is not one Lambda Workbench runs: use one of ${RUNTIMES.join(', ')}.`,
    });
  }
  const custom = typeof runtime === 'string' && runtime.startsWith('provided');
  if ((handler === undefined || handler === '') && !custom) {
    problems.push({
      property: 'Handler',
      message: 'There is no Handler: add one, such as app.handler (the export "handler" of the file app.js or app.py).',
    });
  } else if (handler !== undefined && (typeof handler !== 'string' || /\s/.test(handler))) {
    problems.push({ property: 'Handler', message: `Handler ${quote(handler)} is not a handler string such as app.handler.` });
  } else if (typeof handler === 'string' && handler.length > MAX_HANDLER_LENGTH) {
    problems.push({
      property: 'Handler',
      message: `Handler ${quote(handler)} is ${handler.length} characters long; Lambda allows at most ${MAX_HANDLER_LENGTH}.`,
    });
  }
  const seconds = Number(timeout);
  if (
    typeof timeout === 'boolean' ||
    timeout === '' ||
    !Number.isInteger(seconds) ||
    seconds < 1 ||
    seconds > MAX_TIMEOUT_SECONDS
  ) {
    problems.push({
      property: 'Timeout',
      message: `Timeout ${quote(timeout)} is not a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}.`,
    });
  }
  const megabytes = Number(memory);
  if (
    typeof memory === 'boolean' ||
    memory === '' ||
    !Number.isInteger(megabytes) ||
    megabytes < MIN_MEMORY_MB ||
    megabytes > MAX_MEMORY_MB
  ) {
    problems.push({
      property: 'MemorySize',
      message: `MemorySize ${quote(memory)} is not a whole number of MB from ${MIN_MEMORY_MB} to ${MAX_MEMORY_MB}.`,
    });
  }
  const keys = Object.keys(environment);
  const reserved = keys.filter((key) => RESERVED_ENVIRONMENT_KEYS.has(key));
  if (reserved.length > 0) {
    problems.push({
      property: 'Environment',
      message: `The environment variables ${reserved.join(', ')} are reserved by Lambda and cannot be set.`,
    });
  }
  for (const key of keys.filter((name) => !VARIABLE_NAME.test(name) && !RESERVED_ENVIRONMENT_KEYS.has(name))) {
    problems.push({
      property: 'Environment',
      message: `The environment variable name ${quote(key)} is not one Lambda accepts: start with a letter, then letters, digits or underscores.`,
    });
  }
  for (const [key, value] of Object.entries(environment)) {
    if (value.includes('\0')) {
      problems.push({
        property: 'Environment',
        message: `The environment variable ${key} holds a NUL character, which no process can be given; remove it.`,
      });
    }
  }
  const bytes = Object.entries(environment).reduce(
    (sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(value),
    0,
  );
  if (bytes > MAX_ENVIRONMENT_BYTES) {
    problems.push({
      property: 'Environment',
      message: `The environment variables take ${bytes} bytes, over Lambda's limit of ${MAX_ENVIRONMENT_BYTES}.`,
    });
  }
  return problems;
}

/** The problems of a configuration already made (from the editor, a functions file), as sentences. */
export function configProblems(config: FunctionConfig): string[] {
  return propertyProblems({
    runtime: config.runtime,
    handler: config.handler,
    timeout: config.timeoutSeconds,
    memory: config.memoryMB,
    environment: config.environment,
  }).map((problem) => problem.message);
}

/** A value as a message quotes it: as JSON, with control characters escaped, at most 60 characters. */
function quote(value: unknown): string {
  let text: string;
  try {
    // undefined (and functions) have no JSON text.
    const json = JSON.stringify(value) as string | undefined;
    text = json ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 40)}...${text.slice(-12)} (${text.length} characters)` : text;
}
