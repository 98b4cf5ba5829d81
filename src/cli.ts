// The same core from a terminal, for CI, benchmarks and people without VS Code.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveCredentials, type AwsCredentials } from './core/aws/credentials';
import { bundleHandler } from './core/bundle/bundle';
import { prepareLocalFunction, type LocalFunction } from './core/bundle/local-function';
import { readTemplate, type TemplateFunction } from './core/discovery/sam';
import { Emulator, logText } from './core/emulator/emulator';
import { serveEmulator } from './core/emulator/http-api';
import { ServiceError } from './core/emulator/lambda-errors';
import { readEnvFile } from './core/env-file';
import { EVENT_TEMPLATES, generateEvent } from './core/events/catalog';
import type { FunctionConfig } from './core/function-config';
import { WorkbenchError } from './core/errors';
import type { LogRecord } from './core/logs/record';
import { NODE_RUNTIMES, isNodeRuntime } from './core/runtimes';

declare const LAMBDA_WORKBENCH_VERSION: string;

const USAGE = `Usage: lambda-workbench <command> [options]

Commands:
  serve                   Serve a SAM template's functions over Lambda's Invoke API on 127.0.0.1,
                          like "sam local start-lambda", without Docker.
      --template <file>     SAM template (default: template.yaml or template.yml here)
      --functions <file>    Or a JSON file {"functions": [...]} of function configurations
      --port <n>            Port (default: 3001; 0 picks a free one)
      --env-file <file>     .env file whose variables every function gets
      --region <region>     AWS_REGION the functions see (default: us-east-1)
      --profile <name>      Give the functions real AWS credentials from this profile
                            (without it they get none, and the AWS SDK in them finds none)
      --concurrency <n>     Environments per function before invocations are throttled (default: 10)
      --idle-timeout <s>    Seconds an idle environment is kept warm (default: 300)
      --json-logs           Print log records as JSON lines on stdout
      --exit-with-parent    Stop when standard input closes (for a parent process's child)
  invoke <function>       Invoke one function of a template once and print its result.
      --event <file|->      Event JSON (default: {}); "-" reads standard input
      --template, --env-file, --region, --profile as for serve
  events list [--json]    List the sample-event templates (id, service, title).
  events generate <id> [--param name=value ...]
                          Print an event generated from a template.
  bundle <handler file>   Bundle a Node.js handler with esbuild.
      --out <dir>           Output folder (default: ./dist-lambda)
      --runtime <runtime>   ${NODE_RUNTIMES.join(' | ')} (default: nodejs22.x)
      --minify              Minify the bundle.
      --no-sourcemap        Do not write a source map.
  --version               Print the version.
  --help                  Print this help.
`;

class UsageError extends WorkbenchError {}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return;
  }
  if (command === '--version') {
    process.stdout.write(`${LAMBDA_WORKBENCH_VERSION}\n`);
    return;
  }
  if (command === 'bundle') return bundle(rest);
  if (command === 'serve') return serve(rest);
  if (command === 'invoke') return invoke(rest);
  if (command === 'events') {
    events(rest);
    return;
  }
  throw new UsageError(`Unknown command "${command}". Run "lambda-workbench --help" to see the commands.`);
}

// ---- serve and invoke -----------------------------------------------------------------------

const TEMPLATE_OPTIONS = {
  template: { type: 'string' },
  functions: { type: 'string' },
  'env-file': { type: 'string' },
  region: { type: 'string', default: 'us-east-1' },
  profile: { type: 'string' },
} as const;

/** Real AWS credentials for the functions, when a profile was named. */
async function profileCredentials(profile: string | undefined): Promise<{ credentials?: AwsCredentials }> {
  return profile === undefined ? {} : { credentials: await resolveCredentials(profile) };
}

function templatePath(given: string | undefined): string {
  if (given !== undefined) return resolve(given);
  const found = ['template.yaml', 'template.yml'].map((name) => resolve(name)).find((path) => existsSync(path));
  if (found === undefined) {
    throw new UsageError('No template.yaml or template.yml here. Pass the SAM template with --template <file>.');
  }
  return found;
}

/** Functions given as JSON ({"functions": [FunctionConfig...]}), for callers that discover functions themselves. */
function readFunctionsFile(path: string): TemplateFunction[] {
  let parsed: { functions?: FunctionConfig[] };
  try {
    parsed = JSON.parse(readFileSync(resolve(path), 'utf8')) as { functions?: FunctionConfig[] };
  } catch (error) {
    throw new UsageError(`Cannot read the functions file ${path}: ${(error as Error).message}.`, { cause: error });
  }
  if (!Array.isArray(parsed.functions)) throw new UsageError(`${path} must hold {"functions": [...]}.`);
  return parsed.functions.map((config) => ({
    logicalId: config.logicalId ?? config.name,
    config,
    templatePath: path,
    warnings: [],
  }));
}

/** The template's functions, prepared to run locally (TypeScript bundled), with .env variables added. */
async function loadFunctions(
  options: { template?: string | undefined; functions?: string | undefined; 'env-file'?: string | undefined; region: string },
  watch: boolean,
  only?: string,
): Promise<{ functions: TemplateFunction[]; prepared: LocalFunction[]; buildDir: string }> {
  const path = options.functions === undefined ? templatePath(options.template) : resolve(options.functions);
  const all = options.functions === undefined ? readTemplate(path, { region: options.region }) : readFunctionsFile(path);
  const functions = only === undefined ? all : all.filter((f) => f.logicalId === only || f.functionName === only);
  if (only !== undefined && functions.length === 0) {
    const names = all.map((f) => f.logicalId).join(', ') || 'none';
    throw new UsageError(`${path} has no function "${only}". Its functions: ${names}.`);
  }
  const extra = options['env-file'] === undefined ? {} : readEnvFile(resolve(options['env-file']));
  for (const fn of functions) for (const warning of fn.warnings) process.stderr.write(`warning: ${warning}\n`);
  const buildDir = mkdtempSync(join(tmpdir(), 'lambda-workbench-build-'));
  const prepared = await Promise.all(
    functions.map((fn) =>
      prepareLocalFunction(
        { ...fn.config, environment: { ...fn.config.environment, ...extra } },
        {
          buildDir,
          watch,
          onRebuild: (name, outcome) => {
            process.stderr.write(
              outcome instanceof Error
                ? `[${name}] rebuild failed: ${outcome.message}\n`
                : `[${name}] rebuilt in ${outcome.durationMs.toFixed(0)} ms\n`,
            );
          },
        },
      ),
    ),
  );
  return { functions, prepared, buildDir };
}

/**
 * Writes to a stream once per turn of the event loop: every record of an invocation in one
 * write, rather than a system call each, which matters when invocations run by the thousand.
 */
function batchedWriter(stream: NodeJS.WriteStream): { write(text: string): void; flush(): void } {
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

function formatRecord(record: LogRecord, json: boolean): string {
  if (json) return `${JSON.stringify(record)}\n`;
  const prefix = `[${record.functionName}] `;
  return `${prefix}${record.message.replaceAll('\n', `\n${prefix}`)}\n`;
}

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      ...TEMPLATE_OPTIONS,
      port: { type: 'string', default: '3001' },
      concurrency: { type: 'string', default: '10' },
      'idle-timeout': { type: 'string', default: '300' },
      'json-logs': { type: 'boolean', default: false },
      'instance-id': { type: 'string' },
      'exit-with-parent': { type: 'boolean', default: false },
    },
  });
  const port = wholeNumber(values.port, '--port');
  // Before anything is built or started, so a bad profile leaves nothing behind.
  const auth = await profileCredentials(values.profile);
  const { functions, prepared, buildDir } = await loadFunctions(values, true);
  const emulator = new Emulator({
    functions: prepared.map((p, i) => ({ ...p.config, ...logicalIdOf(functions[i]) })),
    region: values.region,
    ...auth,
    ...(values['instance-id'] === undefined ? {} : { instanceId: values['instance-id'] }),
    concurrency: wholeNumber(values.concurrency, '--concurrency'),
    idleTimeoutMs: wholeNumber(values['idle-timeout'], '--idle-timeout') * 1000,
  });
  const output = batchedWriter(values['json-logs'] ? process.stdout : process.stderr);
  emulator.onLog((record) => {
    output.write(formatRecord(record, values['json-logs']));
  });
  let server;
  try {
    server = await serveEmulator(emulator, port);
  } catch (error) {
    await shutdown(emulator, prepared, buildDir);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new WorkbenchError(`Port ${port} is in use. Choose another with --port.`, { cause: error });
    throw error;
  }
  process.stderr.write(
    `Lambda Workbench emulator ${LAMBDA_WORKBENCH_VERSION}: serving ${functions.length} function(s) on ${server.url}\n` +
      functions
        .map((f) => `  ${f.config.name}${f.functionName === undefined ? '' : ` (${f.logicalId})`}  ${f.config.runtime}\n`)
        .join(''),
  );
  const stop = async () => {
    // The emulator first, so invocations in flight are answered before the server closes.
    await shutdown(emulator, prepared, buildDir);
    await server.close();
    output.flush();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  if (values['exit-with-parent']) {
    // The parent holds our standard input open; when it ends, the parent is gone, however it went.
    process.stdin.resume();
    process.stdin.once('end', () => void stop());
    process.stdin.once('error', () => void stop());
  }
}

function logicalIdOf(fn: TemplateFunction | undefined): { logicalId?: string } {
  return fn === undefined || fn.logicalId === fn.config.name ? {} : { logicalId: fn.logicalId };
}

async function shutdown(emulator: Emulator, prepared: LocalFunction[], buildDir: string): Promise<void> {
  await emulator.stop();
  await Promise.all(prepared.map((p) => p.dispose()));
  rmSync(buildDir, { recursive: true, force: true });
}

async function invoke(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...TEMPLATE_OPTIONS, event: { type: 'string' } },
  });
  const [name] = positionals;
  if (name === undefined || positionals.length > 1) {
    throw new UsageError(
      'invoke takes exactly one function name, e.g. "lambda-workbench invoke HelloFunction --event event.json".',
    );
  }
  const payload = readEvent(values.event);
  const auth = await profileCredentials(values.profile);
  const { functions, prepared, buildDir } = await loadFunctions(values, false, name);
  const emulator = new Emulator({
    functions: prepared.map((p, i) => ({ ...p.config, ...logicalIdOf(functions[i]) })),
    region: values.region,
    ...auth,
    hotReload: false,
  });
  try {
    const result = await emulator.invoke({ functionName: prepared[0]?.config.name ?? name, payload });
    process.stderr.write(logText(result.outcome?.log ?? []));
    process.stdout.write(`${result.payload.toString('utf8')}\n`);
    if (result.functionError !== undefined) process.exitCode = 1;
  } catch (error) {
    if (error instanceof ServiceError) throw new WorkbenchError(`${error.errorType}: ${error.message}`, { cause: error });
    throw error;
  } finally {
    await shutdown(emulator, prepared, buildDir);
  }
}

function readEvent(source: string | undefined): string {
  if (source === undefined) return '{}';
  try {
    return source === '-' ? readFileSync(0, 'utf8') : readFileSync(resolve(source), 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the event ${source}: ${(error as Error).message}.`, { cause: error });
  }
}

function wholeNumber(value: string, flag: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new UsageError(`${flag} must be a whole number, not "${value}".`);
  return number;
}

// ---- events ---------------------------------------------------------------------------------

function events(args: string[]): void {
  const [sub, ...rest] = args;
  if (sub === 'list') {
    const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean', default: false } } });
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify(
          EVENT_TEMPLATES.map(({ id, service, title, parameters }) => ({ id, service, title, parameters })),
          null,
          2,
        )}\n`,
      );
      return;
    }
    const width = Math.max(...EVENT_TEMPLATES.map((t) => t.id.length));
    for (const template of EVENT_TEMPLATES)
      process.stdout.write(`${template.id.padEnd(width)}  ${template.service}: ${template.title}\n`);
    return;
  }
  if (sub === 'generate') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { param: { type: 'string', multiple: true, default: [] } },
    });
    const [id] = positionals;
    if (id === undefined || positionals.length > 1) {
      throw new UsageError(
        'events generate takes one template id, e.g. "lambda-workbench events generate s3-put --param bucket=photos".',
      );
    }
    const parameters: Record<string, string> = {};
    for (const pair of values.param) {
      const equals = pair.indexOf('=');
      if (equals <= 0) throw new UsageError(`--param "${pair}" must be name=value.`);
      parameters[pair.slice(0, equals)] = pair.slice(equals + 1);
    }
    process.stdout.write(`${JSON.stringify(generateEvent(id, parameters), null, 2)}\n`);
    return;
  }
  throw new UsageError('Use "lambda-workbench events list" or "lambda-workbench events generate <id>".');
}

// ---- bundle ---------------------------------------------------------------------------------

async function bundle(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string', default: 'dist-lambda' },
      runtime: { type: 'string', default: 'nodejs22.x' },
      minify: { type: 'boolean', default: false },
      'no-sourcemap': { type: 'boolean', default: false },
    },
  });
  const [entry] = positionals;
  if (entry === undefined || positionals.length > 1) {
    throw new UsageError('bundle takes exactly one handler file, e.g. "lambda-workbench bundle src/handler.ts".');
  }
  if (!isNodeRuntime(values.runtime)) {
    throw new UsageError(`--runtime "${values.runtime}" is not a Node.js runtime; use one of ${NODE_RUNTIMES.join(', ')}.`);
  }
  const result = await bundleHandler({
    entry: resolve(entry),
    outDir: resolve(values.out),
    runtime: values.runtime,
    minify: values.minify,
    sourcemap: !values['no-sourcemap'],
    displayRoot: process.cwd(),
  });
  for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
  process.stdout.write(`${result.outFile}\t${result.bytes} bytes\t${result.durationMs.toFixed(0)} ms\n`);
}

// Output piped into a command that stops reading early (`| head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof WorkbenchError) {
    process.stderr.write(`lambda-workbench: ${error.message}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  } else if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`lambda-workbench: ${error.message}. Run "lambda-workbench --help".\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(
      `lambda-workbench: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  }
});
