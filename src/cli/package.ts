// What `bundle` and `deploy` share: which function or handler file to package, and how.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { type DeploymentPackage, type PackageOptions } from '../core/bundle/deployment-package';
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_SECONDS, type FunctionConfig } from '../core/function-config';
import { NODE_RUNTIMES, PYTHON_RUNTIMES, isNodeRuntime, isRuntime, type Runtime } from '../core/runtimes';
import { UsageError, PROJECT_OPTIONS, type ProjectFlags } from './options';
import { loadProject, findFunction } from './load';

export const PACKAGE_OPTIONS = {
  ...PROJECT_OPTIONS,
  runtime: { type: 'string' },
  minify: { type: 'boolean', default: false },
  'no-sourcemap': { type: 'boolean', default: false },
  'bundle-aws-sdk': { type: 'boolean', default: false },
} as const;

export const NODE_FILE = /\.(ts|mts|cts|tsx|js|mjs|cjs|jsx)$/;

/** What `bundle` and `deploy` work on: a project's function, or a lone handler file. */
export interface PackageTarget {
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
export async function packageTarget(
  name: string,
  values: ProjectFlags & { runtime?: string | undefined },
): Promise<PackageTarget> {
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

export function handlerFileTarget(file: string, runtime: string | undefined): PackageTarget {
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

export function packageOptions(
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

/** Warnings, and what the package is made of, on standard error. */
export function printPackage(pkg: DeploymentPackage): void {
  for (const warning of pkg.warnings) process.stderr.write(`warning: ${warning}\n`);
  const top = pkg.bundle?.size.contributors.slice(0, 5) ?? [];
  if (top.length > 0) {
    process.stderr.write(
      `${pkg.functionName}: ${pkg.bytes} bytes zipped, ${pkg.unzippedBytes} unzipped. Largest parts of the bundle:\n`,
    );
    for (const part of top) process.stderr.write(`  ${String(part.bytes).padStart(9)}  ${part.name}\n`);
  }
}
