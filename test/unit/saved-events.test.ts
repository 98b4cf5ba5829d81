import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { SavedEventStore } from '../../src/core/events/saved-events';
import { locateJsonError, parseJsonText } from '../../src/core/json-text';

const scratch = mkdtempSync(join(tmpdir(), 'lwb-saved-'));
after(() => {
  rmSync(scratch, { recursive: true, force: true });
});
let n = 0;
const store = () => new SavedEventStore(join(scratch, `ws-${++n}`, '.lambda/events'));

describe('saved events', () => {
  test('save, list, read, rename and delete, as JSON files per function', async () => {
    const events = store();
    await events.save('OrdersFunction', 'small order', { orderId: 'o-1', items: 1 });
    await events.save('OrdersFunction', 'big-order', '{"orderId":"o-2","items":99}');
    await events.save('Other', 'ping', {});
    assert.deepEqual(
      (await events.list('OrdersFunction')).map((e) => [e.name, e.event]),
      [
        ['big-order', { orderId: 'o-2', items: 99 }],
        ['small order', { orderId: 'o-1', items: 1 }],
      ],
    );
    assert.equal((await events.list()).length, 3);
    const file = join(events.root, 'OrdersFunction', 'small order.json');
    assert.equal(readFileSync(file, 'utf8'), '{\n  "orderId": "o-1",\n  "items": 1\n}\n', 'pretty JSON that diffs well in git');
    const renamed = await events.rename('OrdersFunction', 'small order', 'tiny order');
    assert.deepEqual(renamed.event, { orderId: 'o-1', items: 1 });
    await assert.rejects(events.read('OrdersFunction', 'small order'), /no saved event "small order"/);
    await events.delete('OrdersFunction', 'tiny order');
    assert.deepEqual(
      (await events.list('OrdersFunction')).map((e) => e.name),
      ['big-order'],
    );
  });

  test('a rename never overwrites another event', async () => {
    const events = store();
    await events.save('F', 'a', { a: 1 });
    await events.save('F', 'b', { b: 1 });
    await assert.rejects(events.rename('F', 'a', 'b'), /An event named "b" already exists for F\. Choose another name\./);
    assert.deepEqual((await events.read('F', 'a')).event, { a: 1 });
    assert.deepEqual((await events.read('F', 'b')).event, { b: 1 });
  });

  test('concurrent saves and renames lose nothing and leave no partial file', async () => {
    const events = store();
    const big = { payload: 'x'.repeat(200_000) };
    await Promise.all([
      ...Array.from({ length: 40 }, (_, i) => events.save('F', `event-${i}`, { i, ...big })),
      ...Array.from({ length: 20 }, (_, i) => events.save('F', 'contended', { writer: i, ...big })),
    ]);
    await Promise.all(Array.from({ length: 10 }, (_, i) => events.rename('F', `event-${i}`, `renamed-${i}`)));
    const listed = await events.list('F');
    assert.equal(listed.length, 41);
    assert.ok(
      listed.every((e) => e.error === undefined),
      'every file is whole, valid JSON',
    );
    const contended = listed.find((e) => e.name === 'contended')?.event as { writer: number; payload: string };
    assert.ok(contended.writer >= 0 && contended.writer < 20 && contended.payload.length === 200_000);
    assert.deepEqual(
      readdirSync(join(events.root, 'F')).filter((f) => f.endsWith('.tmp')),
      [],
      'no temporary file is left behind',
    );
  });

  test('a malformed file is listed with its error, not hidden and not deleted', async () => {
    const events = store();
    await events.save('F', 'good', { ok: true });
    mkdirSync(join(events.root, 'F'), { recursive: true });
    writeFileSync(join(events.root, 'F', 'broken.json'), '{\n  "a": 1,\n  "b": \n}\n');
    const listed = await events.list('F');
    const broken = listed.find((e) => e.name === 'broken');
    assert.equal(broken?.event, undefined);
    assert.equal(broken?.error, 'is not valid JSON (line 4, column 1: expected a value but found "}")');
    assert.equal(readFileSync(join(events.root, 'F', 'broken.json'), 'utf8'), '{\n  "a": 1,\n  "b": \n}\n');
  });

  test('invalid JSON text and unsafe names are refused, and nothing is written', async () => {
    const events = store();
    await assert.rejects(
      events.save('F', 'bad', '{"a": }'),
      /is not valid JSON \(line 1, column 7: expected a value but found "}"\); it was not saved\./,
    );
    await assert.rejects(events.save('F', '../escape', {}), /cannot name a saved event/);
    await assert.rejects(events.save('F/../../x', 'ok', {}), /is not a function name Lambda accepts/);
    assert.deepEqual(await events.list(), []);
  });
});

describe('JSON errors', () => {
  test('line and column of the first error, with what was found', () => {
    const cases: [string, string][] = [
      ['{"a": 1,}', 'line 1, column 9: a trailing comma before "}"'],
      ['{\n  "a" 1\n}', 'line 2, column 7: expected ":" after the property name but found "1"'],
      ["{'a': 1}", 'line 1, column 2: expected a property name in double quotes but found "\'"'],
      ['[1, 2', 'line 1, column 6: expected "," or "]" but found the end of the text'],
      ['{"a": "unclosed\n}', 'line 1, column 16: a string is not closed before the end of the line'],
      ['{"a": 1} extra', 'line 1, column 10: unexpected "e" after the end of the JSON value'],
      ['', 'line 1, column 1: the text ends where a value is expected'],
      ['{"a": tru}', 'line 1, column 7: expected a value but found "t"'],
    ];
    for (const [text, expected] of cases) {
      const error = locateJsonError(text);
      assert.equal(`line ${error.line}, column ${error.column}: ${error.message}`, expected, text);
    }
    assert.deepEqual(parseJsonText('{"ok": [1, "two", null]}'), { ok: true, value: { ok: [1, 'two', null] } });
  });
});
