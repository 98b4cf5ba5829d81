// `project`: what was understood of the project, for people and (with --json) for scripts.
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { declaredLayerName, declaredName, layerUseLabel } from '../core/project/project';
import { triggerLabel } from '../core/model/trigger';
import { PROJECT_OPTIONS } from './options';
import { loadProject } from './load';

export async function project(args: string[]): Promise<void> {
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
    architecture: fn.config.architecture ?? 'x86_64',
    handler: fn.config.handler,
    codeDir: relative(process.cwd(), fn.config.codeDir) || '.',
    timeoutSeconds: fn.config.timeoutSeconds,
    memoryMB: fn.config.memoryMB,
    environment: Object.keys(fn.config.environment),
    ...(fn.remoteName === undefined ? {} : { deployedName: fn.remoteName }),
    triggers: fn.triggers,
    layers: fn.layers.map((use) => layerUseLabel(read, use)),
    ...(fn.config.esbuild === undefined ? {} : { esbuild: fn.config.esbuild }),
    ...(fn.handlerCode === undefined
      ? {}
      : { handlerCode: `${relative(process.cwd(), fn.handlerCode.file)}:${fn.handlerCode.line}` }),
    warnings: fn.warnings,
    problems: fn.problems,
  }));
  const layers = read.layers.map((layer) => ({
    name: layer.name,
    declaredAs: declaredLayerName(layer),
    source: layer.source,
    file: relative(process.cwd(), layer.sourceFile) || layer.sourceFile,
    line: layer.sourceLine,
    contentDir: relative(process.cwd(), layer.contentDir) || '.',
    compatibleRuntimes: layer.compatibleRuntimes,
    compatibleArchitectures: layer.compatibleArchitectures,
    ...(layer.buildMethod === undefined ? {} : { buildMethod: layer.buildMethod }),
    ...(layer.built === true ? { built: true } : {}),
  }));
  if (values.json) {
    const problems = read.problems.map((p) => ({ file: relative(process.cwd(), p.file), line: p.line, message: p.message }));
    // Variables' values are left out: they may be secrets.
    const apis = read.apis.map((api) => ({ ...api, file: relative(process.cwd(), api.file) || api.file }));
    process.stdout.write(
      `${JSON.stringify({ project: read.description, functions, apis, layers, problems, notes: read.notes }, null, 2)}\n`,
    );
    return;
  }
  process.stdout.write(`${read.description}: ${functions.length} function(s)\n`);
  for (const api of read.apis) {
    const { cors } = api;
    process.stdout.write(
      `\nAPI ${api.id}${api.name === undefined ? '' : ` "${api.name}"`} (${api.kind === 'http' ? 'HTTP API' : 'REST API'}), stage ${api.stageName}\n` +
        (cors === undefined
          ? ''
          : `  CORS: origins ${cors.allowOrigins.join(', ') || 'none'}; methods ${cors.allowMethods.join(', ') || "the routes'"}` +
            `${cors.allowHeaders.length === 0 ? '' : `; headers ${cors.allowHeaders.join(', ')}`}${cors.allowCredentials ? '; with credentials' : ''}\n`) +
        (api.authorizers.length === 0
          ? ''
          : `  authorizers: ${api.authorizers.map((a) => `${a.name} (${a.type})${a.name === api.defaultAuthorizer ? ' by default' : ''}`).join(', ')}\n`) +
        api.routes
          .map(
            (route) =>
              `  ${route.method} ${route.path} -> ${route.functionName}${route.authorizer === undefined ? '' : ` [${route.authorizer}]`}\n`,
          )
          .join(''),
    );
  }
  for (const layer of layers) {
    process.stdout.write(
      `\nLayer ${layer.declaredAs}${layer.name !== layer.declaredAs ? ` (${layer.name})` : ''}  ${layer.file}:${layer.line}\n` +
        `  files in ${layer.contentDir}${layer.built === true ? ' (built)' : ''}` +
        (layer.compatibleRuntimes.length === 0 ? '' : `  for ${layer.compatibleRuntimes.join(', ')}`) +
        (layer.buildMethod === undefined ? '' : `  built by ${layer.buildMethod}`) +
        '\n',
    );
  }
  for (const fn of functions) {
    process.stdout.write(
      `\n${fn.name}${fn.declaredAs !== undefined && fn.declaredAs !== fn.name ? ` (${fn.declaredAs})` : ''}  ${fn.file}:${fn.line}\n` +
        `  ${fn.runtime}${fn.runtimeAssumed === true ? ' (assumed)' : ''} ${fn.architecture}  ${fn.handler}  in ${fn.codeDir}  ${fn.timeoutSeconds} s  ${fn.memoryMB} MB\n` +
        (fn.deployedName === undefined ? '' : `  deployed as ${fn.deployedName}\n`) +
        (fn.esbuild === undefined ? '' : `  bundled by esbuild: ${JSON.stringify(fn.esbuild)}\n`) +
        fn.triggers.map((trigger) => `  trigger: ${triggerLabel(trigger)}\n`).join('') +
        fn.layers.map((layer) => `  layer: ${layer}\n`).join('') +
        fn.warnings.map((warning) => `  warning: ${warning}\n`).join('') +
        fn.problems.map((problem) => `  problem: ${problem}\n`).join(''),
    );
  }
}
