// One invoke model for both targets: the local emulator and a deployed function (moto), read
// into the same InvocationResult; shared test events through the real Schemas client.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { createSchemasClient } from '../../src/core/aws/connection';
import { RegistryMissingError, SharedEvents, TEST_EVENT_REGISTRY, schemaName } from '../../src/core/aws/shared-events';
import { EmulatorProcess } from '../../src/core/emulator/emulator-process';
import { findExecutable } from '../../src/core/emulator/launch';
import { invokeFunction } from '../../src/core/invoke/invocation';
import type { LogRecord } from '../../src/core/logs/record';
import { createLambdaRole, motoCredentials, startMoto } from '../support/moto.mjs';
import { isAlive, node, python, sleep, startEmulator, type Harness } from './emulator-harness';
import { startSchemasStandIn, type SchemasStandIn } from './schemas-stand-in';

const localClient = (url: string) =>
  new LambdaClient({ endpoint: url, region: 'us-east-1', credentials: motoCredentials, maxAttempts: 1 });

describe('invoking the local emulator through the invoke model', () => {
  let h: Harness;
  let client: LambdaClient;
  before(async () => {
    h = await startEmulator([
      node('counter', 'handlers.counter'),
      node('throws', 'handlers.throws'),
      python('raises', 'handlers.raises'),
    ]);
    client = localClient(h.server.url);
  });
  after(async () => {
    client.destroy();
    await h.stop();
  });

  test('payload, request id and REPORT metrics, with Init Duration on the cold start only', async () => {
    const cold = await invokeFunction(client, { kind: 'local', functionName: 'counter' }, { n: 1 });
    assert.equal(cold.statusCode, 200);
    assert.equal((cold.payloadJson as { invocations: number }).invocations, 1);
    assert.equal(cold.error, undefined);
    assert.match(cold.requestId, /^[0-9a-f-]{36}$/);
    assert.equal(cold.metrics?.requestId, cold.requestId);
    assert.equal(cold.metrics?.memorySizeMB, 128);
    assert.ok((cold.metrics?.initDurationMs ?? 0) > 0);
    assert.match(cold.logTail, /^START RequestId: /);
    const warm = await invokeFunction(client, { kind: 'local', functionName: 'counter' }, {});
    assert.equal(warm.metrics?.initDurationMs, undefined);
    assert.ok(warm.roundTripMs > 0);
  });

  test('function errors are read the same way for Node.js and Python', async () => {
    const nodeError = await invokeFunction(client, { kind: 'local', functionName: 'throws' }, {});
    assert.deepEqual(
      [nodeError.error?.type, nodeError.error?.message, nodeError.error?.stack[0]],
      ['Error', 'boom', 'Error: boom'],
    );
    const pythonError = await invokeFunction(client, { kind: 'local', functionName: 'raises' }, {});
    assert.equal(pythonError.error?.type, 'ValueError');
    assert.match(pythonError.error?.stack[0] ?? '', /handlers\.py", line \d+, in raises/);
  });
});

describe('invoking a deployed function (moto) through the same model', () => {
  let moto: Awaited<ReturnType<typeof startMoto>>;
  let client: LambdaClient;
  before(async () => {
    moto = await startMoto();
    client = localClient(moto.url);
    const scratch = mkdtempSync(join(tmpdir(), 'lwb-zip-'));
    writeFileSync(join(scratch, 'index.js'), 'exports.handler = async (e) => e;');
    execFileSync('python3', ['-m', 'zipfile', '-c', join(scratch, 'f.zip'), join(scratch, 'index.js')]);
    const zip = readFileSync(join(scratch, 'f.zip'));
    rmSync(scratch, { recursive: true, force: true });
    const role = await createLambdaRole(moto.url);
    await client.send(
      new CreateFunctionCommand({
        FunctionName: 'orders-api',
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: role,
        Code: { ZipFile: zip },
      }),
    );
  });
  after(async () => {
    client.destroy();
    await moto.stop();
  });

  test('the payload comes back; without a log tail there are no metrics, and that is no error', async () => {
    const result = await invokeFunction(
      client,
      { kind: 'remote', functionName: 'orders-api', region: 'us-east-1' },
      { order: 'o-1' },
    );
    assert.equal(result.statusCode, 200);
    assert.deepEqual(result.payloadJson, { order: 'o-1' });
    assert.equal(result.error, undefined);
    assert.equal(result.metrics, undefined);
    assert.equal(result.target.kind, 'remote');
  });
});

describe('shared test events (EventBridge Schemas)', () => {
  let standIn: SchemasStandIn;
  let shared: SharedEvents;
  before(async () => {
    process.env['AWS_ACCESS_KEY_ID'] = motoCredentials.accessKeyId;
    process.env['AWS_SECRET_ACCESS_KEY'] = motoCredentials.secretAccessKey;
    standIn = await startSchemasStandIn();
    shared = new SharedEvents(await createSchemasClient({ region: 'us-east-1', endpointUrl: standIn.url }));
  });
  after(() => standIn.close());

  test('without the registry, nothing is created unless the user agreed', async () => {
    assert.deepEqual(await shared.list('orders-api'), []);
    await assert.rejects(shared.save('orders-api', 'small', { a: 1 }, { createRegistry: false }), RegistryMissingError);
    assert.equal(standIn.registries.size, 0);
  });

  test('save and load back, as the console stores them', async () => {
    await shared.save('orders-api', 'small-order', { orderId: 'o-1', total: 5 }, { createRegistry: true });
    await shared.save('orders-api', 'big-order', { orderId: 'o-2', total: 500 }, { createRegistry: false });
    assert.deepEqual(await shared.list('orders-api'), [
      { functionName: 'orders-api', name: 'big-order', event: { orderId: 'o-2', total: 500 } },
      { functionName: 'orders-api', name: 'small-order', event: { orderId: 'o-1', total: 5 } },
    ]);
    const stored = standIn.registries.get(TEST_EVENT_REGISTRY)?.get(schemaName('orders-api'));
    assert.equal(stored?.type, 'OpenApi3');
    const document = JSON.parse(stored?.content ?? '{}') as {
      openapi: string;
      components: { schemas: { Event: { type: string } } };
    };
    assert.equal(document.openapi, '3.0.0');
    assert.equal(document.components.schemas.Event.type, 'object');
  });
});

describe('the emulator as a child process', () => {
  test('starts, serves, streams its log as records, and stops every process', async () => {
    const records: LogRecord[] = [];
    const emulator = await EmulatorProcess.start({
      cliPath: join(__dirname, '../../dist/cli.js'),
      nodePath: findExecutable('node', process.env['PATH'] ?? '') ?? process.execPath,
      functions: [node('counter', 'handlers.counter'), node('orphan', 'handlers.spawnsOrphan')],
      onLog: (record) => records.push(record),
    });
    const client = localClient(emulator.url);
    try {
      const result = await invokeFunction(client, { kind: 'local', functionName: 'counter' }, {});
      const pid = (result.payloadJson as { pid: number }).pid;
      const orphan = (await invokeFunction(client, { kind: 'local', functionName: 'orphan' }, {})).payloadJson as number;
      await sleep(200);
      assert.ok(records.some((r) => r.message.startsWith('REPORT RequestId: ') && r.requestId === result.requestId));
      assert.ok(isAlive(pid) && isAlive(orphan));
      await emulator.stop();
      await sleep(100);
      assert.equal(isAlive(pid), false);
      assert.equal(isAlive(orphan), false);
      assert.equal(emulator.running, false);
    } finally {
      client.destroy();
      await emulator.stop();
    }
  });

  test('takes a new set of functions in place: the unchanged stay warm, the changed start fresh, the removed go', async () => {
    const emulator = await EmulatorProcess.start({
      cliPath: join(__dirname, '../../dist/cli.js'),
      nodePath: findExecutable('node', process.env['PATH'] ?? '') ?? process.execPath,
      functions: [node('counter', 'handlers.counter'), node('echo', 'handlers.echo')],
    });
    const client = localClient(emulator.url);
    const counter = async () =>
      (await invokeFunction(client, { kind: 'local', functionName: 'counter' }, {})).payloadJson as {
        invocations: number;
        pid: number;
      };
    try {
      const first = await counter();
      assert.equal(first.invocations, 1);
      await emulator.update([node('counter', 'handlers.counter'), node('context', 'handlers.context')]);
      const warm = await counter();
      assert.deepEqual([warm.invocations, warm.pid], [2, first.pid], 'the same environment, still warm');
      const added = await invokeFunction(client, { kind: 'local', functionName: 'context' }, {});
      assert.equal((added.payloadJson as { functionName: string }).functionName, 'context');
      const removed = await fetch(`${emulator.url}/2015-03-31/functions/echo/invocations`, { method: 'POST', body: '{}' });
      assert.equal(removed.status, 404);
      assert.equal(removed.headers.get('x-amzn-errortype'), 'ResourceNotFoundException');
      // A changed configuration: a fresh environment with it.
      await emulator.update([node('counter', 'handlers.counter', { memoryMB: 512 })]);
      const fresh = await counter();
      assert.equal(fresh.invocations, 1);
      assert.notEqual(fresh.pid, first.pid);
      // An update it cannot use is refused with the reason, and the set before keeps serving.
      await assert.rejects(
        emulator.update([{ handler: 'handlers.counter' } as never]),
        /^WorkbenchError: The local emulator refused the new functions: an update is \{"id": n, "functions": \[\.\.\.\]\}, each function with its name\.$/,
      );
      assert.equal((await counter()).invocations, 2);
    } finally {
      client.destroy();
      await emulator.stop();
    }
  });

  test('a function list it cannot use is refused with the reason', async () => {
    await assert.rejects(
      EmulatorProcess.start({
        cliPath: join(__dirname, '../../dist/cli.js'),
        nodePath: process.execPath,
        functions: [
          { ...node('x', 'handlers.echo'), codeDir: '/nonexistent/folder' },
          { ...node('y', 'ts.handler'), runtime: 'nodejs20.x' },
        ],
        profile: 'a-profile-that-does-not-exist',
      }),
      /The local emulator stopped while starting \(exit 1\): No AWS credentials could be loaded from the profile "a-profile-that-does-not-exist"/,
    );
  });
});

describe('the emulator child process when its parent dies', () => {
  test('it stops itself and its environments once the process that started it is gone', async () => {
    const script = `
      const { EmulatorProcess } = require(${JSON.stringify(join(__dirname, '../../src/core/emulator/emulator-process.ts'))});
      (async () => {
        const emulator = await EmulatorProcess.start({
          cliPath: ${JSON.stringify(join(__dirname, '../../dist/cli.js'))},
          nodePath: process.execPath,
          functions: [${JSON.stringify(node('counter', 'handlers.counter'))}],
        });
        const response = await fetch(emulator.url + '/2015-03-31/functions/counter/invocations', { method: 'POST', body: '{}' });
        const { pid } = await response.json();
        process.stdout.write(JSON.stringify({ pid }) + '\\n');
        setInterval(() => {}, 1000);
      })();`;
    const parent = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    const { pid } = JSON.parse(line) as { pid: number };
    assert.ok(isAlive(pid), 'the environment runs');
    parent.kill('SIGKILL');
    for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(100);
    assert.equal(isAlive(pid), false, 'the environment is gone with the emulator');
  });
});
