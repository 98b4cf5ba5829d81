// serverless.yml (Serverless Framework): its functions as FunctionConfigs, with the provider's
// settings under each function's own, the variables a local run can know resolved, and the names
// the framework gives the deployed functions.
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { WorkbenchError } from '../errors';
import { architectureOf, propertyProblems, type FunctionConfig } from '../function-config';
import { isRuntime } from '../runtimes';
import { parseLocatedYaml, type LocatedYaml } from './cfn-yaml';
import { ServerlessVariables } from './serverless-variables';
import type { Trigger } from '../model/trigger';
import type { ApiSettings } from '../model/api-settings';
import { serverlessApiSettings } from './api-settings';
import { serverlessEventTriggers, serverlessUrlTrigger } from './declared-triggers';

/** The Serverless Framework's defaults, which differ from Lambda's (128 MB, 3 s): what it deploys is what runs. */
export const SERVERLESS_DEFAULT_MEMORY_MB = 1024;
export const SERVERLESS_DEFAULT_TIMEOUT_SECONDS = 6;
const DEFAULT_STAGE = 'dev';

export interface ServerlessFunction {
  /** The function's key under `functions:`. */
  readonly key: string;
  readonly config: FunctionConfig;
  /** Set when neither the function nor the provider names a runtime Lambda Workbench runs. */
  readonly runtimeUnknown?: true;
  /** The deployed function's name: its `name`, else `<service>-<stage>-<key>`. */
  readonly remoteName?: string;
  /** Its `events` and its `url`. */
  readonly triggers: readonly Trigger[];
  /** Its `layers` (else the provider's), in order: layers of the file by key, or published versions' ARNs. */
  readonly layers: readonly ({ readonly key: string } | { readonly arn: string })[];
  /** 1-based line of the function's key. */
  readonly line: number;
  readonly warnings: readonly string[];
  /** What Lambda would refuse, each a sentence that starts with the file and line (see propertyProblems). */
  readonly problems: readonly string[];
}

export interface ServerlessOptions {
  /** The stage, as `serverless deploy --stage` would get it; else the file's provider.stage, else `dev`. */
  readonly stage?: string;
  readonly region?: string;
  /** The environment `${env:...}` reads; this process's by default. */
  readonly environment?: Readonly<Record<string, string | undefined>>;
}

type Json = Record<string, unknown>;

function asRecord(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

/** The functions of a serverless.yml given as text; throws a WorkbenchError when it is not valid YAML. */
export function parseServerless(text: string, path: string, options: ServerlessOptions = {}): ServerlessFunction[] {
  const parsed = parseLocatedYaml(text);
  if (!parsed.ok) {
    throw new WorkbenchError(
      `${path} is not valid YAML (line ${parsed.error.line}): ${parsed.error.message}. Fix the file and try again.`,
    );
  }
  return serverlessFunctions(parsed.yaml, path, options);
}

/** A layer of a serverless.yml's `layers:` section. */
export interface ServerlessLayer {
  readonly key: string;
  /** Its `name`, else its key. */
  readonly name: string;
  /** Its `path`: the folder whose files Lambda puts in /opt. */
  readonly contentDir: string;
  readonly compatibleRuntimes: readonly string[];
  readonly compatibleArchitectures: readonly string[];
  readonly line: number;
  readonly problems: readonly { readonly line: number; readonly message: string }[];
}

/** The functions of a parsed serverless.yml; throws a WorkbenchError when it is not a map. */
export function serverlessFunctions(yaml: LocatedYaml, path: string, options: ServerlessOptions = {}): ServerlessFunction[] {
  return readServerless(yaml, path, options).functions;
}

/**
 * The logical id the framework gives a layer in its CloudFormation (`{ Ref: CommonLambdaLayer }`
 * in a function's `layers` names the layer `common`): the key with its first letter upper-cased
 * and `-` and `_` spelled out.
 */
export function layerLogicalId(key: string): string {
  const normalized = key.replaceAll('-', 'Dash').replaceAll('_', 'Underscore');
  return `${normalized.charAt(0).toUpperCase()}${normalized.slice(1)}LambdaLayer`;
}

/** The functions and layers of a parsed serverless.yml; throws a WorkbenchError when it is not a map. */
export function readServerless(
  yaml: LocatedYaml,
  path: string,
  options: ServerlessOptions = {},
): { functions: ServerlessFunction[]; layers: ServerlessLayer[]; apis: { rest: ApiSettings; http: ApiSettings } } {
  const document = asRecord(yaml.value);
  if (document === undefined) throw new WorkbenchError(`${path} is not a serverless.yml: it is not a map.`);
  const scratch: string[] = [];
  const provider = asRecord(document['provider']) ?? {};
  const folder = dirname(path);
  const environment = options.environment ?? process.env;
  const stageVariables = new ServerlessVariables({ document, folder, environment, ...options });
  const stageValue = options.stage ?? stageVariables.resolve(provider['stage'] ?? DEFAULT_STAGE, 'provider.stage', scratch);
  const stage = typeof stageValue === 'string' && !stageValue.includes('${') ? stageValue : DEFAULT_STAGE;
  const variables = new ServerlessVariables({
    document,
    stage,
    folder,
    environment,
    ...(options.region ? { region: options.region } : {}),
  });

  // HTTP API routes send payload 2.0 unless provider.httpApi.payload asks for 1.0.
  const payload = asRecord(provider['httpApi'])?.['payload'];
  const httpApiPayload: '1.0' | '2.0' = payload === '1.0' || payload === 1 ? '1.0' : '2.0';
  const declaredLayers: ServerlessLayer[] = [];
  for (const [key, definition] of Object.entries(asRecord(document['layers']) ?? {})) {
    const warnings: string[] = [];
    const layer = asRecord(variables.resolve(definition, `layers.${key}`, warnings)) ?? {};
    const line = yaml.lineOf(['layers', key]) ?? 1;
    const layerPath = layer['path'];
    const contentDir = resolve(folder, typeof layerPath === 'string' ? layerPath : '.');
    const at = yaml.lineOf(['layers', key, 'path']) ?? line;
    const problems =
      typeof layerPath !== 'string'
        ? [{ line, message: `The layer ${key} has no path: name the folder its files are in (path: layers/${key}).` }]
        : isFolder(contentDir)
          ? []
          : [
              {
                line: at,
                message: `The layer ${key}'s folder ${JSON.stringify(layerPath)} does not exist at ${contentDir}. Fix its path, or create the folder.`,
              },
            ];
    const name = layer['name'];
    declaredLayers.push({
      key,
      name: typeof name === 'string' && name !== '' ? name : key,
      contentDir,
      compatibleRuntimes: stringsOf(layer['compatibleRuntimes']),
      compatibleArchitectures: stringsOf(layer['compatibleArchitectures']),
      line,
      problems,
    });
  }
  const layerKeys = new Map(declaredLayers.map((layer) => [layerLogicalId(layer.key), layer.key]));
  const functions: ServerlessFunction[] = [];
  for (const [key, definition] of functionEntries(document['functions'])) {
    const warnings: string[] = [];
    const value = (raw: unknown, where: string) => variables.resolve(raw, where, warnings);
    const fn = asRecord(definition);
    // Container-image functions (`image:`) have no handler code to run locally.
    if (fn === undefined || fn['handler'] === undefined) continue;
    const handler = value(fn['handler'], `functions.${key}.handler`);
    const runtime = value(fn['runtime'] ?? provider['runtime'], `functions.${key}.runtime`);
    const memory = numberOf(value(fn['memorySize'] ?? provider['memorySize'], `functions.${key}.memorySize`));
    const timeout = numberOf(value(fn['timeout'] ?? provider['timeout'], `functions.${key}.timeout`));
    const runtimeKnown = typeof runtime === 'string' && isRuntime(runtime);
    const architectureValue = value(fn['architecture'] ?? provider['architecture'], `functions.${key}.architecture`);
    const architecture = architectureOf(architectureValue);
    if (runtime === undefined) {
      warnings.push(
        `${key}: neither the function nor the provider names a runtime, so local runs assume one; add provider.runtime.`,
      );
    } else if (!runtimeKnown) {
      warnings.push(`${key}: runtime ${JSON.stringify(runtime)} is not one Lambda Workbench runs.`);
    }
    const environment = environmentOf(
      { ...asRecord(provider['environment']), ...asRecord(fn['environment']) },
      key,
      variables,
      warnings,
    );
    const remoteName = deployedName(fn['name'], key, document['service'], stage, variables, warnings);
    const line = yaml.lineOf(['functions', key]) ?? yaml.lineOf(['functions']) ?? 1;
    // The framework's own names for the properties, on the function or else the provider.
    const properties = {
      FunctionName: 'name',
      Runtime: 'runtime',
      Handler: 'handler',
      Timeout: 'timeout',
      MemorySize: 'memorySize',
      Environment: 'environment',
    } as const;
    const problems = propertyProblems({
      // Without a runtime the framework deploys its default one: a warning above, not Lambda's refusal.
      runtime: runtime ?? 'nodejs20.x',
      handler,
      timeout: timeout ?? SERVERLESS_DEFAULT_TIMEOUT_SECONDS,
      memory: memory ?? SERVERLESS_DEFAULT_MEMORY_MB,
      environment,
      ...(remoteName === undefined ? {} : { functionName: remoteName }),
    }).map((problem) => {
      const property = properties[problem.property];
      const at = yaml.lineOf(['functions', key, property]) ?? yaml.lineOf(['provider', property]) ?? line;
      return `${path}:${at}: ${key}: ${problem.message}`;
    });
    const extraProblems: string[] = [];
    if (architectureValue !== undefined && architecture === undefined) {
      extraProblems.push(
        `${path}:${yaml.lineOf(['functions', key, 'architecture']) ?? yaml.lineOf(['provider', 'architecture']) ?? line}: ${key}: architecture ${JSON.stringify(architectureValue)} is not one Lambda accepts: write x86_64 or arm64.`,
      );
    }
    const layers = layerUses(value(fn['layers'] ?? provider['layers'], `functions.${key}.layers`), layerKeys, (message) =>
      extraProblems.push(
        `${path}:${yaml.lineOf(['functions', key, 'layers']) ?? yaml.lineOf(['provider', 'layers']) ?? line}: ${key}: ${message}`,
      ),
    );
    const context = { resolve: (raw: unknown) => variables.resolve(raw, key, []), httpApiPayload };
    const url = serverlessUrlTrigger(fn['url']);
    const triggers = [
      ...(Array.isArray(fn['events']) ? fn['events'] : []).flatMap((event) => serverlessEventTriggers(event, context)),
      ...(url === undefined ? [] : [url]),
    ];
    functions.push({
      key,
      config: {
        name: key,
        runtime: typeof runtime === 'string' && isRuntime(runtime) ? runtime : 'provided.al2023',
        ...(architecture === undefined ? {} : { architecture }),
        handler: typeof handler === 'string' ? handler : '',
        codeDir: dirname(path),
        timeoutSeconds: timeout ?? SERVERLESS_DEFAULT_TIMEOUT_SECONDS,
        memoryMB: memory ?? SERVERLESS_DEFAULT_MEMORY_MB,
        environment,
      },
      ...(runtimeKnown ? {} : { runtimeUnknown: true as const }),
      ...(remoteName !== undefined ? { remoteName } : {}),
      triggers,
      layers,
      line,
      warnings: [...new Set(warnings)],
      problems: [...problems, ...extraProblems],
    });
  }
  return { functions, layers: declaredLayers, apis: serverlessApiSettings(provider, stage) };
}

/** The layers a function's `layers` names: ARNs, and `{ Ref: <Key>LambdaLayer }` for the file's own. */
function layerUses(
  value: unknown,
  layerKeys: ReadonlyMap<string, string>,
  problem: (message: string) => void,
): ServerlessFunction['layers'] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problem('layers is not a list: write a list of layer version ARNs, or { Ref: <Key>LambdaLayer } for a layer of this file.');
    return [];
  }
  return value.flatMap((item): ServerlessFunction['layers'] => {
    const ref = asRecord(item)?.['Ref'];
    const key = typeof ref === 'string' ? layerKeys.get(ref) : undefined;
    if (key !== undefined) return [{ key }];
    if (typeof item === 'string' && /^arn:[^:]+:lambda:[^:]*:[^:]*:layer:[^:]+:\d+$/.test(item)) return [{ arn: item }];
    if (typeof item === 'string' && item.includes('${')) return []; // Unresolved: its variable's warning says so.
    problem(
      typeof ref === 'string'
        ? `the layer { Ref: ${ref} } names no layer of this file (the layer "common" is CommonLambdaLayer). Fix the name, or add the layer under layers:.`
        : `the layer ${JSON.stringify(item)} is not a layer version ARN (arn:aws:lambda:<region>:<account>:layer:<name>:<version>). Fix it.`,
    );
    return [];
  });
}

/** `functions:` is a map, or (in older files) a list of maps; both give key and definition. */
function functionEntries(functions: unknown): [string, unknown][] {
  if (Array.isArray(functions)) return functions.flatMap((item) => Object.entries(asRecord(item) ?? {}));
  return Object.entries(asRecord(functions) ?? {});
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function isFolder(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
}

function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function environmentOf(raw: Json, key: string, variables: ServerlessVariables, warnings: string[]): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    const resolved = variables.resolve(value, `functions.${key}.environment.${name}`, warnings);
    if (resolved === null || typeof resolved === 'object') {
      // CloudFormation intrinsics (Ref, Fn::GetAtt) only have values once deployed.
      warnings.push(`${key}: environment variable ${name} has a value that cannot be resolved locally; it is left empty.`);
      environment[name] = '';
    } else {
      environment[name] =
        typeof resolved === 'string'
          ? resolved
          : typeof resolved === 'number' || typeof resolved === 'boolean'
            ? String(resolved)
            : '';
    }
  }
  return environment;
}

/** The Serverless Framework names a function `<service>-<stage>-<key>` unless its `name` says otherwise. */
function deployedName(
  name: unknown,
  key: string,
  service: unknown,
  stage: string,
  variables: ServerlessVariables,
  warnings: string[],
): string | undefined {
  const plain = (value: unknown, where: string) => {
    const resolved = variables.resolve(value, where, warnings);
    return typeof resolved === 'string' && !resolved.includes('${') && resolved !== '' ? resolved : undefined;
  };
  if (name !== undefined) return plain(name, `functions.${key}.name`);
  // Serverless Framework v1 also allowed `service: { name: ... }`.
  const serviceName = plain(asRecord(service)?.['name'] ?? service, 'service');
  return serviceName === undefined ? undefined : `${serviceName}-${stage}-${key}`;
}
