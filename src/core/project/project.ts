// A project as the command line reads it, with the same discovery the editor runs: the template or
// serverless.yml it is given, or the one in the folder it is run in, or else every template,
// serverless.yml and handler of that folder; with the folder's saved settings
// (`.lambda/functions.json`) applied, so the CLI and the editor agree on every function.
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { CLOUD_ASSEMBLY_MANIFEST, assemblyStackTemplates } from '../discovery/cloud-assembly';
import { SAM_BUILD_OUTPUT } from '../discovery/sam';
import { readSamConfig, type SamConfig } from './samconfig';
import { projectApis, type ProjectApi } from './apis';
import { assemblyFolderOf, cdkAppFolder, CDK_APP_FILE, staleAssemblyProblem } from './cdk-app';
import { LocatedError, WorkbenchError } from '../errors';
import { readFunctionSettings } from '../discovery/function-settings';
import type { DiscoveredFunction, DiscoveredLayer, DiscoveryProblem, LayerUse, NodeHandlerParser } from '../discovery/types';
import { discoverWorkspace, type DiscoverOptions } from '../discovery/workspace';
import type { NodeRuntime } from '../runtimes';

export interface ProjectOptions {
  /** The folder the command runs in. */
  readonly folder: string;
  /** A SAM or CloudFormation template (`--template`). */
  readonly template?: string;
  /** A serverless.yml (`--config`). */
  readonly serverless?: string;
  /** An AWS CDK cloud assembly (`--cdk-out`), as `cdk synth` writes it. */
  readonly cdkOut?: string;
  /** Template parameter values (`--parameter-overrides`), over samconfig's and the defaults. */
  readonly parameterOverrides?: Readonly<Record<string, string>>;
  /** samconfig's config environment (`--config-env`); `default` when not given. */
  readonly configEnv?: string;
  readonly region?: string;
  /** serverless.yml's stage (`--stage`). */
  readonly stage?: string;
  /** The runtime of Node.js handlers nothing describes. */
  readonly defaultNodeRuntime?: NodeRuntime;
}

export interface Project {
  /** The folder the project's ids and saved settings are relative to. */
  readonly root: string;
  /** What was read, for people: `template.yaml`, `serverless.yml`, or `the folder <path>`. */
  readonly description: string;
  readonly functions: readonly DiscoveredFunction[];
  /** The API Gateway APIs its functions' routes make, each with its routes. */
  readonly apis: readonly ProjectApi[];
  /** The layers it declares, which its functions' `layers` name by id. */
  readonly layers: readonly DiscoveredLayer[];
  /** Files that could not be read or used, located; they never hide the other functions. */
  readonly problems: readonly DiscoveryProblem[];
  /** What to know about what was read, as sentences (which of a source and a built template it is). */
  readonly notes: readonly string[];
}

const TEMPLATE_NAMES = ['template.yaml', 'template.yml'];
const SERVERLESS_NAMES = ['serverless.yml', 'serverless.yaml'];

interface ProjectFiles {
  /** Templates to read, with the templates they nest. */
  readonly templates?: readonly string[];
  readonly serverless?: string;
  /** A CDK cloud assembly's folder, when the templates are its stacks'. */
  readonly assembly?: string;
  /** The CDK app that synthesizes it (the folder with cdk.json), when it is beside the assembly. */
  readonly app?: string;
}

/**
 * Which project files `options` names or the folder holds: a template, a serverless.yml, a CDK
 * cloud assembly (`cdk.out` of a folder with `cdk.json`), or none (the whole folder is read).
 */
export function projectFiles(options: ProjectOptions, samConfig?: SamConfig): ProjectFiles {
  if (options.template !== undefined)
    return { templates: [existingFile(resolve(options.folder, options.template), '--template')] };
  if (samConfig?.templateFile !== undefined) {
    return { templates: [existingFile(samConfig.templateFile, `template_file of ${samConfig.file}`)] };
  }
  if (options.serverless !== undefined) {
    return { serverless: existingFile(resolve(options.folder, options.serverless), '--config') };
  }
  if (options.cdkOut !== undefined) {
    const app = cdkAppFolder(options.folder, options.cdkOut);
    return {
      ...assembly(resolve(options.folder, options.cdkOut), '--cdk-out'),
      ...(isFile(join(app, CDK_APP_FILE)) ? { app } : {}),
    };
  }
  const template = TEMPLATE_NAMES.map((name) => resolve(options.folder, name)).find(isFile);
  if (template !== undefined) return { templates: [template] };
  const serverless = SERVERLESS_NAMES.map((name) => resolve(options.folder, name)).find(isFile);
  if (serverless !== undefined) return { serverless };
  if (isFile(resolve(options.folder, CDK_APP_FILE))) {
    const app = resolve(options.folder);
    return { ...assembly(assemblyFolderOf(app), CDK_APP_FILE), app };
  }
  return {};
}

function assembly(folder: string, flag: string): ProjectFiles {
  if (!isFile(join(folder, CLOUD_ASSEMBLY_MANIFEST))) {
    throw new WorkbenchError(
      flag === 'cdk.json'
        ? `This is a CDK app (cdk.json) with no cloud assembly in ${folder} yet. Run "cdk synth" (or pass --synth, which runs this app's own CDK first), then try again.`
        : `${flag} ${folder} holds no cloud assembly (no ${CLOUD_ASSEMBLY_MANIFEST}). Run "cdk synth", or name the folder it writes.`,
    );
  }
  return { templates: assemblyStackTemplates(folder), assembly: folder };
}

/** Reads the project; `parser` finds handlers in TypeScript and JavaScript (see NodeHandlerParser). */
export async function readProject(options: ProjectOptions, parser: NodeHandlerParser): Promise<Project> {
  // samconfig.toml beside the project: the template it names, and the parameters the stack is deployed with.
  const samConfig =
    options.serverless === undefined && options.cdkOut === undefined
      ? readSamConfig(options.folder, options.configEnv)
      : undefined;
  if (samConfig === undefined && options.configEnv !== undefined && options.configEnv !== 'default') {
    throw new WorkbenchError(
      `--config-env ${options.configEnv} names a samconfig environment, but there is no samconfig.toml in ${options.folder}.`,
    );
  }
  const files = projectFiles(options, samConfig);
  const file = files.templates?.[0] ?? files.serverless;
  const parameters = { ...(samConfig?.parameters ?? {}), ...(options.parameterOverrides ?? {}) };
  // A CDK app's ids and settings are its folder's, not cdk.out's.
  const root =
    files.assembly !== undefined
      ? (files.app ?? dirname(files.assembly))
      : file === undefined
        ? resolve(options.folder)
        : dirname(file);
  const settings = readFunctionSettings(root);
  const found = await discoverWorkspace(
    root,
    {
      defaultNodeRuntime: options.defaultNodeRuntime ?? 'nodejs22.x',
      overrides: settings.functions,
      template: {
        ...(options.region === undefined ? {} : { region: options.region }),
        ...(Object.keys(parameters).length === 0 ? {} : { parameters }),
      },
      serverless: {
        ...(options.region === undefined ? {} : { region: options.region }),
        ...(options.stage === undefined ? {} : { stage: options.stage }),
      },
      ...(file === undefined
        ? {}
        : { files: files.templates !== undefined ? { templates: files.templates } : { serverless: [file] } }),
    },
    parser,
  );
  const notes: string[] = [];
  const fromConfig = Object.keys(samConfig?.parameters ?? {}).filter((key) => options.parameterOverrides?.[key] === undefined);
  if (samConfig !== undefined && fromConfig.length > 0 && files.templates !== undefined) {
    notes.push(
      `Parameters from ${shownPath(options.folder, samConfig.file)} (${options.configEnv ?? 'default'}): ${fromConfig.join(', ')} (--parameter-overrides changes them).`,
    );
  }
  if (file !== undefined && SAM_BUILD_OUTPUT.test(file)) {
    notes.push(
      `${shownPath(options.folder, file)} is what "sam build" made: its functions run as built; run "sam build" again after a change, or serve the source template, which Lambda Workbench builds itself.`,
    );
  } else if (
    files.templates?.length === 1 &&
    file !== undefined &&
    isFile(join(dirname(file), '.aws-sam', 'build', 'template.yaml'))
  ) {
    notes.push(
      `Serving ${shownPath(options.folder, file)}, built from its sources; its "sam build" output in .aws-sam/build is not used (pass --template .aws-sam/build/template.yaml to serve that).`,
    );
  }
  const { apis, problems: routeProblems } = projectApis(found.functions, found.apis);
  return {
    root,
    notes,
    apis,
    description:
      files.assembly !== undefined
        ? `the cloud assembly ${shownPath(options.folder, files.assembly)}`
        : file === undefined
          ? `the folder ${root}`
          : shownPath(options.folder, file),
    functions: found.functions,
    layers: found.layers,
    problems: [
      ...(settings.problem === undefined ? [] : [settings.problem]),
      ...(files.app !== undefined && files.assembly !== undefined
        ? [staleAssemblyProblem(files.app, files.assembly)]
        : []
      ).filter((problem) => problem !== undefined),
      ...found.problems,
      ...routeProblems,
    ],
  };
}

/**
 * What the editor reads of a workspace folder besides its walk, as the CLI reads that folder by
 * default: a CDK app's cloud assembly in place of its sources, and the parameters samconfig gives
 * its templates. Problems (a samconfig that does not parse, an assembly missing or older than the
 * app's sources) are returned with the rest, never thrown: the folder's other functions still list.
 */
export function folderProject(root: string): {
  options: Pick<DiscoverOptions, 'files' | 'template' | 'parametersTemplate'>;
  problems: DiscoveryProblem[];
} {
  const problems: DiscoveryProblem[] = [];
  const atLine1 = (file: string, message: string): DiscoveryProblem => ({ file, line: 1, column: 0, message });
  // As the CLI's order has it: a template or serverless.yml in the folder comes before a CDK app.
  const described = [...TEMPLATE_NAMES, ...SERVERLESS_NAMES].some((name) => isFile(join(root, name)));
  if (!described && isFile(join(root, CDK_APP_FILE))) {
    const assemblyFolder = assemblyFolderOf(root);
    const manifest = join(assemblyFolder, CLOUD_ASSEMBLY_MANIFEST);
    if (isFile(manifest)) {
      try {
        const templates = assemblyStackTemplates(assemblyFolder);
        const stale = staleAssemblyProblem(root, assemblyFolder);
        return { options: { files: { templates } }, problems: stale === undefined ? [] : [stale] };
      } catch (error) {
        return { options: { files: { templates: [] } }, problems: [atLine1(manifest, (error as Error).message)] };
      }
    }
    problems.push(
      atLine1(
        join(root, CDK_APP_FILE),
        `This CDK app has no cloud assembly in ${relative(root, assemblyFolder)} yet, so its functions are read from its code alone. Run "cdk synth" to read them as the app defines them.`,
      ),
    );
  }
  let parameters: Readonly<Record<string, string>> = {};
  let parametersTemplate: string | undefined;
  try {
    const samConfig = readSamConfig(root);
    parameters = samConfig?.parameters ?? {};
    parametersTemplate = samConfig?.templateFile;
  } catch (error) {
    problems.push(
      error instanceof LocatedError
        ? { file: error.file, line: error.line, column: 0, message: error.reason }
        : atLine1(join(root, 'samconfig.toml'), (error as Error).message),
    );
  }
  return {
    options: {
      ...(Object.keys(parameters).length === 0 ? {} : { template: { parameters } }),
      ...(parametersTemplate === undefined ? {} : { parametersTemplate }),
    },
    problems,
  };
}

/** The logical id of a template function, or the key of a serverless.yml one: the name its file gives it. */
export function declaredName(fn: DiscoveredFunction): string {
  return fn.id.slice(fn.id.lastIndexOf('#') + 1);
}

/** A layer as its file names it: the logical id of a template's, the key of a serverless.yml's. */
export function declaredLayerName(layer: DiscoveredLayer): string {
  const name = layer.id.slice(layer.id.lastIndexOf('#') + 1);
  return layer.source === 'serverless' ? name.replace(/^layers\./, '') : name;
}

/** What a function's layer is, for people: the project's layer by its declared name, or the published version's ARN. */
export function layerUseLabel(project: Pick<Project, 'layers'>, use: LayerUse): string {
  if ('arn' in use) return use.arn;
  const layer = project.layers.find((candidate) => candidate.id === use.layerId);
  return layer === undefined ? use.layerId : declaredLayerName(layer);
}

/** The function a name means: its name, its logical id or key, or its deployed name. */
export function findProjectFunction(project: Project, name: string): DiscoveredFunction | undefined {
  return (
    project.functions.find((fn) => fn.config.name === name) ??
    project.functions.find((fn) => fn.source !== 'code' && declaredName(fn) === name) ??
    project.functions.find((fn) => fn.remoteName === name)
  );
}

/** A path as people read it: relative to the folder when under it, else absolute. */
function shownPath(folder: string, path: string): string {
  const under = relative(folder, path);
  return under === '' || under.startsWith('..') || isAbsolute(under) ? path : under;
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() === true;
}

function existingFile(path: string, flag: string): string {
  if (!existsSync(path)) throw new WorkbenchError(`${flag} ${path} does not exist. Check the path and try again.`);
  if (!isFile(path)) throw new WorkbenchError(`${flag} ${path} is not a file. Name the file itself.`);
  return path;
}
