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
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, relative, resolve, sep } from 'node:path';
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_SECONDS, type FunctionConfig } from '../function-config';
import { isNodeRuntime, isRuntime, type NodeRuntime, type PythonRuntime, type Runtime } from '../runtimes';
import { parseLocatedYaml, type LocatedYaml } from './cfn-yaml';
import { findNodeHandlers } from './code-handlers';
import { HandlerCache, type FileStamp } from './handler-cache';
import type { FunctionOverride } from './function-settings';
import { nodeHandlerTarget, pythonHandlerTarget, type HandlerTarget } from './handler-files';
import { findPythonHandlers } from './python-handlers';
import { nestedTemplatePaths, templateFunctions, type TemplateOptions } from './sam';
import { serverlessFunctions, type ServerlessOptions } from './serverless';
import { handlerLanguageOf, listWorkspaceFiles } from './source-files';
import type { DiscoveredFunction, DiscoveryProblem, DiscoveryResult, FunctionSource, HandlerLocation } from './types';

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
}

/** Larger "source" files are generated (bundles, vendored code); reading them would cost more than they could hold. */
const MAX_CODE_FILE_BYTES = 1_000_000;
const DEFAULT_PYTHON_RUNTIME: PythonRuntime = 'python3.12';
const SOURCE_ORDER: readonly FunctionSource[] = ['template', 'serverless', 'code'];
/** Exports whose name says nothing beyond "the handler", so a code function is named after its file alone. */
const PLAIN_EXPORTS = new Set(['handler', 'lambda_handler', 'default']);

/** The handlers in one file's text (such as an open editor's), by the file's extension. */
export function findHandlersInText(file: string, text: string): HandlerLocation[] {
  const language = handlerLanguageOf(file);
  if (language === undefined || !mayHoldHandlers(language === 'python', text)) return [];
  return language === 'python' ? findPythonHandlers(file, text) : findNodeHandlers(file, text);
}

/**
 * A text search that rules out, before any parsing, files in which the finders cannot find a
 * handler, since most source files are not handlers. It only ever answers "maybe" for what the
 * finders accept: each of their rules needs one of these words in the text.
 */
function mayHoldHandlers(python: boolean, text: string): boolean {
  if (python) return text.includes('def') && (text.includes('andler') || text.includes('event') || text.includes('evt'));
  if (!text.includes('export')) return false;
  // A name ending in handler/Handler, or a type from aws-lambda.
  if (text.includes('andler') || text.includes('aws-lambda')) return true;
  // Lambda's parameters: the context is a second parameter, after a comma, a comment or `...`; the
  // event is a first one, after a parenthesis (or `this: T,`, a comment, a decorator), and a second
  // parameter follows it, so a `)` right after it (`catch (e)`, `(e) =>`) ends the list instead.
  return hasWord(text, CONTEXT_PARAMETER_WORDS, ',/.', '') && hasWord(text, EVENT_PARAMETER_WORDS, '(,/)', ')');
}

const CONTEXT_PARAMETER_WORDS = ['context', '_context', 'ctx'];
const EVENT_PARAMETER_WORDS = ['event', '_event', 'evt', 'e'];

/**
 * Whether one of `words` stands alone as a name somewhere, the code before it ends in one of
 * `after` (a `.` only as the end of `...`), and the code after it does not start with one of `notBefore`.
 */
function hasWord(text: string, words: readonly string[], after: string, notBefore: string): boolean {
  for (const word of words) {
    for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
      const end = at + word.length;
      if (isNameCode(text.charCodeAt(at - 1)) || isNameCode(text.charCodeAt(end))) continue;
      let before = at - 1;
      while (before >= 0 && isSpaceCode(text.charCodeAt(before))) before--;
      if (before < 0 || !after.includes(text.charAt(before))) continue;
      if (text.charAt(before) === '.' && !text.startsWith('...', before - 2)) continue;
      let next = end;
      while (next < text.length && isSpaceCode(text.charCodeAt(next))) next++;
      if (next < text.length && notBefore.includes(text.charAt(next))) continue;
      return true;
    }
  }
  return false;
}

function isNameCode(code: number): boolean {
  return (
    (code >= 97 && code <= 122) || // a-z
    (code >= 65 && code <= 90) || // A-Z
    (code >= 48 && code <= 57) || // 0-9
    code === 95 || // _
    code === 36 || // $
    code > 127
  );
}

function isSpaceCode(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/**
 * What each code file held, for the life of the process (the discovery worker's): a rescan after
 * one file changed parses that file only.
 */
const handlerCache = new HandlerCache();

/**
 * Reads the workspace with synchronous calls: this runs in the discovery worker, and for thousands
 * of small files they are several times faster than fs/promises. The promise is for callers that
 * may move it elsewhere later.
 */
export function discoverWorkspace(root: string, options: DiscoverOptions): Promise<DiscoveryResult> {
  const started = performance.now();
  if (options.cacheFile !== undefined) handlerCache.load(options.cacheFile);
  // Paths from templates are absolute; the walk's must be too for the two to meet.
  const scan = new WorkspaceScan(resolve(root), options, handlerCache);
  const functions = scan.run();
  if (options.cacheFile !== undefined) handlerCache.save(options.cacheFile);
  return Promise.resolve({
    functions,
    problems: scan.problems,
    filesScanned: scan.filesScanned,
    durationMs: performance.now() - started,
  });
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A function while it is being put together. */
type Draft = Mutable<Omit<DiscoveredFunction, 'config' | 'warnings'>> & {
  config: Mutable<FunctionConfig>;
  warnings: string[];
};

class WorkspaceScan {
  readonly problems: DiscoveryProblem[] = [];
  /** Code files looked at (parsed, or known unchanged), templates and serverless.yml files read. */
  filesScanned = 0;
  /** Handlers by file, for every code file looked at (the walked ones, and any a handler string names). */
  private readonly handlersByFile = new Map<string, HandlerLocation[] | undefined>();
  private packageFolders = new Set<string>();
  /** SAM esbuild EntryPoints of template functions, which say where a handler's source is. */
  private readonly entryPoints = new Map<Draft, readonly string[]>();

  constructor(
    private readonly root: string,
    private readonly options: DiscoverOptions,
    private readonly cache: HandlerCache,
  ) {}

  run(): DiscoveredFunction[] {
    const files = listWorkspaceFiles(this.root);
    this.packageFolders = files.packageFolders;
    for (const file of files.code) this.handlersOf(file);
    const described = [
      ...this.templateFunctions(files.templates, files.maybeTemplates),
      ...files.serverless.flatMap((file) => this.serverlessFunctions(file)),
    ];
    const linked = new Set<string>();
    for (const fn of described) this.link(fn, linked);
    this.cache.keepOnly(this.root, new Set(this.handlersByFile.keys()));
    // Only walked files: one read because a handler string named it (in dist/, say) is not the user's source.
    const fromCode: Draft[] = [];
    for (const file of files.code) {
      for (const handler of this.handlersByFile.get(file) ?? []) {
        if (!linked.has(`${file}#${handler.exportName}`)) fromCode.push(this.codeFunction(handler));
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

  private readText(file: string): string | undefined {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  }

  /**
   * The handlers of a code file, looked at once per scan and parsed only when it changed since the
   * last scan; undefined when it does not exist. A file a handler string names is read even where
   * the walk does not go (such as dist/).
   */
  private handlersOf(file: string): HandlerLocation[] | undefined {
    if (this.handlersByFile.has(file)) return this.handlersByFile.get(file);
    let found: HandlerLocation[] | undefined;
    const stats = statSync(file, { throwIfNoEntry: false });
    if (stats?.isFile() === true) {
      this.filesScanned++;
      const stamp: FileStamp = { size: stats.size, mtimeMs: stats.mtimeMs };
      found = this.cache.lookup(file, stamp);
      if (found === undefined) {
        const text = stats.size > MAX_CODE_FILE_BYTES ? '' : this.readText(file);
        found = text === undefined ? undefined : findHandlersInText(file, text);
        if (found !== undefined) this.cache.store(file, stamp, found);
      }
    }
    this.handlersByFile.set(file, found);
    return found;
  }

  private relative(file: string): string {
    return this.relativeTo(this.root, file);
  }

  private parse(file: string, text: string): LocatedYaml | undefined {
    const parsed = parseLocatedYaml(text);
    if (parsed.ok) return parsed.yaml;
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
      try {
        for (const fn of templateFunctions(yaml.value, file, this.options.template)) {
          const draft: Draft = {
            id: `${this.relative(file)}#${fn.logicalId}`,
            source: 'template',
            sourceFile: file,
            sourceLine: yaml.lineOf(['Resources', fn.logicalId]) ?? 1,
            config: { ...fn.config },
            runtimeKnown: fn.runtimeUnknown !== true,
            ...(fn.functionName !== undefined ? { remoteName: fn.functionName } : {}),
            events: fn.events ?? [],
            warnings: [...fn.warnings],
          };
          drafts.push(draft);
          if (fn.esbuild !== undefined) this.entryPoints.set(draft, fn.esbuild.entryPoints);
        }
      } catch (error) {
        this.problems.push({ file, line: 1, column: 0, message: (error as Error).message });
        continue;
      }
      for (const nested of nestedTemplatePaths(yaml.value, file)) {
        queue.push({ file: nested.path, nestedFrom: { file, line: yaml.lineOf(['Resources', nested.logicalId]) ?? 1 } });
      }
    }
    return drafts;
  }

  private serverlessFunctions(file: string): Draft[] {
    const text = this.readYaml(file);
    const yaml = text === undefined ? undefined : this.parse(file, text);
    if (yaml === undefined) return [];
    try {
      return serverlessFunctions(yaml, file, this.options.serverless).map((fn) => ({
        id: `${this.relative(file)}#${fn.key}`,
        source: 'serverless' as const,
        sourceFile: file,
        sourceLine: fn.line,
        config: { ...fn.config },
        runtimeKnown: fn.runtimeUnknown !== true,
        ...(fn.remoteName !== undefined ? { remoteName: fn.remoteName } : {}),
        events: fn.events,
        warnings: [...fn.warnings],
      }));
    } catch (error) {
      this.problems.push({ file, line: 1, column: 0, message: (error as Error).message });
      return [];
    }
  }

  // ---- Linking described functions to code -------------------------------------------------

  /** Finds the handler a template or serverless.yml names, and marks it as described. */
  private link(fn: Draft, linked: Set<string>): void {
    const { runtime, handler, codeDir } = fn.config;
    if (handler === '') return;
    const node = nodeHandlerTarget(codeDir, handler, this.entryPoints.get(fn));
    const python = pythonHandlerTarget(codeDir, handler);
    // The runtime says how Lambda reads the handler string; without one, both readings are tried.
    const targets: (HandlerTarget | undefined)[] = !fn.runtimeKnown
      ? [node, python]
      : isNodeRuntime(runtime)
        ? [node]
        : runtime.startsWith('python')
          ? [python]
          : []; // A custom runtime's handler string means whatever its bootstrap makes of it.
    for (const target of targets) {
      if (target === undefined) continue;
      for (const file of target.candidates) {
        const handlers = this.handlersOf(file);
        if (handlers === undefined) continue;
        const language = handlerLanguageOf(file) ?? (target.language === 'python' ? 'python' : 'javascript');
        const match = handlers.find((h) => h.exportName === target.exportName);
        if (match !== undefined) {
          linked.add(`${file}#${match.exportName}`);
          fn.handlerCode = match;
        } else {
          fn.handlerCode = { file, exportName: target.exportName, line: 1, column: 0, language };
          fn.warnings.push(
            `${this.relative(file)} has no handler named ${target.exportName} that Lambda could call; ` +
              `export it as a function, or correct the handler "${handler}".`,
          );
        }
        if (!fn.runtimeKnown) fn.config.runtime = this.assumedRuntime(language === 'python');
        return;
      }
    }
    if (targets.some((target) => target !== undefined)) {
      fn.warnings.push(
        `No file for the handler "${handler}" was found in ${this.relative(codeDir) || '.'}; check the handler and the code folder (CodeUri).`,
      );
    }
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
      events: [],
      warnings: [],
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
    }
  }
}

/** Lambda function names hold letters, digits, hyphens and underscores. */
function lambdaSafeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]+/g, '-');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
