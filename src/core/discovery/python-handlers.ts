// Python handlers: module-level functions Lambda can call as `module.function(event, context)`.
// Python's grammar at the start of a line is simple enough for a scanner that only tracks what can
// hide a `def` (strings, comments, brackets), so no parser is loaded for it.
import { handlerLanguageOf, isTestFile } from './source-files';
import type { HandlerLocation } from './types';

const EVENT_PARAMETERS = new Set(['event', '_event', 'evt']);
const CONTEXT_PARAMETERS = new Set(['context', '_context', 'ctx', 'lambda_context']);

/**
 * The module-level functions that look like handlers; with `named`, for a file a handler string
 * names, every function Lambda could call (two positional parameters), those that do not look like
 * handlers marked `exportOnly`.
 */
export function findPythonHandlers(file: string, text: string, named = false): HandlerLocation[] {
  if (handlerLanguageOf(file) !== 'python' || isTestFile(file) || (!named && !hasHandlerLikeDef(text))) return [];
  const handlers: HandlerLocation[] = [];
  const seen = new Set<string>();
  for (const def of moduleLevelDefs(text)) {
    if (seen.has(def.name)) continue;
    const handlerLike = looksLikeHandler(def.name, def.parameters);
    if (!handlerLike && !(named && callable(def.parameters))) continue;
    seen.add(def.name);
    handlers.push({
      file,
      exportName: def.name,
      line: def.line,
      column: def.column,
      language: 'python',
      ...(handlerLike ? {} : { exportOnly: true as const }),
    });
  }
  return handlers;
}

/** Whether Lambda's two positional arguments fit the parameters. */
function callable(parameters: readonly string[] | undefined): boolean {
  return parameters?.length === 2 && !parameters.some((p) => p.startsWith('*'));
}

/**
 * Whether any line that starts with `def` or `async def` declares a function that looks like a
 * handler, wherever the line is: the scan below only leaves out some of these lines (those in
 * strings and brackets), so without one it cannot find a handler, and most modules skip it.
 */
function hasHandlerLikeDef(text: string): boolean {
  for (const first of ['d', 'a']) {
    for (let at = lineStartingWith(text, first, 0); at >= 0; at = lineStartingWith(text, first, at + 1)) {
      const def = readDefHeader(text, at);
      if (def !== undefined && looksLikeHandler(def.name, readParameters(text, def.openParen))) return true;
    }
  }
  return false;
}

/** The first line start at or after `from` whose line starts with `char`, or -1. */
function lineStartingWith(text: string, char: string, from: number): number {
  if (from === 0 && text.startsWith(char)) return 0;
  const newline = text.indexOf(`\n${char}`, Math.max(0, from - 1));
  return newline < 0 ? -1 : newline + 1;
}

interface PythonDef {
  readonly name: string;
  /** The parameters as written, without annotations and defaults; undefined when they cannot be read. */
  readonly parameters: readonly string[] | undefined;
  /** 1-based line and 0-based column of the name. */
  readonly line: number;
  readonly column: number;
}

/** Lambda passes exactly two positional arguments; their names, or the function's, say "handler". */
function looksLikeHandler(name: string, parameters: readonly string[] | undefined): boolean {
  if (parameters?.length !== 2) return false;
  const [event = '', context = ''] = parameters;
  if (event.startsWith('*') || context.startsWith('*')) return false;
  if (name === 'handler' || name === 'lambda_handler' || name.endsWith('_handler')) return true;
  return EVENT_PARAMETERS.has(event) && CONTEXT_PARAMETERS.has(context);
}

const NEWLINE = 10;
const HASH = 35;
const SINGLE_QUOTE = 39;
const DOUBLE_QUOTE = 34;
const LOWERCASE_A = 97;
const LOWERCASE_D = 100;
const BACKSLASH = 92;
/** 1 for the ASCII characters the module-level scan acts on (line breaks, comments, quotes, brackets), 0 for the rest. */
const SPECIAL = new Uint8Array(128);
/** +1 for an opening bracket, -1 for a closing one. */
const BRACKET = new Int8Array(128);
for (const char of '\n#\'"()[]{}') SPECIAL[char.charCodeAt(0)] = 1;
for (const char of '([{') BRACKET[char.charCodeAt(0)] = 1;
for (const char of ')]}') BRACKET[char.charCodeAt(0)] = -1;

/** The `def` and `async def` statements at column 0 that are code, not text in a string or comment. */
function moduleLevelDefs(text: string): PythonDef[] {
  const defs: PythonDef[] = [];
  const scanner = new PythonScanner(text);
  const length = text.length;
  let line = 1;
  let lineStart = 0;
  let depth = 0;
  let index = 0;
  while (index < length) {
    const code = text.charCodeAt(index);
    if (index === lineStart && depth === 0 && (code === LOWERCASE_D || code === LOWERCASE_A)) {
      const def = readDefHeader(text, index);
      if (def !== undefined) {
        const parameters = readParameters(text, def.openParen);
        defs.push({ name: def.name, parameters, line, column: def.nameStart - lineStart });
      }
    }
    if (code >= 128 || SPECIAL[code] === 0) {
      index++;
    } else if (code === NEWLINE) {
      line++;
      lineStart = ++index;
    } else if (code === HASH) {
      scanner.index = index;
      scanner.skipComment();
      index = scanner.index;
    } else if (code === DOUBLE_QUOTE || code === SINGLE_QUOTE) {
      scanner.index = index;
      scanner.skipString();
      // Newlines inside a triple-quoted string still count as lines.
      for (let i = text.indexOf('\n', index); i >= 0 && i < scanner.index; i = text.indexOf('\n', i + 1)) {
        line++;
        lineStart = i + 1;
      }
      index = scanner.index;
    } else {
      const step = BRACKET[code] ?? 0;
      if (step > 0 || depth > 0) depth += step;
      index++;
    }
  }
  return defs;
}

/** `def name(` or `async def name(` starting exactly at `index`. */
function readDefHeader(text: string, index: number): { name: string; nameStart: number; openParen: number } | undefined {
  let at = index;
  if (text.startsWith('async', at) && isBlank(text[at + 5])) at = skipBlanks(text, at + 5);
  if (!text.startsWith('def', at) || !isBlank(text[at + 3])) return undefined;
  const nameStart = skipBlanks(text, at + 3);
  let nameEnd = nameStart;
  while (nameEnd < text.length && isNameChar(text[nameEnd] ?? '')) nameEnd++;
  if (nameEnd === nameStart) return undefined;
  const openParen = skipBlanks(text, nameEnd);
  if (text[openParen] !== '(') return undefined;
  return { name: text.slice(nameStart, nameEnd), nameStart, openParen };
}

/**
 * The parameter names between the parentheses that start at `openParen`, across lines, with
 * annotations and defaults (which may hold brackets, strings and commas) left out. A `/` marker
 * is dropped; `*args` and `**kwargs` keep their stars so the caller can refuse them.
 */
function readParameters(text: string, openParen: number): string[] | undefined {
  const scanner = new PythonScanner(text);
  scanner.index = openParen + 1;
  const parameters: string[] = [];
  let current = '';
  let inName = true;
  let depth = 0;
  while (scanner.index < text.length) {
    const char = text[scanner.index] ?? '';
    if (char === '#') {
      scanner.skipComment();
      continue;
    }
    if (char === '"' || char === "'") {
      scanner.skipString();
      inName = false;
      continue;
    }
    scanner.index++;
    if (char === '(' || char === '[' || char === '{') depth++;
    else if (char === ')' || char === ']' || char === '}') {
      if (depth > 0) {
        depth--;
        continue;
      }
      if (char !== ')') return undefined;
      if (current.trim() !== '') parameters.push(current.trim());
      return parameters.filter((p) => p !== '/');
    } else if (char === ',' && depth === 0) {
      parameters.push(current.trim());
      current = '';
      inName = true;
    } else if ((char === ':' || char === '=') && depth === 0) {
      inName = false;
    } else if (inName && depth === 0 && char !== '\\') {
      current += char;
    }
  }
  return undefined;
}

function isBlank(char: string | undefined): boolean {
  return char === ' ' || char === '\t';
}

function skipBlanks(text: string, index: number): number {
  let at = index;
  while (isBlank(text[at])) at++;
  return at;
}

function isNameChar(char: string): boolean {
  const code = char.charCodeAt(0);
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code > 127;
}

/** Steps over Python comments and string literals, whatever their quotes. */
class PythonScanner {
  index = 0;

  constructor(private readonly text: string) {}

  skipComment(): void {
    const end = this.text.indexOf('\n', this.index);
    this.index = end < 0 ? this.text.length : end;
  }

  /** From an opening quote to just past the closing one; string prefixes (r, b, f) need nothing special. */
  skipString(): void {
    const text = this.text;
    const quote = text.charCodeAt(this.index);
    const triple = text.charCodeAt(this.index + 1) === quote && text.charCodeAt(this.index + 2) === quote;
    this.index += triple ? 3 : 1;
    while (this.index < text.length) {
      const code = text.charCodeAt(this.index);
      if (code === BACKSLASH) {
        this.index += 2;
        continue;
      }
      if (code === quote) {
        if (!triple) {
          this.index++;
          return;
        }
        if (text.charCodeAt(this.index + 1) === quote && text.charCodeAt(this.index + 2) === quote) {
          this.index += 3;
          return;
        }
      } else if (code === NEWLINE && !triple) {
        return; // An unterminated one-line string ends with its line; the next line is code again.
      }
      this.index++;
    }
  }
}
