// What handler discovery leaves out to be fast, and that leaving it out changes nothing found:
// function bodies blanked before parsing (what goes, what stays, positions that do not move), the
// text search that rules files out before parsing, and long CommonJS export chains.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import ts from 'typescript';
import { findNodeHandlers } from '../../src/core/discovery/code-handlers';
import { blankFunctionBodies } from '../../src/core/discovery/function-bodies';
import { findHandlersInText } from '../../src/core/discovery/find-handlers';
import { fixtureFiles } from './fixture-files';

const TS = ts.ScriptKind.TS;

/** `export@line:column` for each handler found, from blanked text and from the whole text. */
function bothWays(file: string, text: string): { blanked: string[]; whole: string[] } {
  const show = (bodies: 'blank' | 'parse') =>
    findNodeHandlers(file, text, bodies).map((h) => `${h.exportName}@${h.line}:${h.column}`);
  return { blanked: show('blank'), whole: show('parse') };
}

/**
 * The blanked text with each stretch of white space that blanking made (or grew) shown as `…`;
 * checks on the way that only spaces replace text and that every line break stays where it was.
 */
function kept(text: string, kind = TS): string {
  const blanked = blankFunctionBodies(text, kind);
  assert.equal(blanked.length, text.length);
  let out = '';
  for (let i = 0; i < text.length;) {
    const lineBreak = /[\n\r\u2028\u2029]/.test(text.charAt(i));
    if (lineBreak) assert.equal(blanked[i], text[i], `line break at ${i}`);
    else if (blanked[i] !== text[i]) assert.equal(blanked[i], ' ', `only spaces replace text (at ${i})`);
    if (!/\s/.test(blanked.charAt(i))) {
      out += blanked.charAt(i);
      i++;
      continue;
    }
    let end = i;
    let changed = false;
    while (end < text.length && /\s/.test(blanked.charAt(end))) {
      if (blanked[end] !== text[end]) changed = true;
      end++;
    }
    out += changed ? '…' : text.slice(i, end);
    i = end;
  }
  return out;
}

/**
 * Every node outside function bodies, with its kind and place: the blanked text must parse to the
 * same list as the whole text, bodies included as empty blocks at the same place.
 */
function skeleton(text: string, kind = TS): string[] {
  const source = ts.createSourceFile('a.ts', text, ts.ScriptTarget.Latest, false, kind);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    out.push(`${ts.SyntaxKind[node.kind]}@${node.pos}-${node.end}`);
    const body = ts.isFunctionLike(node) && 'body' in node ? (node.body as ts.Node | undefined) : undefined;
    ts.forEachChild(node, (child) => {
      if (child === body) out.push(`body@${child.pos}-${child.end}`);
      else visit(child);
    });
  };
  visit(source);
  assert.equal((source as ts.SourceFile & { parseDiagnostics: unknown[] }).parseDiagnostics.length, 0, 'parses cleanly');
  return out;
}

function assertSameSkeleton(text: string, kind = TS): void {
  assert.deepEqual(skeleton(blankFunctionBodies(text, kind), kind), skeleton(text, kind));
}

describe('blanking function bodies', () => {
  test('bodies of functions, arrows, methods and accessors go; line breaks and length stay', () => {
    const text = [
      'export async function handler(event, context) {',
      '  const a = { b: 1 };',
      '  return a;',
      '}',
      'export const arrow = async (event) => {\r\n  return 1;\r\n};',
      'class Service {',
      '  constructor(private readonly table: string) { this.x = 1; }',
      '  get size(): number { return 1; }',
      '  async *rows() { yield 1; }',
      '}',
    ].join('\n');
    assert.equal(
      kept(text),
      [
        'export async function handler(event, context) {…}',
        'export const arrow = async (event) => {…};',
        'class Service {',
        '  constructor(private readonly table: string) {…}',
        '  get size(): number {…}',
        '  async *rows() {…}',
        '}',
      ].join('\n'),
    );
    assertSameSkeleton(text);
  });

  test('object literals, export lists, class bodies, type literals and parameter lists stay', () => {
    const text = [
      "import type { Handler } from 'aws-lambda';",
      'type Reply = (event: { body: string }) => { statusCode: number };',
      'interface Options { retries: number; on(event: string): void }',
      'const settings = { retries: 2, nested: { deep: [1, { x: 2 }] } };',
      'export class Repository<T extends { id: string }> extends Base {',
      '  rows: { id: string }[] = [];',
      '  find(id: string): { id: string } | undefined { return undefined; }',
      '}',
      'function impl(event: { body?: string }, context: { awsRequestId: string }): Promise<{ ok: boolean }> { return x; }',
      'module.exports = { impl, other: (e, c) => ({ statusCode: 200 }), method(event, context) { return 1; } };',
      'export { impl as handler };',
      'export const typed: Handler = async (event) => ({ statusCode: 200, body: `${event}` });',
    ].join('\n');
    assert.equal(
      kept(text),
      [
        "import type { Handler } from 'aws-lambda';",
        'type Reply = (event: { body: string }) => { statusCode: number };',
        'interface Options { retries: number; on(event: string): void }',
        'const settings = { retries: 2, nested: { deep: [1, { x: 2 }] } };',
        'export class Repository<T extends { id: string }> extends Base {',
        '  rows: { id: string }[] = [];',
        '  find(id: string): { id: string } | undefined {…}',
        '}',
        'function impl(event: { body?: string }, context: { awsRequestId: string }): Promise<{ ok: boolean }> {…}',
        'module.exports = { impl, other: (e, c) => ({ statusCode: 200 }), method(event, context) {…} };',
        'export { impl as handler };',
        'export const typed: Handler = async (event) => ({ statusCode: 200, body: `${event}` });',
      ].join('\n'),
    );
    assertSameSkeleton(text);
  });

  test('braces in strings, template literals, regular expressions and comments do not end a body', () => {
    const text = [
      'export const handler = async (event, context) => {',
      "  const s = '}' + \"{\" + `}${ { a: '}' }.a }${fn(() => { return '{'; })}{`;",
      '  const r = /[{}]\\}/g.test(s) ? s.replace(/}/, "") : /{/;',
      '  if (r) /}/.test(s);',
      '  // }',
      '  /* } */',
      '  return { a: s.length / 2 / 1, b: `${`${"}"}`}` };',
      '};',
      'export const after = (evt, ctx) => evt;',
    ].join('\n');
    assert.equal(
      kept(text),
      ['export const handler = async (event, context) => {…};', 'export const after = (evt, ctx) => evt;'].join('\n'),
    );
    assert.deepEqual(bothWays('/w/strings.ts', text), {
      blanked: ['handler@1:13', 'after@9:13'],
      whole: ['handler@1:13', 'after@9:13'],
    });
    assertSameSkeleton(text);
  });

  test('a `/` after an operand divides, at the top level too', () => {
    const text = [
      'const half = total / 2 / count;',
      'const ratio = (a) / (b) /* } */;',
      'if (ready) /}/.test(name);',
      'export function handler(event, context) { return /{/.test(event) ? a / b : c; }',
    ].join('\n');
    assert.equal(kept(text).split('\n')[3], 'export function handler(event, context) {…}');
    assertSameSkeleton(text);
  });

  test('nested arrows, wrappers and arrows that return object literals', () => {
    const text = [
      "import middy from '@middy/core';",
      'export const handler = middy(async (event) => { return { ok: await run(() => { x(); }) }; }).use(cors({ origin: "*" }));',
      'export const curried = (event) => (context) => { return event; };',
      'export const literal = (event, context) => ({ statusCode: 200, body: JSON.stringify({ id: context.id }) });',
      'export default async function (event, context) { return 1; }',
    ].join('\n');
    assert.equal(
      kept(text),
      [
        "import middy from '@middy/core';",
        'export const handler = middy(async (event) => {…}).use(cors({ origin: "*" }));',
        'export const curried = (event) => (context) => {…};',
        'export const literal = (event, context) => ({ statusCode: 200, body: JSON.stringify({ id: context.id }) });',
        'export default async function (event, context) {…}',
      ].join('\n'),
    );
    const found = bothWays('/w/wrapped.ts', text);
    assert.deepEqual(found.blanked, found.whole);
    assert.deepEqual(found.blanked, ['handler@2:13', 'literal@4:13', 'default@5:0']);
    assertSameSkeleton(text);
  });

  test('statement blocks are not bodies: if, for await, switch cases, a block after a call on its own line', () => {
    const text = [
      'if (process.env.A) { exports.handler = async (event, context) => { return 1; }; }',
      'for await (const x of list()) { use(x); }',
      'switch (kind) { case 1: { const a = 1; break; } default: f(); }',
      'const table = new Array(4)',
      '{',
      '  table[0] = 1;',
      '}',
      'class Each { for(event, context) { return 1; } if(a) { return 2; } }',
    ].join('\n');
    assert.equal(
      kept(text),
      [
        'if (process.env.A) { exports.handler = async (event, context) => {…}; }',
        'for await (const x of list()) { use(x); }',
        'switch (kind) { case 1: { const a = 1; break; } default: f(); }',
        'const table = new Array(4)',
        '{',
        '  table[0] = 1;',
        '}',
        'class Each { for(event, context) {…} if(a) {…} }',
      ].join('\n'),
    );
    assertSameSkeleton(text);
  });

  test('text that may be JSX, or does not scan, is left as it is', () => {
    const jsx = 'export function handler(event, context) {\n  return <div>{event.name}</div>;\n}\n';
    for (const kind of [ts.ScriptKind.JS, ts.ScriptKind.JSX, ts.ScriptKind.TSX])
      assert.equal(blankFunctionBodies(jsx, kind), jsx);
    const unbalanced = 'export const handler = async (event, context) => {\n  return { ok: true\n};\n\nexport function';
    assert.equal(blankFunctionBodies(unbalanced, TS), unbalanced);
    const unterminated = 'export function handler(event, context) { return `never closed; }';
    assert.equal(blankFunctionBodies(unterminated, TS), unterminated);
    // Plain JavaScript comparisons are not JSX.
    assert.equal(kept('export function f(a, b) { return a < b; }', ts.ScriptKind.JS), 'export function f(a, b) {…}');
  });

  test('positions after bodies stay exact, with CRLF and Unicode line separators', () => {
    const text =
      'function a() {\r\n  return "\u2028";\r\n}\r\n// é\u2029export const handler = async (event, context) => {\n  x;\n};\n';
    // TypeScript's lines: CRLF is one break, and U+2028 and U+2029 are breaks too, even in a string.
    assert.deepEqual(bothWays('/w/lines.ts', text), { blanked: ['handler@6:13'], whole: ['handler@6:13'] });
  });

  test('every fixture yields the same handlers, blanked or whole', () => {
    const files = fixtureFiles(/\.[cm]?[jt]sx?$/);
    assert.ok(files.length > 30);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const { blanked, whole } = bothWays(file, text);
      assert.deepEqual(blanked, whole, file);
    }
  });
});

describe('the text search before parsing', () => {
  test('an event name the list ends right after is no first parameter of two: catch (e), (e) =>', () => {
    const lookalike = [
      'export function withRequestContext(request, context) {',
      '  try { return run(request); } catch (e) { return undefined; }',
      '}',
      'export const onClick = (e) => e.preventDefault();',
    ].join('\n');
    assert.deepEqual(findHandlersInText('/w/lib.ts', lookalike), []);
    assert.deepEqual(findNodeHandlers('/w/lib.ts', lookalike), []);
  });

  test('what the finder accepts is never ruled out: comments, line breaks, types and rest parameters', () => {
    const accepted = [
      'export const a = (e /* the event */, ctx) => e;',
      'export const b = (e\n  , ctx) => e;',
      'export const c = (e: unknown, context: unknown) => e;',
      'export const d = (evt = {}, ...ctx) => evt;',
      'export const f = (this: void, e?: unknown, _context?: unknown) => e;',
      'module.exports = { run(event, context) { return event; } };',
    ];
    for (const text of accepted) {
      assert.equal(findNodeHandlers('/w/edge.ts', text).length, 1, text);
      assert.deepEqual(findHandlersInText('/w/edge.ts', text), findNodeHandlers('/w/edge.ts', text), text);
    }
    // A context that is a property (`req.context`), not a parameter, does not count.
    assert.deepEqual(findHandlersInText('/w/edge.ts', 'export const g = (e, x) => x.context;'), []);
  });
});

test('a CommonJS export chain is read once, innermost name first, however long', () => {
  const names = Array.from({ length: 400 }, (_, i) => `exports.name${i}`);
  const chain = `"use strict";\n${names.join(' = ')} = exports.handler = void 0;\nexports.handler = async (event, context) => event;\n`;
  const started = performance.now();
  assert.deepEqual(
    findNodeHandlers('/w/compiled.js', chain).map((h) => `${h.exportName}@${h.line}:${h.column}`),
    ['handler@3:8'],
  );
  assert.ok(performance.now() - started < 1000, 'linear in the chain, not exponential');
  const short = 'exports.a = module.exports.b_handler = exports.cHandler = async (x) => x;';
  assert.deepEqual(
    findNodeHandlers('/w/short.js', short).map((h) => h.exportName),
    ['cHandler', 'b_handler'],
  );
});
