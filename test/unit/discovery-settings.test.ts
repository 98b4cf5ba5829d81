// `.lambda/functions.json`: per-function choices read without ever hiding functions, and written
// atomically without losing what else the file holds.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readFunctionSettings, updateFunctionSettings, type FunctionSettings } from '../../src/core/discovery/function-settings';
import { WorkbenchError } from '../../src/core/errors';

const scratch = mkdtempSync(join(tmpdir(), 'lwb-function-settings-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let workspaces = 0;

function workspace(settings?: string): string {
  const root = join(scratch, `ws-${++workspaces}`);
  mkdirSync(join(root, '.lambda'), { recursive: true });
  if (settings !== undefined) writeFileSync(join(root, '.lambda/functions.json'), settings);
  return root;
}

test('no file: no settings and no problem', () => {
  assert.deepEqual(readFunctionSettings(workspace()), { functions: {} });
});

test('round trip: what is written is read back, as pretty JSON with a final newline', async () => {
  const root = workspace();
  const settings: FunctionSettings = {
    runtime: 'python3.12',
    timeoutSeconds: 30,
    memoryMB: 512,
    environment: { LEVEL: 'debug' },
    remoteFunction: 'orders-prod-create',
    deployOnSave: true,
  };
  await updateFunctionSettings(root, 'api/template.yaml#Create', settings);
  assert.deepEqual(readFunctionSettings(root), { functions: { 'api/template.yaml#Create': settings } });
  const text = readFileSync(join(root, '.lambda/functions.json'), 'utf8');
  assert.equal(text, `${JSON.stringify({ functions: { 'api/template.yaml#Create': settings } }, null, 2)}\n`);
});

test('an update keeps the other entries, the other keys of the entry and unknown keys; undefined removes a key', async () => {
  const root = workspace(
    JSON.stringify({
      $comment: 'kept',
      functions: {
        'a.ts#handler': { runtime: 'nodejs20.x', note: 'unknown keys stay' },
        'b.py#handler': { timeoutSeconds: 10, memoryMB: 256 },
      },
    }),
  );
  await updateFunctionSettings(root, 'b.py#handler', { runtime: 'python3.13', memoryMB: undefined });
  const written = JSON.parse(readFileSync(join(root, '.lambda/functions.json'), 'utf8')) as unknown;
  assert.deepEqual(written, {
    $comment: 'kept',
    functions: {
      'a.ts#handler': { runtime: 'nodejs20.x', note: 'unknown keys stay' },
      'b.py#handler': { timeoutSeconds: 10, runtime: 'python3.13' },
    },
  });
  await updateFunctionSettings(root, 'b.py#handler', { timeoutSeconds: undefined, runtime: undefined });
  const emptied = JSON.parse(readFileSync(join(root, '.lambda/functions.json'), 'utf8')) as { functions: object };
  assert.deepEqual(Object.keys(emptied.functions), ['a.ts#handler'], 'an entry left empty is removed');
  assert.deepEqual(
    readdirSync(join(root, '.lambda')),
    ['functions.json'],
    'the temporary file was renamed into place, in the same folder',
  );
});

test('the first update creates the .lambda folder', async () => {
  const root = join(scratch, 'fresh');
  mkdirSync(root);
  await updateFunctionSettings(root, 'x.ts#handler', { deployOnSave: false });
  assert.deepEqual(readFunctionSettings(root).functions, { 'x.ts#handler': { deployOnSave: false } });
});

test('a runtime Lambda Workbench does not run is refused before anything is written', async () => {
  const root = workspace('{"functions": {}}');
  await assert.rejects(
    updateFunctionSettings(root, 'a.ts#handler', { runtime: 'java21' as FunctionSettings['runtime'] }),
    (error) => error instanceof WorkbenchError && /"java21" is not a runtime Lambda Workbench runs/.test(error.message),
  );
  assert.equal(readFileSync(join(root, '.lambda/functions.json'), 'utf8'), '{"functions": {}}');
});

test('a file that is not JSON is a located problem; no settings apply and an update refuses to overwrite it', async () => {
  const root = workspace('{\n  "functions": {\n    "a.ts#handler": { "runtime": "nodejs22.x", }\n  }\n}\n');
  const reading = readFunctionSettings(root);
  assert.deepEqual(reading.functions, {});
  assert.equal(reading.problem?.file, join(root, '.lambda/functions.json'));
  assert.equal(reading.problem?.line, 3);
  assert.match(
    reading.problem?.message ?? '',
    /^\.lambda[\\/]functions\.json is not valid JSON \(line 3, column \d+: .+\); its settings are ignored until it is fixed\.$/,
  );
  await assert.rejects(updateFunctionSettings(root, 'a.ts#handler', { memoryMB: 256 }), /cannot be updated: .+ Fix or delete it/);
});

test('values that are not valid are left out and named in a problem at their entry; the rest apply', () => {
  const root = workspace(
    [
      '{',
      '  "functions": {',
      '    "good.ts#handler": { "memoryMB": 256 },',
      '    "bad.py#handler": { "runtime": "python2.7", "timeoutSeconds": "ten", "environment": { "A": 1 }, "memoryMB": 512 }',
      '  }',
      '}',
    ].join('\n'),
  );
  const reading = readFunctionSettings(root);
  assert.deepEqual(reading.functions, { 'good.ts#handler': { memoryMB: 256 }, 'bad.py#handler': { memoryMB: 512 } });
  assert.equal(reading.problem?.line, 4);
  assert.equal(
    reading.problem?.message,
    `${join('.lambda', 'functions.json')} has values that are ignored: bad.py#handler: runtime "python2.7" is not a runtime Lambda Workbench runs; ` +
      'bad.py#handler: timeoutSeconds "ten" is not a whole number of seconds; bad.py#handler: environment is not a map of strings.',
  );
});

test('a file without a functions map is a problem at line 1', () => {
  const reading = readFunctionSettings(workspace('[]'));
  assert.deepEqual(reading.functions, {});
  assert.equal(reading.problem?.line, 1);
});
