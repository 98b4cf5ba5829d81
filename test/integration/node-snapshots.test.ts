// Node.js environments started from a V8 startup snapshot behave as those started from the
// bootstrap file; the snapshot is used only where it can be.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { findExecutable } from '../../src/core/emulator/launch';
import { NodeSnapshots } from '../../src/core/emulator/node-snapshots';
import { FUNCTIONS, RUNTIME_DIR, fn, node, startEmulator, type Harness } from './emulator-harness';

const snapshotDir = mkdtempSync(join(tmpdir(), 'lwb-snapshots-'));
after(() => {
  rmSync(snapshotDir, { recursive: true, force: true });
});

type Startup = { execArgv: string[]; nodeOptions?: string | null };
const fromSnapshot = (startup: Startup) => startup.execArgv.includes('--snapshot-blob');

describe('Node.js startup snapshots', () => {
  const functions = [
    node('startup', 'handlers.startup'),
    node('startupWithSourceMaps', 'handlers.startup', { environment: { NODE_OPTIONS: '--enable-source-maps' } }),
    node('startupWithV8Flag', 'handlers.startup', { environment: { NODE_OPTIONS: '--max-semi-space-size=8' } }),
    fn('startupEsm', 'nodejs20.x', join(FUNCTIONS, 'node/esm'), 'handler.startup'),
    node('missingModule', 'nothere.handler'),
    node('logs', 'handlers.logs'),
    node('callbackWaits', 'handlers.callbackWaits'),
    fn('nested', 'nodejs20.x', join(FUNCTIONS, 'node/nested'), 'lib/sub/mod.group.handler'),
  ];
  let withSnapshots: Harness;
  let without: Harness;
  before(async () => {
    const nodePath = findExecutable('node', process.env['PATH'] ?? '') ?? process.execPath;
    const built = await new NodeSnapshots(nodePath, join(RUNTIME_DIR, 'node/bootstrap.cjs'), snapshotDir).build(115);
    assert.ok(built, 'a snapshot can be built with this Node.js');
    withSnapshots = await startEmulator(functions, { snapshotDir });
    without = await startEmulator(functions, { nodeSnapshots: false });
  });
  after(async () => {
    await withSnapshots.stop();
    await without.stop();
  });

  test('a CommonJS handler starts from the snapshot, with the heap flag, and sees no flag of ours in NODE_OPTIONS', async () => {
    const startup = (await withSnapshots.invoke('startup')).json<Startup>();
    assert.ok(fromSnapshot(startup), JSON.stringify(startup));
    assert.ok(startup.execArgv.includes('--max-old-space-size=115'));
    assert.equal(startup.nodeOptions, null);
    const plain = (await without.invoke('startup')).json<Startup>();
    assert.equal(fromSnapshot(plain), false);
    assert.ok(plain.execArgv.includes('--max-old-space-size=115'), 'the heap flag either way');
  });

  test("Node.js options of the function's own keep the snapshot; V8 flags do not", async () => {
    const maps = (await withSnapshots.invoke('startupWithSourceMaps')).json<Startup>();
    assert.ok(fromSnapshot(maps));
    assert.equal(maps.nodeOptions, '--enable-source-maps');
    const v8Flag = (await withSnapshots.invoke('startupWithV8Flag')).json<Startup>();
    assert.equal(fromSnapshot(v8Flag), false);
    assert.equal(v8Flag.nodeOptions, '--max-semi-space-size=8');
  });

  test('an ES module handler starts from the bootstrap file, since a snapshot cannot import', async () => {
    assert.equal(fromSnapshot((await withSnapshots.invoke('startupEsm')).json<Startup>()), false);
  });

  test('the same results with and without the snapshot', async () => {
    const strip = (text: string, id: string) =>
      text
        .replaceAll(id, '<id>')
        .replace(/\d{4}-\d{2}-\d{2}T[\d:.]+Z/g, '<time>')
        .replace(/(Duration|Memory Used): [\d.]+/g, '$1: <n>');
    for (const name of ['missingModule', 'logs', 'callbackWaits', 'nested']) {
      const tail = { headers: { 'X-Amz-Log-Type': 'Tail' } };
      const [a, b] = [await withSnapshots.invoke(name, {}, tail), await without.invoke(name, {}, tail)];
      assert.equal(a.text, b.text, name);
      assert.equal(
        strip(a.log, a.headers.get('x-amzn-requestid') ?? ''),
        strip(b.log, b.headers.get('x-amzn-requestid') ?? ''),
        name,
      );
    }
  });
});
