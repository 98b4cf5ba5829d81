// SAM and CloudFormation templates: their functions as FunctionConfigs, with Globals applied,
// paths resolved against the template, and the intrinsic functions that can be resolved locally
// (parameters' defaults, pseudo parameters, Sub, Join, Select, If) resolved.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { assemblyAssets, objectKeyOf } from './cloud-assembly';
import { writeWholeSync } from '../files';
import { privateDir } from '../private-dir';
import { LocatedError, WorkbenchError } from '../errors';
import {
  architectureOf,
  DEFAULT_MEMORY_MB,
  DEFAULT_TIMEOUT_SECONDS,
  propertyProblems,
  type FunctionConfig,
} from '../function-config';
import { isRuntime } from '../runtimes';
import { parseLocatedYaml, type LocatedYaml } from './cfn-yaml';
import { readEsbuildSettings } from '../bundle/esbuild-settings';
import { samApiSettings } from './api-settings';
import { cloudFormationApis, cloudFormationRoutes, openApiRoutes, unservedIntegrations } from './cfn-apis';
import type { ApiSettings } from '../model/api-settings';
import { ARN_SERVICES, PRINCIPAL_SERVICES, type Trigger } from '../model/trigger';
import {
  eventSourceOf,
  referenceLabel,
  referencedId,
  samEventTrigger,
  urlTrigger,
  type SamEventContext,
} from './declared-triggers';

/** A function of a template: its configuration, and where it came from. */
export interface TemplateFunction {
  readonly logicalId: string;
  /** The FunctionName property, when it is a plain name. */
  readonly functionName?: string;
  readonly config: FunctionConfig;
  readonly templatePath: string;
  /**
   * Set when the template names no runtime Lambda Workbench runs: `config.runtime` is then a
   * placeholder (`provided.al2023`) that discovery may replace by what the handler's code says.
   */
  readonly runtimeUnknown?: true;
  /** What invokes it: its SAM Events and FunctionUrlConfig, and the template's mappings, URLs and permissions that name it. */
  readonly triggers: readonly Trigger[];
  /** Its Layers (with Globals'), in order. */
  readonly layers: readonly TemplateLayerUse[];
  /** Values that could not be resolved locally, as sentences. */
  readonly warnings: readonly string[];
  /** The resource's line in the template (1-based; 1 when unknown). */
  readonly line: number;
  /** Set when its code folder is build output (a CDK asset): it runs as it is, and is not parsed for handlers. */
  readonly built?: true;
  /**
   * What Lambda would refuse in its configuration (no Runtime, a Timeout of "abc"...), each as a
   * sentence that starts with the file and line and ends with what to write instead.
   */
  readonly problems: readonly string[];
}

/** A layer a template function names: one of the template's LayerVersions, or a published version's ARN. */
export type TemplateLayerUse = { readonly logicalId: string } | { readonly arn: string };

/** An `AWS::Serverless::LayerVersion` or `AWS::Lambda::LayerVersion` of a template. */
export interface TemplateLayer {
  readonly logicalId: string;
  /** Its LayerName, else its logical id. */
  readonly name: string;
  /** The folder its files come from: ContentUri or Content as a path, or a CDK asset. */
  readonly contentDir: string;
  readonly compatibleRuntimes: readonly string[];
  readonly compatibleArchitectures: readonly string[];
  readonly buildMethod?: string;
  /** Set when the folder is build output (a CDK asset, `sam build`'s). */
  readonly built?: true;
  readonly line: number;
  /** What keeps its files from being found (a folder missing, code in S3), at its line, with what to do. */
  readonly problems: readonly { readonly line: number; readonly message: string }[];
}

const LAYER_TYPES: ReadonlySet<unknown> = new Set(['AWS::Serverless::LayerVersion', 'AWS::Lambda::LayerVersion']);

export interface TemplateOptions {
  readonly region?: string;
  readonly accountId?: string;
  /** Values for the template's Parameters, overriding their defaults. */
  readonly parameters?: Readonly<Record<string, string>>;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type JsonObject = { [key: string]: Json };

export function readTemplate(path: string, options: TemplateOptions = {}): TemplateFunction[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new WorkbenchError(`Cannot read the template ${path}: ${(error as Error).message}. Check the path and try again.`, {
      cause: error,
    });
  }
  return parseTemplate(text, path, options);
}

export function parseTemplate(text: string, path: string, options: TemplateOptions = {}): TemplateFunction[] {
  const parsed = parseLocatedYaml(text);
  if (!parsed.ok) {
    const { line, column, message } = parsed.error;
    throw new WorkbenchError(`${path}:${line}:${column + 1}: the template is not valid YAML: ${message}. Fix it and try again.`);
  }
  return templateFunctions(parsed.yaml.value, path, options, parsed.yaml);
}

/**
 * The functions of a template already parsed (by parseLocatedYaml);
 * with `located`, problems name the line of the property at fault.
 */
export function templateFunctions(
  parsed: unknown,
  path: string,
  options: TemplateOptions = {},
  located?: LocatedYaml,
): TemplateFunction[] {
  const { template, resources, allGlobals, lineOf, resolver } = readingOf(parsed, path, options, located);
  const globals = asObject(allGlobals['Function']) ?? {};
  // `sam build` writes its output's template into .aws-sam/build: every function there is built.
  const builtBySam = SAM_BUILD_OUTPUT.test(path);
  // CloudFormation would create none of the stack: every function is told why, and none runs.
  const refused = parameterValueProblem(template, options, path, lineOf);
  const pointing = triggersPointingAt(resources, resolver);
  const cfnRoutes = cloudFormationRoutes(resources);
  for (const { logicalId, kind, definition } of apiDefinitions(resources, resolver, path)) {
    if (definition === undefined) continue;
    for (const [fn, routes] of openApiRoutes(resources, logicalId, kind, definition)) {
      cfnRoutes.set(fn, [...(cfnRoutes.get(fn) ?? []), ...routes]);
    }
  }
  const functions: TemplateFunction[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    const body = asObject(resource);
    const type = body?.['Type'];
    if (type !== 'AWS::Serverless::Function' && type !== 'AWS::Lambda::Function') continue;
    const own = asObject(body?.['Properties']) ?? {};
    const properties = type === 'AWS::Serverless::Function' ? mergeGlobals(globals, own) : own;
    // A resource with a Condition exists only when the condition holds (say, IsProd with Stage=dev).
    const condition = body?.['Condition'];
    const conditionWarnings: string[] = [];
    const holds = typeof condition === 'string' ? resolver.holds(condition, `${logicalId}.Condition`, conditionWarnings) : true;
    if (holds === false) continue;
    if (holds === undefined) {
      conditionWarnings.push(
        `${logicalId}: whether its Condition ${JSON.stringify(condition)} holds cannot be told locally, so it is served; give the parameters it depends on values.`,
      );
    }
    const line = lineOf(['Resources', logicalId]) ?? 1;
    // A property's own line, else its line in Globals, else the resource's.
    const where = (property: string) =>
      `${path}:${lineOf(['Resources', logicalId, 'Properties', property]) ?? lineOf(['Globals', 'Function', property]) ?? line}`;
    const routes = cfnRoutes.get(logicalId) ?? [];
    const triggers = uniqueRoutes([
      ...declaredTriggers(properties, {
        resolve: (value) => resolver.resolve(value as Json, logicalId, []),
        defaultAuthorizer: (api, apiId) => defaultAuthorizer(resources, allGlobals, api, apiId),
      }),
      ...routes,
      // API Gateway's permission to invoke says no more than the routes above do.
      ...(pointing.get(logicalId) ?? []).filter(
        (trigger) => routes.length === 0 || trigger.kind !== 'policy' || trigger.principal !== 'apigateway.amazonaws.com',
      ),
    ]);
    let fn = readFunction(logicalId, type, properties, asObject(body?.['Metadata']), path, resolver, {
      line,
      where,
      triggers,
      resources,
      lineOf,
    });
    if (fn === undefined) continue;
    if (conditionWarnings.length > 0) fn = { ...fn, warnings: [...conditionWarnings, ...fn.warnings] };
    if (refused !== undefined) fn = { ...fn, problems: [refused, ...fn.problems] };
    if (!builtBySam) {
      functions.push(fn);
      continue;
    }
    // Its esbuild Metadata names sources the built folder does not hold.
    const config: Mutable<FunctionConfig> = { ...fn.config };
    delete config.esbuild;
    functions.push({ ...fn, config, built: true });
  }
  return functions;
}

/** What reading a template's resources takes: its sections, where each key is, and its resolver. */
function readingOf(parsed: unknown, path: string, options: TemplateOptions, located: LocatedYaml | undefined) {
  const template = asObject(parsed as Json);
  if (template === undefined) throw new WorkbenchError(`${path} is not a CloudFormation template: it is not a map.`);
  const resources = asObject(template['Resources']) ?? {};
  const lineOf = (keys: readonly string[]) => located?.lineOf(keys);
  const resolver = new Resolver(template, resources, options, (name) => ({
    file: path,
    line: lineOf(['Conditions', name]) ?? 1,
  }));
  return { template, resources, allGlobals: asObject(template['Globals']) ?? {}, lineOf, resolver };
}

/**
 * The layers of a template already parsed: its `AWS::Serverless::LayerVersion` (with
 * Globals.LayerVersion) and `AWS::Lambda::LayerVersion` resources whose Condition holds.
 */
export function templateLayers(
  parsed: unknown,
  path: string,
  options: TemplateOptions = {},
  located?: LocatedYaml,
): TemplateLayer[] {
  const { resources, allGlobals, lineOf, resolver } = readingOf(parsed, path, options, located);
  const layers: TemplateLayer[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    const body = asObject(resource);
    const type = body?.['Type'];
    if (!LAYER_TYPES.has(type)) continue;
    const condition = body?.['Condition'];
    if (typeof condition === 'string' && resolver.holds(condition, `${logicalId}.Condition`, []) === false) continue;
    const serverless = type === 'AWS::Serverless::LayerVersion';
    const own = asObject(body?.['Properties']) ?? {};
    const properties = serverless ? mergeGlobals(asObject(allGlobals['LayerVersion']) ?? {}, own) : own;
    const value = (key: string) => resolver.resolve(properties[key], `${logicalId}.${key}`, []);
    const line = lineOf(['Resources', logicalId]) ?? 1;
    const contentProperty = serverless ? 'ContentUri' : 'Content';
    const at = lineOf(['Resources', logicalId, 'Properties', contentProperty]) ?? line;
    const metadata = asObject(body?.['Metadata']);
    const content = value(contentProperty);
    const asset =
      typeof content === 'string' ? undefined : assetOf(path, metadata, contentProperty, asObject(content ?? null)?.['S3Key']);
    const problems: { line: number; message: string }[] = [];
    const problem = (message: string) => problems.push({ line: at, message: `${logicalId}: ${message}` });
    let contentDir = resolve(dirname(path), '.');
    if (asset !== undefined) {
      contentDir = asset;
      if (!isFolder(asset)) {
        problem(
          `its files, the asset ${relative(dirname(path), asset)} of the cloud assembly, are not there. Run "cdk synth" again.`,
        );
      }
    } else if (typeof content === 'string' && !/^s3:\/\//i.test(content)) {
      contentDir = resolve(dirname(path), content);
      if (!isFolder(contentDir)) {
        problem(
          `its folder ${JSON.stringify(content)} (${contentProperty}) does not exist at ${contentDir}. Fix ${contentProperty}, or run the build that creates it.`,
        );
      }
    } else {
      problem(
        content === undefined
          ? `it has no ${contentProperty}: name the folder its files are in.`
          : `its files are an object in S3, which a local run cannot fetch. Point ${contentProperty} at the local folder it is built from.`,
      );
    }
    const name = value('LayerName');
    const buildMethod = metadata?.['BuildMethod'];
    layers.push({
      logicalId,
      name: typeof name === 'string' && name !== '' ? name : logicalId,
      contentDir,
      compatibleRuntimes: stringsOf(value('CompatibleRuntimes')),
      compatibleArchitectures: stringsOf(value('CompatibleArchitectures')),
      ...(typeof buildMethod === 'string' ? { buildMethod } : {}),
      ...(asset !== undefined || SAM_BUILD_OUTPUT.test(path) ? { built: true as const } : {}),
      line,
      problems,
    });
  }
  return layers;
}

/**
 * The OpenAPI definitions of the template's SAM APIs: DefinitionBody inline, or the local file that
 * DefinitionUri or an `AWS::Include` in DefinitionBody names; a file that cannot be read or parsed
 * is a problem at the property's line.
 */
function apiDefinitions(
  resources: JsonObject,
  resolver: Resolver,
  templatePath: string,
  lineOf: (keys: readonly string[]) => number | undefined = () => undefined,
): { logicalId: string; kind: 'rest' | 'http'; definition?: Json; problem?: { line: number; message: string } }[] {
  const found: { logicalId: string; kind: 'rest' | 'http'; definition?: Json; problem?: { line: number; message: string } }[] =
    [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    const body = asObject(resource);
    const type = body?.['Type'];
    // CloudFormation's own APIs take an OpenAPI Body too (CDK's SpecRestApi writes one).
    const cfnKind = type === 'AWS::ApiGateway::RestApi' ? 'rest' : type === 'AWS::ApiGatewayV2::Api' ? 'http' : undefined;
    const kind = typeof type === 'string' ? (API_TYPES[type] ?? cfnKind) : undefined;
    if (kind === undefined) continue;
    const condition = body?.['Condition'];
    if (typeof condition === 'string' && resolver.holds(condition, `${logicalId}.Condition`, []) === false) continue;
    const properties = asObject(body?.['Properties']) ?? {};
    if (cfnKind !== undefined) {
      const inlineBody = asObject(properties['Body']);
      if (inlineBody !== undefined) found.push({ logicalId, kind, definition: inlineBody });
      continue;
    }
    const inline = asObject(properties['DefinitionBody']);
    // `DefinitionBody: Fn::Transform: { Name: AWS::Include, Parameters: { Location: api.yaml } }`.
    const transform = asObject(inline?.['Fn::Transform']);
    const includePath = asObject(transform?.['Parameters'] ?? null)?.['Location'];
    const uri = properties['DefinitionUri'];
    const file = typeof uri === 'string' ? uri : typeof includePath === 'string' ? includePath : undefined;
    if (file === undefined) {
      if (inline !== undefined && transform === undefined) found.push({ logicalId, kind, definition: inline });
      continue;
    }
    const property = typeof properties['DefinitionUri'] === 'string' ? 'DefinitionUri' : 'DefinitionBody';
    const line = lineOf(['Resources', logicalId, 'Properties', property]) ?? lineOf(['Resources', logicalId]) ?? 1;
    if (/^s3:\/\//i.test(file)) {
      found.push({
        logicalId,
        kind,
        problem: {
          line,
          message: `${logicalId}: its OpenAPI definition is in S3 (${file}), which a local run cannot read; its routes are not served. Point ${property} at the local file.`,
        },
      });
      continue;
    }
    const definitionPath = resolve(dirname(templatePath), file);
    let text: string;
    try {
      text = readFileSync(definitionPath, 'utf8');
    } catch (error) {
      found.push({
        logicalId,
        kind,
        problem: {
          line,
          message: `${logicalId}: its OpenAPI definition ${file} cannot be read (${(error as Error).message}); its routes are not served. Fix ${property}.`,
        },
      });
      continue;
    }
    const parsed = parseLocatedYaml(text);
    if (!parsed.ok) {
      found.push({
        logicalId,
        kind,
        problem: {
          line,
          message: `${logicalId}: its OpenAPI definition ${definitionPath}:${parsed.error.line} does not parse: ${parsed.error.message}. Fix it, and its routes are served.`,
        },
      });
      continue;
    }
    found.push({ logicalId, kind, definition: parsed.yaml.value as Json });
  }
  return found;
}

/** An API the template declares (AWS::Serverless::Api or HttpApi), or one SAM creates for its functions' events. */
export interface TemplateApi {
  /** Its logical id; `ServerlessRestApi` and `ServerlessHttpApi` for the implicit ones. */
  readonly logicalId: string;
  readonly kind: 'rest' | 'http';
  /** Set for the APIs SAM creates for events that name no API. */
  readonly implicit?: true;
  /** Its line; the implicit ones', their Globals section's (or 1). */
  readonly line: number;
  readonly settings: ApiSettings;
  /** What keeps its routes from being read (an OpenAPI file that does not parse), at a line of the template. */
  readonly problems?: readonly { readonly line: number; readonly message: string }[];
}

const API_TYPES: Readonly<Record<string, 'rest' | 'http'>> = {
  'AWS::Serverless::Api': 'rest',
  'AWS::Serverless::HttpApi': 'http',
};

/**
 * The APIs of a template: each AWS::Serverless::Api and AWS::Serverless::HttpApi whose Condition
 * holds, with Globals.Api or Globals.HttpApi under its own properties, and the implicit
 * ServerlessRestApi and ServerlessHttpApi that SAM creates (shaped by the same Globals).
 */
export function templateApis(parsed: unknown, path: string, options: TemplateOptions = {}, located?: LocatedYaml): TemplateApi[] {
  const { resources, allGlobals, lineOf, resolver } = readingOf(parsed, path, options, located);
  const resolve = (where: string) => (value: unknown) => resolver.resolve(value as Json, where, []);
  const globalsOf = (kind: 'rest' | 'http') => asObject(allGlobals[kind === 'rest' ? 'Api' : 'HttpApi']) ?? {};
  const apis: TemplateApi[] = (['rest', 'http'] as const).map((kind) => ({
    logicalId: kind === 'rest' ? 'ServerlessRestApi' : 'ServerlessHttpApi',
    kind,
    implicit: true as const,
    line: lineOf(['Globals', kind === 'rest' ? 'Api' : 'HttpApi']) ?? 1,
    settings: samApiSettings(kind, globalsOf(kind), resolve(kind)),
  }));
  const definitions = apiDefinitions(resources, resolver, path, lineOf);
  const definitionProblems = new Map(
    definitions.flatMap((d) => (d.problem === undefined ? [] : [[d.logicalId, d.problem] as const])),
  );
  // Integrations that reach no function here are said once each, at their resource, with the first API.
  const unserved = unservedIntegrations(
    resources,
    definitions.flatMap((d) => (d.definition === undefined ? [] : [{ logicalId: d.logicalId, definition: d.definition }])),
  ).map(({ logicalId, message }) => ({ line: lineOf(['Resources', logicalId]) ?? 1, message }));
  for (const api of cloudFormationApis(resources, resolve('Resources'))) {
    apis.push({ ...api, line: lineOf(['Resources', api.logicalId]) ?? 1 });
  }
  for (const [logicalId, resource] of Object.entries(resources)) {
    const body = asObject(resource);
    const kind = typeof body?.['Type'] === 'string' ? API_TYPES[body['Type']] : undefined;
    if (kind === undefined) continue;
    const condition = body?.['Condition'];
    if (typeof condition === 'string' && resolver.holds(condition, `${logicalId}.Condition`, []) === false) continue;
    const properties = mergeGlobals(globalsOf(kind), asObject(body?.['Properties']) ?? {});
    const problem = definitionProblems.get(logicalId);
    apis.push({
      logicalId,
      kind,
      line: lineOf(['Resources', logicalId]) ?? 1,
      settings: samApiSettings(kind, properties, resolve(logicalId)),
      ...(problem === undefined ? {} : { problems: [problem] }),
    });
  }
  const [first] = apis;
  if (first !== undefined && unserved.length > 0) apis[0] = { ...first, problems: [...(first.problems ?? []), ...unserved] };
  return apis;
}

/**
 * A function's Layers as resolved: each the ARN CloudFormation would give, which for a layer of the
 * template is the placeholder its Ref resolves to (see NAMED_RESOURCES), read back as that layer.
 */
function layerUses(
  value: Json | undefined,
  resources: JsonObject,
  resolver: Resolver,
  logicalId: string,
  at: string,
  warnings: string[],
  problems: string[],
): TemplateLayerUse[] {
  if (value === undefined) return [];
  const resolved = resolver.resolve(value, `${logicalId}.Layers`, warnings);
  if (resolved === undefined) return [];
  if (!Array.isArray(resolved)) {
    problems.push(
      `${at}: ${logicalId}: Layers is not a list: write a list of layer version ARNs or !Ref to layers of this template.`,
    );
    return [];
  }
  const byArn = new Map<string, string>();
  for (const [id, resource] of Object.entries(resources)) {
    if (!LAYER_TYPES.has(asObject(resource)?.['Type'])) continue;
    const arn = resolver.resolve({ Ref: id }, id, []);
    if (typeof arn === 'string' && !byArn.has(arn)) byArn.set(arn, id);
  }
  const uses: TemplateLayerUse[] = [];
  for (const item of resolved) {
    const layer = typeof item === 'string' ? byArn.get(item) : undefined;
    if (layer !== undefined) uses.push({ logicalId: layer });
    else if (typeof item === 'string' && /^arn:[^:]+:lambda:[^:]*:[^:]*:layer:[^:]+:\d+$/.test(item)) uses.push({ arn: item });
    else if (item !== null) {
      problems.push(
        `${at}: ${logicalId}: the layer ${JSON.stringify(item)} is neither a layer version ARN (arn:aws:lambda:<region>:<account>:layer:<name>:<version>) nor a layer of this template. Fix its Layers.`,
      );
    }
  }
  return uses;
}

function stringsOf(value: Json | undefined): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/**
 * A function's triggers with each route once: an API's OpenAPI definition and the function's own
 * event often both declare the same method and path (SAM merges them into one).
 */
function uniqueRoutes(triggers: Trigger[]): Trigger[] {
  const seen = new Set<string>();
  return triggers.filter((trigger) => {
    if (trigger.kind !== 'route') return true;
    const key = `${trigger.api} ${trigger.apiId ?? ''} ${trigger.method} ${trigger.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A template `sam build` wrote: its functions' folders hold built code, not sources. */
export const SAM_BUILD_OUTPUT = /(^|[\\/])\.aws-sam[\\/]build[\\/][^\\/]+$/;

/**
 * The child templates a template nests from local files: `AWS::Serverless::Application` with a
 * `Location` path and `AWS::CloudFormation::Stack` with a `TemplateURL` path, as absolute paths.
 * Applications from the Serverless Application Repository and templates at URLs are not local.
 */
export function nestedTemplatePaths(parsed: unknown, path: string): { logicalId: string; path: string }[] {
  const resources = asObject(asObject(parsed as Json)?.['Resources']) ?? {};
  const nested: { logicalId: string; path: string }[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    const body = asObject(resource);
    const properties = asObject(body?.['Properties']);
    const location =
      body?.['Type'] === 'AWS::Serverless::Application'
        ? properties?.['Location']
        : body?.['Type'] === 'AWS::CloudFormation::Stack'
          ? properties?.['TemplateURL']
          : undefined;
    // A CDK nested stack's template is an asset of the cloud assembly; its URL points at S3.
    const asset =
      body?.['Type'] === 'AWS::CloudFormation::Stack' && typeof location !== 'string'
        ? assetOf(path, asObject(body['Metadata']), 'TemplateURL', location)
        : undefined;
    if (asset !== undefined) {
      nested.push({ logicalId, path: asset });
    } else if (typeof location === 'string' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
      nested.push({ logicalId, path: resolve(dirname(path), location) });
    }
  }
  return nested;
}

function readFunction(
  logicalId: string,
  type: string,
  properties: JsonObject,
  metadata: JsonObject | undefined,
  templatePath: string,
  resolver: Resolver,
  {
    line,
    where,
    triggers,
    resources,
    lineOf,
  }: {
    line: number;
    where: (property: string) => string;
    triggers: readonly Trigger[];
    resources: JsonObject;
    lineOf: (keys: readonly string[]) => number | undefined;
  },
): TemplateFunction | undefined {
  const warnings: string[] = [];
  const value = (key: string) => resolver.resolve(properties[key], `${logicalId}.${key}`, warnings);
  // Image functions have no runtime or handler to run locally.
  if (properties['PackageType'] === 'Image') return undefined;
  const runtime = value('Runtime');
  const handler = value('Handler');
  const codeUri = type === 'AWS::Serverless::Function' ? value('CodeUri') : value('Code');
  const functionName = value('FunctionName');
  if (runtime === undefined) {
    warnings.push(
      `${logicalId}: the template names no Runtime, so local runs assume one; add Runtime to the function or to Globals.`,
    );
  } else if (typeof runtime !== 'string' || !isRuntime(runtime)) {
    warnings.push(`${logicalId}: runtime ${JSON.stringify(runtime)} is not one Lambda Workbench runs.`);
  }
  const environment: Record<string, string> = {};
  const variables = asObject(
    resolver.resolve(asObject(properties['Environment'])?.['Variables'], `${logicalId}.Environment`, warnings),
  );
  for (const [key, raw] of Object.entries(variables ?? {})) {
    if (raw === null || typeof raw === 'object') {
      warnings.push(`${logicalId}: environment variable ${key} has a value that cannot be resolved locally; it is left empty.`);
      environment[key] = '';
    } else {
      environment[key] = String(raw);
    }
  }
  // Where the code is: CodeUri or Code as a path; a CDK asset of the cloud assembly (its bundled
  // code, as `sam local` finds it); or code written inline, as Lambda writes it to index.js or index.py.
  const code = type === 'AWS::Lambda::Function' ? asObject(properties['Code']) : undefined;
  const s3Key = code?.['S3Key'];
  const asset =
    typeof codeUri === 'string'
      ? undefined
      : assetOf(templatePath, metadata, type === 'AWS::Serverless::Function' ? 'CodeUri' : 'Code', s3Key);
  const zipFile = code?.['ZipFile'];
  const inlineCode = zipFile === undefined ? undefined : resolver.resolve(zipFile, `${logicalId}.Code.ZipFile`, warnings);
  const codeDir =
    asset !== undefined
      ? asset
      : typeof inlineCode === 'string' && typeof runtime === 'string'
        ? inlineCodeFolder(inlineCode, runtime)
        : resolve(dirname(templatePath), typeof codeUri === 'string' ? codeUri : '.');
  const timeout = value('Timeout');
  const memory = value('MemorySize');
  const architectures = value('Architectures');
  const architecture = architectureOf(architectures);
  const problems = propertyProblems({
    ...(functionName === undefined ? {} : { functionName }),
    runtime,
    handler,
    timeout: timeout ?? DEFAULT_TIMEOUT_SECONDS,
    memory: memory ?? DEFAULT_MEMORY_MB,
    environment,
  }).map((problem) => `${where(problem.property)}: ${logicalId}: ${problem.message}`);
  if (architectures !== undefined && architecture === undefined) {
    problems.push(
      `${where('Architectures')}: ${logicalId}: Architectures ${JSON.stringify(architectures)} is not one Lambda accepts: write [x86_64] or [arm64].`,
    );
  }
  const codeProperty = type === 'AWS::Serverless::Function' ? 'CodeUri' : 'Code';
  if (asset !== undefined && !isFolder(codeDir)) {
    problems.push(
      `${where(codeProperty)}: ${logicalId}: its code, the asset ${relative(dirname(templatePath), asset)} of the cloud assembly, is not there. ` +
        'Run "cdk synth" again to write the cloud assembly.',
    );
  } else if (asset === undefined && code !== undefined && (s3Key !== undefined || code['S3Bucket'] !== undefined)) {
    problems.push(
      `${where(codeProperty)}: ${logicalId}: its code is an object in S3${typeof s3Key === 'string' ? ` (${s3Key})` : ''}, which a local run cannot fetch. ` +
        'Point Code (or CodeUri) at the local folder it is built from.',
    );
  } else if (asset === undefined && typeof codeUri === 'string' && !isFolder(codeDir)) {
    problems.push(
      `${where(codeProperty)}: ${logicalId}: its code folder ${JSON.stringify(codeUri)} (${codeProperty}) does not exist at ${codeDir}. ` +
        `Fix ${codeProperty}, or run the build that creates the folder.`,
    );
  }
  const layers = layerUses(properties['Layers'], resources, resolver, logicalId, where('Layers'), warnings, problems);
  const esbuild =
    metadata?.['BuildMethod'] === 'esbuild' ? readEsbuildSettings(asObject(metadata['BuildProperties'])) : undefined;
  for (const { property, message } of esbuild?.problems ?? []) {
    const at = lineOf(['Resources', logicalId, 'Metadata', 'BuildProperties', property]) ?? line;
    problems.push(`${templatePath}:${at}: ${logicalId}: ${message}`);
  }
  return {
    logicalId,
    ...(typeof functionName === 'string' ? { functionName } : {}),
    config: {
      name: typeof functionName === 'string' ? functionName : logicalId,
      runtime: typeof runtime === 'string' && isRuntime(runtime) ? runtime : 'provided.al2023',
      ...(architecture === undefined ? {} : { architecture }),
      handler: typeof handler === 'string' ? handler : '',
      codeDir,
      timeoutSeconds: typeof timeout === 'number' ? timeout : Number(timeout ?? DEFAULT_TIMEOUT_SECONDS),
      memoryMB: typeof memory === 'number' ? memory : Number(memory ?? DEFAULT_MEMORY_MB),
      environment,
      ...(esbuild === undefined ? {} : { esbuild: esbuild.settings }),
    },
    templatePath,
    ...(typeof runtime === 'string' && isRuntime(runtime) ? {} : { runtimeUnknown: true as const }),
    triggers,
    layers,
    line,
    problems,
    ...(asset === undefined ? {} : { built: true as const }),
    warnings,
  };
}

/** A function's own triggers: its SAM Events and its FunctionUrlConfig. */
function declaredTriggers(properties: JsonObject, context: SamEventContext): Trigger[] {
  const triggers = Object.values(asObject(properties['Events']) ?? {})
    .map((event) => samEventTrigger(event, context))
    .filter((trigger): trigger is Trigger => trigger !== undefined);
  const url = urlTrigger(properties['FunctionUrlConfig']);
  return url === undefined ? triggers : [...triggers, url];
}

/**
 * The API's default authorizer: `Auth.DefaultAuthorizer` of the AWS::Serverless::Api or HttpApi
 * resource the route names, else of Globals.Api or Globals.HttpApi (which also shape the implicit API).
 */
function defaultAuthorizer(
  resources: JsonObject,
  globals: JsonObject,
  api: 'rest' | 'http',
  apiId: string | undefined,
): string | undefined {
  const own =
    apiId === undefined
      ? undefined
      : asObject(asObject(asObject(resources[apiId] ?? null)?.['Properties'] ?? null)?.['Auth'] ?? null);
  const shared = asObject(asObject(globals[api === 'rest' ? 'Api' : 'HttpApi'] ?? null)?.['Auth'] ?? null);
  const name = own?.['DefaultAuthorizer'] ?? shared?.['DefaultAuthorizer'];
  return typeof name === 'string' ? name : undefined;
}

/**
 * What the template's other resources say invokes a function, by the function's logical id: event
 * source mappings, Function URLs and permissions (as CDK and plain CloudFormation write triggers).
 */
function triggersPointingAt(resources: JsonObject, resolver: Resolver): Map<string, Trigger[]> {
  const found = new Map<string, Trigger[]>();
  const add = (target: Json | undefined, trigger: Trigger | undefined) => {
    const id = referencedId(target);
    if (id === undefined || trigger === undefined || asObject(resources[id] ?? null) === undefined) return;
    found.set(id, [...(found.get(id) ?? []), trigger]);
  };
  for (const [logicalId, resource] of Object.entries(resources)) {
    const body = asObject(resource);
    const properties = asObject(body?.['Properties'] ?? null) ?? {};
    const resolve = (value: Json | undefined) => resolver.resolve(value, logicalId, []);
    switch (body?.['Type']) {
      case 'AWS::Lambda::EventSourceMapping': {
        const arn = resolve(properties['EventSourceArn']);
        const service = typeof arn === 'string' ? ARN_SERVICES[arn.split(':')[2] ?? ''] : undefined;
        add(
          properties['FunctionName'],
          eventSourceOf(service ?? 'Event source', properties['EventSourceArn'], arn, properties['BatchSize']),
        );
        break;
      }
      case 'AWS::Lambda::Url':
        add(properties['TargetFunctionArn'], urlTrigger(properties));
        break;
      case 'AWS::Lambda::Permission': {
        const principal = resolve(properties['Principal']);
        // A function URL's own permissions (InvokeFunctionUrl, and InvokeFunction only via the URL) are its URL trigger.
        if (
          typeof principal !== 'string' ||
          properties['Action'] === 'lambda:InvokeFunctionUrl' ||
          properties['InvokedViaFunctionUrl'] === true
        ) {
          break;
        }
        const sourceArn = resolve(properties['SourceArn']);
        add(properties['FunctionName'], {
          kind: 'policy',
          service: PRINCIPAL_SERVICES[principal] ?? principal,
          source: referenceLabel(properties['SourceArn']) ?? '',
          principal,
          ...(typeof sourceArn === 'string' && sourceArn.startsWith('arn:') ? { sourceArn } : {}),
        });
        break;
      }
    }
  }
  return found;
}

/**
 * The file or folder of the cloud assembly that a CDK-synthesized resource's property stands for:
 * from `aws:asset:path` in its Metadata (what `cdk synth` writes), else from the assembly's asset
 * manifests by the object key the property names. Undefined for a template that is not CDK's.
 */
function assetOf(
  templatePath: string,
  metadata: JsonObject | undefined,
  property: string,
  location: unknown,
): string | undefined {
  const path = metadata?.['aws:asset:path'];
  if (typeof path === 'string' && metadata?.['aws:asset:property'] === property) return resolve(dirname(templatePath), path);
  const key = location === undefined ? undefined : objectKeyOf(location);
  return key === undefined ? undefined : assemblyAssets(dirname(templatePath)).get(key);
}

/**
 * A private folder holding inline code (`Code.ZipFile`) as Lambda unpacks it: `index.js` for
 * Node.js, `index.py` for Python. Named by the code's hash, so it is written once.
 */
function inlineCodeFolder(code: string, runtime: string): string {
  const hash = createHash('sha256').update(runtime).update(code).digest('hex').slice(0, 16);
  const { path } = privateDir(join(tmpdir(), `lambda-workbench-${userInfo().uid}`, 'inline-code', hash));
  const file = join(path, runtime.startsWith('python') ? 'index.py' : 'index.js');
  if (!isFile(file)) writeWholeSync(file, code);
  return path;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * A Globals section under a resource's own properties, as SAM merges them: maps merge key by key,
 * lists are the global items then the resource's, and anything else (an intrinsic function
 * included, being one value) is the resource's when it has one.
 */
function mergeGlobals(globals: JsonObject, own: JsonObject): JsonObject {
  const merged: JsonObject = { ...globals };
  for (const [key, value] of Object.entries(own)) merged[key] = mergedValue(globals[key], value);
  return merged;
}

function mergedValue(global: Json | undefined, local: Json): Json {
  if (Array.isArray(global) && Array.isArray(local)) return [...global, ...local];
  const globalMap = asObject(global);
  const localMap = asObject(local);
  if (globalMap === undefined || localMap === undefined || isIntrinsic(globalMap) || isIntrinsic(localMap)) return local;
  return mergeGlobals(globalMap, localMap);
}

function isIntrinsic(value: JsonObject): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0]?.startsWith('Fn::') === true);
}

/** A value as text: strings as they are, numbers and booleans as written, structures as JSON. */
function scalarText(value: Exclude<Json, null>): string {
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function asObject(value: Json | undefined): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

const UNRESOLVED = Symbol('unresolved');

type Place = { readonly name: string; readonly region: string; readonly account: string };

/**
 * Resources whose Ref and attributes CloudFormation derives from their name: the property that
 * names them, what Ref gives (the name when absent), and each attribute.
 */
const NAMED_RESOURCES: Readonly<
  Record<
    string,
    {
      readonly nameProperty: string;
      readonly ref?: (p: Place) => string;
      readonly attributes: Readonly<Record<string, (p: Place) => string>>;
    }
  >
> = {
  'AWS::DynamoDB::Table': {
    nameProperty: 'TableName',
    attributes: { Arn: (p) => `arn:aws:dynamodb:${p.region}:${p.account}:table/${p.name}` },
  },
  'AWS::Serverless::SimpleTable': {
    nameProperty: 'TableName',
    attributes: { Arn: (p) => `arn:aws:dynamodb:${p.region}:${p.account}:table/${p.name}` },
  },
  'AWS::SQS::Queue': {
    nameProperty: 'QueueName',
    ref: (p) => `https://sqs.${p.region}.amazonaws.com/${p.account}/${p.name}`,
    attributes: {
      Arn: (p) => `arn:aws:sqs:${p.region}:${p.account}:${p.name}`,
      QueueName: (p) => p.name,
      QueueUrl: (p) => `https://sqs.${p.region}.amazonaws.com/${p.account}/${p.name}`,
    },
  },
  'AWS::SNS::Topic': {
    nameProperty: 'TopicName',
    ref: (p) => `arn:aws:sns:${p.region}:${p.account}:${p.name}`,
    attributes: { TopicArn: (p) => `arn:aws:sns:${p.region}:${p.account}:${p.name}`, TopicName: (p) => p.name },
  },
  'AWS::S3::Bucket': {
    nameProperty: 'BucketName',
    attributes: {
      Arn: (p) => `arn:aws:s3:::${p.name}`,
      DomainName: (p) => `${p.name}.s3.amazonaws.com`,
      RegionalDomainName: (p) => `${p.name}.s3.${p.region}.amazonaws.com`,
    },
  },
  'AWS::IAM::Role': {
    nameProperty: 'RoleName',
    attributes: { Arn: (p) => `arn:aws:iam::${p.account}:role/${p.name}` },
  },
  'AWS::Lambda::Function': {
    nameProperty: 'FunctionName',
    attributes: { Arn: (p) => `arn:aws:lambda:${p.region}:${p.account}:function:${p.name}` },
  },
  'AWS::Serverless::Function': {
    nameProperty: 'FunctionName',
    attributes: { Arn: (p) => `arn:aws:lambda:${p.region}:${p.account}:function:${p.name}` },
  },
  // A layer version's Ref is its ARN; the first version of a layer is 1.
  'AWS::Lambda::LayerVersion': {
    nameProperty: 'LayerName',
    ref: (p) => `arn:aws:lambda:${p.region}:${p.account}:layer:${p.name}:1`,
    attributes: { LayerVersionArn: (p) => `arn:aws:lambda:${p.region}:${p.account}:layer:${p.name}:1` },
  },
  'AWS::Serverless::LayerVersion': {
    nameProperty: 'LayerName',
    ref: (p) => `arn:aws:lambda:${p.region}:${p.account}:layer:${p.name}:1`,
    attributes: {},
  },
  'AWS::Kinesis::Stream': {
    nameProperty: 'Name',
    attributes: { Arn: (p) => `arn:aws:kinesis:${p.region}:${p.account}:stream/${p.name}` },
  },
  'AWS::Events::EventBus': {
    nameProperty: 'Name',
    attributes: { Arn: (p) => `arn:aws:events:${p.region}:${p.account}:event-bus/${p.name}`, Name: (p) => p.name },
  },
  'AWS::StepFunctions::StateMachine': {
    nameProperty: 'StateMachineName',
    ref: (p) => `arn:aws:states:${p.region}:${p.account}:stateMachine:${p.name}`,
    attributes: { Arn: (p) => `arn:aws:states:${p.region}:${p.account}:stateMachine:${p.name}`, Name: (p) => p.name },
  },
};

/**
 * A parameter value that breaks its parameter's constraints (AllowedValues, AllowedPattern,
 * MinLength, MaxLength, MinValue, MaxValue), which CloudFormation refuses before it creates
 * anything: a sentence at the constraint's line saying where the value came from and what to give.
 */
function parameterValueProblem(
  template: JsonObject,
  options: TemplateOptions,
  path: string,
  lineOf: (keys: readonly string[]) => number | undefined,
): string | undefined {
  for (const [name, entry] of Object.entries(asObject(template['Parameters']) ?? {})) {
    const definition = asObject(entry) ?? {};
    const given = options.parameters?.[name];
    const fallback = definition['Default'];
    const type = definition['Type'];
    // An SSM parameter type's Default names a parameter in Parameter Store: its value is not known here.
    if (given === undefined && typeof type === 'string' && type.startsWith('AWS::SSM::Parameter::Value')) continue;
    const value = given ?? (fallback === undefined || fallback === null ? undefined : scalarText(fallback));
    if (value === undefined) continue;
    const broken = brokenConstraint(definition, value);
    if (broken === undefined) continue;
    const origin = given === undefined ? `its Default "${value}"` : `"${value}" (given for it)`;
    const line = lineOf(['Parameters', name, broken.constraint]) ?? lineOf(['Parameters', name]) ?? 1;
    return (
      `${path}:${line}: the parameter ${name} is ${origin}, which ${broken.reason}; CloudFormation refuses it. ` +
      `Give it a value that ${broken.wanted} (--parameter-overrides ${name}=<value>, or in samconfig.toml).`
    );
  }
  return undefined;
}

function brokenConstraint(
  definition: JsonObject,
  value: string,
): { constraint: string; reason: string; wanted: string } | undefined {
  // A list type's value is a comma-separated list, each of whose items must meet the constraints.
  const type = typeof definition['Type'] === 'string' ? definition['Type'] : '';
  const items = type.startsWith('List<') || type === 'CommaDelimitedList' ? value.split(',').map((item) => item.trim()) : [value];
  const allowed = definition['AllowedValues'];
  if (Array.isArray(allowed) && allowed.length > 0) {
    const values = allowed.map((item) => (item === null ? '' : scalarText(item)));
    if (items.some((item) => !values.includes(item))) {
      const list = values.join(', ');
      return { constraint: 'AllowedValues', reason: `is not one of its AllowedValues (${list})`, wanted: `is one of ${list}` };
    }
  }
  const pattern = definition['AllowedPattern'];
  if (typeof pattern === 'string') {
    let matches = true;
    try {
      // CloudFormation matches the whole value.
      const whole = new RegExp(`^(?:${pattern})$`, 'u');
      matches = items.every((item) => whole.test(item));
    } catch {
      // A pattern JavaScript cannot read (Java's syntax differs in corners) is left to CloudFormation.
    }
    if (!matches)
      return {
        constraint: 'AllowedPattern',
        reason: `does not match its AllowedPattern ${pattern}`,
        wanted: `matches ${pattern}`,
      };
  }
  const bound = (key: string) =>
    typeof definition[key] === 'number' || typeof definition[key] === 'string' ? Number(definition[key]) : undefined;
  const [minLength, maxLength, minValue, maxValue] = ['MinLength', 'MaxLength', 'MinValue', 'MaxValue'].map(bound);
  // Lengths are of String parameters only.
  if (type === 'String' && minLength !== undefined && value.length < minLength) {
    return {
      constraint: 'MinLength',
      reason: `is shorter than its MinLength ${minLength}`,
      wanted: `has at least ${minLength} characters`,
    };
  }
  if (type === 'String' && maxLength !== undefined && value.length > maxLength) {
    return {
      constraint: 'MaxLength',
      reason: `is longer than its MaxLength ${maxLength}`,
      wanted: `has at most ${maxLength} characters`,
    };
  }
  const number = Number(value);
  if (definition['Type'] === 'Number' && value.trim() !== '' && Number.isFinite(number)) {
    if (minValue !== undefined && number < minValue) {
      return { constraint: 'MinValue', reason: `is below its MinValue ${minValue}`, wanted: `is at least ${minValue}` };
    }
    if (maxValue !== undefined && number > maxValue) {
      return { constraint: 'MaxValue', reason: `is above its MaxValue ${maxValue}`, wanted: `is at most ${maxValue}` };
    }
  }
  return undefined;
}

/** Resolves the intrinsic functions a local run can know; the rest become warnings. */
class Resolver {
  private readonly parameters = new Map<string, string>();
  /** Parameters whose value Parameter Store holds (an SSM parameter type), by the name of theirs there. */
  private readonly fromParameterStore = new Map<string, string>();
  private readonly conditions: JsonObject;
  private readonly mappings: JsonObject;

  /** The conditions being evaluated, innermost last: a name met again is a cycle. */
  private readonly evaluating: string[] = [];

  constructor(
    template: JsonObject,
    private readonly resources: JsonObject,
    private readonly options: TemplateOptions,
    /** Where a condition is defined, for errors. */
    private readonly conditionAt: (name: string) => { file: string; line: number },
  ) {
    for (const [name, definition] of Object.entries(asObject(template['Parameters']) ?? {})) {
      const fallback = asObject(definition)?.['Default'];
      const given = options.parameters?.[name];
      // An SSM parameter type's Default is the name of a parameter in Parameter Store, not its value.
      const type = asObject(definition)?.['Type'];
      if (given === undefined && typeof type === 'string' && type.startsWith('AWS::SSM::Parameter::Value')) {
        this.fromParameterStore.set(name, typeof fallback === 'string' ? fallback : '');
        continue;
      }
      const value = given ?? (fallback === undefined || fallback === null ? undefined : scalarText(fallback));
      if (value !== undefined) this.parameters.set(name, value);
    }
    this.conditions = asObject(template['Conditions']) ?? {};
    this.mappings = asObject(template['Mappings']) ?? {};
  }

  /** Whether a condition holds; undefined when it names what a local run cannot know. */
  holds(name: string, where: string, warnings: string[]): boolean | undefined {
    return this.condition(name, where, warnings);
  }

  resolve(value: Json | undefined, where: string, warnings: string[]): Json | undefined {
    const result = this.walk(value, where, warnings);
    return result === UNRESOLVED ? undefined : result;
  }

  private walk(value: Json | undefined, where: string, warnings: string[]): Json | undefined | typeof UNRESOLVED {
    if (value === undefined || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      // An item that is `!Ref AWS::NoValue` (or an If that chose it) is left out, as CloudFormation does.
      const items = value.map((item) => this.walk(item, where, warnings)).filter((item) => item !== undefined);
      return items.some((item) => item === UNRESOLVED) ? UNRESOLVED : (items as Json[]);
    }
    const keys = Object.keys(value);
    const [key] = keys;
    if (keys.length === 1 && key !== undefined && (key === 'Ref' || key.startsWith('Fn::'))) {
      return this.intrinsic(key, value[key] ?? null, where, warnings);
    }
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      const resolved = this.walk(v, `${where}.${k}`, warnings);
      if (resolved === undefined) continue; // AWS::NoValue: the property is not there.
      out[k] = resolved === UNRESOLVED ? null : resolved;
    }
    return out;
  }

  /** An intrinsic's value; undefined for `!Ref AWS::NoValue`, which removes what holds it. */
  private intrinsic(name: string, argument: Json, where: string, warnings: string[]): Json | undefined | typeof UNRESOLVED {
    const give = (v: Json | undefined | typeof UNRESOLVED): Json | typeof UNRESOLVED => (v === undefined ? UNRESOLVED : v);
    switch (name) {
      case 'Ref': {
        if (argument === 'AWS::NoValue') return undefined;
        const stored = typeof argument === 'string' ? this.fromParameterStore.get(argument) : undefined;
        if (typeof argument === 'string' && stored !== undefined) {
          warnings.push(
            `${where}: the parameter ${argument} is read from SSM Parameter Store${stored === '' ? '' : ` (${stored})`}, which a local run does not read; ` +
              `give it a value with --parameter-overrides ${argument}=<value> (or in samconfig.toml).`,
          );
          return UNRESOLVED;
        }
        const ref = typeof argument === 'string' ? this.ref(argument) : undefined;
        if (ref === undefined) warnings.push(`${where}: !Ref ${JSON.stringify(argument)} cannot be resolved locally.`);
        return give(ref);
      }
      case 'Fn::ImportValue': {
        const exported = this.walk(argument, where, []);
        warnings.push(
          `${where}: !ImportValue ${typeof exported === 'string' ? exported : JSON.stringify(argument)} is another stack's export, which a local run cannot read; ` +
            'give the variable its value in .lambda/functions.json ("environment") or, from a terminal, an env file (--env-file).',
        );
        return UNRESOLVED;
      }
      case 'Fn::Sub':
        return give(this.sub(argument, where, warnings));
      case 'Fn::Join': {
        if (!Array.isArray(argument) || typeof argument[0] !== 'string') return UNRESOLVED;
        const parts = this.walk(argument[1], where, warnings);
        if (!Array.isArray(parts)) return UNRESOLVED;
        return parts.map((p) => (p === null ? '' : scalarText(p))).join(argument[0]);
      }
      case 'Fn::Select': {
        if (!Array.isArray(argument)) return UNRESOLVED;
        const index = Number(this.walk(argument[0], where, warnings));
        const list = this.walk(argument[1], where, warnings);
        return Array.isArray(list) ? give(list[index]) : UNRESOLVED;
      }
      case 'Fn::If': {
        if (!Array.isArray(argument) || typeof argument[0] !== 'string') return UNRESOLVED;
        const condition = this.condition(argument[0], where, warnings);
        if (condition === undefined) return UNRESOLVED;
        return this.walk(condition ? argument[1] : argument[2], where, warnings);
      }
      case 'Fn::Split': {
        if (!Array.isArray(argument) || typeof argument[0] !== 'string') return UNRESOLVED;
        const source = this.walk(argument[1], where, warnings);
        return typeof source === 'string' ? source.split(argument[0]) : UNRESOLVED;
      }
      case 'Fn::FindInMap':
        return give(this.findInMap(argument, where, warnings));
      case 'Fn::GetAtt':
        return give(this.getAtt(argument, where, warnings));
      default:
        warnings.push(`${where}: ${name.replace('Fn::', '!')} cannot be resolved locally.`);
        return UNRESOLVED;
    }
  }

  /** `!FindInMap [Map, TopKey, SecondKey]`, each part possibly an intrinsic itself. */
  private findInMap(argument: Json, where: string, warnings: string[]): Json | undefined {
    if (!Array.isArray(argument) || argument.length < 3) return undefined;
    const keys = argument.slice(0, 3).map((part) => this.walk(part, where, warnings));
    if (keys.some((key) => typeof key !== 'string' && typeof key !== 'number')) return undefined;
    const [map, top, second] = keys.map(String) as [string, string, string];
    const value = asObject(asObject(this.mappings[map] ?? null)?.[top] ?? null)?.[second];
    if (value === undefined) {
      warnings.push(`${where}: the mapping ${map} has no entry ${top}.${second}; add it to Mappings.`);
      return undefined;
    }
    return value;
  }

  /**
   * `!GetAtt Resource.Attribute` for the resources whose attributes follow from their name (tables,
   * queues, topics, buckets, roles, functions...), as CloudFormation gives them once deployed. A
   * resource that names itself gives the real value; one that does not, a stable placeholder, said in a warning.
   */
  private getAtt(argument: Json, where: string, warnings: string[]): string | undefined {
    const [logicalId, attribute] = Array.isArray(argument)
      ? argument
      : typeof argument === 'string' && argument.includes('.')
        ? [argument.slice(0, argument.indexOf('.')), argument.slice(argument.indexOf('.') + 1)]
        : [];
    if (typeof logicalId !== 'string' || typeof attribute !== 'string') return undefined;
    const resource = asObject(this.resources[logicalId] ?? null);
    const kind = typeof resource?.['Type'] === 'string' ? NAMED_RESOURCES[resource['Type']] : undefined;
    const value = kind?.attributes[attribute];
    if (resource === undefined || kind === undefined || value === undefined) {
      warnings.push(`${where}: !GetAtt ${logicalId}.${attribute} cannot be resolved locally.`);
      return undefined;
    }
    const named = this.walk(asObject(resource['Properties'] ?? null)?.[kind.nameProperty], where, warnings);
    // Unnamed, CloudFormation makes up a name once deployed; locally the logical id stands in, as for Ref.
    const name = typeof named === 'string' ? named : logicalId;
    if (typeof named !== 'string') {
      warnings.push(
        `${where}: ${logicalId} has no ${kind.nameProperty}, so !GetAtt ${logicalId}.${attribute} is a placeholder built on the name ${name}; ` +
          `CloudFormation names it once deployed. Give it a ${kind.nameProperty}, or set the value yourself.`,
      );
    }
    return value({ name, region: this.options.region ?? 'us-east-1', account: this.options.accountId ?? '123456789012' });
  }

  private ref(name: string): string | undefined {
    const pseudo: Record<string, string> = {
      'AWS::Region': this.options.region ?? 'us-east-1',
      'AWS::AccountId': this.options.accountId ?? '123456789012',
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': 'local',
      'AWS::StackId': `arn:aws:cloudformation:${this.options.region ?? 'us-east-1'}:${this.options.accountId ?? '123456789012'}:stack/local/00000000-0000-0000-0000-000000000000`,
    };
    return this.parameters.get(name) ?? pseudo[name] ?? this.resourceRef(name);
  }

  /**
   * A resource's Ref: what CloudFormation gives for the kinds whose Ref follows from their name
   * (a queue's URL, a topic's ARN, a table's name...), built on its name property when it has one;
   * otherwise its physical name, which exists only once deployed: the logical id stands in, as SAM CLI does.
   */
  private resourceRef(logicalId: string): string | undefined {
    const resource = asObject(this.resources[logicalId] ?? null);
    if (resource === undefined) return undefined;
    const kind = typeof resource['Type'] === 'string' ? NAMED_RESOURCES[resource['Type']] : undefined;
    if (kind === undefined) return logicalId;
    const named = this.walk(asObject(resource['Properties'] ?? null)?.[kind.nameProperty], logicalId, []);
    const place = {
      name: typeof named === 'string' ? named : logicalId,
      region: this.options.region ?? 'us-east-1',
      account: this.options.accountId ?? '123456789012',
    };
    return kind.ref === undefined ? place.name : kind.ref(place);
  }

  private sub(argument: Json, where: string, warnings: string[]): string | undefined {
    const [text, variables] = Array.isArray(argument) ? [argument[0], asObject(argument[1] ?? null)] : [argument, undefined];
    if (typeof text !== 'string') return undefined;
    const unresolved: string[] = [];
    const result = text.replace(/\$\{(!?)([^}]+)\}/g, (whole, literal: string, name: string) => {
      if (literal === '!') return `\${${name}}`;
      const own = variables?.[name];
      if (own !== undefined) {
        const resolved = this.walk(own, where, warnings);
        if (resolved !== UNRESOLVED && resolved !== undefined && resolved !== null && typeof resolved !== 'object')
          return String(resolved);
      }
      const ref = name.includes('.') ? undefined : this.ref(name);
      if (ref !== undefined) return ref;
      unresolved.push(name);
      warnings.push(`${where}: \${${name}} in !Sub cannot be resolved locally.`);
      return whole;
    });
    return unresolved.length === 0 ? result : undefined;
  }

  private condition(name: string, where: string, warnings: string[]): boolean | undefined {
    const definition = asObject(this.conditions[name] ?? null);
    if (definition === undefined) return undefined;
    const cycle = this.evaluating.indexOf(name);
    if (cycle >= 0) {
      const chain = [...this.evaluating.slice(cycle), name].join(' -> ');
      const { file, line } = this.conditionAt(name);
      throw new LocatedError(
        file,
        line,
        `the condition ${name} depends on itself (${chain}), which CloudFormation refuses. Break the cycle in Conditions.`,
      );
    }
    this.evaluating.push(name);
    try {
      return this.evaluate(definition, where, warnings);
    } finally {
      this.evaluating.pop();
    }
  }

  private evaluate(expression: Json, where: string, warnings: string[]): boolean | undefined {
    const body = asObject(expression);
    const [key] = Object.keys(body ?? {});
    const argument = key === undefined ? undefined : body?.[key];
    if (key === 'Condition' && typeof argument === 'string') return this.condition(argument, where, warnings);
    if (!Array.isArray(argument)) return undefined;
    switch (key) {
      case 'Fn::Equals': {
        const [a, b] = argument.map((item) => this.walk(item, where, warnings));
        return a === UNRESOLVED || b === UNRESOLVED ? undefined : JSON.stringify(a) === JSON.stringify(b);
      }
      case 'Fn::Not': {
        const inner = this.evaluate(argument[0] ?? null, where, warnings);
        return inner === undefined ? undefined : !inner;
      }
      case 'Fn::And':
      case 'Fn::Or': {
        const values = argument.map((item) => this.evaluate(item, where, warnings));
        if (values.some((v) => v === undefined)) return undefined;
        return key === 'Fn::And' ? values.every(Boolean) : values.some(Boolean);
      }
      default:
        return undefined;
    }
  }
}
