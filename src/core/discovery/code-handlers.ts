// Node.js handlers in TypeScript and JavaScript: the exported functions Lambda could call, found
// with the TypeScript parser alone. No program and no type checker, so a file costs about as much
// as reading it; the price is that only what the file itself says is known (names, parameters,
// types imported from `aws-lambda`), which is also what a person reading it would go by.
import ts from 'typescript';
import { blankFunctionBodies } from './function-bodies';
import { handlerLanguageOf, isTestFile } from './source-files';
import type { HandlerLanguage, HandlerLocation } from './types';

/** Names Lambda's own examples and most code give a handler's two parameters. */
const EVENT_PARAMETERS = new Set(['event', '_event', 'evt', 'e']);
const CONTEXT_PARAMETERS = new Set(['context', '_context', 'ctx']);
/** Wrappers of wrappers (`withA(withB(fn))`) and aliases (`const a = b`) are followed this deep. */
const MAX_DEPTH = 8;

/**
 * `bodies: 'parse'` parses function bodies too, as a check of the default: the same handlers, at
 * the same places, for more time.
 */
export function findNodeHandlers(
  file: string,
  text: string,
  bodies: 'blank' | 'parse' = 'blank',
  allExports = false,
): HandlerLocation[] {
  const language = handlerLanguageOf(file);
  if (language === undefined || language === 'python' || isTestFile(file)) return [];
  const kind = scriptKindOf(file);
  const blanked = bodies === 'blank' ? blankFunctionBodies(text, kind) : text;
  let source = parse(file, blanked, kind);
  // The parser read the text otherwise than the scanner did (it never should): the whole text decides.
  if (blanked !== text && hasSyntaxErrors(source)) source = parse(file, text, kind);
  return new ModuleExports(source, language).handlers(allExports);
}

/** A module's whole text parsed, bodies included, for a caller that keeps it and parses edits incrementally. */
export function parseModule(file: string, text: string): ts.SourceFile {
  return parse(file, text, scriptKindOf(file));
}

/** The handlers a parsed module exports; none for files that are not handler code (tests, declarations). */
export function handlersOfModule(source: ts.SourceFile): HandlerLocation[] {
  const language = handlerLanguageOf(source.fileName);
  if (language === undefined || language === 'python' || isTestFile(source.fileName)) return [];
  return new ModuleExports(source, language).handlers();
}

function parse(file: string, text: string, kind: ts.ScriptKind): ts.SourceFile {
  // No parent pointers and no JSDoc: neither is read below, and both cost time on every file.
  const options = { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone };
  return ts.createSourceFile(file, text, options, false, kind);
}

/** The parser's own diagnostics, which the public API leaves off the type. */
function hasSyntaxErrors(source: ts.SourceFile): boolean {
  const { parseDiagnostics } = source as ts.SourceFile & { readonly parseDiagnostics?: readonly unknown[] };
  return parseDiagnostics !== undefined && parseDiagnostics.length > 0;
}

function scriptKindOf(file: string): ts.ScriptKind {
  if (file.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (file.endsWith('.jsx')) return ts.ScriptKind.JSX;
  return /\.[cm]?ts$/.test(file) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
}

/** A function a value turns out to be, and whether its binding was typed as an `aws-lambda` handler. */
interface ResolvedFunction {
  readonly fn: ts.SignatureDeclaration;
  readonly typedAsHandler: boolean;
}

/** Something a module exports under a name, before deciding whether it is a handler. */
interface ExportSite {
  readonly exportName: string;
  /** The value: an expression, or a function declaration. */
  readonly value: ts.Node;
  /** Where the export is written, used when the value is not a named local binding. */
  readonly at: ts.Node;
  /** The local name when the export names a binding (`export { impl as handler }`), for `default`. */
  readonly localName?: string;
  /** The type annotation of an exported variable (`export const handler: Handler = ...`). */
  readonly declaredType?: ts.TypeNode;
}

type Binding =
  | { readonly kind: 'function'; readonly name: ts.Node; readonly node: ts.FunctionDeclaration }
  | { readonly kind: 'variable'; readonly name: ts.Node; readonly node: ts.VariableDeclaration }
  | { readonly kind: 'other'; readonly name: ts.Node };

class ModuleExports {
  private readonly bindings = new Map<string, Binding>();
  /** Local names of types imported from `aws-lambda`, each with the name it has there. */
  private readonly lambdaTypes = new Map<string, string>();
  /** Local names of `import * as x from 'aws-lambda'`. */
  private readonly lambdaNamespaces = new Set<string>();
  private readonly sites: ExportSite[] = [];

  constructor(
    private readonly source: ts.SourceFile,
    private readonly language: HandlerLanguage,
  ) {
    for (const statement of source.statements) this.readStatement(statement);
  }

  /** The exports that look like handlers; with `allExports`, every exported function, the others marked `exportOnly`. */
  handlers(allExports = false): HandlerLocation[] {
    const found = new Map<string, HandlerLocation>();
    for (const site of this.sites) {
      if (found.has(site.exportName)) continue;
      const resolved = this.functionOf(site.value, 0);
      if (resolved === undefined) continue;
      const typedAsHandler = resolved.typedAsHandler || this.isLambdaHandlerType(site.declaredType);
      const handlerLike = this.looksLikeHandler(site, resolved.fn, typedAsHandler);
      if (!handlerLike && !allExports) continue;
      const { line, column } = lineAndColumnOf(this.source, this.positionOf(site).getStart(this.source));
      found.set(site.exportName, {
        file: this.source.fileName,
        exportName: site.exportName,
        line,
        column,
        language: this.language,
        ...(handlerLike ? {} : { exportOnly: true as const }),
      });
    }
    return [...found.values()];
  }

  // ---- Reading the module's top level -------------------------------------------------------

  private readStatement(statement: ts.Statement): void {
    if (ts.isImportDeclaration(statement)) this.readImport(statement);
    else if (ts.isFunctionDeclaration(statement)) this.readFunctionDeclaration(statement);
    else if (ts.isVariableStatement(statement)) this.readVariables(statement);
    else if (ts.isClassDeclaration(statement) && statement.name !== undefined) {
      this.bindings.set(statement.name.text, { kind: 'other', name: statement.name });
    } else if (ts.isExportAssignment(statement) && statement.isExportEquals !== true) {
      const value = statement.expression;
      this.sites.push({
        exportName: 'default',
        value,
        at: statement,
        ...(ts.isIdentifier(value) ? { localName: value.text } : {}),
      });
    } else if (ts.isExportDeclaration(statement)) this.readExportList(statement);
    else if (ts.isExpressionStatement(statement)) this.readCommonJsExport(statement.expression);
  }

  private readImport(statement: ts.ImportDeclaration): void {
    const from = statement.moduleSpecifier;
    const clause = statement.importClause;
    if (!ts.isStringLiteral(from) || from.text !== 'aws-lambda' || clause?.namedBindings === undefined) return;
    const bindings = clause.namedBindings;
    if (ts.isNamespaceImport(bindings)) {
      this.lambdaNamespaces.add(bindings.name.text);
      return;
    }
    for (const specifier of bindings.elements) {
      this.lambdaTypes.set(specifier.name.text, (specifier.propertyName ?? specifier.name).text);
    }
  }

  private readFunctionDeclaration(statement: ts.FunctionDeclaration): void {
    // Overload signatures and `declare function` have no body: only the implementation counts.
    if (statement.body === undefined) return;
    const name = statement.name;
    if (name !== undefined) this.bindings.set(name.text, { kind: 'function', name, node: statement });
    if (!hasModifier(statement, ts.SyntaxKind.ExportKeyword)) return;
    if (hasModifier(statement, ts.SyntaxKind.DefaultKeyword)) {
      this.sites.push({
        exportName: 'default',
        value: statement,
        at: name ?? statement,
        ...(name ? { localName: name.text } : {}),
      });
    } else if (name !== undefined) {
      this.sites.push({ exportName: name.text, value: statement, at: name });
    }
  }

  private readVariables(statement: ts.VariableStatement): void {
    const exported = hasModifier(statement, ts.SyntaxKind.ExportKeyword);
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name)) continue;
      this.bindings.set(declaration.name.text, { kind: 'variable', name: declaration.name, node: declaration });
      if (exported && declaration.initializer !== undefined) {
        this.sites.push({
          exportName: declaration.name.text,
          value: declaration.initializer,
          at: declaration.name,
          ...(declaration.type ? { declaredType: declaration.type } : {}),
        });
      }
    }
  }

  /** `export { handler }` and `export { impl as handler }`; re-exports from other modules are not followed. */
  private readExportList(statement: ts.ExportDeclaration): void {
    const clause = statement.exportClause;
    if (statement.isTypeOnly || statement.moduleSpecifier !== undefined || clause === undefined || !ts.isNamedExports(clause)) {
      return;
    }
    for (const specifier of clause.elements) {
      if (specifier.isTypeOnly) continue;
      const local = specifier.propertyName ?? specifier.name;
      if (!ts.isIdentifier(local)) continue;
      this.sites.push({
        exportName: moduleExportName(specifier.name),
        value: local,
        at: specifier.name,
        localName: local.text,
      });
    }
  }

  /** `exports.handler = ...`, `module.exports.handler = ...`, `module.exports = { handler }`. */
  private readCommonJsExport(expression: ts.Expression): void {
    // `exports.a = module.exports.a = fn` exports the innermost value under each name, the innermost
    // name first. Compiled modules start with chains of hundreds (`exports.a = exports.b = ... = void 0`),
    // so the chain is walked once rather than once per link.
    const targets: ts.Expression[] = [];
    let value = expression;
    while (isAssignment(value)) {
      targets.push(value.left);
      value = value.right;
    }
    for (let i = targets.length - 1; i >= 0; i--) this.readCommonJsTarget(targets[i] as ts.Expression, value);
  }

  private readCommonJsTarget(target: ts.Expression, value: ts.Expression): void {
    const named = commonJsExportName(target);
    if (named !== undefined) {
      this.sites.push({ exportName: named.name, value, at: named.at });
      return;
    }
    if (!isModuleExports(target) || !ts.isObjectLiteralExpression(value)) return;
    for (const property of value.properties) {
      const name = property.name !== undefined ? propertyNameText(property.name) : undefined;
      if (name === undefined || property.name === undefined) continue;
      if (ts.isShorthandPropertyAssignment(property)) {
        this.sites.push({ exportName: name, value: property.name, at: property.name, localName: name });
      } else if (ts.isPropertyAssignment(property)) {
        this.sites.push({ exportName: name, value: property.initializer, at: property.name });
      } else if (ts.isMethodDeclaration(property)) {
        this.sites.push({ exportName: name, value: property, at: property.name });
      }
    }
  }

  // ---- Deciding -----------------------------------------------------------------------------

  /**
   * The function a value is: a function or arrow, a local binding of one, or one wrapped by a call
   * (`middy(fn).use(...)`, `withLogger(base)`), seen through parentheses and type assertions.
   */
  private functionOf(node: ts.Node, depth: number): ResolvedFunction | undefined {
    if (depth > MAX_DEPTH) return undefined;
    if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) {
      return node.body === undefined ? undefined : { fn: node, typedAsHandler: false };
    }
    if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) return { fn: node, typedAsHandler: false };
    if (
      ts.isParenthesizedExpression(node) ||
      ts.isAsExpression(node) ||
      ts.isNonNullExpression(node) ||
      ts.isTypeAssertionExpression(node)
    ) {
      return this.functionOf(node.expression, depth + 1);
    }
    if (ts.isSatisfiesExpression(node)) {
      const inner = this.functionOf(node.expression, depth + 1);
      return inner && { fn: inner.fn, typedAsHandler: inner.typedAsHandler || this.isLambdaHandlerType(node.type) };
    }
    if (ts.isIdentifier(node)) {
      const binding = this.bindings.get(node.text);
      if (binding?.kind === 'function') return { fn: binding.node, typedAsHandler: false };
      if (binding?.kind !== 'variable' || binding.node.initializer === undefined) return undefined;
      const inner = this.functionOf(binding.node.initializer, depth + 1);
      return inner && { fn: inner.fn, typedAsHandler: inner.typedAsHandler || this.isLambdaHandlerType(binding.node.type) };
    }
    if (ts.isCallExpression(node)) {
      // In a chain `middy(fn).use(a).use(b)` the handler is given to the call the chain starts from;
      // the later calls' arguments are middlewares, considered only when the start gave no function.
      const callee = node.expression;
      if (ts.isPropertyAccessExpression(callee) && ts.isCallExpression(callee.expression)) {
        const base = this.functionOf(callee.expression, depth + 1);
        if (base !== undefined) return base;
      }
      for (const argument of node.arguments) {
        const wrapped = this.functionOf(argument, depth + 1);
        if (wrapped !== undefined) return wrapped;
      }
    }
    return undefined;
  }

  /**
   * A function counts when its name says handler, its parameters are Lambda's (event, context),
   * or its types come from `aws-lambda`; anything less would put lenses on every exported helper.
   */
  private looksLikeHandler(site: ExportSite, fn: ts.SignatureDeclaration, typedAsHandler: boolean): boolean {
    // `export default` has no name of its own; the binding it exports does.
    const name = site.exportName === 'default' ? (site.localName ?? functionName(fn)) : site.exportName;
    if (name !== undefined && (name === 'handler' || name.endsWith('Handler') || name.endsWith('_handler'))) return true;
    if (typedAsHandler) return true;
    const parameters = fn.parameters.filter((p) => !(ts.isIdentifier(p.name) && p.name.text === 'this'));
    const [first, second] = parameters;
    if (first === undefined) return false;
    if (this.isLambdaType(first.type)) return true;
    return (
      second !== undefined &&
      ts.isIdentifier(first.name) &&
      ts.isIdentifier(second.name) &&
      EVENT_PARAMETERS.has(first.name.text) &&
      CONTEXT_PARAMETERS.has(second.name.text)
    );
  }

  /** Whether a type is one of `aws-lambda`'s (or a union with one). */
  private isLambdaType(type: ts.TypeNode | undefined): boolean {
    return this.lambdaTypeName(type) !== undefined;
  }

  /** Whether a type is `aws-lambda`'s `Handler` or one of its `...Handler` types. */
  private isLambdaHandlerType(type: ts.TypeNode | undefined): boolean {
    return this.lambdaTypeName(type)?.endsWith('Handler') === true;
  }

  /** The name a type has in `aws-lambda`, when it comes from there. */
  private lambdaTypeName(type: ts.TypeNode | undefined): string | undefined {
    if (type === undefined) return undefined;
    if (ts.isUnionTypeNode(type)) {
      for (const member of type.types) {
        const name = this.lambdaTypeName(member);
        if (name !== undefined) return name;
      }
      return undefined;
    }
    if (ts.isTypeReferenceNode(type)) {
      const typeName = type.typeName;
      if (ts.isIdentifier(typeName)) return this.lambdaTypes.get(typeName.text);
      return ts.isIdentifier(typeName.left) && this.lambdaNamespaces.has(typeName.left.text) ? typeName.right.text : undefined;
    }
    if (ts.isImportTypeNode(type)) {
      const argument = type.argument;
      const fromLambda =
        ts.isLiteralTypeNode(argument) && ts.isStringLiteral(argument.literal) && argument.literal.text === 'aws-lambda';
      const qualifier = type.qualifier;
      if (!fromLambda || qualifier === undefined) return undefined;
      return ts.isIdentifier(qualifier) ? qualifier.text : qualifier.right.text;
    }
    return undefined;
  }

  /** Where a lens goes: the local declaration an export names, else the export itself. */
  private positionOf(site: ExportSite): ts.Node {
    if (ts.isIdentifier(site.value)) {
      const binding = this.bindings.get(site.value.text);
      if (binding !== undefined) return binding.name;
    }
    return site.at;
  }
}

/**
 * The 1-based line and 0-based column of a position, as TypeScript counts them. When `\n` is the
 * only line break in the text, counting those up to the position is enough, and cheaper than the
 * start of every line, which TypeScript computes first.
 */
function lineAndColumnOf(source: ts.SourceFile, position: number): { line: number; column: number } {
  const text = source.text;
  if (text.includes('\r') || text.includes('\u2028') || text.includes('\u2029')) {
    const { line, character } = source.getLineAndCharacterOfPosition(position);
    return { line: line + 1, column: character };
  }
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at >= 0 && at < position; at = text.indexOf('\n', at + 1)) {
    line++;
    lineStart = at + 1;
  }
  return { line, column: position - lineStart };
}

function hasModifier(node: ts.HasModifiers, kind: ts.SyntaxKind): boolean {
  return ts.getModifiers(node)?.some((modifier) => modifier.kind === kind) === true;
}

function functionName(fn: ts.SignatureDeclaration): string | undefined {
  return fn.name !== undefined && ts.isIdentifier(fn.name) ? fn.name.text : undefined;
}

function isAssignment(node: ts.Expression): node is ts.BinaryExpression {
  return ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken;
}

function isModuleExports(node: ts.Expression): boolean {
  return (
    ts.isPropertyAccessExpression(node) &&
    ts.isIdentifier(node.expression) &&
    node.expression.text === 'module' &&
    node.name.text === 'exports'
  );
}

/** `exports.x`, `module.exports.x`, `exports['x']`: the name `x` and where it is written. */
function commonJsExportName(node: ts.Expression): { name: string; at: ts.Node } | undefined {
  let object: ts.Expression;
  let name: string;
  let at: ts.Node;
  if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.name)) {
    object = node.expression;
    name = node.name.text;
    at = node.name;
  } else if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) {
    object = node.expression;
    name = node.argumentExpression.text;
    at = node.argumentExpression;
  } else {
    return undefined;
  }
  const isExports = (ts.isIdentifier(object) && object.text === 'exports') || isModuleExports(object);
  return isExports ? { name, at } : undefined;
}

function propertyNameText(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

/** `export { x as "odd name" }` is allowed since ES2022. */
function moduleExportName(name: ts.ModuleExportName): string {
  return name.text;
}
