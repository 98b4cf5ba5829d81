// CloudFormation's YAML: the short-form tags (!Ref, !Sub, !GetAtt...) read as the long forms
// ({"Ref": ...}, {"Fn::Sub": ...}), so the rest of the code sees one shape. JSON templates parse too.
//
// Two parsers: js-yaml reads what templates usually are, about ten times faster than `yaml` (a
// 500-function template: ~30 ms against ~300 ms); `yaml` reads the rest (a syntax error, a tag that
// is not CloudFormation's, a directive) because it describes each at its line and goes on reading.
import { CORE_SCHEMA, load, Type, type EventType, type State } from 'js-yaml';
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

/** `!GetAtt Resource.Attribute` is the short form of ["Resource", "Attribute"]. */
function getAttParts(value: string): string[] {
  const dot = value.indexOf('.');
  return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
}

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
  ...tagsFor('!GetAtt', 'Fn::GetAtt', getAttParts),
  ...FUNCTIONS.flatMap((name) => tagsFor(`!${name}`, `Fn::${name}`)),
];

/** The same tags for js-yaml, over YAML 1.2's core schema (no timestamps: `2012-10-17` stays a string) with merge keys. */
/** YAML 1.1's merge key (`<<: *common`), which js-yaml merges when a key has this tag. */
const MERGE_KEY = new Type('tag:yaml.org,2002:merge', {
  kind: 'scalar',
  resolve: (data: unknown) => data === '<<' || data === null,
});

const CLOUDFORMATION_SCHEMA = CORE_SCHEMA.extend({
  implicit: [MERGE_KEY],
  explicit: [
    ['Ref', 'Ref'],
    ['Condition', 'Condition'],
    ['GetAtt', 'Fn::GetAtt'],
    ...FUNCTIONS.map((name) => [name, `Fn::${name}`]),
  ].flatMap(([short, long]) =>
    (['scalar', 'sequence', 'mapping'] as const).map(
      (kind) =>
        new Type(`!${short}`, {
          kind,
          construct: (data: unknown) => ({
            [long as string]: short === 'GetAtt' && typeof data === 'string' ? getAttParts(data) : (data ?? ''),
          }),
        }),
    ),
  ),
});

/**
 * Aliases make a tree of shared parts whose size, read as a tree, can grow exponentially with the
 * text (a "billion laughs"); past this many nodes the text is left to `yaml`, which refuses it.
 */
const MAX_EXPANDED_NODES = 1_000_000;

type Parsed = { ok: true; yaml: LocatedYaml } | { ok: false; error: YamlSyntaxError };

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
export function parseLocatedYaml(text: string): Parsed {
  return parseCommonYaml(text) ?? parseAnyYaml(text);
}

/**
 * The fast reading, or undefined for what it leaves to `yaml`: a text js-yaml refuses (a syntax
 * error, an unknown tag), a directive, or aliases that expand too far.
 */
export function parseCommonYaml(text: string): Parsed | undefined {
  if (/^%/m.test(text)) return undefined;
  // Where js-yaml reads YAML 1.1 rather than 1.2 (`0b101`, `1_000`, `-.5`) or keys are complex (`? [a]`), `yaml` decides.
  if (/(^|[\s:,[{])[-+]?(0b[01]|\.\d|\d[\d_]*_\d)/m.test(text) || /^\s*\? /m.test(text)) return undefined;
  // Where each map's keys are written. js-yaml reports every node as it opens and closes; a key
  // is a scalar node followed by `:`, and belongs to the node open around it, a map when it closes.
  const keyLines = new WeakMap<object, Map<string, number>>();
  const open: (Map<string, number> | undefined)[] = [];
  const listener = (event: EventType, state: State) => {
    if (event === 'open') {
      open.push(undefined);
      return;
    }
    const keys = open.pop();
    const result: unknown = state.result;
    if (state.kind === 'mapping' && keys !== undefined && typeof result === 'object' && result !== null) {
      keyLines.set(result, keys);
    } else if (state.kind === 'scalar' && open.length > 0 && followedByColon(state.input, state.position)) {
      const parentKeys = open[open.length - 1] ?? new Map<string, number>();
      // js-yaml counts lines from 0.
      parentKeys.set(keyText(result), state.line + 1);
      open[open.length - 1] = parentKeys;
    }
  };
  let value: unknown;
  try {
    // `json`: a key written twice keeps its last value, as `yaml` (uniqueKeys: false) and CloudFormation read it.
    value = load(text, { schema: CLOUDFORMATION_SCHEMA, json: true, listener });
  } catch {
    return undefined;
  }
  if (expandedSize(value, new Map(), 0) > MAX_EXPANDED_NODES) return undefined;
  const lineOf = (keys: readonly string[]): number | undefined => {
    let node = value;
    let line: number | undefined;
    for (const key of keys) {
      if (typeof node !== 'object' || node === null) return undefined;
      line = keyLines.get(node)?.get(key);
      if (line === undefined) return undefined;
      node = (node as Record<string, unknown>)[key];
    }
    return line;
  };
  return { ok: true, yaml: { value, lineOf, warnings: [] } };
}

function followedByColon(input: string, position: number): boolean {
  let at = position;
  while (input.charCodeAt(at) === 32 || input.charCodeAt(at) === 9) at++;
  return input.charCodeAt(at) === 58; // :
}

function keyText(key: unknown): string {
  return typeof key === 'string' ? key : JSON.stringify(key);
}

/** How many nodes the value has read as a tree (shared parts counted each time they are reached); stops counting past the limit. */
function expandedSize(value: unknown, sizes: Map<object, number>, depth: number): number {
  if (typeof value !== 'object' || value === null) return 1;
  const known = sizes.get(value);
  if (known !== undefined) return known;
  // Deeper than any template nests: a cycle (`&a [*a]`) or a pathological text, left to `yaml`.
  if (depth > 1000) return Infinity;
  let size = 1;
  for (const child of Object.values(value)) {
    size += expandedSize(child, sizes, depth + 1);
    if (size > MAX_EXPANDED_NODES) break;
  }
  sizes.set(value, size);
  return size;
}

/** The reading that describes every problem at its line: `yaml`'s. */
export function parseAnyYaml(text: string): Parsed {
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
      // A key written twice: the last one, whose value is read.
      const pair = node.items.findLast((item) => isScalar(item.key) && String(item.key.value) === key);
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
