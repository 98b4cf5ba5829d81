// The same core from a terminal, for CI, benchmarks and people without VS Code.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { createLambdaClient, type AwsConnection } from './core/aws/connection';
import { resolveCredentials, type AwsCredentials } from './core/aws/credentials';
import { readProfiles } from './core/aws/profiles';
import { bundleHandler } from './core/bundle/bundle';
import {
  buildDeploymentPackage,
  languageOf,
  nodeHandlerEntry,
  type DeploymentPackage,
  type PackageOptions,
} from './core/bundle/deployment-package';
import { prepareLocalFunction, type LocalFunction } from './core/bundle/local-function';
import type { DiscoveredFunction, DiscoveryProblem } from './core/discovery/types';
import { parserInWorker } from './core/project/parser-worker-client';
import { declaredName, findProjectFunction, readProject, type Project } from './core/project/project';
import { parameterOverrides } from './core/project/samconfig';
import { cdkAppFolder, synthesizeApp } from './core/project/cdk-app';
import { triggerLabel } from './core/model/trigger';
import type { DebugTarget } from './core/emulator/debug';
import { Emulator, logText } from './core/emulator/emulator';
import { serveEmulator } from './core/emulator/http-api';
import { LocalCallers } from './core/local-callers';
import { ServiceError } from './core/emulator/lambda-errors';
import { readEnvFile, skippedLineWarning } from './core/env-file';
import { parseJsonText } from './core/json-text';
import type { UnavailableFunction } from './core/emulator/emulator';
import { EVENT_TEMPLATES, generateEvent } from './core/events/catalog';
import { deployPackage, type DeployProgress } from './core/deploy/deploy';
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_SECONDS, type FunctionConfig } from './core/function-config';
import { WorkbenchError } from './core/errors';
import type { LogRecord } from './core/logs/record';
import { NODE_RUNTIMES, PYTHON_RUNTIMES, isNodeRuntime, isRuntime, type Runtime } from './core/runtimes';

declare const LAMBDA_WORKBENCH_VERSION: string;

const USAGE = `Usage: lambda-workbench <command> [options]

Every command that works on a project reads the one in the current folder: its template.yaml
(with the templates it nests), else its serverless.yml, else a CDK app's cloud assembly (cdk.out,
when cdk.json is there), else every template, serverless.yml and exported handler below it, with
the folder's .lambda/functions.json settings. Or name one:
      --template <file>     A SAM or CloudFormation template
      --config <file>       A serverless.yml
      --cdk-out <dir>       An AWS CDK cloud assembly, as "cdk synth" writes it
      --parameter-overrides "K=V K2=V2"
                            Template parameter values, over samconfig.toml's and the defaults
      --config-env <env>    samconfig.toml's environment (default: default): its template_file
                            and the parameter_overrides of its global, deploy and local sections
      --stage <stage>       serverless.yml's stage (default: its provider.stage, else dev)
      --synth               In a CDK app, run its own "cdk synth" (node_modules/.bin/cdk) first

Commands:
  project [--json]        Print what the project holds: its functions (name, runtime, handler, code
                          folder, triggers, deployed name, where each is defined) and its problems.
  serve                   Serve the project's functions over Lambda's Invoke API on 127.0.0.1,
                          like "sam local start-lambda", without Docker.
      --functions <file>    Or a JSON file {"functions": [...]} of function configurations
      --port <n>            Port (default: 3001; 0 picks a free one)
      --env-file <file>     .env file whose variables every function gets
      --region <region>     AWS_REGION the functions see (default: us-east-1)
      --profile <name>      Give the functions real AWS credentials from this profile
                            (without it they get none, and the AWS SDK in them finds none)
      --concurrency <n>     Environments per function before invocations are throttled (default: 10)
      --idle-timeout <s>    Seconds an idle environment is kept warm (default: 300)
      --json-logs           Print log records as JSON lines on stdout
      --debug <function>    Run this function (name or logical id) under a debugger: its environment
                            starts at once and waits for a debugger (Node.js inspector or debugpy)
                            on 127.0.0.1; its timeout is not enforced and its concurrency is 1
      --debug-port <n>      The debugger's port (default: 9229 for Node.js, 5678 for Python)
      --python <path>       Python interpreter for Python functions (default: python3.X of the
                            function's runtime, else python3, found on PATH)
      --build-dir <dir>     Where TypeScript handlers are bundled, one folder per function
                            (default: a new temporary folder, removed on exit)
      --exit-with-parent    Stop when standard input closes (for a parent process's child)
      --allow-host <name>   Also answer requests addressed to this host name (a forwarded port or a
                            tunnel); "*.example.test" allows the names below example.test. Only
                            127.0.0.1, localhost and [::1] are answered otherwise. Repeatable.
      --allow-origin <url>  Let web pages of this origin (http://localhost:5173) call the Invoke API,
                            with CORS headers; requests from web pages are refused otherwise. Repeatable.
  invoke <function>       Invoke one function of the project once and print its result.
      --event <file|->      Event JSON (default: {}); "-" reads standard input
      --env-file, --region, --profile as for serve
  events list [--json]    List the sample-event templates (id, service, title).
  events generate <id> [--param name=value ...]
                          Print an event generated from a template.
  bundle <function>       Bundle a function of the project (name, logical id or deployed name), or
                          a handler file, as deploy ships it.
      --out <file.zip|dir>  A .zip: the deployment package (prints its size and CodeSha256); a folder:
                            the Node.js bundle and its source map (default: ./dist-lambda)
      --runtime <runtime>   The runtime to build for (default: the project's; for a handler file
                            nodejs22.x or python3.12)
      --minify              Minify the bundle.
      --no-sourcemap        Do not write a source map.
      --bundle-aws-sdk      Bundle the AWS SDK v3 rather than use the one the runtime provides.
  deploy <function>       Bundle a function (or handler file) and make it the code of a deployed function.
      --to <name>           The deployed function (default: the name the project gives it)
      --profile <name>      AWS profile (default: the default credential chain)
      --region <region>     Region (default: AWS_REGION, the profile's, then us-east-1)
      --endpoint-url <url>  Another endpoint than AWS's (LocalStack, moto)
      --publish             Publish a version of the new code.
      --alias <name>        Point this alias at the published version (created if missing; implies --publish).
      --s3-bucket <name>    Upload packages over 50 MB through this bucket.
      --runtime, --minify, --no-sourcemap, --bundle-aws-sdk as for bundle
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
  if (command === 'project') return project(rest);
  if (command === 'bundle') return bundle(rest);
  if (command === 'deploy') return deploy(rest);
  if (command === 'serve') return serve(rest);
  if (command === 'invoke') return invoke(rest);
  if (command === 'events') {
    events(rest);
    return;
  }
  throw new UsageError(`Unknown command "${command}". Run "lambda-workbench --help" to see the commands.`);
}

// ---- serve and invoke -----------------------------------------------------------------------

const PROJECT_OPTIONS = {
  template: { type: 'string' },
  config: { type: 'string' },
  'cdk-out': { type: 'string' },
  stage: { type: 'string' },
  'parameter-overrides': { type: 'string', multiple: true },
  'config-env': { type: 'string' },
  synth: { type: 'boolean' },
} as const;

const TEMPLATE_OPTIONS = {
  ...PROJECT_OPTIONS,
  functions: { type: 'string' },
  'env-file': { type: 'string' },
  region: { type: 'string', default: 'us-east-1' },
  profile: { type: 'string' },
} as const;

/** Real AWS credentials for the functions, when a profile was named. */
async function profileCredentials(profile: string | undefined): Promise<{ credentials?: AwsCredentials }> {
  return profile === undefined ? {} : { credentials: await resolveCredentials(profile) };
}

interface ProjectFlags {
  template?: string | undefined;
  config?: string | undefined;
  'cdk-out'?: string | undefined;
  'parameter-overrides'?: string[] | undefined;
  'config-env'?: string | undefined;
  stage?: string | undefined;
  region?: string | undefined;
  synth?: boolean | undefined;
}

/**
 * The project of the current folder, or of the template or serverless.yml the flags name, as the
 * editor's discovery reads it. Its problems (a file that does not parse...) are printed; a project
 * with no function at all is refused with what was looked for.
 */
async function loadProject(flags: ProjectFlags): Promise<Project> {
  if (flags.synth === true) {
    await synthesizeApp(cdkAppFolder(process.cwd(), flags['cdk-out']), (chunk) => process.stderr.write(chunk));
  }
  const parser = parserInWorker(join(__dirname, 'parser-worker.js'));
  let project: Project;
  try {
    project = await readProject(
      {
        folder: process.cwd(),
        ...(flags.template === undefined ? {} : { template: flags.template }),
        ...(flags.config === undefined ? {} : { serverless: flags.config }),
        ...(flags['cdk-out'] === undefined ? {} : { cdkOut: flags['cdk-out'] }),
        ...(flags['config-env'] === undefined ? {} : { configEnv: flags['config-env'] }),
        ...(flags['parameter-overrides'] === undefined
          ? {}
          : {
              parameterOverrides: Object.assign(
                {},
                ...flags['parameter-overrides'].map((words) => parameterOverrides(words)),
              ) as Record<string, string>,
            }),
        ...(flags.stage === undefined ? {} : { stage: flags.stage }),
        ...(flags.region === undefined ? {} : { region: flags.region }),
      },
      parser,
    );
  } finally {
    await parser.close();
  }
  if (project.functions.length === 0 && project.problems.length > 0) {
    // Said once, in the failure itself: the problems are why nothing can run.
    throw new WorkbenchError(project.problems.map(located).join('\n'));
  }
  if (project.functions.length === 0) {
    throw new UsageError(
      `No Lambda function was found in ${project.description}: no template.yaml, serverless.yml or exported handler. ` +
        "Pass a template with --template, a serverless.yml with --config, or run in the project's folder.",
    );
  }
  for (const problem of project.problems) process.stderr.write(`error: ${located(problem)}\n`);
  for (const note of project.notes) process.stderr.write(`note: ${note}\n`);
  return project;
}

/** A problem as a terminal shows it: `file:line:column: message`, which editors and terminals link. */
function located(problem: DiscoveryProblem): string {
  return `${problem.file}:${problem.line}:${problem.column + 1}: ${problem.message}`;
}

/** Functions given as JSON ({"functions": [FunctionConfig...]}), for callers that discover functions themselves. */
function readFunctionsFile(path: string): Project {
  let parsed: { functions?: FunctionConfig[] };
  try {
    parsed = JSON.parse(readFileSync(resolve(path), 'utf8')) as { functions?: FunctionConfig[] };
  } catch (error) {
    throw new UsageError(`Cannot read the functions file ${path}: ${(error as Error).message}.`, { cause: error });
  }
  if (!Array.isArray(parsed.functions)) throw new UsageError(`${path} must hold {"functions": [...]}.`);
  // Checked again by the emulator at each invocation (configProblems), where the caller sees why.
  return {
    root: dirname(resolve(path)),
    description: path,
    functions: parsed.functions.map((config) => ({
      id: `${path}#${config.logicalId ?? config.name}`,
      source: 'code' as const,
      sourceFile: resolve(path),
      sourceLine: 1,
      config,
      runtimeKnown: true,
      triggers: [],
      warnings: [],
      problems: [],
    })),
    problems: [],
    notes: [],
  };
}

interface LoadOptions extends ProjectFlags {
  functions?: string | undefined;
  'env-file'?: string | undefined;
  region: string;
  /** Bundle here (kept on exit) rather than in a temporary folder of our own. */
  'build-dir'?: string | undefined;
}

interface LoadedFunctions {
  /** The functions that can run, in the order of `prepared`. */
  functions: DiscoveredFunction[];
  prepared: LocalFunction[];
  /** Those that cannot, with why (each problem names its file and line). */
  unavailable: UnavailableFunction[];
  /** The temporary folder the bundles are in, to remove on exit; undefined when the caller chose the folder. */
  buildDir: string | undefined;
  /** What was read, for the line that says what is served. */
  description: string;
}

/** The function a name means (its name, logical id or deployed name), or a UsageError that lists the functions. */
function findFunction(project: Project, name: string, flag: string): DiscoveredFunction {
  const found = findProjectFunction(project, name);
  if (found === undefined) {
    const names =
      project.functions
        .map((f) => (f.config.logicalId === undefined ? f.config.name : `${f.config.name} (${f.config.logicalId})`))
        .join(', ') || 'none';
    throw new UsageError(`${flag}${project.description} has no function "${name}". Its functions: ${names}.`);
  }
  return found;
}

/** A .env file's variables; a line that is not one is named in a warning. */
function envFileVariables(path: string): Record<string, string> {
  const file = readEnvFile(path);
  for (const line of file.skippedLines) process.stderr.write(`warning: ${skippedLineWarning(path, line)}\n`);
  return file.variables;
}

/** The project's functions, prepared to run locally (TypeScript bundled), with .env variables added. */
async function loadFunctions(options: LoadOptions, watch: boolean, only?: string, debug?: string): Promise<LoadedFunctions> {
  const project = options.functions === undefined ? await loadProject(options) : readFunctionsFile(options.functions);
  const chosen = only === undefined ? project.functions : [findFunction(project, only, '')];
  // Checked before anything is built, so a mistyped name fails at once.
  if (debug !== undefined) findFunction(project, debug, `--debug ${debug}: `);
  const extra = options['env-file'] === undefined ? {} : envFileVariables(resolve(options['env-file']));
  const functions = chosen.filter((fn) => fn.problems.length === 0);
  // A function that cannot run is explained by its problems, below; its warnings would be noise.
  for (const fn of functions) for (const warning of fn.warnings) process.stderr.write(`warning: ${warning}\n`);
  const unavailable = chosen
    .filter((fn) => fn.problems.length > 0)
    .map((fn) => ({ name: fn.config.name, ...logicalIdOf(fn), problems: fn.problems }));
  if (functions.length === 0 && unavailable.length > 0) {
    const which = only === undefined ? `None of the functions of ${project.description} can run` : `${only} cannot run`;
    throw new WorkbenchError(`${which} locally:\n${unavailable.flatMap((f) => f.problems).join('\n')}`);
  }
  for (const problem of unavailable.flatMap((f) => f.problems)) {
    process.stderr.write(`error: ${problem} Until then, its invocations are refused with this message.\n`);
  }
  const given = options['build-dir'];
  const buildDir = given === undefined ? mkdtempSync(join(tmpdir(), 'lambda-workbench-build-')) : resolve(given);
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
  for (const fn of prepared) {
    if (fn.buildError !== undefined) {
      process.stderr.write(
        `[${fn.config.name}] does not build, so its invocations fail until a save fixes it: ${fn.buildError.message}\n`,
      );
    }
  }
  return {
    functions,
    prepared,
    unavailable,
    buildDir: given === undefined ? buildDir : undefined,
    description: project.description,
  };
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

const SERVE_OPTIONS = {
  ...TEMPLATE_OPTIONS,
  port: { type: 'string', default: '3001' },
  concurrency: { type: 'string', default: '10' },
  'idle-timeout': { type: 'string', default: '300' },
  'json-logs': { type: 'boolean', default: false },
  'instance-id': { type: 'string' },
  'exit-with-parent': { type: 'boolean', default: false },
  debug: { type: 'string' },
  'debug-port': { type: 'string' },
  'build-dir': { type: 'string' },
  python: { type: 'string' },
  'allow-host': { type: 'string', multiple: true, default: [] as string[] },
  'allow-origin': { type: 'string', multiple: true, default: [] as string[] },
} as const;

function parseServeArgs(args: string[]) {
  return parseArgs({ args, options: SERVE_OPTIONS });
}

async function serve(args: string[]): Promise<void> {
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
  await stop.requested;
  const { emulator, prepared, buildDir, server, output } = running;
  // The emulator first, so invocations in flight are answered before the server closes.
  await shutdown(emulator, prepared, buildDir);
  await server.close();
  output.flush();
  process.exit(0);
}

type ServeValues = ReturnType<typeof parseServeArgs>['values'];

/** Builds the functions and starts the emulator and its server; says on standard error when it is ready. */
async function startServing(values: ServeValues) {
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
  const { functions, prepared, unavailable, buildDir } = await loadFunctions(values, true, undefined, values.debug);
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
    `Lambda Workbench emulator ${LAMBDA_WORKBENCH_VERSION}: serving ${functions.length} function(s) on ${server.url}\n` +
      functions
        .map(
          (f) => `  ${f.config.name}${f.config.logicalId === undefined ? '' : ` (${f.config.logicalId})`}  ${f.config.runtime}\n`,
        )
        .join(''),
  );
  return { emulator, prepared, buildDir, server, output };
}

/**
 * `requested` settles on SIGINT or SIGTERM, or, with `withParent`, when standard input closes: the
 * parent holds it open, so its end means the parent is gone, however it went. `cancel` lets the
 * process end without one (a start that failed).
 */
function stopRequest(withParent: boolean): { requested: Promise<void>; cancel(): void } {
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

/** The other names a function answers to locally: its logical id, and its deployed name when that differs. */
function logicalIdOf(fn: DiscoveredFunction | undefined): { logicalId?: string; deployedName?: string } {
  return {
    ...(fn?.config.logicalId === undefined ? {} : { logicalId: fn.config.logicalId }),
    ...(fn?.config.deployedName === undefined ? {} : { deployedName: fn.config.deployedName }),
  };
}

/** The --debug function with its port: the one given, else the usual port of its runtime's debugger. */
function debugTarget(name: string, port: number | undefined, configs: FunctionConfig[]): DebugTarget {
  if (port !== undefined) return { functionName: name, port };
  const config = configs.find((c) => c.name === name) ?? configs.find((c) => c.logicalId === name);
  return { functionName: name, port: config !== undefined && isNodeRuntime(config.runtime) ? 9229 : 5678 };
}

async function shutdown(emulator: Emulator, prepared: LocalFunction[], buildDir: string | undefined): Promise<void> {
  await emulator.stop();
  await disposeBuilds(prepared, buildDir);
}

async function disposeBuilds(prepared: LocalFunction[], buildDir: string | undefined): Promise<void> {
  await Promise.all(prepared.map((p) => p.dispose()));
  if (buildDir !== undefined) rmSync(buildDir, { recursive: true, force: true });
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
  // A lone function that cannot run is refused here, with its problems.
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

/** The event's text, checked: invalid JSON is refused with its file, line and column, before anything runs. */
function readEvent(source: string | undefined): string {
  if (source === undefined) return '{}';
  let text: string;
  try {
    text = source === '-' ? readFileSync(0, 'utf8') : readFileSync(resolve(source), 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the event ${source}: ${(error as Error).message}.`, { cause: error });
  }
  // An empty event is Lambda's {}.
  if (text.trim() === '') return text;
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    const where = source === '-' ? 'standard input' : source;
    throw new WorkbenchError(
      `${where}:${parsed.error.line}:${parsed.error.column}: the event is not valid JSON: ${parsed.error.message}. Fix the event and run again.`,
    );
  }
  return text;
}

function portNumber(value: string, flag: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 65_535) {
    throw new UsageError(`${flag} must be a port number from 1 to 65535, not "${value}".`);
  }
  return number;
}

function hostName(value: string, flag: string): string {
  if (!/^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/.test(value)) {
    throw new UsageError(`${flag} must be a host name such as my-tunnel.example.test (no port, no scheme), not "${value}".`);
  }
  return value;
}

function originOf(value: string, flag: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || !['http:', 'https:'].includes(url.protocol) || url.origin !== value.replace(/\/$/, '')) {
    throw new UsageError(`${flag} must be an origin such as http://localhost:5173 (scheme, host and port only), not "${value}".`);
  }
  return url.origin;
}

function wholeNumber(value: string, flag: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new UsageError(`${flag} must be a whole number, not "${value}".`);
  return number;
}

// ---- project ----------------------------------------------------------------------------------

async function project(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      ...PROJECT_OPTIONS,
      region: { type: 'string', default: 'us-east-1' },
      json: { type: 'boolean', default: false },
    },
  });
  const read = await loadProject(values);
  const functions = read.functions.map((fn) => ({
    name: fn.config.name,
    ...(fn.source === 'code' ? {} : { declaredAs: declaredName(fn) }),
    source: fn.source,
    file: relative(process.cwd(), fn.sourceFile) || fn.sourceFile,
    line: fn.sourceLine,
    runtime: fn.config.runtime,
    ...(fn.runtimeKnown ? {} : { runtimeAssumed: true }),
    handler: fn.config.handler,
    codeDir: relative(process.cwd(), fn.config.codeDir) || '.',
    timeoutSeconds: fn.config.timeoutSeconds,
    memoryMB: fn.config.memoryMB,
    environment: Object.keys(fn.config.environment),
    ...(fn.remoteName === undefined ? {} : { deployedName: fn.remoteName }),
    triggers: fn.triggers,
    ...(fn.handlerCode === undefined
      ? {}
      : { handlerCode: `${relative(process.cwd(), fn.handlerCode.file)}:${fn.handlerCode.line}` }),
    warnings: fn.warnings,
    problems: fn.problems,
  }));
  if (values.json) {
    const problems = read.problems.map((p) => ({ file: relative(process.cwd(), p.file), line: p.line, message: p.message }));
    // Variables' values are left out: they may be secrets.
    process.stdout.write(`${JSON.stringify({ project: read.description, functions, problems, notes: read.notes }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${read.description}: ${functions.length} function(s)\n`);
  for (const fn of functions) {
    process.stdout.write(
      `\n${fn.name}${fn.declaredAs !== undefined && fn.declaredAs !== fn.name ? ` (${fn.declaredAs})` : ''}  ${fn.file}:${fn.line}\n` +
        `  ${fn.runtime}${fn.runtimeAssumed === true ? ' (assumed)' : ''}  ${fn.handler}  in ${fn.codeDir}  ${fn.timeoutSeconds} s  ${fn.memoryMB} MB\n` +
        (fn.deployedName === undefined ? '' : `  deployed as ${fn.deployedName}\n`) +
        fn.triggers.map((trigger) => `  trigger: ${triggerLabel(trigger)}\n`).join('') +
        fn.warnings.map((warning) => `  warning: ${warning}\n`).join('') +
        fn.problems.map((problem) => `  problem: ${problem}\n`).join(''),
    );
  }
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

// ---- bundle and deploy ----------------------------------------------------------------------

const PACKAGE_OPTIONS = {
  ...PROJECT_OPTIONS,
  runtime: { type: 'string' },
  minify: { type: 'boolean', default: false },
  'no-sourcemap': { type: 'boolean', default: false },
  'bundle-aws-sdk': { type: 'boolean', default: false },
} as const;

const NODE_FILE = /\.(ts|mts|cts|tsx|js|mjs|cjs|jsx)$/;

/** What `bundle` and `deploy` work on: a project's function, or a lone handler file. */
interface PackageTarget {
  readonly config: FunctionConfig;
  /** The deployed function's name the project gives (FunctionName, serverless naming): where deploy goes without --to. */
  readonly remoteName?: string;
  /** The handler's source file (TypeScript or JavaScript), when discovery found it. */
  readonly entry?: string;
  /** A handler file whose runtime nobody named: deploy takes the deployed function's. */
  readonly runtimeAssumed: boolean;
  /** Its code folder is build output, packaged as it is. */
  readonly built?: boolean;
}

/** `name` is a handler file when one exists at that path, else a function of the project. */
async function packageTarget(name: string, values: ProjectFlags & { runtime?: string | undefined }): Promise<PackageTarget> {
  const file = resolve(name);
  if (existsSync(file) && statSync(file).isFile()) return handlerFileTarget(file, values.runtime);
  if (NODE_FILE.test(name) || name.endsWith('.py')) {
    throw new UsageError(`The handler file ${name} does not exist. Check the path, or name a function of the template instead.`);
  }
  const fn = findFunction(await loadProject(values), name, '');
  for (const warning of fn.warnings) process.stderr.write(`warning: ${warning}\n`);
  if (!fn.runtimeKnown && values.runtime === undefined) {
    throw new UsageError(
      `${fn.sourceFile}:${fn.sourceLine}: ${fn.config.name} names no runtime Lambda Workbench can build for. Add Runtime (such as nodejs22.x or python3.12) to the function or to Globals.Function, or pass --runtime.`,
    );
  }
  let config = fn.config;
  if (values.runtime !== undefined) {
    if (!isRuntime(values.runtime))
      throw new UsageError(`--runtime "${values.runtime}" is not a runtime Lambda Workbench knows.`);
    config = { ...config, runtime: values.runtime };
  }
  const source = fn.handlerCode;
  const entry = source !== undefined && source.language !== 'python' && existsSync(source.file) ? source.file : undefined;
  return {
    config,
    ...(fn.remoteName === undefined ? {} : { remoteName: fn.remoteName }),
    ...(entry === undefined ? {} : { entry }),
    runtimeAssumed: false,
    ...(fn.built === true ? { built: true } : {}),
  };
}

function handlerFileTarget(file: string, runtime: string | undefined): PackageTarget {
  const python = file.endsWith('.py');
  if (!python && !NODE_FILE.test(file)) {
    throw new UsageError(
      `${file} is neither a Node.js nor a Python handler file. Name a .ts, .js, .mjs or .py file, or a function of the template.`,
    );
  }
  const chosen = runtime ?? (python ? 'python3.12' : 'nodejs22.x');
  if (python ? !(PYTHON_RUNTIMES as readonly string[]).includes(chosen) : !isNodeRuntime(chosen)) {
    throw new UsageError(
      python
        ? `--runtime "${chosen}" is not a Python runtime; use one of ${PYTHON_RUNTIMES.join(', ')}.`
        : `--runtime "${chosen}" is not a Node.js runtime; use one of ${NODE_RUNTIMES.join(', ')}.`,
    );
  }
  const module = basename(file).replace(/\.[^.]+$/, '');
  return {
    config: {
      name: module,
      runtime: chosen as Runtime,
      handler: `${module}.handler`,
      codeDir: dirname(file),
      timeoutSeconds: DEFAULT_TIMEOUT_SECONDS,
      memoryMB: DEFAULT_MEMORY_MB,
      environment: {},
    },
    entry: file,
    runtimeAssumed: runtime === undefined,
  };
}

function packageOptions(
  target: PackageTarget,
  values: { minify: boolean; 'no-sourcemap': boolean; 'bundle-aws-sdk': boolean },
): PackageOptions {
  return {
    minify: values.minify,
    sourcemap: !values['no-sourcemap'],
    bundleAwsSdk: values['bundle-aws-sdk'],
    displayRoot: process.cwd(),
    ...(target.entry === undefined ? {} : { entry: target.entry }),
    ...(target.built === true ? { built: true } : {}),
  };
}

async function bundle(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...PACKAGE_OPTIONS, out: { type: 'string', default: 'dist-lambda' } },
  });
  const [name] = positionals;
  if (name === undefined || positionals.length > 1) {
    throw new UsageError(
      'bundle takes one function or handler file, e.g. "lambda-workbench bundle HelloFunction --out hello.zip" or "lambda-workbench bundle src/handler.ts".',
    );
  }
  const target = await packageTarget(name, values);
  const out = resolve(values.out);
  if (out.endsWith('.zip')) {
    const pkg = await buildDeploymentPackage(target.config, packageOptions(target, values));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, pkg.zip);
    printPackage(pkg);
    process.stdout.write(`${out}\t${pkg.bytes} bytes\tCodeSha256 ${pkg.codeSha256}\t${pkg.durationMs.toFixed(0)} ms\n`);
    return;
  }
  const { config } = target;
  if (!isNodeRuntime(config.runtime)) {
    throw new UsageError(
      `${config.name} runs ${config.runtime}; only Node.js handlers are bundled into a folder. Pass --out <file>.zip for its deployment package.`,
    );
  }
  const located = target.entry === undefined ? nodeHandlerEntry(config) : undefined;
  const result = await bundleHandler({
    entry: target.entry ?? located?.entry ?? '',
    outDir: out,
    runtime: config.runtime,
    minify: values.minify,
    sourcemap: !values['no-sourcemap'],
    bundleAwsSdk: values['bundle-aws-sdk'],
    displayRoot: process.cwd(),
    ...(located === undefined ? {} : { codeRoot: config.codeDir, handlerModule: located.handlerModule }),
  });
  for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
  process.stdout.write(`${result.outFile}\t${result.bytes} bytes\t${result.durationMs.toFixed(0)} ms\n`);
}

/** Warnings, and what the package is made of, on standard error. */
function printPackage(pkg: DeploymentPackage): void {
  for (const warning of pkg.warnings) process.stderr.write(`warning: ${warning}\n`);
  const top = pkg.bundle?.size.contributors.slice(0, 5) ?? [];
  if (top.length > 0) {
    process.stderr.write(
      `${pkg.functionName}: ${pkg.bytes} bytes zipped, ${pkg.unzippedBytes} unzipped. Largest parts of the bundle:\n`,
    );
    for (const part of top) process.stderr.write(`  ${String(part.bytes).padStart(9)}  ${part.name}\n`);
  }
}

async function deploy(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...PACKAGE_OPTIONS,
      to: { type: 'string' },
      profile: { type: 'string' },
      region: { type: 'string' },
      'endpoint-url': { type: 'string' },
      publish: { type: 'boolean', default: false },
      alias: { type: 'string' },
      's3-bucket': { type: 'string' },
    },
  });
  const [name] = positionals;
  if (name === undefined || positionals.length > 1) {
    throw new UsageError(
      'deploy takes one function or handler file, e.g. "lambda-workbench deploy HelloFunction --to hello-prod".',
    );
  }
  const target = await packageTarget(name, values);
  const remote = values.to ?? target.remoteName;
  if (remote === undefined) {
    throw new UsageError(
      `${target.config.name} does not say which deployed function it is. Pass --to <function name>, or give it a FunctionName in the template.`,
    );
  }
  const connection: AwsConnection = {
    region:
      values.region ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'] ?? (await profileRegion(values.profile)),
    ...(values.profile === undefined ? {} : { profile: values.profile }),
    ...(values['endpoint-url'] === undefined ? {} : { endpointUrl: values['endpoint-url'] }),
  };
  const client = await createLambdaClient(connection);
  // Ctrl+C stops between steps; an upload under way is finished and the function's state reported.
  const cancel = new AbortController();
  const onInterrupt = () => {
    process.stderr.write('Cancelling after the current step...\n');
    cancel.abort();
  };
  process.once('SIGINT', onInterrupt);
  try {
    const config = target.runtimeAssumed ? await withDeployedRuntime(client, remote, target.config) : target.config;
    const report = ({ message }: DeployProgress) => process.stderr.write(`${message}\n`);
    const pkg = await buildDeploymentPackage(config, {
      ...packageOptions(target, values),
      onProgress: (step) =>
        report({ step, message: step === 'bundling' ? `Bundling ${config.name}.` : `Zipping ${config.name}.` }),
    });
    printPackage(pkg);
    const result = await deployPackage(client, pkg, {
      functionName: remote,
      connection,
      publish: values.publish,
      ...(values.alias === undefined ? {} : { alias: values.alias }),
      ...(values['s3-bucket'] === undefined ? {} : { s3Bucket: values['s3-bucket'] }),
      signal: cancel.signal,
      onProgress: report,
    });
    for (const [key, value] of Object.entries(result.missingEnvironment)) {
      process.stderr.write(`note: set ${key}=${value} on ${remote}, so stack traces use the source map.\n`);
    }
    const published = `${result.version === undefined ? '' : `, version ${result.version}`}${result.alias === undefined ? '' : `, alias ${result.alias}`}`;
    process.stdout.write(
      result.skipped
        ? `${remote} is already up to date: CodeSha256 ${result.codeSha256}; nothing was uploaded${published}.\n`
        : `Deployed ${remote}: CodeSha256 ${result.codeSha256}, ${result.bytes} bytes, in ${result.durationMs.toFixed(0)} ms${published}.\n`,
    );
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    client.destroy();
  }
}

/** The region of a profile in the shared config files, else us-east-1. */
async function profileRegion(profile: string | undefined): Promise<string> {
  const catalog = await readProfiles();
  return catalog.profiles.find((p) => p.name === (profile ?? 'default'))?.region ?? 'us-east-1';
}

/** A lone handler file is built for the runtime of the function it replaces, when that is of its language. */
async function withDeployedRuntime(client: LambdaClient, remote: string, config: FunctionConfig): Promise<FunctionConfig> {
  const { GetFunctionConfigurationCommand } = await import('@aws-sdk/client-lambda');
  try {
    const deployed = (await client.send(new GetFunctionConfigurationCommand({ FunctionName: remote }))).Runtime;
    if (deployed !== undefined && isRuntime(deployed) && languageOf(deployed) === languageOf(config.runtime)) {
      return { ...config, runtime: deployed };
    }
  } catch {
    // The deploy's own lookup of the function reports what is wrong.
  }
  return config;
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
