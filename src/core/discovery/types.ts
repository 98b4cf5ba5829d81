// What discovery finds in a workspace: functions described by a SAM template or a serverless.yml,
// or found alone as handler code, each linked to the code of its handler when that code is found.
import type { FunctionConfig } from '../function-config';
import type { ApiSettings } from '../model/api-settings';
import type { Trigger } from '../model/trigger';

export type FunctionSource = 'template' | 'serverless' | 'code';

export type HandlerLanguage = 'typescript' | 'javascript' | 'python';

/** A handler in code: an exported function (Node.js) or a module-level function (Python). */
export interface HandlerLocation {
  /** Absolute path of the source file. */
  readonly file: string;
  /** The export (Node.js) or function name (Python) Lambda's handler string names. */
  readonly exportName: string;
  /** 1-based line and 0-based column of the declaration (where a CodeLens goes). */
  readonly line: number;
  readonly column: number;
  readonly language: HandlerLanguage;
  /**
   * Set for an exported function that does not look like a handler (no handler's name, parameters
   * or types): it is a handler where a template or serverless.yml names it, never a function of
   * its own, since most such exports are helpers.
   */
  readonly exportOnly?: true;
}

/** A source file's path and text, as sent to the parser. */
export interface SourceText {
  readonly file: string;
  readonly text: string;
  /** Report every exported function, those that do not look like handlers marked `exportOnly` (a file a handler string names). */
  readonly allExports?: true;
}

/**
 * Finds the handlers of TypeScript and JavaScript files, one list per file in the order given.
 * The workspace scan reads files and leaves the parsing to this, which carries the TypeScript
 * compiler: in the extension a worker thread of its own, which loads the compiler while the scan
 * reads the workspace.
 */
export interface NodeHandlerParser {
  parse(files: readonly SourceText[]): Promise<HandlerLocation[][]>;
}

/** A function of the workspace. */
export interface DiscoveredFunction {
  /**
   * Stable across scans: the describing file relative to the workspace root, with `/`, then `#` and
   * the logical id (template), function key (serverless.yml) or export (code), e.g. `api/template.yaml#Hello`.
   */
  readonly id: string;
  readonly source: FunctionSource;
  /** Absolute path of the template, serverless.yml, or handler file that describes it. */
  readonly sourceFile: string;
  /** 1-based line of its definition in `sourceFile`. */
  readonly sourceLine: number;
  /** Ready for the emulator; `config.name` is unique within one discovery result. */
  readonly config: FunctionConfig;
  /** False when no template, serverless.yml or saved setting named the runtime and it was assumed. */
  readonly runtimeKnown: boolean;
  /** The handler's code, when it was found. */
  readonly handlerCode?: HandlerLocation;
  /**
   * Set when the code folder is build output (a CDK asset): it runs and deploys as it is, is not
   * bundled again, and its bundled files are not judged as handler sources.
   */
  readonly built?: true;
  /** The deployed function's name, when the description says it (FunctionName, serverless naming). */
  readonly remoteName?: string;
  /** What invokes it, as the project declares: API routes, its URL, queues and streams, services, schedules. */
  readonly triggers: readonly Trigger[];
  /** Its layers in Lambda's order (later ones' files win in /opt): the project's own, or published versions. */
  readonly layers: readonly LayerUse[];
  /** Values that could not be resolved locally, as sentences. */
  readonly warnings: readonly string[];
  /**
   * What Lambda would refuse in its configuration (no Runtime, a Timeout of "abc"...), each a
   * sentence that starts with the file and line; the function cannot run until they are fixed.
   */
  readonly problems: readonly string[];
}

/** A layer a function names: one the project declares (by its DiscoveredLayer id), or a published version. */
export type LayerUse = { readonly layerId: string } | { readonly arn: string };

/** A layer the project declares: a SAM or CloudFormation LayerVersion, or a serverless.yml layer. */
export interface DiscoveredLayer {
  /** As a function's id: the describing file relative to the root, `#`, the logical id or layer key. */
  readonly id: string;
  readonly source: Exclude<FunctionSource, 'code'>;
  readonly sourceFile: string;
  readonly sourceLine: number;
  /** Its LayerName (or serverless.yml `name`), else its logical id or key. */
  readonly name: string;
  /** The folder whose files Lambda puts in /opt (ContentUri, Content, `path`). */
  readonly contentDir: string;
  readonly compatibleRuntimes: readonly string[];
  readonly compatibleArchitectures: readonly string[];
  /** SAM's Metadata.BuildMethod (`nodejs22.x`, `python3.12`, `makefile`): how `sam build` builds the folder. */
  readonly buildMethod?: string;
  /** Set when the folder is build output (a CDK asset, `sam build`'s): its files are used as they are. */
  readonly built?: true;
}

/** An API a template declares, or one SAM or the Serverless Framework creates for a file's routes. */
export interface DeclaredApi {
  /** Its logical id; for the implicit ones the id SAM or the Framework gives them. */
  readonly id: string;
  readonly kind: 'rest' | 'http';
  /** The template or serverless.yml. */
  readonly file: string;
  readonly line: number;
  /** Set for the APIs created for routes that name no API: they exist only when a route uses them. */
  readonly implicit?: true;
  readonly settings: ApiSettings;
}

/** A file discovery could not read, located for a diagnostic. */
export interface DiscoveryProblem {
  readonly file: string;
  /** 1-based line and 0-based column. */
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export interface DiscoveryResult {
  readonly functions: readonly DiscoveredFunction[];
  readonly layers: readonly DiscoveredLayer[];
  readonly apis: readonly DeclaredApi[];
  readonly problems: readonly DiscoveryProblem[];
  readonly filesScanned: number;
  readonly durationMs: number;
}
