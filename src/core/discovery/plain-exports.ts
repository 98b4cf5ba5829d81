// The handlers of a plainly written module, found without the TypeScript parser. Most handler files
// export in one of a few ways (`export const handler = async (event) => {...}`, `exports.handler =
// function (event, context) {...}`, `export async function handler(event) {...}`), and a process
// that has not loaded TypeScript pays about a quarter of a second for it before the first file. This
// reader answers only where it is sure to give what findNodeHandlers gives; for anything it does not
// follow (a wrapped handler, `export { a as b }`, `module.exports = {...}`, a regular expression it
// cannot tell from a division, JSX...) it answers undefined and the parser reads the file.
import { handlerLanguageOf, isTestFile } from './source-files';
import type { HandlerLanguage, HandlerLocation } from './types';

const EVENT_PARAMETERS = new Set(['event', '_event', 'evt', 'e']);
const CONTEXT_PARAMETERS = new Set(['context', '_context', 'ctx']);

interface Token {
  readonly kind: 'word' | 'punct' | 'literal';
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Open brackets around it (for a bracket: around the pair). */
  readonly depth: number;
  readonly newlineBefore: boolean;
  /** For an opening bracket, the index of its closing one. */
  close?: number;
  /** For a closing bracket, the index of its opening one. */
  open?: number;
}

/** Why a reading stopped: the file is left to the parser. */
class NotPlain extends Error {}

function notPlain(): never {
  throw new NotPlain();
}

/**
 * The handlers findNodeHandlers would find in the text, or undefined when the text is not plain
 * enough to be sure of that.
 */
export function findPlainHandlers(file: string, text: string, allExports = false): HandlerLocation[] | undefined {
  const language = handlerLanguageOf(file);
  if (language === undefined || language === 'python') return undefined;
  if (isTestFile(file)) return [];
  // JSX (where `'` in text is not a quote); line breaks other than \n and \r\n, which count lines otherwise.
  if (/\.[jt]sx$/.test(file) || /\r(?!\n)|[\u2028\u2029]/.test(text)) return undefined;
  // A merge in progress: the parser skips the conflict's other side.
  if (/^(<{7}|={7}|>{7}|\|{7})/m.test(text)) return undefined;
  try {
    const tokens = tokenize(text, /\.[cm]?ts$/.test(file));
    return new PlainModule(file, text, language, tokens).handlers(allExports);
  } catch (error) {
    if (error instanceof NotPlain) return undefined;
    throw error;
  }
}

// ---- Tokens -----------------------------------------------------------------------------------

/** Longest first, so that `===` is not read as `==` and `=`. */
const PUNCTUATORS = [
  '>>>=', '...', '===', '!==', '**=', '<<=', '>>=', '>>>', '&&=', '||=', '??=',
  '=>', '==', '!=', '<=', '>=', '&&', '||', '??', '?.', '++', '--', '+=', '-=', '*=', '%=', '&=', '|=', '^=', '**', '<<', '>>',
  '{', '}', '(', ')', '[', ']', ';', ',', '<', '>', '+', '-', '*', '%', '&', '|', '^', '!', '~', '?', ':', '=', '.', '@', '#',
]; // prettier-ignore

/** The punctuators by their first character, for a lookup per token rather than a search of all. */
const PUNCTUATORS_BY_START = new Map<string, string[]>();
for (const punct of PUNCTUATORS) {
  const start = punct.charAt(0);
  PUNCTUATORS_BY_START.set(start, [...(PUNCTUATORS_BY_START.get(start) ?? []), punct]);
}

const CLOSING: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };
const CONTROL = new Set(['if', 'while', 'for', 'with']);

/**
 * What a `/` may follow either as a division or as a regular expression: `}` (a block or an object),
 * `++`/`--`/`!` (postfix or prefix), and words that are keywords only in some places.
 */
const AMBIGUOUS_BEFORE_SLASH = new Set([
  '}', '++', '--', '!', 'of', 'await', 'yield', 'let', 'async', 'get', 'set', 'static', 'debugger', 'break', 'continue',
]); // prettier-ignore

/** Words after which a `/` starts a regular expression rather than dividing. */
const REGEX_AFTER = new Set([
  'return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await',
]); // prettier-ignore

function isWordStart(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || code === 36;
}

function isWordPart(code: number): boolean {
  return isWordStart(code) || (code >= 48 && code <= 57);
}

/**
 * The text's tokens, with comments and whitespace left out and each string, number, template and
 * regular expression one literal (a template's `${...}` parts are tokens inside it).
 */
function tokenize(text: string, typescript: boolean): Token[] {
  const tokens: Token[] = [];
  /** Open brackets, `${` for a template's part. */
  const open: { text: string; index: number }[] = [];
  let at = text.startsWith('\uFEFF') ? 1 : 0;
  if (text.startsWith('#!', at)) at = text.includes('\n') ? text.indexOf('\n') : text.length;
  let newline = false;
  const push = (kind: Token['kind'], tokenText: string, start: number, end: number) => {
    tokens.push({ kind, text: tokenText, start, end, depth: open.length, newlineBefore: newline });
    newline = false;
  };
  /** Reads a template from `at` (just past a backtick or a part's `}`) to its end or its next `${`. */
  const template = (start: number) => {
    for (let i = at; i < text.length; i++) {
      const c = text[i];
      if (c === '\\') i++;
      else if (c === '`') {
        at = i + 1;
        push('literal', '`', start, at);
        return;
      } else if (c === '$' && text[i + 1] === '{') {
        at = i + 2;
        push('punct', '${', start, at); // Not a value: a `/` after it starts a regular expression.
        open.push({ text: '${', index: tokens.length - 1 });
        return;
      }
    }
    notPlain();
  };
  while (at < text.length) {
    const code = text.charCodeAt(at);
    const c = text[at] as string;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\v' || c === '\f') at++;
    else if (c === '\n') {
      newline = true;
      at++;
    } else if (c === '/' && text[at + 1] === '/') {
      const end = text.indexOf('\n', at);
      at = end < 0 ? text.length : end;
    } else if (c === '/' && text[at + 1] === '*') {
      const end = text.indexOf('*/', at + 2);
      if (end < 0) notPlain();
      if (text.slice(at, end).includes('\n')) newline = true;
      at = end + 2;
    } else if (code > 127 || c === '\\') {
      notPlain(); // A name with an escape or a letter beyond ASCII, or a space of another kind.
    } else if (isWordStart(code)) {
      let end = at + 1;
      while (end < text.length && isWordPart(text.charCodeAt(end))) end++;
      if (end < text.length && (text.charCodeAt(end) > 127 || text[end] === '\\')) notPlain();
      push('word', text.slice(at, end), at, end);
      at = end;
    } else if ((code >= 48 && code <= 57) || (c === '.' && /[0-9]/.test(text[at + 1] ?? ''))) {
      let end = at + 1;
      while (end < text.length && (isWordPart(text.charCodeAt(end)) || text[end] === '.')) end++;
      push('literal', text.slice(at, end), at, end);
      at = end;
    } else if (c === '"' || c === "'") {
      let end = at + 1;
      while (end < text.length && text[end] !== c && text[end] !== '\n') end += text[end] === '\\' ? 2 : 1;
      if (end >= text.length || text[end] !== c) notPlain();
      push('literal', c, at, end + 1);
      at = end + 1;
    } else if (c === '`') {
      const start = at;
      at++;
      template(start);
    } else if (c === '}' && open[open.length - 1]?.text === '${') {
      open.pop();
      const start = at;
      at++;
      template(start);
    } else if (c === '/') {
      // A regular expression or a division, by what comes before: a value divides, an operator or
      // a keyword starts a regular expression. Where either can follow (after `}`: a block or an
      // object; after `++`, `!`, or a word that is a keyword only sometimes) the file is the parser's.
      const previous = tokens[tokens.length - 1];
      const beforePrevious = tokens[tokens.length - 2];
      if (previous !== undefined && AMBIGUOUS_BEFORE_SLASH.has(previous.text)) notPlain();
      const property = beforePrevious?.text === '.' || beforePrevious?.text === '?.';
      const divides =
        previous !== undefined &&
        (previous.kind === 'word'
          ? property || !REGEX_AFTER.has(previous.text)
          : previous.kind === 'literal' || previous.text === ']' || (previous.text === ')' && !closesControl(previous)));
      const start = at;
      if (divides) {
        at += text[at + 1] === '=' ? 2 : 1;
        push('punct', text.slice(start, at), start, at);
      } else {
        at = regex(at);
        push('literal', '/', start, at);
      }
    } else {
      const punct = PUNCTUATORS_BY_START.get(c)?.find((p) => text.startsWith(p, at));
      if (punct === undefined) notPlain();
      // `a?.5:b` is a conditional; JSX (`<div`, `<>`, `</`) in a JavaScript file.
      if (punct === '?.' && /[0-9]/.test(text[at + 2] ?? '')) notPlain();
      // In a JavaScript file a `<` where a value could start may open JSX (`<div`, `< div`, `<>`).
      if (!typescript && punct === '<' && !endsValue(tokens[tokens.length - 1])) notPlain();
      if (punct === '(' || punct === '[' || punct === '{') {
        push('punct', punct, at, at + 1);
        open.push({ text: punct, index: tokens.length - 1 });
      } else if (punct in CLOSING) {
        const opener = open.pop();
        if (opener === undefined || opener.text !== CLOSING[punct]) notPlain();
        push('punct', punct, at, at + 1);
        (tokens[opener.index] as Token).close = tokens.length - 1;
        (tokens[tokens.length - 1] as Token).open = opener.index;
      } else push('punct', punct, at, at + punct.length);
      at += punct.length;
    }
  }
  if (open.length > 0) notPlain();
  return tokens;

  /** Whether a token ends a value, after which `<` compares rather than opens JSX. */
  function endsValue(token: Token | undefined): boolean {
    if (token === undefined) return false;
    if (token.kind === 'literal' || token.text === ')' || token.text === ']') return true;
    return token.kind === 'word' && !REGEX_AFTER.has(token.text) && !AMBIGUOUS_BEFORE_SLASH.has(token.text);
  }

  /** Whether a `)` ends the condition of an `if`, `while`, `for` or `with`, after which a statement starts. */
  function closesControl(token: Token): boolean {
    const open = token.open ?? 0;
    const before = tokens[open - 1];
    const property = tokens[open - 2]?.text === '.' || tokens[open - 2]?.text === '?.';
    return before?.kind === 'word' && CONTROL.has(before.text) && !property;
  }

  /** The end of a regular expression starting at `start`. */
  function regex(start: number): number {
    let inClass = false;
    for (let i = start + 1; i < text.length; i++) {
      const c = text[i];
      if (c === '\\') i++;
      else if (c === '\n') break;
      else if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      else if (c === '/' && !inClass) {
        let end = i + 1;
        while (end < text.length && isWordPart(text.charCodeAt(end))) end++;
        return end;
      }
    }
    return notPlain();
  }
}

// ---- The module's exports ---------------------------------------------------------------------

/** Words that cannot end an expression: a line break after one does not end the statement. */
const NOT_EXPRESSION_END = new Set([
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum', 'export',
  'extends', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'return', 'switch', 'throw', 'try',
  'typeof', 'var', 'void', 'while', 'with', 'yield', 'let', 'static', 'await', 'async', 'as', 'satisfies', 'of', 'type',
  'declare', 'abstract', 'readonly', 'keyof', 'infer', 'is', 'asserts', 'namespace', 'module', 'get', 'set', 'public',
  'private', 'protected', 'unique', 'accessor', 'override',
]); // prettier-ignore

/** Words that go on with the expression before them even on a new line. */
const CONTINUING = new Set(['in', 'instanceof', 'as', 'satisfies', 'of']);

/** Statement words after which nothing in this file is a handler: a type, a class, a namespace... */
const EXPORTS_NO_VALUE = new Set(['class', 'interface', 'enum', 'namespace', 'module', 'abstract', 'type', 'import', 'as']);

/** Words that can modify a parameter (`readonly event`), which the parser reads past. */
const PARAMETER_MODIFIERS = new Set(['public', 'private', 'protected', 'readonly', 'override']);

/** What a function's type parameters hold besides names: `<T extends { id: string }, K = T[]>`. */
const TYPE_PARAMETER_PUNCTUATORS = new Set([',', '=', '{', '}', '[', ']', '|', '&', '.']);

/** A function a module exports, before deciding whether it is a handler. */
interface FunctionSite {
  readonly exportName: string;
  /** The name's token: where the lens goes. */
  readonly at: Token;
  /** Its index; from there to the parameters' end are the types that could make it a handler. */
  readonly nameIndex: number;
  /** The parameters' tokens: the indexes of `(` and `)`, or of a lone parameter. */
  readonly parameters: readonly [number, number];
}

class PlainModule {
  /** Local names of what the module imports from `aws-lambda`: types that can make a function a handler. */
  private readonly lambdaNames: ReadonlySet<string>;

  constructor(
    private readonly file: string,
    private readonly text: string,
    private readonly language: HandlerLanguage,
    private readonly tokens: readonly Token[],
  ) {
    this.lambdaNames = this.namesFromAwsLambda();
  }

  handlers(allExports = false): HandlerLocation[] {
    const sites: FunctionSite[] = [];
    const exported = new Set<string>();
    const { tokens } = this;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] as Token;
      if (token.depth !== 0 || token.kind !== 'word') continue;
      const previous = tokens[i - 1];
      if (previous?.text === '.' || previous?.text === '?.') continue; // A property: `a.exports`, `x.export`.
      // A top-level `do` takes the next statement as its body, however it is written.
      if (token.text === 'do') notPlain();
      let found: { name: string; site?: FunctionSite } | 'none' | undefined;
      if (token.text === 'export') {
        // `if (a)\n export ...` is not one of the module's statements; the parser reads it otherwise.
        if (!this.startsStatement(i)) notPlain();
        found = this.exportStatement(i);
      } else if (
        token.text === 'exports' ||
        (token.text === 'module' && this.isWord(i + 2, 'exports') && this.isPunct(i + 1, '.'))
      ) {
        found = this.commonJsExport(i);
      }
      if (found === undefined || found === 'none') continue;
      // The parser keeps the first export of a name; two are rare enough to leave to it.
      if (exported.has(found.name)) notPlain();
      exported.add(found.name);
      if (found.site !== undefined) sites.push(found.site);
    }
    return sites.flatMap((site): HandlerLocation[] => {
      const handlerLike = this.looksLikeHandler(site);
      if (!handlerLike && !allExports) return [];
      return [
        {
          file: this.file,
          exportName: site.exportName,
          ...this.lineAndColumn(site.at.start),
          language: this.language,
          ...(handlerLike ? {} : { exportOnly: true as const }),
        },
      ];
    });
  }

  // ---- Statements -----------------------------------------------------------------------------

  /** `export function`, `export const`, or a statement that exports no value (a type, a class). */
  private exportStatement(i: number): { name: string; site?: FunctionSite } | 'none' {
    const next = this.tokens[i + 1];
    if (next?.kind !== 'word') notPlain(); // `export {`, `export *`, `export =`
    if (EXPORTS_NO_VALUE.has(next.text)) return 'none';
    if (next.text === 'function') return this.functionDeclaration(i + 1);
    if (next.text === 'async' && this.isWord(i + 2, 'function') && this.tokens[i + 2]?.newlineBefore === false) {
      return this.functionDeclaration(i + 2);
    }
    if (next.text === 'const' && this.isWord(i + 2, 'enum')) return 'none';
    if (next.text === 'const' || next.text === 'let' || next.text === 'var') return this.variable(i + 2);
    return notPlain(); // `export default`, `export declare`, ...
  }

  /** `function name(...) {...}` from the `function` at `i`; an overload signature exports nothing. */
  private functionDeclaration(i: number): { name: string; site?: FunctionSite } | 'none' {
    let at = i + 1;
    if (this.isPunct(at, '*')) at++;
    const name = this.nameAt(at);
    const parameters = this.parenthesesAt(this.isPunct(at + 1, '<') ? this.typeParametersEnd(at + 1) : at + 1);
    let after = parameters[1] + 1;
    if (this.isPunct(after, ':')) after = this.typeEnd(after + 1, ['{', ';']);
    if (this.isPunct(after, ';')) return 'none';
    if (!this.isPunct(after, '{')) notPlain();
    return { name: name.text, site: { exportName: name.text, at: name, nameIndex: at, parameters } };
  }

  /** `name (: type)? = value` from the name at `i`, the only one the statement declares. */
  private variable(i: number): { name: string; site?: FunctionSite } {
    const name = this.nameAt(i);
    let at = i + 1;
    if (this.isPunct(at, ':')) at = this.typeEnd(at + 1, ['=']);
    if (!this.isPunct(at, '=')) notPlain();
    const parameters = this.valueAt(at + 1);
    return { name: name.text, ...(parameters && { site: { exportName: name.text, at: name, nameIndex: i, parameters } }) };
  }

  /** `exports.name = value` or `module.exports.name = value`, alone in its statement. */
  private commonJsExport(i: number): { name: string; site?: FunctionSite } {
    if (!this.startsStatement(i)) notPlain();
    let at = this.tokens[i]?.text === 'module' ? i + 2 : i;
    if (!this.isPunct(at + 1, '.')) notPlain(); // `exports[...]`, `module.exports = {...}`
    at += 2;
    const name = this.nameAt(at, true);
    if (name.text === 'default' || !this.isPunct(at + 1, '=')) notPlain();
    const parameters = this.valueAt(at + 2);
    return { name: name.text, ...(parameters && { site: { exportName: name.text, at: name, nameIndex: at, parameters } }) };
  }

  /**
   * The parameters of the function a value is, or undefined for a value that is certainly not a
   * function (nor names or wraps one); the value must be all of its statement.
   */
  private valueAt(i: number): readonly [number, number] | undefined {
    const { tokens } = this;
    let at = i;
    const first = tokens[at];
    if (first === undefined) notPlain();
    if (first.kind === 'word' && first.text === 'async' && tokens[at + 1]?.newlineBefore === false) {
      const next = tokens[at + 1] as Token;
      if (next.text === 'function' || next.text === '(' || (next.kind === 'word' && this.isPunct(at + 2, '=>'))) at++;
    }
    const start = tokens[at] as Token;
    if (start.text === 'function') {
      at++;
      if (this.isPunct(at, '*')) at++;
      if (tokens[at]?.kind === 'word') at++;
      const parameters = this.parenthesesAt(at);
      const body = parameters[1] + 1;
      if (!this.isPunct(body, '{')) notPlain();
      this.endsStatement(this.closeOf(body));
      return parameters;
    }
    if (start.text === '(') {
      const parameters = this.parenthesesAt(at);
      let arrow = parameters[1] + 1;
      if (this.isPunct(arrow, ':')) arrow = this.typeEnd(arrow + 1, ['=>']);
      if (this.isPunct(arrow, '=>')) {
        this.arrowBody(arrow + 1);
        return parameters;
      }
      if (at !== i) notPlain(); // `async (...)` not followed by `=>` calls a function named async.
    } else if (start.kind === 'word' && this.isPunct(at + 1, '=>')) {
      this.arrowBody(at + 2);
      return [at, at];
    }
    if (at !== i) notPlain();
    // Not a function: a literal, or a property (`process.env.TABLE`), with no call in it.
    const plainStart =
      start.kind === 'literal' ||
      start.text === '{' ||
      start.text === '[' ||
      (start.kind === 'word' && ['true', 'false', 'null'].includes(start.text)) ||
      (start.kind === 'word' && !NOT_EXPRESSION_END.has(start.text) && (this.isPunct(at + 1, '.') || this.isPunct(at + 1, '?.')));
    if (!plainStart) notPlain();
    const end = this.expressionEnd(at);
    for (let k = at; k <= end; k++) {
      const token = tokens[k] as Token;
      if (token.depth === 0 && (token.text === '(' || token.text === '=')) notPlain();
    }
    return undefined;
  }

  /** An arrow function's body from `i`: a block, or an expression to the end of the statement. */
  private arrowBody(i: number): void {
    if (this.isPunct(i, '{')) this.endsStatement(this.closeOf(i));
    else this.expressionEnd(i);
  }

  /** The index of the last token of the expression from `i`, which must end its statement. */
  private expressionEnd(i: number): number {
    const { tokens } = this;
    for (let k = i; k < tokens.length; k++) {
      const token = tokens[k] as Token;
      if (token.depth !== 0) continue;
      if (token.text === ';') return k - 1;
      if (token.text === ',') notPlain(); // More declarations, or a comma expression.
      if (k > i && token.newlineBefore && token.kind === 'word' && !CONTINUING.has(token.text) && this.endsExpression(k - 1)) {
        return k - 1;
      }
    }
    return tokens.length - 1;
  }

  /** The token at `i` ends its statement: what follows starts another, or nothing does. */
  private endsStatement(i: number): void {
    const next = this.tokens[i + 1];
    if (next === undefined || next.text === ';') return;
    if (next.newlineBefore && next.kind === 'word' && !CONTINUING.has(next.text)) return;
    notPlain();
  }

  /** Whether the token at `i` starts a statement of the module's top level. */
  private startsStatement(i: number): boolean {
    const previous = this.tokens[i - 1];
    const token = this.tokens[i] as Token;
    if (previous === undefined || previous.text === ';' || previous.text === '}') return true;
    if (!token.newlineBefore) return false;
    // `if (a)\n exports.x = ...` is the if's statement, not one of the module's.
    if (previous.text === ')') return !CONTROL.has(this.tokens[(previous.open ?? 0) - 1]?.text ?? '');
    return this.endsExpression(i - 1);
  }

  private endsExpression(i: number): boolean {
    const token = this.tokens[i];
    if (token === undefined) return false;
    if (token.kind === 'literal' || token.text === ')' || token.text === ']' || token.text === '}') return true;
    return token.kind === 'word' && !NOT_EXPRESSION_END.has(token.text);
  }

  /**
   * The index just past a type annotation from `i`: the first of `stops` outside brackets. Angle
   * brackets are counted; anything a type does not hold sends the file to the parser.
   */
  private typeEnd(i: number, stops: readonly string[]): number {
    const { tokens } = this;
    if (this.isPunct(i, '{')) notPlain(); // An object type, read as a body by the search below.
    let angles = 0;
    for (let k = i; k < tokens.length; k++) {
      const token = tokens[k] as Token;
      if (token.depth !== 0) continue;
      if (angles === 0 && stops.includes(token.text)) {
        if (token.text === '{' && ['|', '&'].includes(tokens[k - 1]?.text ?? '')) notPlain();
        return k;
      }
      if (token.text === '<') angles++;
      else if (token.text === '>' || token.text === '>>' || token.text === '>>>') angles -= token.text.length;
      else if (
        token.kind === 'word' ? NOT_EXPRESSION_END.has(token.text) && token.text !== 'keyof' && token.text !== 'typeof' : false
      ) {
        notPlain();
      } else if (['=', ';', ',', '=>', '{', '>=', '>>=', '>>>='].includes(token.text) && angles === 0) notPlain();
      if (angles < 0) notPlain();
    }
    return notPlain();
  }

  /** The index just past `<...>` at `i`, a function's type parameters. */
  private typeParametersEnd(i: number): number {
    let angles = 0;
    for (let k = i; k < this.tokens.length; k++) {
      const token = this.tokens[k] as Token;
      if (token.depth !== 0) continue;
      if (token.text === '<') angles++;
      else if (token.text === '>' || token.text === '>>' || token.text === '>>>') angles -= token.text.length;
      else if (token.kind !== 'word' && !TYPE_PARAMETER_PUNCTUATORS.has(token.text)) {
        notPlain(); // Anything but names, defaults and object or tuple types: `>=`, `(`, `;`...
      }
      if (angles < 0) notPlain();
      if (angles === 0) return k + 1;
    }
    return notPlain();
  }

  // ---- Deciding -------------------------------------------------------------------------------

  /**
   * findNodeHandlers' rule: a handler's name, or Lambda's parameter names. A type from `aws-lambda`
   * on the export or its parameters would decide too; the parser reads the file that has one.
   */
  private looksLikeHandler(site: FunctionSite): boolean {
    const name = site.exportName;
    if (name === 'handler' || name.endsWith('Handler') || name.endsWith('_handler')) return true;
    const [open, close] = site.parameters;
    for (let k = site.nameIndex; k <= close; k++) {
      const token = this.tokens[k] as Token;
      if (token.kind === 'word' && this.lambdaNames.has(token.text)) notPlain();
    }
    const names: (string | undefined)[] = [];
    if (open === close) names.push(this.tokens[open]?.text);
    else {
      // Each parameter's name: the word it starts with (after `...`), or none for a pattern.
      let expectName = true;
      for (let k = open + 1; k < close; k++) {
        const token = this.tokens[k] as Token;
        if (token.depth !== (this.tokens[open] as Token).depth + 1) continue;
        // A decorator; a type's arguments, whose commas do not separate parameters.
        if (token.text === '@' || token.text === '<') notPlain();
        if (token.text === ',') expectName = true;
        else if (expectName && token.kind === 'word' && PARAMETER_MODIFIERS.has(token.text)) {
          notPlain(); // `public event`: a modifier, or a parameter of that name; the parser tells.
        } else if (expectName && token.text !== '...') {
          expectName = false;
          if (token.kind !== 'word' || token.text !== 'this') names.push(token.kind === 'word' ? token.text : undefined);
        }
      }
    }
    const [first, second] = names;
    return first !== undefined && second !== undefined && EVENT_PARAMETERS.has(first) && CONTEXT_PARAMETERS.has(second);
  }

  /**
   * Every word between `import` and `from 'aws-lambda'` (a superset of the names it binds); the
   * module named any other way (`import('aws-lambda')`, `export * from`) sends the file to the parser.
   */
  private namesFromAwsLambda(): Set<string> {
    const names = new Set<string>();
    this.tokens.forEach((token, i) => {
      if (token.kind !== 'literal' || this.text.slice(token.start + 1, token.end - 1) !== 'aws-lambda') return;
      if (token.depth !== 0 || !this.isWord(i - 1, 'from')) notPlain();
      let k = i - 2;
      for (; k >= 0 && !this.isWord(k, 'import'); k--) {
        const word = this.tokens[k] as Token;
        if (word.text === ';' || word.text === 'export') notPlain();
        if (word.kind === 'word') names.add(word.text);
      }
      if (k < 0) notPlain();
    });
    return names;
  }

  // ---- Tokens ---------------------------------------------------------------------------------

  private isPunct(i: number, text: string): boolean {
    const token = this.tokens[i];
    return token?.kind === 'punct' && token.text === text;
  }

  private isWord(i: number, text: string): boolean {
    const token = this.tokens[i];
    return token?.kind === 'word' && token.text === text;
  }

  /** A name at `i`: a word that is not a keyword (or any word, for a property name). */
  private nameAt(i: number, property = false): Token {
    const token = this.tokens[i];
    if (token?.kind !== 'word' || (!property && NOT_EXPRESSION_END.has(token.text))) notPlain();
    return token;
  }

  /** The indexes of `(` at `i` and its `)`. */
  private parenthesesAt(i: number): [number, number] {
    if (!this.isPunct(i, '(')) notPlain();
    return [i, this.closeOf(i)];
  }

  private closeOf(i: number): number {
    return this.tokens[i]?.close ?? notPlain();
  }

  /** As TypeScript counts them: a 1-based line and a 0-based column in UTF-16 code units. */
  private lineAndColumn(position: number): { line: number; column: number } {
    let line = 1;
    let lineStart = 0;
    for (let at = this.text.indexOf('\n'); at >= 0 && at < position; at = this.text.indexOf('\n', at + 1)) {
      line++;
      lineStart = at + 1;
    }
    return { line, column: position - lineStart };
  }
}
