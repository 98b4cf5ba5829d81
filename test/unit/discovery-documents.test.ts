// Open documents, parsed incrementally after each edit (CodeLens): whatever the edits, the handlers
// are those a whole parse of the same text finds, and an edit really reuses the untouched tree.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseModule } from '../../src/core/discovery/code-handlers';
import { changeBetween, DocumentHandlers, reparse } from '../../src/core/discovery/document-handlers';
import { findHandlersInText } from '../../src/core/discovery/find-handlers';
import { fixtureFiles } from './fixture-files';

/** The discovery fixtures' TypeScript and JavaScript files: real handler files, look-alikes, broken ones. */
function nodeFixtures(): string[] {
  return fixtureFiles(/^(?!.*\.d\.ts$).*\.[cm]?[jt]sx?$/, 'discovery');
}

/** A small deterministic generator, so a failure replays the same edits. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** Edits a person makes: typing, deleting a stretch, pasting a handler, breaking and mending braces. */
const INSERTS = [
  'x',
  '\n',
  '}',
  '{',
  '(',
  '`',
  '/* ',
  'export ',
  'export const added = async (event, context) => event;\n',
  'export function extra(e, ctx) {\n  return e;\n}\n',
  'exports.more = async (event) => event;\n',
  "import type { Handler } from 'aws-lambda';\n",
];

test('after each of many random edits, the kept document finds what a whole parse of its text finds', () => {
  const files = nodeFixtures();
  assert.ok(files.length > 20, `only ${files.length} fixture files`);
  const next = random(7);
  let edits = 0;
  let withHandlers = 0;
  for (const file of files) {
    const documents = new DocumentHandlers();
    let text = readFileSync(file, 'utf8');
    assert.deepEqual(documents.handlers(file, text), findHandlersInText(file, text), `${file}, as opened`);
    for (let i = 0; i < 30; i++) {
      const at = Math.floor(next() * (text.length + 1));
      if (next() < 0.35) {
        const end = Math.min(text.length, at + Math.floor(next() * 40));
        text = text.slice(0, at) + text.slice(end);
      } else {
        const insert = INSERTS[Math.floor(next() * INSERTS.length)] ?? 'x';
        // Pasted lines go at the start of a line, as a paste of whole lines does.
        const lineStart = insert.endsWith('\n') ? text.lastIndexOf('\n', at - 1) + 1 : at;
        text = text.slice(0, lineStart) + insert + text.slice(lineStart);
      }
      const expected = findHandlersInText(file, text);
      assert.deepEqual(documents.handlers(file, text), expected, `${file}, after edit ${i + 1}:\n${text}`);
      edits++;
      if (expected.length > 0) withHandlers++;
    }
  }
  // The edits reached states with handlers and without.
  assert.ok(withHandlers > edits / 4 && withHandlers < edits, `${withHandlers} of ${edits} states had handlers`);
});

test('documents beyond the capacity are dropped and parsed again whole, with the same answers', () => {
  const files = nodeFixtures().slice(0, 6);
  const documents = new DocumentHandlers(2);
  for (let round = 0; round < 3; round++) {
    for (const file of files) {
      const text = `${readFileSync(file, 'utf8')}\n// round ${round}\n`;
      assert.deepEqual(documents.handlers(file, text), findHandlersInText(file, text), file);
    }
  }
  documents.forget(files[0] ?? '');
  const text = readFileSync(files[0] ?? '', 'utf8');
  assert.deepEqual(documents.handlers(files[0] ?? '', text), findHandlersInText(files[0] ?? '', text));
});

test('an edit reuses the statements it did not touch (the parse is incremental)', () => {
  const lines = ['export const handler = async (event, context) => event;'];
  for (let i = 0; i < 200; i++) lines.push(`export function helper${i}(a: number): number { return a * ${i}; }`);
  const before = lines.join('\n');
  const tree = parseModule('/w/big.ts', before);
  const first = tree.statements[0];
  const secondToLast = tree.statements[tree.statements.length - 2];
  const after = `${before}\n// one more line`;
  const updated = reparse(tree, after);
  assert.equal(updated.text, after);
  assert.equal(updated.statements.length, 201);
  assert.equal(updated.statements[0], first, 'the first statement is the same node');
  assert.equal(updated.statements[updated.statements.length - 2], secondToLast);
});

test('the change between two texts is the one span between their common start and end', () => {
  const span = (before: string, after: string) => {
    const change = changeBetween(before, after);
    return [change.span.start, change.span.length, change.newLength];
  };
  assert.deepEqual(span('abcdef', 'abcXdef'), [3, 0, 1]);
  assert.deepEqual(span('abcdef', 'abef'), [2, 2, 0]);
  assert.deepEqual(span('abcdef', 'abXYef'), [2, 2, 2]);
  assert.deepEqual(span('aaaa', 'aaaaa'), [4, 0, 1]);
  assert.deepEqual(span('', 'new'), [0, 0, 3]);
  assert.deepEqual(span('same', 'same'), [4, 0, 0]);
});
