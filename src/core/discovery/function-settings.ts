// `.lambda/functions.json`: what the user chose for each discovered function (a runtime nothing
// else named, a timeout, the deployed function to invoke...), kept in the workspace so it is
// shared through git and survives a rescan. Keys are the ids of DiscoveredFunction.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkbenchError } from '../errors';
import { describeJsonError, locateJsonError } from '../json-text';
import { writeAtomically } from '../events/saved-events';
import { isRuntime, type Runtime } from '../runtimes';
import type { DiscoveryProblem } from './types';

export const FUNCTION_SETTINGS_FILE = join('.lambda', 'functions.json');

/** What discovery applies over what a template, serverless.yml or the defaults say. */
export interface FunctionOverride {
  readonly runtime?: Runtime;
  readonly timeoutSeconds?: number;
  readonly memoryMB?: number;
  /** Merged over the function's own variables; these win. */
  readonly environment?: Readonly<Record<string, string>>;
}

export interface FunctionSettings extends FunctionOverride {
  /** The deployed function that "Invoke remotely" and deploy use for this local one. */
  readonly remoteFunction?: string;
  readonly deployOnSave?: boolean;
}

/** A change to one function's settings: a key set to `undefined` is removed. */
export type FunctionSettingsPatch = { readonly [K in keyof FunctionSettings]?: FunctionSettings[K] | undefined };

export interface FunctionSettingsReading {
  /** The valid settings by function id; entries or values that are not valid are left out. */
  readonly functions: Readonly<Record<string, FunctionSettings>>;
  /** Why the file (or part of it) could not be used, located for a diagnostic. */
  readonly problem?: DiscoveryProblem;
}

/** The settings of a workspace: none when the file does not exist; never a throw that would hide functions. */
export function readFunctionSettings(root: string): FunctionSettingsReading {
  const file = join(root, FUNCTION_SETTINGS_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { functions: {} };
    return {
      functions: {},
      problem: { file, line: 1, column: 0, message: `${file} cannot be read: ${(error as Error).message}.` },
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    const error = locateJsonError(text);
    return {
      functions: {},
      problem: {
        file,
        line: error.line,
        column: error.column - 1,
        message: `${FUNCTION_SETTINGS_FILE} is not valid JSON (${describeJsonError(error)}); its settings are ignored until it is fixed.`,
      },
    };
  }
  const entries = asRecord(asRecord(parsed)?.['functions']);
  if (entries === undefined) {
    return {
      functions: {},
      problem: {
        file,
        line: 1,
        column: 0,
        message: `${FUNCTION_SETTINGS_FILE} must hold {"functions": {...}}; its settings are ignored.`,
      },
    };
  }
  const functions: Record<string, FunctionSettings> = {};
  const invalid: string[] = [];
  for (const [id, raw] of Object.entries(entries)) {
    const { settings, problems } = validSettings(raw);
    functions[id] = settings;
    invalid.push(...problems.map((problem) => `${id}: ${problem}`));
  }
  if (invalid.length === 0) return { functions };
  const [first = ''] = invalid;
  const line = lineMentioning(text, first.slice(0, first.indexOf(': ')));
  return {
    functions,
    problem: { file, line, column: 0, message: `${FUNCTION_SETTINGS_FILE} has values that are ignored: ${invalid.join('; ')}.` },
  };
}

/** Sets or removes one function's settings, keeping everything else in the file as it was. */
export async function updateFunctionSettings(root: string, id: string, patch: FunctionSettingsPatch): Promise<void> {
  const file = join(root, FUNCTION_SETTINGS_FILE);
  if (patch.runtime !== undefined && !isRuntime(patch.runtime)) {
    throw new WorkbenchError(
      `"${String(patch.runtime)}" is not a runtime Lambda Workbench runs; choose one of the listed runtimes.`,
    );
  }
  let document: Record<string, unknown> = {};
  try {
    document = asRecord(JSON.parse(readFileSync(file, 'utf8')) as unknown) ?? {};
  } catch (error) {
    // Overwriting a file that exists but does not parse would lose what the user wrote in it.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new WorkbenchError(`${file} cannot be updated: ${(error as Error).message}. Fix or delete it, then try again.`, {
        cause: error,
      });
    }
  }
  const functions = asRecord(document['functions']) ?? {};
  const entry = withoutUndefined({ ...asRecord(functions[id]), ...patch });
  // Spreading keeps an existing entry where it was in the file; an entry left empty goes.
  const updated = Object.keys(entry).length > 0 ? { ...functions, [id]: entry } : withoutKey(functions, id);
  mkdirSync(join(root, '.lambda'), { recursive: true });
  await writeAtomically(file, `${JSON.stringify({ ...document, functions: updated }, null, 2)}\n`);
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

function withoutKey(record: Record<string, unknown>, key: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([name]) => name !== key));
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The settings of one entry that are valid, and why the others are not. */
function validSettings(raw: unknown): { settings: FunctionSettings; problems: string[] } {
  const entry = asRecord(raw);
  if (entry === undefined) return { settings: {}, problems: ['is not an object'] };
  const problems: string[] = [];
  const settings: { -readonly [K in keyof FunctionSettings]: FunctionSettings[K] } = {};
  const { runtime, timeoutSeconds, memoryMB, environment, remoteFunction, deployOnSave } = entry;
  if (runtime !== undefined) {
    if (typeof runtime === 'string' && isRuntime(runtime)) settings.runtime = runtime;
    else problems.push(`runtime ${JSON.stringify(runtime)} is not a runtime Lambda Workbench runs`);
  }
  if (timeoutSeconds !== undefined) {
    if (typeof timeoutSeconds === 'number' && Number.isInteger(timeoutSeconds) && timeoutSeconds > 0) {
      settings.timeoutSeconds = timeoutSeconds;
    } else problems.push(`timeoutSeconds ${JSON.stringify(timeoutSeconds)} is not a whole number of seconds`);
  }
  if (memoryMB !== undefined) {
    if (typeof memoryMB === 'number' && Number.isInteger(memoryMB) && memoryMB > 0) settings.memoryMB = memoryMB;
    else problems.push(`memoryMB ${JSON.stringify(memoryMB)} is not a whole number of MB`);
  }
  if (environment !== undefined) {
    const variables = asRecord(environment);
    if (variables !== undefined && Object.values(variables).every((v) => typeof v === 'string')) {
      settings.environment = variables as Record<string, string>;
    } else problems.push('environment is not a map of strings');
  }
  if (remoteFunction !== undefined) {
    if (typeof remoteFunction === 'string') settings.remoteFunction = remoteFunction;
    else problems.push('remoteFunction is not a function name');
  }
  if (deployOnSave !== undefined) {
    if (typeof deployOnSave === 'boolean') settings.deployOnSave = deployOnSave;
    else problems.push('deployOnSave is not true or false');
  }
  return { settings, problems };
}

/** The 1-based line where a key is written, so the diagnostic lands near the bad entry. */
function lineMentioning(text: string, key: string): number {
  const at = text.indexOf(JSON.stringify(key));
  return at < 0 ? 1 : text.slice(0, at).split('\n').length;
}
