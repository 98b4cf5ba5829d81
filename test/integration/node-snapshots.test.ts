// Node.js environments started from a V8 startup snapshot must be indistinguishable, to every
// handler, from those started from the bootstrap file: the same handler set runs under both and
// every result and log line is compared, including a Powertools handler (Logger, Metrics, Tracer,
// from npm) and one that probes the built-ins a snapshot can change. The snapshot is used only where it can be.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { findExecutable } from '../../src/core/emulator/launch';
import { NodeSnapshots } from '../../src/core/emulator/node-snapshots';
import { whyNotPrivate } from '../../src/core/private-dir';
import { FUNCTIONS, RUNTIME_DIR, fn, node, startEmulator, type Harness, type HttpInvocation } from './emulator-harness';

const snapshotDir = mkdtempSync(join(tmpdir(), 'lwb-snapshots-'));
after(() => {
  rmSync(snapshotDir, { recursive: true, force: true });
});
const nodePath = findExecutable('node', process.env['PATH'] ?? '') ?? process.execPath;
const bootstrap = join(RUNTIME_DIR, 'node/bootstrap.cjs');

type Startup = { commandLine: string[]; execArgv: string[]; nodeOptions: string | null };
const fromSnapshot = (startup: Startup) => startup.commandLine.includes('--snapshot-blob');

const builtins = (name: string, handler: string) => fn(name, 'nodejs20.x', join(FUNCTIONS, 'node-builtins'), handler);

/** The same invocation's log from two environments, without what differs by nature: times, ids, durations. */
function comparableLog(result: HttpInvocation): string {
  const requestId = result.headers.get('x-amzn-requestid') ?? '';
  return result.log
    .replaceAll(requestId, '<request id>')
    .replace(/\d{4}-\d{2}-\d{2}T[\d:.]+Z/g, '<time>')
    .replace(/1-[0-9a-f]{8}-[0-9a-f]{24}/g, '<trace id>')
    .replace(/"(timestamp|Timestamp)":\d+/g, '"$1":<time>')
    .replace(/(Duration|Memory Used): [\d.]+/g, '$1: <n>')
    .replace(/\[\$LATEST\][0-9a-f]{32}/g, '[$LATEST]<stream>');
}

describe('Node.js startup snapshots change nothing a handler sees', () => {
  const functions = [
    node('startup', 'handlers.startup'),
    node('startupWithSourceMaps', 'handlers.startup', { environment: { NODE_OPTIONS: '--enable-source-maps' } }),
    node('startupWithV8Flag', 'handlers.startup', { environment: { NODE_OPTIONS: '--max-semi-space-size=8' } }),
    fn('startupEsm', 'nodejs20.x', join(FUNCTIONS, 'node/esm'), 'handler.startup'),
    builtins('builtins', 'builtins.handler'),
    builtins('powertools', 'powertools.handler'),
    node('echo', 'handlers.echo'),
    node('context', 'handlers.context'),
    node('throws', 'handlers.throws'),
    node('missingModule', 'nothere.handler'),
    node('logs', 'handlers.logs'),
    node('callbackWaits', 'handlers.callbackWaits'),
    node('uncaught', 'handlers.uncaught'),
    fn('nested', 'nodejs20.x', join(FUNCTIONS, 'node/nested'), 'lib/sub/mod.group.handler'),
  ];
  let withSnapshots: Harness;
  let without: Harness;
  before(async () => {
    const built = await new NodeSnapshots(nodePath, bootstrap, snapshotDir).build(115);
    assert.ok(built, 'a snapshot that passes its check can be built with this Node.js');
    withSnapshots = await startEmulator(functions, { snapshotDir });
    without = await startEmulator(functions, { nodeSnapshots: false });
  });
  after(async () => {
    await withSnapshots.stop();
    await without.stop();
  });

  test('a CommonJS handler starts from the snapshot, with the heap flag, and sees neither flag of ours', async () => {
    const startup = (await withSnapshots.invoke('startup')).json<Startup>();
    assert.ok(fromSnapshot(startup), JSON.stringify(startup));
    assert.deepEqual(startup.execArgv, ['--max-old-space-size=115']);
    assert.equal(startup.nodeOptions, null);
    const plain = (await without.invoke('startup')).json<Startup>();
    assert.equal(fromSnapshot(plain), false);
    assert.deepEqual(plain.execArgv, ['--max-old-space-size=115']);
  });

  test("Node.js options of the function's own keep the snapshot; V8 flags do not", async () => {
    const maps = (await withSnapshots.invoke('startupWithSourceMaps')).json<Startup>();
    assert.ok(fromSnapshot(maps));
    assert.equal(maps.nodeOptions, '--enable-source-maps');
    const v8Flag = (await withSnapshots.invoke('startupWithV8Flag')).json<Startup>();
    assert.equal(fromSnapshot(v8Flag), false);
    assert.equal(v8Flag.nodeOptions, '--max-semi-space-size=8');
  });

  test('an ES module handler starts from the bootstrap file', async () => {
    assert.equal(fromSnapshot((await withSnapshots.invoke('startupEsm')).json<Startup>()), false);
  });

  test('the built-ins are those of Lambda, from the snapshot and from the file alike', async () => {
    const expected = {
      argv: ['node', 'bootstrap.cjs'],
      execArgv: ['--max-old-space-size=115'],
      // Lambda's runtime is an ES module, so handlers see no require.main.
      requireMain: 'undefined',
      mainModuleKey: false,
      consoleConstructor: 'function',
      nodeConsoleIsGlobal: true,
      ownConsole: ['through node:console\n'],
      asyncLocalStorage: true,
      // Called from a promise's continuation: the microtask queue drains before process.nextTick's.
      deferredOrder: ['microtask', 'queueMicrotask', 'nextTick', 'timeout'],
      timersPromises: true,
      performanceClock: true,
      environment: [true, 'yes'],
      timeZone: [0, 'UTC'],
      bootstrapInCache: [],
      forked: { ran: 'fork-child.js', argv: ['from-parent'], console: 'function' },
      worker: 'function',
      dynamicImport: 'handler',
      randomUUID: true,
      webGlobals: ['function', 'function', 'function', 'function'],
      processListeners: [1, 1, 1],
    };
    for (const [mode, h] of [
      ['snapshot', withSnapshots],
      ['file', without],
    ] as const) {
      const result = await h.invoke('builtins', {}, { headers: { 'X-Amz-Log-Type': 'Tail' } });
      assert.equal(result.headers.get('x-amz-function-error'), null, `${mode}: ${result.text}`);
      assert.deepEqual(result.json(), expected, mode);
    }
    assert.equal(
      withSnapshots.records.find((r) => r.message.includes('snapshot')),
      undefined,
      'no snapshot problem was reported',
    );
  });

  test('Powertools Logger, Metrics and Tracer run from the snapshot as from the file, with no switch', async () => {
    const results = [];
    for (const h of [withSnapshots, without]) {
      const result = await h.invoke('powertools', { orderId: 'o-17' }, { headers: { 'X-Amz-Log-Type': 'Tail' } });
      assert.equal(result.headers.get('x-amz-function-error'), null, result.text);
      assert.deepEqual(result.json(), { orderId: 'o-17', tracingEnabled: true, traceId: true });
      const records = result.log
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const logLine = records.find((r) => r['message'] === 'order received');
      assert.equal(logLine?.['level'], 'INFO');
      assert.equal(logLine?.['service'], 'orders');
      assert.equal(logLine?.['orderId'], 'o-17');
      assert.equal(logLine?.['function_name'], 'powertools');
      assert.equal(logLine?.['function_request_id'], result.headers.get('x-amzn-requestid'));
      assert.equal(logLine?.['cold_start'], true);
      const emf = records.find((r) => r['_aws'] !== undefined) as
        | {
            _aws: { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string; Unit: string }[] }[] };
            OrdersReceived: number;
          }
        | undefined;
      assert.equal(emf?._aws.CloudWatchMetrics[0]?.Namespace, 'Workbench');
      assert.deepEqual(emf?._aws.CloudWatchMetrics[0]?.Metrics, [{ Name: 'OrdersReceived', Unit: 'Count' }]);
      assert.equal(emf?.OrdersReceived, 1);
      results.push(comparableLog(result));
    }
    assert.equal(results[0], results[1]);
  });

  test('every other handler gives the same payload and log from the snapshot and from the file', async () => {
    for (const name of ['echo', 'context', 'throws', 'missingModule', 'logs', 'callbackWaits', 'uncaught', 'nested']) {
      const tail = { headers: { 'X-Amz-Log-Type': 'Tail' } };
      const [a, b] = [await withSnapshots.invoke(name, { n: 1 }, tail), await without.invoke(name, { n: 1 }, tail)];
      const payload = (result: HttpInvocation) =>
        result.text
          .replaceAll(result.headers.get('x-amzn-requestid') ?? '', '<request id>')
          .replace(/"remainingMs":\d+/, '"remainingMs":<n>')
          .replace(/Root=1-[0-9a-f-]+;Parent=[0-9a-f]+;Sampled=\d/, '<trace>')
          .replace(/\[\$LATEST\][0-9a-f]{32}/g, '[$LATEST]<stream>');
      assert.equal(payload(a), payload(b), name);
      assert.equal(a.headers.get('x-amz-function-error'), b.headers.get('x-amz-function-error'), name);
      assert.equal(comparableLog(a), comparableLog(b), name);
    }
  });
});

describe('a snapshot cache another user could write is never used', () => {
  const root = mkdtempSync(join(tmpdir(), 'lwb-planted-'));
  after(() => {
    rmSync(root, { recursive: true, force: true });
  });

  test('a folder owned by someone else, or writable by others, is refused for a fresh private one', async (t) => {
    if (process.getuid?.() !== 0) {
      t.skip('needs root to create a folder owned by another user');
      return;
    }
    for (const [name, plant] of [
      ['foreign', (dir: string) => chownSync(dir, 65534, 65534)],
      ['writable', (dir: string) => chmodSync(dir, 0o777)],
    ] as const) {
      const planted = join(root, name, 'node-snapshots');
      mkdirSync(planted, { recursive: true });
      plant(planted);
      const problems: string[] = [];
      const snapshots = new NodeSnapshots(nodePath, bootstrap, planted, (message) => problems.push(message));
      const blob = await snapshots.build(115);
      assert.ok(blob !== undefined);
      assert.ok(!blob.startsWith(planted), `${name}: ${blob} is outside the planted folder`);
      assert.match(blob, /lambda-workbench-private-/);
      assert.equal(problems.length, 1);
      assert.match(
        problems[0] ?? '',
        name === 'foreign' ? /belongs to user id 65534/ : /can be written by every user \(mode 777\)/,
      );
      assert.deepEqual(readdirSync(planted), [], `${name}: nothing was written into the planted folder`);
      snapshots.dispose();
    }
  });

  test('a blob planted under the expected name in our own folder, but writable by others, is not loaded', async () => {
    const dir = join(root, 'own', 'node-snapshots');
    const first = new NodeSnapshots(nodePath, bootstrap, dir);
    const blob = await first.build(115);
    assert.ok(blob !== undefined && blob.startsWith(dir));
    // Another user (or a careless chmod) could now replace its content.
    chmodSync(blob, 0o666);
    const second = new NodeSnapshots(nodePath, bootstrap, dir);
    assert.equal(second.blobFor(115), undefined, 'an unsafe blob is not used; a new one is built instead');
    const rebuilt = await second.build(115);
    assert.equal(rebuilt, blob);
    assert.equal(whyNotPrivate(blob), undefined);
  });
});
