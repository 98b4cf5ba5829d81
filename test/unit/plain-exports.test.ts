// The plain reader against the TypeScript parser: where it answers, its answer is the parser's;
// where a file is not plain, it leaves the file to the parser rather than guess.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findNodeHandlers } from '../../src/core/discovery/code-handlers';
import { findPlainHandlers } from '../../src/core/discovery/plain-exports';

const ROOT = join(import.meta.dirname, '../..');

/** Files the reader must answer for, each with the handlers (name@line:column) the parser finds. */
const PLAIN: readonly { name: string; file: string; text: string; handlers: readonly string[] }[] = [
  {
    name: 'a CommonJS one-liner',
    file: 'app.js',
    text: "exports.handler = async (event) => ({ statusCode: 200, body: 'ok' });\n",
    handlers: ['handler@1:8'],
  },
  {
    name: 'the sam init TypeScript starter',
    file: 'app.ts',
    text: [
      "import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';",
      '',
      '/**',
      ' * export const notThis = async (event, context) => {}',
      ' */',
      'export const lambdaHandler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {',
      '  try {',
      "    return { statusCode: 200, body: JSON.stringify({ message: 'hello world' }) };",
      '  } catch (err) {',
      '    console.log(err);',
      "    return { statusCode: 500, body: JSON.stringify({ message: 'some error happened' }) };",
      '  }',
      '};',
      '',
    ].join('\n'),
    handlers: ['lambdaHandler@6:13'],
  },
  {
    name: 'a helper beside a handler typed from aws-lambda',
    file: 'orders.ts',
    text: [
      "import type { APIGatewayProxyEvent, Context } from 'aws-lambda';",
      'const table = process.env.TABLE_NAME;',
      'export const handler = async (event: APIGatewayProxyEvent, context: Context) => ({ table, id: context.awsRequestId });',
      'export function totalOf(items: { price: number }[]): number {',
      '  return items.reduce((sum, item) => sum + item.price, 0);',
      '}',
    ].join('\n'),
    handlers: ['handler@3:13'],
  },
  {
    name: 'functions that are handlers by their parameters, and ones that are not',
    file: 'mixed.js',
    text: [
      'export async function process(event, context) {',
      '  return Math.round(context.getRemainingTimeInMillis() / 1000);',
      '}',
      'export function helper(a, b) { return a / b; }',
      'export function* stream(evt, ctx) { yield 1; }',
      'export const single = (event) => event;',
      'export const spread = function (e, ...context) {};',
      'export const pattern = ({ body }, context) => body;',
      '',
    ].join('\n'),
    handlers: ['process@1:22', 'stream@5:17', 'spread@7:13'],
  },
  {
    name: 'values that are not functions',
    file: 'config.ts',
    text: [
      "export const TABLE = process.env.TABLE ?? 'orders';",
      'export const config = { memory: 128, handler: () => undefined };',
      'export const sizes = [128, 256] as const;',
      'export const pattern = /^[a-z]+\\/[\'"]$/u;',
      'export type Order = { id: string; total: number };',
      'export interface Item { price: number }',
      'export class OrderHandler { run() {} }',
      'export enum Status { Open, Closed }',
      'export const enum Kind { A }',
      'export async function handler(event: unknown) { return `${TABLE}: ${`nested ${event}`}`; }',
    ].join('\n'),
    handlers: ['handler@10:22'],
  },
  {
    name: 'no semicolons, module.exports, a shebang and a byte order mark',
    file: 'bin.cjs',
    text: [
      '\uFEFF#!/usr/bin/env node',
      "const { DynamoDBClient } = require('@aws-sdk/client-dynamodb')",
      'const client = new DynamoDBClient({})',
      'module.exports.create = async function create(event, context) {',
      '  const quote = "exports.fake = (event, context) => {}"',
      '  return client',
      '}',
      'module.exports.list = async (event) =>',
      '  client',
      '    .send(event)',
      'exports.remove_handler = async event => event',
      '',
    ].join('\n'),
    handlers: ['create@4:15', 'remove_handler@11:8'],
  },
  {
    name: 'an overloaded handler, found at its implementation',
    file: 'overloads.ts',
    text: [
      'export function handler(event: string): string;',
      'export function handler(event: number): number;',
      'export function handler(event: string | number): string | number {',
      '  return event;',
      '}',
    ].join('\n'),
    handlers: ['handler@3:16'],
  },
  {
    name: 'type parameters',
    file: 'generic.ts',
    text: [
      'export function lookup<T extends { id?: string }, K = Map<string, T>>(items: T[], id?: string) {',
      '  return items.find((item) => item?.id === id);',
      '}',
      'export async function handler<E>(event: E) { return event; }',
    ].join('\n'),
    handlers: ['handler@4:22'],
  },
  {
    name: 'a this parameter, left out as the parser leaves it out',
    file: 'this.ts',
    text: 'export function onEvent(this: void, event, context) {}\n',
    handlers: ['onEvent@1:16'],
  },
  {
    name: 'Windows line ends',
    file: 'crlf.js',
    text: '// orders\r\nexports.handler = async (event) => {\r\n  return 1;\r\n};\r\n',
    handlers: ['handler@2:8'],
  },
  {
    name: 'a keyword as a property name, dividing',
    file: 'in.js',
    text: 'const q = a.in / 2 + "/" + "`";\nexport const handler = async (event) => {};\n// `\n',
    handlers: ['handler@2:13'],
  },
  {
    name: 'a regular expression after a condition, and divisions',
    file: 'slashes.js',
    text: "if (a) /'/.test(b)\nconst half = (a.b) / 2 / c[0]\nexports.handler = () => `${/\\//.source}`\n",
    handlers: ['handler@3:8'],
  },
  { name: 'a test file', file: 'app.test.ts', text: 'export const handler = async () => {};', handlers: [] },
  { name: 'an empty file', file: 'empty.ts', text: '', handlers: [] },
];

/** Files the reader must leave to the parser. */
const NOT_PLAIN: readonly { name: string; file: string; text: string }[] = [
  { name: 'a default export', file: 'a.ts', text: 'export default async (event) => event;' },
  { name: 'an export list', file: 'a.ts', text: 'const impl = async () => 1;\nexport { impl as handler };' },
  { name: 'module.exports of an object', file: 'a.js', text: 'module.exports = { handler: async () => 1 };' },
  { name: 'a wrapped handler', file: 'a.ts', text: 'export const handler = middy(base).use(logger());' },
  { name: 'an exported binding', file: 'a.ts', text: 'function base() {}\nexport const handler = base;' },
  { name: 'a chain of exports', file: 'a.js', text: 'exports.a = exports.handler = async () => 1;' },
  { name: 'two declarations', file: 'a.ts', text: 'export const a = 1, handler = () => 2;' },
  { name: 'a comma expression', file: 'a.js', text: 'exports.handler = () => {}, exports.other = 1;' },
  { name: 'a function expression called', file: 'a.js', text: 'exports.handler = function () {}\n(globalThis)' },
  { name: 'an export inside an if', file: 'a.js', text: 'if (process.env.A)\nexports.handler = () => 1' },
  { name: 'a slash after a block', file: 'a.js', text: "function f() {}\n/'/.test(b)\nexports.handler = () => 1" },
  { name: 'a generic parameter type', file: 'a.ts', text: 'export function run(event: Map<string, number>, context) {}' },
  {
    name: 'a parameter typed from aws-lambda',
    file: 'a.ts',
    text: "import type { SQSEvent } from 'aws-lambda';\nexport function consume(records: SQSEvent) {}",
  },
  { name: 'an import type', file: 'a.ts', text: "export const run: import('aws-lambda').Handler = async () => {};" },
  { name: 'JSX in a .js file', file: 'a.js', text: "export const App = () => <p>Don't</p>;\nexport const handler = () => 1;" },
  { name: 'a .tsx file', file: 'a.tsx', text: 'export const handler = () => 1;' },
  { name: 'an unterminated string', file: 'a.js', text: "exports.handler = () => 'oops\n" },
  { name: 'an unclosed body', file: 'a.js', text: 'exports.handler = async (event) => {\n  return 1;\n' },
  { name: 'a name exported twice', file: 'a.js', text: 'exports.handler = () => 1;\nexports.handler = () => 2;' },
  { name: 'an escaped name', file: 'a.js', text: 'exports.h\\u0061ndler = () => 1;' },
  { name: 'a line break of an old Mac', file: 'a.js', text: '// a\rexports.handler = () => 1;' },
  {
    name: 'a merge in progress',
    file: 'a.ts',
    text: '<<<<<<< HEAD\nexport const handler = async () => 1;\n=======\nexport const main = async (event, context) => 2;\n>>>>>>> other\n',
  },
  { name: 'an export as the body of an if', file: 'a.ts', text: 'if (x)\nexport const main = (event, context) => {};' },
  { name: 'a parameter modifier', file: 'a.ts', text: 'export function main(public event, context) {}' },
  { name: 'JSX after a space', file: 'a.js', text: 'const a = < div>`</div>;\nexport const handler = async () => {};\n// `' },
  {
    name: 'a slash after i++',
    file: 'a.js',
    text: 'let i = 0;\nconst q = i++ / 2 + "`";\nexport const handler = () => 1;\n// `',
  },
  { name: 'a top-level do', file: 'a.ts', text: 'do x = a\nexports.main = function (event, context) {};' },
];

function described(handlers: ReturnType<typeof findNodeHandlers>): string[] {
  return handlers.map((h) => `${h.exportName}@${h.line}:${h.column}`);
}

describe('findPlainHandlers', () => {
  for (const { name, file, text, handlers } of PLAIN) {
    it(`answers as the parser does for ${name}`, () => {
      const path = join('/work', file);
      const parsed = findNodeHandlers(path, text);
      assert.deepEqual(described(parsed), handlers, 'the expectation is the parser’s');
      assert.deepEqual(findPlainHandlers(path, text), parsed);
    });
  }

  for (const { name, file, text } of NOT_PLAIN) {
    it(`leaves ${name} to the parser`, () => {
      assert.equal(findPlainHandlers(join('/work', file), text), undefined);
    });
  }

  it('never disagrees with the parser on the fixtures and on installed packages', () => {
    const folders = ['test/fixtures', 'node_modules/@aws-sdk/client-lambda/dist-es', 'node_modules/yaml/dist'];
    let answered = 0;
    let withHandlers = 0;
    for (const file of folders.flatMap((folder) => codeFiles(join(ROOT, folder)))) {
      const text = readFileSync(file, 'utf8');
      const plain = findPlainHandlers(file, text);
      if (plain === undefined) continue;
      answered++;
      if (plain.length > 0) withHandlers++;
      assert.deepEqual(plain, findNodeHandlers(file, text), file);
    }
    // Most files are plain: the reader is not answering a few easy ones only.
    assert.ok(answered >= 150, `answered ${answered}`);
    assert.ok(withHandlers >= 20, `with handlers ${withHandlers}`);
  });
});

function codeFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : codeFiles(path);
    return /\.[cm]?[jt]sx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}
