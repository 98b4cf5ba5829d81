// The handler finders on one file's text: which exports (Node.js) or module-level functions
// (Python) Lambda could call, where they are written, and the look-alikes they must leave out.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { findNodeHandlers } from '../../src/core/discovery/code-handlers';
import { findPythonHandlers } from '../../src/core/discovery/python-handlers';
import { warmupSample } from '../../src/core/discovery/parser-warmup';
import { findHandlersInText } from '../../src/core/discovery/find-handlers';
import { fixtureFiles } from './fixture-files';

/** `export@line:column` for each handler found, the form the expectations below are written in. */
function found(file: string, text: string): string[] {
  return findHandlersInText(file, text).map((h) => `${h.exportName}@${h.line}:${h.column}`);
}

describe('Node.js handlers', () => {
  test('the declaration forms, at the name of what they declare', () => {
    const text = [
      'export const handler = async (event, context) => context.awsRequestId;', // 1
      'export async function asyncHandler(event) {', // 2
      '  return event;',
      '}',
      'export function sync_handler(e, ctx) {}', // 5
      'export const named = async function inner(event, context) {};', // 6
      'export const typed = (event: unknown, _context: unknown) => event;', // 7
    ].join('\n');
    assert.deepEqual(found('/w/src/forms.ts', text), [
      'handler@1:13',
      'asyncHandler@2:22',
      'sync_handler@5:16',
      'named@6:13',
      'typed@7:13',
    ]);
  });

  test('CommonJS: exports.x, module.exports.x, exports["x"], object literals with shorthand, values and methods', () => {
    const text = [
      "'use strict';",
      'function impl(event, context) { return event; }', // 2
      'exports.handler = async (event) => event;', // 3
      'module.exports.second = async (event, context) => event;', // 4
      "exports['third_handler'] = impl;", // 5
    ].join('\n');
    assert.deepEqual(found('/w/index.js', text), ['handler@3:8', 'second@4:15', 'third_handler@2:9']);
    const literal = [
      'async function handler(event) {}', // 1
      'const other = async (evt, ctx) => evt;', // 2
      'module.exports = {', // 3
      '  handler,',
      '  renamed: other,',
      '  method(event, context) {},', // 6
      '  notAFunction: 1,',
      '  helper(a, b) {},',
      '};',
    ].join('\n');
    assert.deepEqual(found('/w/index.cjs', literal), ['handler@1:15', 'renamed@2:6', 'method@6:2']);
  });

  test('export lists: the local binding must be a function, and the lens goes on it', () => {
    const text = [
      'const handler = async (event: unknown) => event;', // 1
      'async function impl(event: unknown, context: unknown) {}', // 2
      'const value = 42;',
      'class Service {}',
      'export { handler, impl as mainHandler, value as valueHandler, Service as serviceHandler };',
      "export { elsewhere as otherHandler } from './elsewhere';",
      "export type { Handler } from 'aws-lambda';",
    ].join('\n');
    assert.deepEqual(found('/w/exports.ts', text), ['handler@1:6', 'mainHandler@2:15']);
  });

  test('export default counts when it is a function that looks like a handler, by its own name or parameters', () => {
    assert.deepEqual(found('/w/a.ts', 'export default async function handler(input) {}'), ['default@1:30']);
    assert.deepEqual(found('/w/b.ts', 'export default async (event, context) => event;'), ['default@1:0']);
    assert.deepEqual(found('/w/c.ts', 'const handler = async (x) => x;\n\nexport default handler;'), ['default@1:6']);
    assert.deepEqual(found('/w/d.ts', 'export default function sum(a: number, b: number) { return a + b; }'), []);
    assert.deepEqual(found('/w/e.ts', 'export default { handler: async (event, context) => event };'), []);
  });

  test('wrapped handlers: middy chains, wrapper calls, nested wrappers, identifiers bound to functions', () => {
    const text = [
      "import middy from '@middy/core';", // 1
      'const base = async (event, context) => event;', // 2
      'export const handler = middy(base).use(cors()).use(logger());', // 3
      'export const inline = middy(async (event, context) => event).use(cors());', // 4
      'export const logged = withLogger(base);', // 5
      'export const nested = withA(withB(async (event, context) => event));', // 6
      'export const sentryHandler = Sentry.wrapHandler(async (input) => input);', // 7
      'export const modern = middy().use(cors()).handler(async (event, context) => event);', // 8
    ].join('\n');
    assert.deepEqual(found('/w/wrapped.ts', text), [
      'handler@3:13',
      'inline@4:13',
      'logged@5:13',
      'nested@6:13',
      'sentryHandler@7:13',
      'modern@8:13',
    ]);
  });

  test('types from aws-lambda make a handler of any name: the binding, the first parameter, aliases, namespaces', () => {
    const text = [
      "import type { Handler as LambdaHandler, SQSEvent } from 'aws-lambda';", // 1
      "import * as lambda from 'aws-lambda';", // 2
      'export const run: LambdaHandler = async (input) => input;', // 3
      'export const consume = async (records: SQSEvent) => records;', // 4
      'export const qualified = async (input: lambda.S3Event) => input;', // 5
      'export const checked = (async (input) => input) satisfies lambda.APIGatewayProxyHandler;', // 6
      "export const imported = async (input: import('aws-lambda').SNSEvent) => input;", // 7
      'export const union = async (input: SQSEvent | undefined) => input;', // 8
      'export const notLambda: Map<string, string> = new Map();', // 9
      'export const local = async (input: LocalEvent) => input;', // 10
      'export const context = async (input: lambda.Context) => input;', // 11
    ].join('\n');
    assert.deepEqual(found('/w/typed.ts', text), [
      'run@3:13',
      'consume@4:13',
      'qualified@5:13',
      'checked@6:13',
      'imported@7:13',
      'union@8:13',
      'context@11:13',
    ]);
  });

  test('overloads and declarations: one handler, at the implementation', () => {
    const text = [
      'export function handler(event: string): string;',
      'export function handler(event: number): number;',
      'export function handler(event: unknown) {', // 3
      '  return event;',
      '}',
      'export declare function declaredHandler(event: unknown): void;',
    ].join('\n');
    assert.deepEqual(found('/w/overloads.ts', text), ['handler@3:16']);
  });

  test('look-alikes: not exported, not a function, methods, plain helpers, event handlers of a UI', () => {
    const text = [
      'function handler(event, context) {}',
      'const main = async (event, context) => event;',
      'export const notAFunction = 5;',
      "export const handlerName = 'orders';",
      'export const eventHandler = { on() {} };',
      'export const created = createHandler();',
      'export const lazyHandler = undefined as (() => void) | undefined;',
      'export class Service { handler(event, context) {} }',
      'export function handleClick(e) {}',
      'export const compute = (a, b) => a + b;',
      'export const oneParam = async (event) => event;',
      'export const swapped = async (context, event) => event;',
      'export const destructured = async ({ body }, context) => body;',
      'module.exports.later = undefined;',
      'export = main;',
    ].join('\n');
    assert.deepEqual(found('/w/lookalikes.ts', text), []);
  });

  test('tests, declaration files and other extensions are never searched', () => {
    const handler = 'export const handler = async (event, context) => event;';
    assert.deepEqual(found('/w/src/app.test.ts', handler), []);
    assert.deepEqual(found('/w/src/app.spec.mjs', handler), []);
    assert.deepEqual(found('/w/src/__tests__/app.ts', handler), []);
    assert.deepEqual(found('/w/src/types.d.ts', handler), []);
    assert.deepEqual(found('/w/src/types.d.mts', handler), []);
    assert.deepEqual(found('/w/README.md', handler), []);
    assert.deepEqual(found('/w/src/app.mts', handler), ['handler@1:13']);
    assert.deepEqual(found('/w/src/app.cts', handler), ['handler@1:13']);
  });

  test('JSX files parse as JSX; the language follows the extension', () => {
    const text = 'export function handler(event, context) {\n  return <div>{event.name}</div>;\n}\n';
    assert.deepEqual(found('/w/view.tsx', text), ['handler@1:16']);
    assert.deepEqual(found('/w/view.jsx', text), ['handler@1:16']);
    assert.equal(findNodeHandlers('/w/view.jsx', text)[0]?.language, 'javascript');
    assert.equal(findNodeHandlers('/w/view.tsx', text)[0]?.language, 'typescript');
    assert.equal(findNodeHandlers('/w/view.py', text).length, 0);
  });

  test('a file with syntax errors still yields the handlers the parser recovers', () => {
    const text = 'export const handler = async (event, context) => {\n  return { ok: true\n};\n\nexport function';
    assert.deepEqual(found('/w/broken.ts', text), ['handler@1:13']);
  });
});

describe('Python handlers', () => {
  test('module-level defs with Lambda parameters, or a handler name and two parameters', () => {
    const text = [
      'import json', // 1
      '',
      'def lambda_handler(event, context):', // 3
      '    return event',
      '',
      'async def process(evt, lambda_context):', // 6
      '    return evt',
      '',
      '@tracer.capture_lambda_handler',
      'def traced_handler(payload, ctx):', // 10
      '    return payload',
      '',
      'def handler(a, b, /):', // 13
      '    return a',
    ].join('\n');
    assert.deepEqual(found('/w/app.py', text), ['lambda_handler@3:4', 'process@6:10', 'traced_handler@10:4', 'handler@13:4']);
    assert.equal(findPythonHandlers('/w/app.py', text)[0]?.language, 'python');
  });

  test('parameters across lines, with annotations and defaults that hold brackets, strings and commas', () => {
    const text = [
      'def on_event(', // 1
      '    event: dict[str, "Any"],  # the payload, (as sent)',
      '    context: "LambdaContext" = Context(a=(1, 2), b="x,)"),',
      ') -> dict[str, int]:',
      '    return {}',
    ].join('\n');
    assert.deepEqual(found('/w/multi.py', text), ['on_event@1:4']);
  });

  test('look-alikes: methods, nested defs, defs in strings and comments, other arities', () => {
    const text = [
      '"""Module docs.',
      '',
      'def handler(event, context):',
      '    pass',
      '"""',
      "TEMPLATE = '''",
      'def lambda_handler(event, context):',
      "'''",
      'QUOTE = \'"""\'',
      '# def handler(event, context):',
      'class Service:',
      '    def handler(self, event, context):',
      '        pass',
      '    def lambda_handler(event, context):',
      '        pass',
      'def outer():',
      '    def lambda_handler(event, context):',
      '        pass',
      'def helper(a, b):',
      '    pass',
      'def process(event):',
      '    pass',
      'def too_many_handler(event, context, extra):',
      '    pass',
      'def star_handler(*args, **kwargs):',
      '    pass',
      'def keyword_handler(event, *, context):',
      '    pass',
      'value = handler_table(',
      'event, context)',
      'def after_strings(event, context):', // 31
      '    pass',
    ].join('\n');
    assert.deepEqual(found('/w/service.py', text), ['after_strings@31:4']);
  });

  test('test modules are not searched', () => {
    const text = 'def lambda_handler(event, context):\n    return event\n';
    assert.deepEqual(found('/w/tests/test_app.py', text), []);
    assert.deepEqual(found('/w/app_test.py', text), []);
    assert.deepEqual(found('/w/conftest.py', text), []);
    assert.deepEqual(found('/w/app.py', text), ['lambda_handler@1:4']);
  });
});

test('the text search before parsing never rules out a file the finders would accept', () => {
  const files = fixtureFiles(/\.([cm]?[jt]sx?|py)$/);
  assert.ok(files.length > 40);
  let withHandlers = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const parsed = file.endsWith('.py') ? findPythonHandlers(file, text) : findNodeHandlers(file, text);
    if (parsed.length > 0) withHandlers++;
    assert.deepEqual(findHandlersInText(file, text), parsed, file);
  }
  assert.ok(withHandlers > 20);
  // Lambda's parameters with comments, `this` and a rest parameter between them.
  const edge = [
    'export const a = (this: void, event: unknown, context: unknown) => event;',
    'export const b = (e /* the event */, /* its */ ctx) => e;',
    'export const c = (evt, ...ctx) => evt;',
  ];
  for (const text of edge) {
    assert.deepEqual(findHandlersInText('/w/edge.ts', text), findNodeHandlers('/w/edge.ts', text), text);
    assert.equal(findNodeHandlers('/w/edge.ts', text).length, 1, text);
  }
});

test('the parser warm-up sample is a real handler file: its handler is found where it is', () => {
  const text = warmupSample(2);
  const found = findHandlersInText('warmup.ts', text);
  const line = text.split('\n').findIndex((l) => l.startsWith('export const handler')) + 1;
  assert.deepEqual(
    found.map((h) => [h.exportName, h.line, h.language]),
    [['handler', line, 'typescript']],
  );
});
