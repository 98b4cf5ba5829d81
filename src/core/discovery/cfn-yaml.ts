// CloudFormation's YAML: the short-form tags (!Ref, !Sub, !GetAtt...) read as the long forms
// ({"Ref": ...}, {"Fn::Sub": ...}), so the rest of the code sees one shape. JSON templates parse too.
import { isMap, isScalar, LineCounter, parseDocument, type Tags } from 'yaml';

const FUNCTIONS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
  'Length',
  'ToJsonString',
];

function tagsFor(tag: string, longName: string, scalar: (value: string) => unknown = (value) => value): Tags {
  return [
    { tag, resolve: (value: string) => ({ [longName]: scalar(value) }) },
    { tag, collection: 'seq', resolve: (value) => ({ [longName]: value.toJSON() as unknown }) },
    { tag, collection: 'map', resolve: (value) => ({ [longName]: value.toJSON() as unknown }) },
  ];
}

const CLOUDFORMATION_TAGS: Tags = [
  ...tagsFor('!Ref', 'Ref'),
  ...tagsFor('!Condition', 'Condition'),
  // `!GetAtt Resource.Attribute` is the short form of ["Resource", "Attribute"].
  ...tagsFor('!GetAtt', 'Fn::GetAtt', (value) => {
    const dot = value.indexOf('.');
    return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
  }),
  ...FUNCTIONS.flatMap((name) => tagsFor(`!${name}`, `Fn::${name}`)),
];

/** A parsed YAML file that can say where its keys are written. */
export interface LocatedYaml {
  readonly value: unknown;
  /** The 1-based line of the key at the end of a path of map keys, such as `['Resources', 'Hello']`. */
  lineOf(keys: readonly string[]): number | undefined;
  /**
   * What was read but not understood, each at its line: a tag that is not CloudFormation's (its
   * value is read as if untagged), a `%TAG` or `%YAML` directive the parser does not follow.
   */
  readonly warnings: readonly YamlSyntaxError[];
}

/** Where a YAML file first goes wrong: 1-based line, 0-based column, and what is wrong. */
export interface YamlSyntaxError {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/**
 * A template or serverless.yml parsed, or where it first goes wrong (never thrown), so that an
 * error names its line and discovery can put a diagnostic there and go on with the other files.
 */
export function parseLocatedYaml(text: string): { ok: true; yaml: LocatedYaml } | { ok: false; error: YamlSyntaxError } {
  const lineCounter = new LineCounter();
  let document: ReturnType<typeof parseDocument>;
  try {
    // `merge`: `<<: *common` (YAML 1.1 merge keys) merges the anchored map, as the AWS tools read it.
    // `logLevel`: the parser's own warnings are returned located, never printed on stderr.
    document = parseDocument(text, {
      customTags: CLOUDFORMATION_TAGS,
      uniqueKeys: false,
      merge: true,
      lineCounter,
      logLevel: 'error',
    });
  } catch (thrown) {
    return { ok: false, error: { line: 1, column: 0, message: unreadable(thrown) } };
  }
  const [error] = document.errors;
  if (error !== undefined) {
    const position = error.linePos?.[0] ?? { line: 1, col: 1 };
    // The message repeats the position and quotes the source after a blank line; the diagnostic has both.
    const message = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
    return { ok: false, error: { line: position.line, column: Math.max(0, position.col - 1), message } };
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 1000 }) as unknown;
  } catch (thrown) {
    return { ok: false, error: { line: 1, column: 0, message: unreadable(thrown) } };
  }
  const lineOf = (keys: readonly string[]): number | undefined => {
    let node: unknown = document.contents;
    let line: number | undefined;
    for (const key of keys) {
      if (!isMap(node)) return undefined;
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
      const offset = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
      if (pair === undefined || offset === undefined) return undefined;
      line = lineCounter.linePos(offset).line;
      node = pair.value;
    }
    return line;
  };
  const warnings = document.warnings.map((warning) => {
    const position = warning.linePos?.[0] ?? { line: 1, col: 1 };
    const first = (warning.message.split('\n')[0] ?? warning.message).replace(/ at line \d+, column \d+:?$/, '');
    return { line: position.line, column: Math.max(0, position.col - 1), message: describeWarning(first) };
  });
  return { ok: true, yaml: { value, lineOf, warnings } };
}

/** A parser warning in a reader's words, with what was done about it and the next step. */
function describeWarning(message: string): string {
  const tag = /^Unresolved tag: (.+)$/.exec(message);
  if (tag !== null) {
    return `the tag ${tag[1]} is not one CloudFormation knows, so its value is read as if it were not tagged. Use a CloudFormation tag (!Ref, !Sub, !GetAtt...) or remove it.`;
  }
  return `${message.replace(/\.$/, '')}; the rest of the file is read. Remove or fix it if the file is not read as you meant.`;
}

/** Why a text the parser threw on cannot be read: too deep for the stack, too many aliases... */
function unreadable(thrown: unknown): string {
  if (thrown instanceof RangeError) return 'it nests lists or maps too deeply to be read';
  return thrown instanceof Error ? thrown.message : String(thrown);
}
