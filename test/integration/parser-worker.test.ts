// The parser worker as the extension starts it (dist/parser-worker.js, a real worker thread): the
// prepare-only start writes V8's code cache and ends; the serving one answers the discovery
// worker's port (files) and the extension's (open documents, edit after edit).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { hasCodeCache } from '../../src/core/code-cache';
import { inProcessParser } from '../../src/core/discovery/find-handlers';
import type { ParserReply, ParserRequest } from '../../src/core/discovery/parser-port';
import type { HandlerLocation } from '../../src/core/discovery/types';
import type { ParserWorkerData } from '../../src/parser-thread';
import { fixtureFiles } from '../unit/fixture-files';

const root = resolve(__dirname, '../..');
const script = join(root, 'dist/parser-worker.js');
const bundle = join(root, 'dist/parser-thread.js');

/** Resolves when the worker ends, with its exit code; fails after `ms`. */
function exited(worker: Worker, ms: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`The parser worker did not end within ${ms} ms.`));
    }, ms);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

test('started to prepare, it writes the code cache and ends; started again, it ends at once', async (t) => {
  const codeCacheDir = mkdtempSync(join(tmpdir(), 'lwb-parser-cache-'));
  t.after(() => rmSync(codeCacheDir, { recursive: true, force: true }));
  const workerData: ParserWorkerData = { prepareOnly: true, codeCacheDir };
  assert.equal(hasCodeCache(bundle, codeCacheDir), false);
  assert.equal(await exited(new Worker(script, { workerData }), 60_000), 0);
  assert.equal(hasCodeCache(bundle, codeCacheDir), true);
  const [cache] = readdirSync(codeCacheDir);
  const written = statSync(join(codeCacheDir, cache ?? '')).mtimeMs;
  // V8's cache of a 10 MB bundle with its parser compiled: megabytes, not a stub.
  assert.ok(statSync(join(codeCacheDir, cache ?? '')).size > 1_000_000);
  const started = performance.now();
  assert.equal(await exited(new Worker(script, { workerData }), 60_000), 0);
  assert.ok(performance.now() - started < 5000, 'the second start takes the cache and has nothing to do');
  assert.equal(statSync(join(codeCacheDir, cache ?? '')).mtimeMs, written, 'the cache is not written again');
});

/** Sends one request on a port and resolves with the reply of the same id. */
function ask(port: MessagePort | Worker, request: ParserRequest): Promise<ParserReply> {
  return new Promise((resolve) => {
    const onReply = (reply: ParserReply) => {
      if (reply.id !== request.id) return;
      port.off('message', onReply);
      resolve(reply);
    };
    port.on('message', onReply);
    port.postMessage(request);
  });
}

const names = (handlers: readonly HandlerLocation[]) => handlers.map((h) => `${h.exportName}@${h.line}`);

test("serving, it parses the discovery worker's files and the extension's documents as they are edited", async (t) => {
  const channel = new MessageChannel();
  const workerData: ParserWorkerData = { discoveryPort: channel.port2 };
  const worker = new Worker(script, { workerData, transferList: [channel.port2] });
  t.after(async () => {
    channel.port1.close();
    await worker.terminate();
  });

  const files = await ask(channel.port1, {
    id: 1,
    kind: 'files',
    files: [
      { file: '/w/a.ts', text: 'export const handler = async (event, context) => event;\n' },
      { file: '/w/b.js', text: 'function helper(x) { return x; }\nexports.main = async (event, context) => helper(event);\n' },
      { file: '/w/c.ts', text: 'export const notAHandler = 42;\n' },
    ],
  });
  assert.ok('files' in files, JSON.stringify(files));
  assert.deepEqual(files.files.map(names), [['handler@1'], ['main@2'], []]);

  // An open document: opened, then a handler added above, then its export removed.
  const file = '/w/open.ts';
  let text = 'export async function handler(event, context) {\n  return event;\n}\n';
  const opened = await ask(worker, { id: 2, kind: 'document', file, text });
  assert.ok('document' in opened);
  assert.deepEqual(names(opened.document), ['handler@1']);
  text = `export const added = async (event, context) => event;\n\n${text}`;
  const added = await ask(worker, { id: 3, kind: 'document', file, text });
  assert.ok('document' in added);
  assert.deepEqual(names(added.document), ['added@1', 'handler@3']);
  text = text.replace('export const added', 'const added');
  const removed = await ask(worker, { id: 4, kind: 'document', file, text });
  assert.ok('document' in removed);
  assert.deepEqual(names(removed.document), ['handler@3']);
  // Closed: the tree goes, and the next text is parsed whole, with the same answer.
  worker.postMessage({ id: 0, kind: 'closed', file } satisfies ParserRequest);
  const reopened = await ask(worker, { id: 5, kind: 'document', file, text });
  assert.ok('document' in reopened);
  assert.deepEqual(names(reopened.document), ['handler@3']);
});

test('the shipped parser (TypeScript without its checker, emitter and server) finds what the whole compiler finds, in every fixture', async (t) => {
  const channel = new MessageChannel();
  const workerData: ParserWorkerData = { discoveryPort: channel.port2 };
  const worker = new Worker(script, { workerData, transferList: [channel.port2] });
  t.after(async () => {
    channel.port1.close();
    await worker.terminate();
  });
  const files = fixtureFiles(/\.(ts|tsx|mts|cts|js|mjs|cjs|jsx)$/).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
  assert.ok(files.length > 50, `${files.length} fixture files`);
  const shipped = await ask(channel.port1, { id: 1, kind: 'files', files });
  assert.ok('files' in shipped, JSON.stringify(shipped));
  const whole = await inProcessParser.parse(files);
  assert.deepEqual(shipped.files, whole);
  assert.ok(whole.flat().length > 40, 'the fixtures hold handlers');
});
