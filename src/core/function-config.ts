// What Lambda needs to know to run one function: the same shape whether it came from a SAM
// template, serverless.yml, handler code or the command line.
import { isRuntime, type Runtime } from './runtimes';

export interface FunctionConfig {
  /** The function's name: a template's FunctionName, else its logical id. */
  readonly name: string;
  /** The template's logical id, when it differs from the name; local callers may use either. */
  readonly logicalId?: string;
  readonly runtime: Runtime;
  /** Lambda's handler string: `file.export` (Node), `module.function` (Python); informational for custom runtimes. */
  readonly handler: string;
  /** The folder Lambda would unpack the deployment package into (LAMBDA_TASK_ROOT). */
  readonly codeDir: string;
  readonly timeoutSeconds: number;
  readonly memoryMB: number;
  readonly environment: Readonly<Record<string, string>>;
  /** Extra folders Node resolves modules from (NODE_PATH), e.g. the project's node_modules for a bundle. */
  readonly nodeModulePaths?: readonly string[];
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

/**
 * What is wrong with a configuration, as sentences Lambda itself would give when the function
 * was created; empty when it is valid.
 */
export function configProblems(config: FunctionConfig): string[] {
  const problems: string[] = [];
  if (!isRuntime(config.runtime)) problems.push(`Runtime "${String(config.runtime)}" is not supported.`);
  if (!Number.isInteger(config.timeoutSeconds) || config.timeoutSeconds < 1 || config.timeoutSeconds > MAX_TIMEOUT_SECONDS) {
    problems.push(`Timeout ${config.timeoutSeconds} is not a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}.`);
  }
  if (!Number.isInteger(config.memoryMB) || config.memoryMB < MIN_MEMORY_MB || config.memoryMB > MAX_MEMORY_MB) {
    problems.push(`MemorySize ${config.memoryMB} is not a whole number of MB from ${MIN_MEMORY_MB} to ${MAX_MEMORY_MB}.`);
  }
  const reserved = Object.keys(config.environment).filter((key) => RESERVED_ENVIRONMENT_KEYS.has(key));
  if (reserved.length > 0) {
    problems.push(`The environment variables ${reserved.join(', ')} are reserved by Lambda and cannot be set.`);
  }
  const bytes = Object.entries(config.environment).reduce(
    (sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(value),
    0,
  );
  if (bytes > MAX_ENVIRONMENT_BYTES) {
    problems.push(`The environment variables take ${bytes} bytes, over Lambda's limit of ${MAX_ENVIRONMENT_BYTES}.`);
  }
  return problems;
}
