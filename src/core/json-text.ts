// JSON text written by people (events, saved files): parsed, or the first error located by line
// and column, which JSON.parse does not always report.

export interface JsonSyntaxError {
  readonly message: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

export type JsonParse = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: JsonSyntaxError };

export function parseJsonText(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, error: locateJsonError(text) };
  }
}

export function describeJsonError(error: JsonSyntaxError): string {
  return `line ${error.line}, column ${error.column}: ${error.message}`;
}

/** Walks the text as a JSON parser would and reports where it first goes wrong. */
export function locateJsonError(text: string): JsonSyntaxError {
  let index = 0;

  class Stop extends Error {}
  const fail = (message: string, at = index): never => {
    index = at;
    throw new Stop(message);
  };
  const found = () => (index >= text.length ? 'the end of the text' : `"${text[index] ?? ''}"`);
  const skipSpace = () => {
    while (index < text.length && ' \t\n\r'.includes(text[index] ?? '')) index++;
  };
  const expect = (char: string, what: string) => {
    skipSpace();
    if (text[index] !== char) fail(`expected ${what} but found ${found()}`);
    index++;
  };

  const parseString = () => {
    index++; // opening quote
    while (index < text.length) {
      const char = text[index] ?? '';
      if (char === '"') {
        index++;
        return;
      }
      if (char === '\\') {
        const next = text[index + 1] ?? '';
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(index + 2, index + 6))) fail('invalid \\u escape in a string', index);
          index += 6;
        } else if ('"\\/bfnrt'.includes(next) && next !== '') {
          index += 2;
        } else {
          fail(`invalid escape "\\${next}" in a string`);
        }
      } else if (char < ' ') {
        fail(
          char === '\n' ? 'a string is not closed before the end of the line' : 'a control character in a string must be escaped',
        );
      } else {
        index++;
      }
    }
    fail('a string is not closed');
  };

  const parseNumber = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(index));
    if (!match || match[0] === '' || match[0] === '-') fail(`expected a value but found ${found()}`);
    index += match?.[0].length ?? 0;
  };

  const parseValue = (): void => {
    skipSpace();
    const char = text[index];
    if (char === '{') {
      index++;
      skipSpace();
      if (text[index] === '}') {
        index++;
        return;
      }
      for (;;) {
        skipSpace();
        if (text[index] !== '"')
          fail(
            text[index] === '}'
              ? 'a trailing comma before "}"'
              : `expected a property name in double quotes but found ${found()}`,
          );
        parseString();
        expect(':', '":" after the property name');
        parseValue();
        skipSpace();
        if (text[index] === ',') {
          index++;
          continue;
        }
        if (text[index] === '}') {
          index++;
          return;
        }
        fail(`expected "," or "}" but found ${found()}`);
      }
    }
    if (char === '[') {
      index++;
      skipSpace();
      if (text[index] === ']') {
        index++;
        return;
      }
      for (;;) {
        skipSpace();
        if (text[index] === ']') fail('a trailing comma before "]"');
        parseValue();
        skipSpace();
        if (text[index] === ',') {
          index++;
          continue;
        }
        if (text[index] === ']') {
          index++;
          return;
        }
        fail(`expected "," or "]" but found ${found()}`);
      }
    }
    if (char === '"') {
      parseString();
      return;
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, index)) {
        index += literal.length;
        return;
      }
    }
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) {
      parseNumber();
      return;
    }
    fail(index >= text.length ? 'the text ends where a value is expected' : `expected a value but found ${found()}`);
  };

  let message = 'the text is not valid JSON';
  try {
    parseValue();
    skipSpace();
    if (index < text.length) fail(`unexpected ${found()} after the end of the JSON value`);
  } catch (error) {
    // A RangeError: arrays or objects nested deeper than the stack goes (a JSON.parse that failed
    // on such a text could not say more either).
    if (error instanceof RangeError) message = 'the value nests arrays or objects too deeply to be read';
    else if (error instanceof Stop) message = error.message;
    else throw error;
  }
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  const column = index - (before.lastIndexOf('\n') + 1) + 1;
  return { message, line, column };
}
