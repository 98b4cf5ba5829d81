// A workspace's functions: those its SAM templates and serverless.yml files describe, each linked
// to its handler's code, and the handlers in code that nothing describes, with defaults. Problems
// with one file (a template that does not parse) are reported with its location and never hide the
// functions of the others.
//
// Rules chosen for functions found in code only:
// - name: the file's name without extension (the folder's name for `index`), then `-<export>` unless
//   the export is `handler`, `lambda_handler` or `default`: `create.ts#handler` → `create`,
//   `create.ts#main` → `create-main`;
// - codeDir: for Node.js the nearest folder up to the root that holds a package.json (where the
//   dependencies are), else the file's folder; for Python the file's folder, so sibling modules import;
// - runtime: the Node.js default of the settings (known), the Python default when given (known),
//   else python3.12 (not known, so the editor asks); Lambda's timeout and memory defaults.
// A name used twice in one result: the later function (in result order) gets `-<folder>`, the folder
// that holds its template, serverless.yml or handler file, then `-2`, `-3`... if still taken.
import { readFileSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { LocatedError } from '../errors';
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_SECONDS, type FunctionConfig } from '../function-config';
import { isNodeRuntime, isRuntime, type NodeRuntime, type PythonRuntime, type Runtime } from '../runtimes';
import { parseLocatedYaml, type LocatedYaml } from './cfn-yaml';
import { HandlerCache, type FileStamp } from './handler-cache';
import { findPlainHandlers } from './plain-exports';
import type { FunctionOverride } from './function-settings';
import { nodeHandlerTarget, pythonHandlerTarget, type HandlerTarget } from './handler-files';
import { mayHoldHandlers } from './precheck';
import { findPythonHandlers } from './python-handlers';
import {
  nestedTemplatePaths,
  SAM_BUILD_OUTPUT,
  templateApis,
  templateFunctions,
  templateLayers,
  type TemplateFunction,
  type TemplateOptions,
} from './sam';
import { readServerless, type ServerlessOptions } from './serverless';
import { handlerLanguageOf, listWorkspaceFiles, walkSawNoFile, type WorkspaceFiles } from './source-files';
import type {
  DeclaredApi,
  DiscoveredFunction,
  DiscoveredLayer,
  DiscoveryProblem,
  DiscoveryResult,
  FunctionSource,
  HandlerLocation,
  NodeHandlerParser,
  SourceText,
} from './types';

export interface DiscoverOptions {
  /** The runtime of Node.js handlers nothing describes (the `defaultRuntime.node` setting). */
  readonly defaultNodeRuntime: NodeRuntime;
  /** The runtime of Python handlers nothing describes; when absent, python3.12 is assumed and marked as such. */
  readonly defaultPythonRuntime?: PythonRuntime;
  /** Per function id, applied over everything else (`.lambda/functions.json`). */
  readonly overrides?: Readonly<Record<string, FunctionOverride>>;
  /** Region, account and parameter values for resolving templates' intrinsic functions. */
  readonly template?: TemplateOptions;
  /** Stage and region for serverless.yml variables. */
  readonly serverless?: ServerlessOptions;
  /**
   * A file that keeps what was found in each code file across processes (such as one in the
   * extension's storage folder), so a new process parses only the files that changed.
   */
  readonly cacheFile?: string;
  /**
   * The project files to read, instead of walking the folder: a template (with the templates it
   * nests) or a serverless.yml. Handlers in code that nothing describes are then not looked for.
   */
  readonly files?: { readonly templates?: readonly string[]; readonly serverless?: readonly string[] };
  /**
   * The template `template.parameters` are for (samconfig's template_file): by default the first
   * of `files.templates`, else the folder's template.yaml. Other templates use their defaults.
   */
  readonly parametersTemplate?: string;
}

function withoutParameters(options: TemplateOptions | undefined): TemplateOptions | undefined {
  if (options?.parameters === undefined) return options;
  const rest = { ...options };
  delete rest.parameters;
  return rest;
}

/** Larger "source" files are generated (bundles, vendored code); reading them would cost more than they could hold. */
const MAX_CODE_FILE_BYTES = 1_000_000;
const DEFAULT_PYTHON_RUNTIME: PythonRuntime = 'python3.12';
const SOURCE_ORDER: readonly FunctionSource[] = ['template', 'serverless', 'code'];
/** Exports whose name says nothing beyond "the handler", so a code function is named after its file alone. */
const PLAIN_EXPORTS = new Set(['handler', 'lambda_handler', 'default']);

/**
 * What each code file held, for the life of the process (the discovery worker's): a rescan after
 * one file changed parses that file only.
 */
const handlerCache = new HandlerCache();

/**
 * Reads the workspace with synchronous calls: this runs in the discovery worker, and for thousands
 * of small files they are several times faster than fs/promises. TypeScript and JavaScript files
 * go to `parser` (see NodeHandlerParser), which parses them while this reads the templates.
 */
export async function discoverWorkspace(
  root: string,
  options: DiscoverOptions,
  parser: NodeHandlerParser,
): Promise<DiscoveryResult> {
  const started = performance.now();
  if (options.cacheFile !== undefined) handlerCache.load(options.cacheFile);
  // Paths from templates are absolute; the walk's must be too for the two to meet.
  const scan = new WorkspaceScan(resolve(root), options, handlerCache, parser);
  const functions = await scan.run();
  if (options.cacheFile !== undefined) handlerCache.save(options.cacheFile);
  return {
    functions,
    layers: scan.layers,
    apis: scan.apis,
    problems: scan.problems,
    filesScanned: scan.filesScanned,
    durationMs: performance.now() - started,
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A function while it is being put together. */
type Draft = Mutable<Omit<DiscoveredFunction, 'config' | 'warnings' | 'problems'>> & {
  config: Mutable<FunctionConfig>;
  warnings: string[];
  problems: string[];
};

class WorkspaceScan {
  readonly problems: DiscoveryProblem[] = [];
  /** The layers the templates and serverless.yml files declare, in the order read. */
  readonly layers: DiscoveredLayer[] = [];
  /** The APIs the templates and serverless.yml files declare or imply. */
  readonly apis: DeclaredApi[] = [];
  /** Their folders that exist, each ending with a separator. */
  private readonly layerFolders: string[] = [];
  /** Code files looked at (parsed, or known unchanged), templates and serverless.yml files read. */
  filesScanned = 0;
  /** Handlers by file, for every code file looked at (the walked ones, and any a handler string names). */
  private readonly handlersByFile = new Map<string, HandlerLocation[] | undefined>();
  private packageFolders = new Set<string>();
  /** What the walk saw, to know without asking that a file is not there. */
  private walk: { files: WorkspaceFiles; code: ReadonlySet<string> } | undefined;

  constructor(
    private readonly root: string,
    private readonly options: DiscoverOptions,
    private readonly cache: HandlerCache,
    private readonly parser: NodeHandlerParser,
  ) {}

  async run(): Promise<DiscoveredFunction[]> {
    const given = this.options.files;
    const files =
      given === undefined
        ? listWorkspaceFiles(this.root)
        : {
            templates: [...(given.templates ?? [])],
            maybeTemplates: [],
            serverless: [...(given.serverless ?? [])],
            code: [],
            packageFolders: packageFoldersAbove([...(given.templates ?? []), ...(given.serverless ?? [])], this.root),
            walkedFolders: new Set<string>(),
            links: new Set<string>(),
          };
    this.packageFolders = files.packageFolders;
    this.walk = { files, code: new Set(files.code) };
    // The code files are read first and sent to the parser, which works on them while this thread
    // reads the templates and serverless.yml files.
    const parsing = this.readCode(files.code);
    const described = [
      ...this.templateFunctions(files.templates, files.maybeTemplates),
      ...files.serverless.flatMap((file) => this.serverlessFunctions(file)),
    ];
    await parsing;
    // Handler files the walk did not reach (in dist/, say) are read because a handler string names them.
    await this.readCode(described.flatMap((fn) => this.handlerTargetsOf(fn).flatMap((target) => target.candidates)));
    await this.readNamedExports(described);
    const linked = new Set<string>();
    for (const fn of described) this.link(fn, linked);
    // Built code (a CDK asset, `sam build` output) runs as it is, but its lenses and Open Handler
    // belong on the source it was built from, where that can be told.
    let workspaceCode: readonly string[] | undefined;
    const code = () => (workspaceCode ??= files.code.length > 0 ? files.code : listWorkspaceFiles(this.root).code);
    const builtFrom = new Map<Draft, { source: string; exportName: string }>();
    for (const fn of described) {
      const from = fn.built === true ? this.sourceOfBuilt(fn, code) : undefined;
      if (from !== undefined) builtFrom.set(fn, from);
    }
    await this.readCode([...new Set([...builtFrom.values()].map((from) => from.source))]);
    for (const [fn, { source, exportName }] of builtFrom) {
      const match = this.handlersByFile.get(source)?.find((h) => h.exportName === exportName);
      if (match === undefined) continue;
      fn.handlerCode = match;
      linked.add(`${source}#${exportName}`);
    }
    this.cache.keepOnly(this.root, new Set(this.handlersByFile.keys()));
    // Only walked files: one read because a handler string named it (in dist/, say) is not the user's source.
    const fromCode: Draft[] = [];
    for (const file of files.code) {
      // A layer's code is shared code in /opt, not a function of its own.
      if (this.layerFolders.some((folder) => file.startsWith(folder))) continue;
      for (const handler of this.handlersByFile.get(file) ?? []) {
        // An export read only because a handler string names its file is not a function of its own.
        if (handler.exportOnly !== true && !linked.has(`${file}#${handler.exportName}`))
          fromCode.push(this.codeFunction(handler));
      }
    }
    const all = [...described, ...fromCode];
    for (const fn of all) this.applyOverride(fn);
    all.sort(
      (a, b) =>
        SOURCE_ORDER.indexOf(a.source) - SOURCE_ORDER.indexOf(b.source) ||
        compare(a.id.slice(0, a.id.lastIndexOf('#')), b.id.slice(0, b.id.lastIndexOf('#'))) ||
        a.sourceLine - b.sourceLine ||
        compare(a.id, b.id),
    );
    this.makeNamesUnique(all);
    return all;
  }

  // ---- Reading files ------------------------------------------------------------------------

  /** A YAML file's text, counted as scanned; undefined when it cannot be read. */
  private readYaml(file: string): string | undefined {
    const text = this.readText(file);
    if (text !== undefined) this.filesScanned++;
    return text;
  }

  /** The source templates of `sam build` outputs, read once per scan (undefined when unreadable). */
  private readonly sourceTemplates = new Map<string, TemplateFunction[] | undefined>();

  /**
   * `sam build` wrote its template into .aws-sam/build beside the source template, whose function
   * of the same logical id names the source (its CodeUri, Handler and esbuild EntryPoints).
   */
  private sourceOfSamBuilt(fn: Draft): { source: string; exportName: string } | undefined {
    const folder = resolve(dirname(fn.sourceFile), '..', '..');
    const template = ['template.yaml', 'template.yml']
      .map((name) => join(folder, name))
      .find((file) => statOrUndefined(file)?.isFile() === true);
    if (template === undefined) return undefined;
    if (!this.sourceTemplates.has(template)) {
      const text = this.readText(template);
      const parsed = text === undefined ? undefined : parseLocatedYaml(text);
      let functions: TemplateFunction[] | undefined;
      try {
        functions =
          parsed?.ok === true ? templateFunctions(parsed.yaml.value, template, this.options.template, parsed.yaml) : undefined;
      } catch {
        functions = undefined; // The source template's own problems are reported when it is read as a project.
      }
      this.sourceTemplates.set(template, functions);
    }
    const logicalId = fn.id.slice(fn.id.lastIndexOf('#') + 1);
    const own = this.sourceTemplates.get(template)?.find((f) => f.logicalId === logicalId);
    if (own === undefined) return undefined;
    const found = handlerFileOf(own.config, own.config.esbuild?.entryPoints);
    return found === undefined ? undefined : { source: found.file, exportName: found.exportName };
  }

  /** Texts of workspace files compared with built ones, read once however many functions compare. */
  private readonly comparedTexts = new Map<string, string | undefined>();

  private sameNameText(file: string): string | undefined {
    if (!this.comparedTexts.has(file)) this.comparedTexts.set(file, this.readText(file));
    return this.comparedTexts.get(file);
  }

  private readText(file: string): string | undefined {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  }

  /**
   * Finds the handlers of code files, each looked at once per scan and parsed only when it changed
   * since the last scan; a file that does not exist has undefined handlers. Python files are read
   * here (a line scanner is enough); TypeScript and JavaScript files that pass the pre-check go to
   * the parser in one batch.
   */
  private async readCode(files: readonly string[]): Promise<void> {
    const toParse: (SourceText & { stamp: FileStamp })[] = [];
    for (const file of files) {
      if (this.handlersByFile.has(file)) continue;
      // A path the system refuses (a handler string of thousands of characters: ENAMETOOLONG) names no file.
      const stats =
        this.walk !== undefined && walkSawNoFile(this.walk.files, this.walk.code, file) ? undefined : statOrUndefined(file);
      if (stats?.isFile() !== true) {
        this.handlersByFile.set(file, undefined);
        continue;
      }
      this.filesScanned++;
      const stamp: FileStamp = { size: stats.size, mtimeMs: stats.mtimeMs };
      const cached = this.cache.lookup(file, stamp);
      const text = cached !== undefined ? undefined : stats.size > MAX_CODE_FILE_BYTES ? '' : this.readText(file);
      const language = handlerLanguageOf(file);
      if (cached !== undefined) this.found(file, cached);
      else if (text === undefined) this.handlersByFile.set(file, undefined);
      else if (language === undefined || !mayHoldHandlers(language === 'python', text)) this.found(file, [], stamp);
      else if (language === 'python') this.found(file, findPythonHandlers(file, text), stamp);
      else {
        // A plainly written module is read here; the parser (and its start) is for the rest.
        const plain = findPlainHandlers(file, text);
        if (plain !== undefined) this.found(file, plain, stamp);
        else {
          this.handlersByFile.set(file, []); // Until the parser answers.
          toParse.push({ file, text, stamp });
        }
      }
    }
    if (toParse.length === 0) return;
    const parsed = await this.parser.parse(toParse.map(({ file, text }) => ({ file, text })));
    toParse.forEach(({ file, stamp }, index) => this.found(file, parsed[index] ?? [], stamp));
  }

  /**
   * A file a handler string names, whose export the reading above did not report (the pre-check
   * passed the file by, or the export does not look like a handler: `exports.hello = async (event)
   * => ...`), is read whole for every export Lambda could call. Not cached: the cache holds what
   * the walk would find.
   */
  private async readNamedExports(described: readonly Draft[]): Promise<void> {
    const files = new Set<string>();
    for (const fn of described) {
      for (const target of this.handlerTargetsOf(fn)) {
        const file = target.candidates.find((candidate) => this.handlersByFile.get(candidate) !== undefined);
        const handlers = file === undefined ? undefined : this.handlersByFile.get(file);
        if (file !== undefined && !handlers?.some((h) => h.exportName === target.exportName)) files.add(file);
      }
    }
    const toParse: SourceText[] = [];
    for (const file of files) {
      const text = this.readText(file);
      if (text === undefined) continue;
      if (handlerLanguageOf(file) === 'python') this.handlersByFile.set(file, findPythonHandlers(file, text, true));
      else {
        const plain = findPlainHandlers(file, text, true);
        if (plain !== undefined) this.handlersByFile.set(file, plain);
        else toParse.push({ file, text, allExports: true });
      }
    }
    if (toParse.length === 0) return;
    const parsed = await this.parser.parse(toParse);
    toParse.forEach(({ file }, index) => this.handlersByFile.set(file, parsed[index] ?? []));
  }

  /** Records a file's handlers for this scan, and in the cache when they were just found. */
  private found(file: string, handlers: HandlerLocation[], stamp?: FileStamp): void {
    this.handlersByFile.set(file, handlers);
    if (stamp !== undefined) this.cache.store(file, stamp, handlers);
  }

  private relative(file: string): string {
    return this.relativeTo(this.root, file);
  }

  private parse(file: string, text: string): LocatedYaml | undefined {
    const parsed = parseLocatedYaml(text);
    if (parsed.ok) {
      // Read, with parts not understood: each is a problem at its line, and the functions still list.
      for (const warning of parsed.yaml.warnings) {
        this.problems.push({
          file,
          line: warning.line,
          column: warning.column,
          message: `${this.relative(file)}: ${warning.message}`,
        });
      }
      return parsed.yaml;
    }
    const { line, column, message } = parsed.error;
    this.problems.push({
      file,
      line,
      column,
      message: `${this.relative(file)} is not valid YAML: ${message}. Fix it, and its functions will be listed again.`,
    });
    return undefined;
  }

  // ---- Templates and serverless.yml ---------------------------------------------------------

  /** Every template, and the local templates they nest, each read once (nesting may loop). */
  private templateFunctions(templates: readonly string[], maybeTemplates: readonly string[]): Draft[] {
    const queue: { file: string; nestedFrom?: { file: string; line: number } }[] = templates.map((file) => ({ file }));
    const texts = new Map<string, string>();
    for (const file of maybeTemplates) {
      const text = this.readYaml(file);
      if (text !== undefined && (text.includes('AWSTemplateFormatVersion') || text.includes('AWS::Serverless'))) {
        queue.push({ file });
        texts.set(file, text);
      }
    }
    const parameterTemplate =
      this.options.parametersTemplate ??
      this.options.files?.templates?.[0] ??
      ['template.yaml', 'template.yml'].map((name) => join(this.root, name)).find((path) => templates.includes(path));
    const seen = new Set<string>();
    const drafts: Draft[] = [];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const { file, nestedFrom } = next;
      if (seen.has(file)) continue;
      seen.add(file);
      const text = texts.get(file) ?? this.readYaml(file);
      if (text === undefined) {
        if (nestedFrom !== undefined) {
          this.problems.push({
            file: nestedFrom.file,
            line: nestedFrom.line,
            column: 0,
            message: `The nested template ${this.relative(file)} cannot be read; check its Location or TemplateURL.`,
          });
        }
        continue;
      }
      const yaml = this.parse(file, text);
      if (yaml === undefined) continue;
      // Its nested templates are read even when it cannot be: each is a template of its own.
      for (const nested of nestedTemplatePaths(yaml.value, file)) {
        queue.push({ file: nested.path, nestedFrom: { file, line: yaml.lineOf(['Resources', nested.logicalId]) ?? 1 } });
      }
      // Parameter values (overrides, samconfig's) are the project template's: a nested template gets
      // its parent's Parameters property in CloudFormation, and another template of the folder none.
      const options =
        nestedFrom === undefined && file === parameterTemplate ? this.options.template : withoutParameters(this.options.template);
      try {
        const layerId = (logicalId: string) => `${this.relative(file)}#${logicalId}`;
        for (const layer of templateLayers(yaml.value, file, options, yaml)) {
          this.layers.push({
            id: layerId(layer.logicalId),
            source: 'template',
            sourceFile: file,
            sourceLine: layer.line,
            name: layer.name,
            contentDir: layer.contentDir,
            compatibleRuntimes: layer.compatibleRuntimes,
            compatibleArchitectures: layer.compatibleArchitectures,
            ...(layer.buildMethod === undefined ? {} : { buildMethod: layer.buildMethod }),
            ...(layer.built === true ? { built: true as const } : {}),
          });
          this.layerFound(layer.contentDir, layer.problems, file);
        }
        for (const api of templateApis(yaml.value, file, options, yaml)) {
          const { logicalId, settings, problems, ...rest } = api;
          this.apis.push({ id: logicalId, file, ...rest, settings });
          for (const { line, message } of problems ?? []) this.problems.push({ file, line, column: 0, message });
        }
        for (const fn of templateFunctions(yaml.value, file, options, yaml)) {
          const draft: Draft = {
            id: `${this.relative(file)}#${fn.logicalId}`,
            source: 'template',
            sourceFile: file,
            sourceLine: yaml.lineOf(['Resources', fn.logicalId]) ?? 1,
            config: { ...fn.config },
            runtimeKnown: fn.runtimeUnknown !== true,
            ...(fn.functionName !== undefined ? { remoteName: fn.functionName } : {}),
            triggers: fn.triggers,
            layers: fn.layers.map((use) => ('arn' in use ? use : { layerId: layerId(use.logicalId) })),
            warnings: [...fn.warnings],
            problems: [...fn.problems],
            ...(fn.built === true ? { built: true as const } : {}),
          };
          drafts.push(draft);
        }
      } catch (error) {
        this.problems.push(
          error instanceof LocatedError
            ? { file: error.file, line: error.line, column: 0, message: error.reason }
            : { file, line: 1, column: 0, message: (error as Error).message },
        );
      }
    }
    return drafts;
  }

  /** Records a layer's problems, or else its folder (unless it holds the file declaring it: then it is the project's). */
  private layerFound(contentDir: string, problems: readonly { line: number; message: string }[], file: string): void {
    for (const { line, message } of problems) this.problems.push({ file, line, column: 0, message });
    const folder = contentDir.endsWith(sep) ? contentDir : `${contentDir}${sep}`;
    if (problems.length === 0 && !file.startsWith(folder)) this.layerFolders.push(folder);
  }

  private serverlessFunctions(file: string): Draft[] {
    const text = this.readYaml(file);
    const yaml = text === undefined ? undefined : this.parse(file, text);
    if (yaml === undefined) return [];
    try {
      const { functions, layers, apis } = readServerless(yaml, file, this.options.serverless);
      // The Framework's APIs; as its CloudFormation names them.
      this.apis.push(
        { id: 'ApiGatewayRestApi', kind: 'rest', file, line: 1, implicit: true, settings: apis.rest },
        {
          id: 'HttpApi',
          kind: 'http',
          file,
          line: yaml.lineOf(['provider', 'httpApi']) ?? 1,
          implicit: true,
          settings: apis.http,
        },
      );
      const layerId = (key: string) => `${this.relative(file)}#layers.${key}`;
      for (const layer of layers) {
        this.layers.push({
          id: layerId(layer.key),
          source: 'serverless',
          sourceFile: file,
          sourceLine: layer.line,
          name: layer.name,
          contentDir: layer.contentDir,
          compatibleRuntimes: layer.compatibleRuntimes,
          compatibleArchitectures: layer.compatibleArchitectures,
        });
        this.layerFound(layer.contentDir, layer.problems, file);
      }
      return functions.map((fn) => ({
        id: `${this.relative(file)}#${fn.key}`,
        source: 'serverless' as const,
        sourceFile: file,
        sourceLine: fn.line,
        config: { ...fn.config },
        runtimeKnown: fn.runtimeUnknown !== true,
        ...(fn.remoteName !== undefined ? { remoteName: fn.remoteName } : {}),
        triggers: fn.triggers,
        layers: fn.layers.map((use) => ('arn' in use ? use : { layerId: layerId(use.key) })),
        warnings: [...fn.warnings],
        problems: [...fn.problems],
      }));
    } catch (error) {
      this.problems.push({ file, line: 1, column: 0, message: (error as Error).message });
      return [];
    }
  }

  // ---- Linking described functions to code -------------------------------------------------

  /**
   * Where the handler string of a template or serverless.yml function may point. The runtime says
   * how Lambda reads it; without one, both readings are tried.
   */
  private handlerTargetsOf(fn: Draft): HandlerTarget[] {
    const { runtime, handler, codeDir } = fn.config;
    // Bundled output holds no source to link to; a bundle's exports are not what a parser can read.
    if (handler === '' || fn.built === true) return [];
    const targets = !fn.runtimeKnown
      ? [nodeHandlerTarget(codeDir, handler, fn.config.esbuild?.entryPoints), pythonHandlerTarget(codeDir, handler)]
      : isNodeRuntime(runtime)
        ? [nodeHandlerTarget(codeDir, handler, fn.config.esbuild?.entryPoints)]
        : runtime.startsWith('python')
          ? [pythonHandlerTarget(codeDir, handler)]
          : []; // A custom runtime's handler string means whatever its bootstrap makes of it.
    return targets.filter((target) => target !== undefined);
  }

  /** Finds the handler a template or serverless.yml names, and marks it as described. */
  private link(fn: Draft, linked: Set<string>): void {
    const targets = this.handlerTargetsOf(fn);
    const warn = (warning: string) => fn.warnings.push(warning);
    for (const target of targets) {
      for (const file of target.candidates) {
        const handlers = this.handlersByFile.get(file);
        if (handlers === undefined) continue;
        const language = handlerLanguageOf(file) ?? (target.language === 'python' ? 'python' : 'javascript');
        const match = handlers.find((h) => h.exportName === target.exportName);
        if (match !== undefined) {
          linked.add(`${file}#${match.exportName}`);
          fn.handlerCode = match;
        } else {
          fn.handlerCode = { file, exportName: target.exportName, line: 1, column: 0, language };
          warn(
            `${this.relative(file)} has no handler named ${target.exportName} that Lambda could call; ` +
              `export it as a function, or correct the handler "${clipped(fn.config.handler)}".`,
          );
        }
        if (!fn.runtimeKnown) fn.config.runtime = this.assumedRuntime(language === 'python');
        return;
      }
    }
    // A code folder that does not exist is a problem of its own (see sam.ts), said once.
    if (targets.length > 0 && statOrUndefined(fn.config.codeDir)?.isDirectory() === true) {
      warn(
        `No file for the handler "${clipped(fn.config.handler)}" was found in ${this.relative(fn.config.codeDir) || '.'}; ` +
          'check the handler and the code folder (CodeUri).',
      );
    }
  }

  /**
   * The source file a built function's handler file was made from: for an esbuild bundle (a CDK
   * NodejsFunction's asset, `sam build` with esbuild) the last of its own modules that esbuild names
   * in a `// path` comment; for a copied folder (a Python asset, `sam build` of plain code), the
   * workspace's file of the same name and the same bytes. Undefined when neither tells.
   */
  private sourceOfBuilt(fn: Draft, workspaceCode: () => readonly string[]): { source: string; exportName: string } | undefined {
    const fromTemplate = SAM_BUILD_OUTPUT.test(fn.sourceFile) ? this.sourceOfSamBuilt(fn) : undefined;
    if (fromTemplate !== undefined) return fromTemplate;
    const { runtime, codeDir } = fn.config;
    const found = handlerFileOf(fn.config);
    if (found === undefined) return undefined;
    const { file: built, exportName } = found;
    const text = this.readText(built);
    if (text === undefined) return undefined;
    if (isNodeRuntime(runtime)) {
      // esbuild writes each module's path, relative to where it ran (the app's folder), above its code.
      const modules = [...text.matchAll(/^\/\/ ([^\s]+\.[cm]?[jt]sx?)$/gm)]
        .map((m) => m[1] ?? '')
        .filter((m) => !m.includes('node_modules/'));
      const entry = modules.at(-1);
      if (entry !== undefined) {
        const source = resolve(this.root, entry);
        if (statOrUndefined(source)?.isFile() === true && !source.startsWith(codeDir)) return { source, exportName };
      }
    }
    const name = basename(built);
    const source = workspaceCode().find((file) => basename(file) === name && this.sameNameText(file) === text);
    return source === undefined ? undefined : { source, exportName };
  }

  // ---- Functions from code alone ------------------------------------------------------------

  private codeFunction(handler: HandlerLocation): Draft {
    const file = handler.file;
    const python = handler.language === 'python';
    const codeDir = python ? dirname(file) : this.packageFolderOf(file);
    const modulePath = this.relativeTo(codeDir, file.slice(0, file.length - extname(file).length));
    const fileName = basename(file, extname(file));
    const baseName = fileName === 'index' ? basename(dirname(file)) : fileName;
    const name = PLAIN_EXPORTS.has(handler.exportName) ? baseName : `${baseName}-${handler.exportName}`;
    const runtimeKnown = !python || this.options.defaultPythonRuntime !== undefined;
    return {
      id: `${this.relative(file)}#${handler.exportName}`,
      source: 'code',
      sourceFile: file,
      sourceLine: handler.line,
      config: {
        name: lambdaSafeName(name),
        runtime: this.assumedRuntime(python),
        handler: `${modulePath}.${handler.exportName}`,
        codeDir,
        timeoutSeconds: DEFAULT_TIMEOUT_SECONDS,
        memoryMB: DEFAULT_MEMORY_MB,
        environment: {},
      },
      runtimeKnown,
      handlerCode: handler,
      triggers: [],
      layers: [],
      warnings: [],
      problems: [],
    };
  }

  private assumedRuntime(python: boolean): Runtime {
    return python ? (this.options.defaultPythonRuntime ?? DEFAULT_PYTHON_RUNTIME) : this.options.defaultNodeRuntime;
  }

  /** The nearest folder holding a package.json, from the file's folder up to the root; else the file's folder. */
  private packageFolderOf(file: string): string {
    for (let folder = dirname(file); folder.length >= this.root.length; folder = dirname(folder)) {
      if (this.packageFolders.has(folder)) return folder;
      if (dirname(folder) === folder) break;
    }
    return dirname(file);
  }

  private relativeTo(folder: string, path: string): string {
    // Paths here are normalized and absolute, and most lie under the folder: cut, rather than resolve both.
    const under = path.length > folder.length + 1 && path.startsWith(folder) && path[folder.length] === sep;
    const relativePath = under ? path.slice(folder.length + 1) : relative(folder, path);
    return sep === '/' ? relativePath : relativePath.split(sep).join('/');
  }

  // ---- Last steps ---------------------------------------------------------------------------

  private applyOverride(fn: Draft): void {
    const override = this.options.overrides?.[fn.id];
    if (override === undefined) return;
    if (override.runtime !== undefined) {
      if (isRuntime(override.runtime)) {
        fn.config.runtime = override.runtime;
        fn.runtimeKnown = true;
      } else {
        fn.warnings.push(`The saved runtime "${String(override.runtime)}" is not one Lambda Workbench runs; it is ignored.`);
      }
    }
    if (override.timeoutSeconds !== undefined) fn.config.timeoutSeconds = override.timeoutSeconds;
    if (override.memoryMB !== undefined) fn.config.memoryMB = override.memoryMB;
    if (override.environment !== undefined) fn.config.environment = { ...fn.config.environment, ...override.environment };
  }

  private makeNamesUnique(functions: Draft[]): void {
    const taken = new Set<string>();
    for (const fn of functions) {
      const original = fn.config.name;
      let name = original;
      if (taken.has(name)) {
        const withFolder = `${original}-${lambdaSafeName(basename(dirname(fn.sourceFile)))}`;
        name = withFolder;
        for (let n = 2; taken.has(name); n++) name = `${withFolder}-${n}`;
      }
      taken.add(name);
      fn.config.name = name;
      if (fn.source === 'template') {
        const logicalId = fn.id.slice(fn.id.lastIndexOf('#') + 1);
        if (logicalId !== name) fn.config.logicalId = logicalId;
      }
      // Code calling the function by its deployed name reaches it in the emulator too.
      if (fn.remoteName !== undefined && fn.remoteName !== name) fn.config.deployedName = fn.remoteName;
    }
  }
}

/** A handler string as a warning quotes it: one of thousands of characters is refused elsewhere, and shortened here. */
function clipped(handler: string): string {
  return handler.length > 80 ? `${handler.slice(0, 60)}...${handler.slice(-12)}` : handler;
}

/** The file a function's handler string leads to by its runtime, and the export it names; undefined when none exists. */
function handlerFileOf(
  { runtime, handler, codeDir }: FunctionConfig,
  entryPoints?: readonly string[],
): { file: string; exportName: string } | undefined {
  const target = isNodeRuntime(runtime)
    ? nodeHandlerTarget(codeDir, handler, entryPoints)
    : runtime.startsWith('python')
      ? pythonHandlerTarget(codeDir, handler)
      : undefined;
  const file = target?.candidates.find((candidate) => statOrUndefined(candidate)?.isFile() === true);
  return target === undefined || file === undefined ? undefined : { file, exportName: target.exportName };
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** Folders holding a package.json, from each file's folder up to the root: where a code function's dependencies are. */
function packageFoldersAbove(files: readonly string[], root: string): Set<string> {
  const folders = new Set<string>();
  for (const file of files) {
    for (let folder = dirname(file); folder.length >= root.length; folder = dirname(folder)) {
      if (statSync(`${folder}${sep}package.json`, { throwIfNoEntry: false })?.isFile() === true) folders.add(folder);
      if (dirname(folder) === folder) break;
    }
  }
  return folders;
}

/** Lambda function names hold letters, digits, hyphens and underscores. */
function lambdaSafeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]+/g, '-');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
