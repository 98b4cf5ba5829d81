// Reading the project a command works on (the folder's, or the one the options name) and
// preparing its functions to run locally.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { resolveCredentials, type AwsCredentials } from '../core/aws/credentials';
import { prepareLocalFunction, type LocalFunction } from '../core/bundle/local-function';
import type { DiscoveredFunction, DiscoveryProblem } from '../core/discovery/types';
import { parserInWorker } from '../core/project/parser-worker-client';
import { findProjectFunction, readProject, type Project } from '../core/project/project';
import { parameterOverrides } from '../core/project/samconfig';
import { cdkAppFolder, synthesizeApp } from '../core/project/cdk-app';
import { readEnvFile, skippedLineWarning } from '../core/env-file';
import type { UnavailableFunction } from '../core/emulator/emulator';
import { type FunctionConfig } from '../core/function-config';
import { WorkbenchError } from '../core/errors';
import { UsageError, type ProjectFlags } from './options';

/** Real AWS credentials for the functions, when a profile was named. */
export async function profileCredentials(profile: string | undefined): Promise<{ credentials?: AwsCredentials }> {
  return profile === undefined ? {} : { credentials: await resolveCredentials(profile) };
}

/**
 * The project of the current folder, or of the template or serverless.yml the flags name, as the
 * editor's discovery reads it. Its problems (a file that does not parse...) are printed; a project
 * with no function at all is refused with what was looked for.
 */
export async function loadProject(flags: ProjectFlags): Promise<Project> {
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
export function located(problem: DiscoveryProblem): string {
  return `${problem.file}:${problem.line}:${problem.column + 1}: ${problem.message}`;
}

/** Functions given as JSON ({"functions": [FunctionConfig...]}), for callers that discover functions themselves. */
export function readFunctionsFile(path: string): Project {
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
      layers: [],
      warnings: [],
      problems: [],
    })),
    apis: [],
    layers: [],
    problems: [],
    notes: [],
  };
}

export interface LoadOptions extends ProjectFlags {
  functions?: string | undefined;
  'env-file'?: string | undefined;
  region: string;
  /** Bundle here (kept on exit) rather than in a temporary folder of our own. */
  'build-dir'?: string | undefined;
}

export interface LoadedFunctions {
  /** The functions that can run, in the order of `prepared`. */
  functions: DiscoveredFunction[];
  prepared: LocalFunction[];
  /** Those that cannot, with why (each problem names its file and line). */
  unavailable: UnavailableFunction[];
  /** The temporary folder the bundles are in, to remove on exit; undefined when the caller chose the folder. */
  buildDir: string | undefined;
  /** The folder the bundles are in, either way. */
  buildRoot: string;
  /** The --env-file's variables, which every function gets. */
  extraEnvironment: Readonly<Record<string, string>>;
  /** What was read, for the line that says what is served. */
  description: string;
  /** The project's APIs and every function, for the local HTTP API. */
  project: Project;
}

/** The function a name means (its name, logical id or deployed name), or a UsageError that lists the functions. */
export function findFunction(project: Project, name: string, flag: string): DiscoveredFunction {
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
export function envFileVariables(path: string): Record<string, string> {
  const file = readEnvFile(path);
  for (const line of file.skippedLines) process.stderr.write(`warning: ${skippedLineWarning(path, line)}\n`);
  return file.variables;
}

/** The project's functions, prepared to run locally (TypeScript bundled), with .env variables added. */
export async function loadFunctions(
  options: LoadOptions,
  watch: boolean,
  only?: string,
  debug?: string,
): Promise<LoadedFunctions> {
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
    functions.map((fn) => prepareToRun({ ...fn.config, environment: { ...fn.config.environment, ...extra } }, buildDir, watch)),
  );
  return {
    functions,
    prepared,
    unavailable,
    buildDir: given === undefined ? buildDir : undefined,
    buildRoot: buildDir,
    extraEnvironment: extra,
    description: project.description,
    project,
  };
}

/** A function prepared to run (TypeScript bundled in `buildDir`, and again on each save when `watch`), its build told on stderr. */
export async function prepareToRun(config: FunctionConfig, buildDir: string, watch: boolean): Promise<LocalFunction> {
  const prepared = await prepareLocalFunction(config, {
    buildDir,
    watch,
    onRebuild: (name, outcome) => {
      process.stderr.write(
        outcome instanceof Error
          ? `[${name}] rebuild failed: ${outcome.message}\n`
          : `[${name}] rebuilt in ${outcome.durationMs.toFixed(0)} ms\n`,
      );
    },
  });
  if (prepared.buildError !== undefined) {
    process.stderr.write(
      `[${prepared.config.name}] does not build, so its invocations fail until a save fixes it: ${prepared.buildError.message}\n`,
    );
  }
  return prepared;
}

/** The other names a function answers to locally: its logical id, and its deployed name when that differs. */
export function logicalIdOf(fn: DiscoveredFunction | undefined): { logicalId?: string; deployedName?: string } {
  return {
    ...(fn?.config.logicalId === undefined ? {} : { logicalId: fn.config.logicalId }),
    ...(fn?.config.deployedName === undefined ? {} : { deployedName: fn.config.deployedName }),
  };
}

export async function disposeBuilds(prepared: LocalFunction[], buildDir: string | undefined): Promise<void> {
  await Promise.all(prepared.map((p) => p.dispose()));
  if (buildDir !== undefined) rmSync(buildDir, { recursive: true, force: true });
}
