// Function bodies blanked out before parsing. The handler finder reads a module's top level, object
// literals, parameter lists and types, never what a function does, yet bodies are most of a file's
// text and most of what the parser builds. With the TypeScript scanner (so strings, comments,
// template literals and regular expressions are read as the parser reads them) each body's inner
// text is turned into spaces, newlines kept, so every position in the file stays where it was.
import ts from 'typescript';

/** What an open bracket on the stack is, and so what its closing bracket ends. */
const enum Open {
  Paren = 1,
  /** `(` after `if`, `for`, `while`, `with`, `switch`, `catch`: its `)` may be followed by a regular expression. */
  ControlParen,
  /** `(` after `switch`: its `{` holds cases, and a `{` right after a case's `:` is a block. */
  SwitchParen,
  /**
   * `(` that opens a function's or method's parameters: after `function` and its name, or after a
   * name in a class body or an object literal. A call's `(` is a plain Paren, so the `{` of a block
   * after it (`f(x)` then, on a line of its own, `{`) is not taken for a body.
   */
  Parameters,
  Bracket,
  /** A statement block, or an interface or namespace body. */
  Block,
  SwitchBody,
  ClassBody,
  /** An object literal or a type literal: a `/` after its `}` divides. */
  Literal,
  /** A function body being blanked. */
  Body,
  /** `${` in a template literal: its `}` continues the template. */
  Substitution,
}

// Read once: `ts.SyntaxKind` is a runtime enum, and the loop below looks at every token of a file.
const K = ts.SyntaxKind;
const EOF = K.EndOfFileToken;
const OPEN_BRACE = K.OpenBraceToken;
const CLOSE_BRACE = K.CloseBraceToken;
const OPEN_PAREN = K.OpenParenToken;
const CLOSE_PAREN = K.CloseParenToken;
const OPEN_BRACKET = K.OpenBracketToken;
const CLOSE_BRACKET = K.CloseBracketToken;
const ARROW = K.EqualsGreaterThanToken;
const COLON = K.ColonToken;
const LESS_THAN = K.LessThanToken;
const GREATER_THAN = K.GreaterThanToken;
const TEMPLATE_HEAD = K.TemplateHead;
const TEMPLATE_TAIL = K.TemplateTail;
const CLASS = K.ClassKeyword;

/** Tokens after which a `/` divides: the ends of operands. Everything else starts an expression there. */
const ENDS_OPERAND = new Set<ts.SyntaxKind>([
  K.Identifier,
  K.PrivateIdentifier,
  K.NumericLiteral,
  K.BigIntLiteral,
  K.StringLiteral,
  K.NoSubstitutionTemplateLiteral,
  K.TemplateTail,
  K.RegularExpressionLiteral,
  K.CloseBracketToken,
  K.PlusPlusToken,
  K.MinusMinusToken,
  K.ThisKeyword,
  K.SuperKeyword,
  K.NullKeyword,
  K.TrueKeyword,
  K.FalseKeyword,
]);
/** Tokens after which a `{` opens a block, though an expression could start there too. */
const STARTS_BLOCK = new Set<ts.SyntaxKind>([
  K.Unknown,
  K.CloseParenToken,
  K.CloseBraceToken,
  K.OpenBraceToken,
  K.SemicolonToken,
  K.EqualsGreaterThanToken,
  K.ElseKeyword,
  K.DoKeyword,
  K.TryKeyword,
  K.FinallyKeyword,
]);
/** Keywords that are names unless they are one of these, which an expression follows. */
const EXPRESSION_KEYWORDS = new Set<ts.SyntaxKind>([K.OfKeyword, K.YieldKeyword, K.AwaitKeyword]);
const CONTROL_KEYWORDS = new Set<ts.SyntaxKind>([
  K.IfKeyword,
  K.ForKeyword,
  K.WhileKeyword,
  K.WithKeyword,
  K.SwitchKeyword,
  K.CatchKeyword,
]);
/** Tokens a return type can end with, so a `{` right after one, at the type's own level, opens the body. */
const ENDS_TYPE = new Set<ts.SyntaxKind>([
  K.Identifier,
  K.AnyKeyword,
  K.UnknownKeyword,
  K.NeverKeyword,
  K.VoidKeyword,
  K.StringKeyword,
  K.NumberKeyword,
  K.BooleanKeyword,
  K.BigIntKeyword,
  K.SymbolKeyword,
  K.ObjectKeyword,
  K.UndefinedKeyword,
  K.NullKeyword,
  K.ThisKeyword,
  K.TrueKeyword,
  K.FalseKeyword,
  K.GreaterThanToken,
  K.CloseBracketToken,
  K.CloseParenToken,
  K.CloseBraceToken,
  K.StringLiteral,
  K.NumericLiteral,
  K.BigIntLiteral,
  K.NoSubstitutionTemplateLiteral,
  K.TemplateTail,
]);
/** Other tokens a return type can hold; any token outside both sets ends it (`;`, `=`, `return`...). */
const IN_TYPE = new Set<ts.SyntaxKind>([
  K.BarToken,
  K.AmpersandToken,
  K.DotToken,
  K.QuestionToken,
  K.ColonToken,
  K.DotDotDotToken,
  K.MinusToken,
  K.PlusToken,
  K.LessThanToken,
  K.OpenParenToken,
  K.OpenBracketToken,
  K.OpenBraceToken,
  K.TemplateHead,
  K.TemplateMiddle,
  K.KeyOfKeyword,
  K.TypeOfKeyword,
  K.ReadonlyKeyword,
  K.UniqueKeyword,
  K.InferKeyword,
  K.ExtendsKeyword,
  K.IsKeyword,
  K.AssertsKeyword,
  K.NewKeyword,
  K.AbstractKeyword,
  K.EqualsGreaterThanToken,
]);

/**
 * The text with the inside of every function, method and arrow body replaced by spaces (line breaks
 * stay, so lines and columns do too); the text unchanged when it cannot be read with certainty: a
 * scanner error, unbalanced brackets, or what may be JSX.
 */
export function blankFunctionBodies(text: string, scriptKind: ts.ScriptKind): string {
  const ranges = bodyRanges(text, scriptKind !== ts.ScriptKind.TS);
  if (ranges === undefined || ranges.length === 0) return text;
  let out = '';
  let copied = 0;
  for (let i = 0; i < ranges.length; i += 2) {
    const start = ranges[i] as number;
    const end = ranges[i + 1] as number;
    out += text.slice(copied, start) + text.slice(start, end).replace(/[^\n\r\u2028\u2029]+/g, blank);
    copied = end;
  }
  return out + text.slice(copied);
}

function blank(run: string): string {
  return ' '.repeat(run.length);
}

/** What the scanner's error callback throws: text the scanner cannot read is parsed as it is. */
class UnreadableText extends Error {}
const UNREADABLE = new UnreadableText('The scanner reported an error.');

/** `[start, end, start, end...]` of body insides, or undefined when the text is not read with certainty. */
function bodyRanges(text: string, mayHoldJsx: boolean): number[] | undefined {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text, () => {
    throw UNREADABLE;
  });
  try {
    return scanBodies(scanner, mayHoldJsx);
  } catch (error) {
    if (error === UNREADABLE) return undefined;
    throw error;
  }
}

function scanBodies(scanner: ts.Scanner, mayHoldJsx: boolean): number[] | undefined {
  const ranges: number[] = [];
  const stack: Open[] = [];
  /** The stack's height inside the body being blanked; -1 outside bodies. */
  let bodyDepth = -1;
  let bodyStart = 0;
  /** The stack's height at which a class keyword waits for its body. */
  let classDepth = -1;
  /** How deep in `<...>` the class's header is (`class A<T extends { id: string }> extends B<{ x: 1 }> {`). */
  let classAngles = 0;
  /** In a return type (after `name(...):`): how deep in its own brackets; -1 outside. */
  let typeDepth = -1;
  let previous: ts.SyntaxKind = K.Unknown;
  let beforePrevious: ts.SyntaxKind = K.Unknown;
  /** What the last closing bracket closed, for whether a `/` after it divides. */
  let closed: Open = Open.Block;

  for (let token = scanner.scan(); token !== EOF; token = scanner.scan()) {
    const inBody = bodyDepth >= 0;
    if (token === CLOSE_BRACE && stack[stack.length - 1] === Open.Substitution) {
      token = scanner.reScanTemplateToken(false);
      if (token === TEMPLATE_TAIL) stack.pop();
    } else if (token === K.SlashToken || token === K.SlashEqualsToken) {
      if (startsExpression(previous, closed)) token = scanner.reScanSlashToken();
    } else if (token === LESS_THAN && mayHoldJsx && startsExpression(previous, closed)) {
      return undefined;
    }

    if (!inBody && typeDepth >= 0) {
      if (token === OPEN_BRACE && typeDepth === 0 && ENDS_TYPE.has(previous)) {
        typeDepth = -1;
        stack.push(Open.Body);
        bodyDepth = stack.length;
        bodyStart = scanner.getTokenEnd();
        beforePrevious = previous;
        previous = token;
        continue;
      }
      // `(): (a: A) => { b: B } {` or an arrow's body: decided below, as after any `=>`.
      typeDepth = token === OPEN_BRACE && typeDepth === 0 && previous === ARROW ? -1 : returnTypeDepth(token, typeDepth);
    }

    switch (token) {
      case OPEN_BRACE: {
        let kind: Open;
        if (previous === CLOSE_PAREN) {
          kind = closed === Open.SwitchParen ? Open.SwitchBody : closed === Open.Parameters ? Open.Body : Open.Block;
        } else if (previous === COLON && stack[stack.length - 1] === Open.SwitchBody) {
          kind = Open.Block; // case x: {
        } else if (previous === ARROW && !inBody) {
          kind = scanner.lookAhead(() => startsTypeMember(scanner)) ? Open.Literal : Open.Body;
        } else {
          kind = opensLiteral(previous, closed) ? Open.Literal : Open.Block;
        }
        if (classDepth === stack.length && classAngles === 0) {
          kind = Open.ClassBody;
          classDepth = -1;
        }
        stack.push(kind);
        if (kind === Open.Body) {
          typeDepth = -1;
          bodyDepth = stack.length;
          bodyStart = scanner.getTokenEnd();
        }
        break;
      }
      case OPEN_PAREN: {
        const enclosing = stack[stack.length - 1];
        stack.push(
          isControl(previous, beforePrevious, enclosing)
            ? previous === K.SwitchKeyword
              ? Open.SwitchParen
              : Open.ControlParen
            : !inBody && opensParameters(previous, beforePrevious, enclosing)
              ? Open.Parameters
              : Open.Paren,
        );
        break;
      }
      case OPEN_BRACKET:
        stack.push(Open.Bracket);
        break;
      case TEMPLATE_HEAD:
        stack.push(Open.Substitution);
        break;
      case CLOSE_BRACE:
      case CLOSE_PAREN:
      case CLOSE_BRACKET: {
        const open = stack.pop();
        if (open === undefined || !closes(token, open)) return undefined;
        closed = open;
        if (open === Open.Body && stack.length + 1 === bodyDepth) {
          ranges.push(bodyStart, scanner.getTokenStart());
          bodyDepth = -1;
        }
        break;
      }
      case COLON:
        if (!inBody && previous === CLOSE_PAREN && closed === Open.Parameters) typeDepth = 0;
        break;
      case CLASS:
        // Not `x.class`, a property of that name.
        if (!inBody && previous !== K.DotToken) {
          classDepth = stack.length;
          classAngles = 0;
        }
        break;
      case LESS_THAN:
      case GREATER_THAN:
        // In a class's header `<` and `>` only enclose type parameters and arguments.
        if (classDepth === stack.length) classAngles += token === LESS_THAN ? 1 : -1;
        break;
    }
    beforePrevious = previous;
    previous = token;
  }
  return stack.length > 0 ? undefined : ranges;
}

/** Whether a `/` or `<` after `previous` starts a regular expression (or JSX) rather than dividing. */
function startsExpression(previous: ts.SyntaxKind, closed: Open): boolean {
  if (previous === CLOSE_PAREN) return closed === Open.ControlParen || closed === Open.SwitchParen;
  if (previous === CLOSE_BRACE) return closed !== Open.Literal;
  if (ENDS_OPERAND.has(previous)) return false;
  if (previous >= K.FirstKeyword && previous <= K.LastKeyword) {
    return (previous >= K.FirstReservedWord && previous <= K.LastReservedWord) || EXPRESSION_KEYWORDS.has(previous);
  }
  return true;
}

/** Whether a `{` after `previous` opens an object literal (so a `/` after its `}` divides) rather than a block. */
function opensLiteral(previous: ts.SyntaxKind, closed: Open): boolean {
  return !STARTS_BLOCK.has(previous) && startsExpression(previous, closed);
}

/** Whether a `(` follows `if`, `for`, `for await`... as a statement: not a method named `for`, not `x.if(`. */
function isControl(previous: ts.SyntaxKind, beforePrevious: ts.SyntaxKind, enclosing: Open | undefined): boolean {
  if (enclosing === Open.ClassBody || enclosing === Open.Literal) return false;
  if (previous === K.AwaitKeyword) return beforePrevious === K.ForKeyword;
  return CONTROL_KEYWORDS.has(previous) && beforePrevious !== K.DotToken && beforePrevious !== K.QuestionDotToken;
}

/**
 * Whether a `(` opens parameters: `function (`, `function name(`, `function* name(`, `name<T>(`,
 * or a method's `name(` directly in a class body or an object literal (`[key](`, `'name'(` too).
 */
function opensParameters(previous: ts.SyntaxKind, beforePrevious: ts.SyntaxKind, enclosing: Open | undefined): boolean {
  if (previous === K.FunctionKeyword || previous === GREATER_THAN) return true;
  if (previous === K.AsteriskToken) return beforePrevious === K.FunctionKeyword;
  if (!isName(previous) && previous !== CLOSE_BRACKET) return false;
  return (
    beforePrevious === K.FunctionKeyword ||
    beforePrevious === K.AsteriskToken ||
    enclosing === Open.ClassBody ||
    enclosing === Open.Literal
  );
}

function isName(token: ts.SyntaxKind): boolean {
  return (
    token === K.Identifier ||
    token === K.StringLiteral ||
    token === K.NumericLiteral ||
    token === K.PrivateIdentifier ||
    (token >= K.FirstKeyword && token <= K.LastKeyword)
  );
}

function closes(token: ts.SyntaxKind, open: Open): boolean {
  if (token === CLOSE_PAREN) {
    return open === Open.Paren || open === Open.ControlParen || open === Open.SwitchParen || open === Open.Parameters;
  }
  if (token === CLOSE_BRACKET) return open === Open.Bracket;
  return (
    open === Open.Block || open === Open.SwitchBody || open === Open.ClassBody || open === Open.Literal || open === Open.Body
  );
}

/**
 * The return type's bracket depth after `token`, or -1 when the token ends the type (`;`, `=`, a
 * statement's keyword). Inside the type's own brackets anything goes: members of object types may
 * have any name.
 */
function returnTypeDepth(token: ts.SyntaxKind, depth: number): number {
  switch (token) {
    case OPEN_PAREN:
    case OPEN_BRACKET:
    case OPEN_BRACE:
    case LESS_THAN:
      return depth + 1;
    case CLOSE_PAREN:
    case CLOSE_BRACKET:
    case CLOSE_BRACE:
    case GREATER_THAN:
      return depth - 1;
    default:
      if (depth > 0) return depth;
      return ENDS_TYPE.has(token) || IN_TYPE.has(token) ? depth : -1;
  }
}

/** After `=> {`: whether what follows reads as the members of an object type (`a: T`, `a?: T`, `readonly a`, `[k: K]`) rather than statements. */
function startsTypeMember(scanner: ts.Scanner): boolean {
  const first = scanner.scan();
  if (first === K.ReadonlyKeyword || first === K.MinusToken || first === K.PlusToken) return true;
  if (first === OPEN_BRACKET) {
    scanner.scan();
    const third = scanner.scan();
    return third === COLON || third === K.InKeyword;
  }
  if (
    first !== K.Identifier &&
    first !== K.StringLiteral &&
    first !== K.NumericLiteral &&
    !(first >= K.FirstKeyword && first <= K.LastKeyword)
  ) {
    return false;
  }
  const second = scanner.scan();
  return second === COLON || second === K.QuestionToken;
}
