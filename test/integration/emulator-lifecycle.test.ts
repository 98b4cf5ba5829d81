// Environments over their life: warm reuse, isolation, concurrency, timeouts, crashes, memory,
// freezing, idle reaping, hot reload, and nothing left running after the emulator stops.
import assert from 'node:assert/strict';
import { chmodSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FUNCTIONS, fn, isAlive, node, python, sleep, startEmulator, type Harness } from './emulator-harness';

type LambdaError = { errorType: string; errorMessage: string };
const tail = { headers: { 'X-Amz-Log-Type': 'Tail' } };
const scratch = mkdtempSync(join(tmpdir(), 'lwb-lifecycle-'));
after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('environment lifecycle', () => {
  let h: Harness;
  before(async () => {
    process.env['LWB_EMULATOR_OWN_SECRET'] = 'must-not-leak';
    h = await startEmulator(
      [
        node('counter', 'handlers.counter'),
        node('timesOut', 'handlers.sleep', { timeoutSeconds: 1 }),
        node('spins', 'handlers.busyLoop', { timeoutSeconds: 1 }),
        node('exits', 'handlers.exits'),
        node('slowPid', 'handlers.slowPid'),
        node('envA', 'handlers.env', { environment: { FOO: 'a', ONLY_A: 'yes' } }),
        node('envB', 'handlers.env', { environment: { FOO: 'b' } }),
        node('setEnvA', 'handlers.setEnv', { environment: { FOO: 'a' } }),
        node('allocates', 'handlers.allocate', { memoryMB: 128 }),
        python('pyAllocates', 'handlers.allocate', { memoryMB: 128 }),
        fn('slowInit', 'nodejs20.x', join(FUNCTIONS, 'node/slow-init'), 'index.handler', { environment: { INIT_MS: '900' } }),
        fn('initTooSlow', 'nodejs20.x', join(FUNCTIONS, 'node/slow-init'), 'index.handler', {
          timeoutSeconds: 1,
          environment: { INIT_MS: '5000' },
        }),
      ],
      { concurrency: 3, initLimitMs: 400 },
    );
  });
  after(() => h.stop());

  test('a warm environment keeps module state; only the first invocation reports Init Duration', async () => {
    const first = await h.invoke('counter', {}, tail);
    const second = await h.invoke('counter', {}, tail);
    const third = await h.invoke('counter', {}, tail);
    assert.deepEqual(
      [first, second, third].map((r) => r.json<{ invocations: number }>().invocations),
      [1, 2, 3],
    );
    assert.equal(first.json<{ pid: number }>().pid, third.json<{ pid: number }>().pid);
    assert.match(first.log, /\tInit Duration: [\d.]+ ms\t$/m);
    assert.doesNotMatch(second.log, /Init Duration/);
  });

  test("the REPORT line has Lambda's exact format, trailing tab included", async () => {
    const result = await h.invoke('counter', {}, tail);
    const id = result.headers.get('x-amzn-requestid') ?? '';
    const report = result.log.split('\n').find((line) => line.startsWith('REPORT'));
    assert.match(
      report ?? '',
      new RegExp(
        `^REPORT RequestId: ${id}\\tDuration: \\d+\\.\\d{2} ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB\\t$`,
      ),
    );
    const used = Number(/Max Memory Used: (\d+) MB/.exec(report ?? '')?.[1]);
    assert.ok(used >= 10 && used <= 128, `Max Memory Used ${used} MB is a real reading`);
    const [duration, billed] = [/Duration: ([\d.]+) ms/, /Billed Duration: (\d+) ms/].map((re) =>
      Number(re.exec(report ?? '')?.[1]),
    );
    assert.equal(billed, Math.max(1, Math.ceil(duration ?? 0)));
  });

  test('concurrent invocations run in separate environments', async () => {
    const results = await Promise.all([1, 2, 3].map(() => h.invoke('slowPid', { ms: 300 })));
    const pids = new Set(results.map((r) => r.json<{ pid: number }>().pid));
    const streams = new Set(results.map((r) => r.json<{ logStream: string }>().logStream));
    assert.equal(pids.size, 3);
    assert.equal(streams.size, 3, 'each environment has its own log stream');
  });

  test("each function sees only its own variables, and Lambda's, never the emulator's", async () => {
    const a = (await h.invoke('envA')).json<Record<string, string>>();
    const b = (await h.invoke('envB')).json<Record<string, string>>();
    assert.equal(a['FOO'], 'a');
    assert.equal(b['FOO'], 'b');
    assert.equal(b['ONLY_A'], undefined);
    for (const env of [a, b]) {
      assert.equal(env['LWB_EMULATOR_OWN_SECRET'], undefined);
      assert.equal(env['AWS_EXECUTION_ENV'], 'AWS_Lambda_nodejs20.x');
      assert.equal(env['AWS_LAMBDA_FUNCTION_VERSION'], '$LATEST');
      assert.equal(env['AWS_LAMBDA_FUNCTION_MEMORY_SIZE'], '128');
      assert.equal(env['AWS_LAMBDA_INITIALIZATION_TYPE'], 'on-demand');
      assert.equal(env['AWS_REGION'], 'us-east-1');
      assert.equal(env['AWS_DEFAULT_REGION'], 'us-east-1');
      assert.equal(env['TZ'], ':UTC');
      assert.equal(env['LANG'], 'en_US.UTF-8');
      assert.equal(env['_HANDLER'], 'handlers.env');
      assert.equal(env['LAMBDA_TASK_ROOT'], join(FUNCTIONS, 'node'));
      assert.match(env['AWS_LAMBDA_RUNTIME_API'] ?? '', /^127\.0\.0\.1:\d+$/);
      assert.match(env['AWS_LAMBDA_LOG_STREAM_NAME'] ?? '', /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    }
    assert.equal(a['AWS_LAMBDA_FUNCTION_NAME'], 'envA');
    assert.equal(a['AWS_LAMBDA_LOG_GROUP_NAME'], '/aws/lambda/envA');
    assert.notEqual(a['AWS_LAMBDA_RUNTIME_API'], b['AWS_LAMBDA_RUNTIME_API'], 'each environment has its own Runtime API');
  });

  test('a change to process.env inside one function does not reach another', async () => {
    assert.equal((await h.invoke('setEnvA', { key: 'FOO', value: 'changed' })).json(), 'changed');
    assert.equal((await h.invoke('envB')).json<Record<string, string>>()['FOO'], 'b');
  });

  test('the timeout ends the invocation with Sandbox.Timedout, and the next one starts cold', async () => {
    const started = performance.now();
    const result = await h.invoke('timesOut', { ms: 5000 }, tail);
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 1000 && elapsed < 2500, `answered after the 1 s timeout (${elapsed.toFixed(0)} ms)`);
    const id = result.headers.get('x-amzn-requestid') ?? '';
    assert.equal(result.headers.get('x-amz-function-error'), 'Unhandled');
    assert.deepEqual(result.json(), {
      errorType: 'Sandbox.Timedout',
      errorMessage: `RequestId: ${id} Error: Task timed out after 1.00 seconds`,
    });
    assert.match(result.log, new RegExp(`^\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z ${id} Task timed out after 1\\.00 seconds$`, 'm'));
    assert.match(result.log, /REPORT RequestId: .*\tStatus: timeout\t$/m);
    const next = await h.invoke('timesOut', { ms: 10 }, tail);
    assert.equal(next.json(), 'slept');
    assert.match(next.log, /Init Duration/, 'a fresh environment');
  });

  test('a handler stuck in a busy loop is stopped by the timeout too', async () => {
    const result = await h.invoke('spins');
    assert.equal(result.json<LambdaError>().errorType, 'Sandbox.Timedout');
  });

  test('a process that exits fails with Runtime.ExitError, and the function recovers', async () => {
    const result = await h.invoke('exits', { code: 3 });
    const id = result.headers.get('x-amzn-requestid') ?? '';
    assert.deepEqual(result.json(), {
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${id} Error: Runtime exited with error: exit status 3`,
    });
    const clean = await h.invoke('exits', { code: 0 });
    assert.match(clean.json<LambdaError>().errorMessage, /Runtime exited without providing a reason$/);
    assert.equal((await h.invoke('counter')).status, 200, 'the emulator keeps serving');
  });

  test("memory beyond the function's size ends the invocation as out of memory", async () => {
    const result = await h.invoke('allocates', { mb: 400 }, tail);
    assert.equal(result.headers.get('x-amz-function-error'), 'Unhandled');
    assert.match(result.json<LambdaError>().errorType, /^Runtime\.(OutOfMemory|ExitError)$/);
    const used = Number(/Max Memory Used: (\d+) MB/.exec(result.log)?.[1]);
    assert.ok(used <= 128, `Max Memory Used (${used} MB) never exceeds Memory Size`);
    const small = await h.invoke('allocates', { mb: 10 });
    assert.equal(small.json(), 10, 'within the limit it works, in a fresh environment');
  });

  test('a Python handler past its memory limit gets a MemoryError or is stopped', async () => {
    const result = await h.invoke('pyAllocates', { mb: 400 });
    assert.equal(result.headers.get('x-amz-function-error'), 'Unhandled');
    assert.match(result.json<LambdaError>().errorType, /^(MemoryError|Runtime\.OutOfMemory|Runtime\.ExitError)$/);
  });

  test('an init phase over its limit goes on inside the invocation, as Lambda retries it', async () => {
    const result = await h.invoke('slowInit', {}, tail);
    assert.equal(result.json(), 'initialized');
    assert.match(result.log, /^INIT_REPORT Init Duration: 400\.00 ms\tPhase: init\tStatus: timeout$/m);
  });

  test('an init phase that also outlasts the function timeout ends as Sandbox.Timedout', async () => {
    const result = await h.invoke('initTooSlow');
    assert.equal(result.json<LambdaError>().errorType, 'Sandbox.Timedout');
  });
});

describe('freezing between invocations', () => {
  for (const freeze of [true, false]) {
    test(`timers ${freeze ? 'do not run' : 'keep running'} between invocations when freezing is ${freeze ? 'on' : 'off'}`, async () => {
      const h = await startEmulator([node('ticker', 'handlers.ticker')], { freeze });
      try {
        await h.invoke('ticker');
        await sleep(600);
        const ticks = (await h.invoke('ticker')).json<{ ticks: number }>().ticks;
        if (freeze) assert.ok(ticks < 10, `a 10 ms interval ticked ${ticks} times while frozen`);
        else assert.ok(ticks >= 30, `a 10 ms interval ticked ${ticks} times while running`);
      } finally {
        await h.stop();
      }
    });
  }
});

describe('idle environments and code changes', () => {
  test('an idle environment is reaped after the idle timeout', async () => {
    const h = await startEmulator([node('counter', 'handlers.counter')], { idleTimeoutMs: 300 });
    try {
      assert.equal((await h.invoke('counter')).json<{ invocations: number }>().invocations, 1);
      assert.equal((await h.invoke('counter')).json<{ invocations: number }>().invocations, 2);
      await sleep(800);
      assert.equal((await h.invoke('counter')).json<{ invocations: number }>().invocations, 1);
    } finally {
      await h.stop();
    }
  });

  test('changed code reaches the next invocation; unchanged code keeps the warm environment', async () => {
    const dir = join(scratch, 'hot-reload');
    cpSync(join(FUNCTIONS, 'node'), dir, { recursive: true });
    writeFileSync(join(dir, 'version.js'), 'let n = 0; exports.handler = async () => ({ version: 1, n: ++n });');
    const h = await startEmulator([fn('hot', 'nodejs20.x', dir, 'version.handler')]);
    try {
      assert.deepEqual((await h.invoke('hot')).json(), { version: 1, n: 1 });
      assert.deepEqual((await h.invoke('hot')).json(), { version: 1, n: 2 }, 'no reload without a change');
      writeFileSync(join(dir, 'version.js'), 'let n = 0; exports.handler = async () => ({ version: 2, n: ++n });');
      await sleep(400);
      assert.deepEqual((await h.invoke('hot')).json(), { version: 2, n: 1 });
    } finally {
      await h.stop();
    }
  });
});

describe('custom runtimes', () => {
  let h: Harness;
  before(async () => {
    const notExecutable = join(scratch, 'not-executable');
    cpSync(join(FUNCTIONS, 'provided-sh'), notExecutable, { recursive: true });
    chmodSync(join(notExecutable, 'bootstrap'), 0o644);
    h = await startEmulator([
      fn('shell', 'provided.al2023', join(FUNCTIONS, 'provided-sh'), 'function.handler'),
      fn('noBootstrap', 'provided.al2', join(FUNCTIONS, 'node'), 'x'),
      fn('notExecutable', 'provided.al2023', notExecutable, 'x'),
    ]);
  });
  after(() => h.stop());

  test('a bootstrap executable runs as is and talks to the Runtime API', async () => {
    const result = await h.invoke('shell', { n: 1 }, tail);
    assert.deepEqual(result.json(), { shell: true, event: { n: 1 } });
    assert.match(
      result.log,
      new RegExp(`handling ${result.headers.get('x-amzn-requestid') ?? ''} with handler function\\.handler`),
    );
    const env = await h.invoke('shell', { n: 2 });
    assert.deepEqual(env.json(), { shell: true, event: { n: 2 } }, 'warm reuse');
  });

  test('a missing bootstrap is Runtime.InvalidEntrypoint', async () => {
    const error = (await h.invoke('noBootstrap')).json<LambdaError>();
    assert.equal(error.errorType, 'Runtime.InvalidEntrypoint');
    assert.match(error.errorMessage, /^Couldn't find valid bootstrap\(s\): \[.*\/bootstrap\]/);
  });

  test('a bootstrap that is not executable is Runtime.InvalidEntrypoint with the reason', async () => {
    const error = (await h.invoke('notExecutable')).json<LambdaError>();
    assert.equal(error.errorType, 'Runtime.InvalidEntrypoint');
    assert.match(error.errorMessage, /permission denied/);
  });
});

describe('stopping', () => {
  test('no process survives the emulator, not even a detached child of a handler', async () => {
    const h = await startEmulator([
      node('orphan', 'handlers.spawnsOrphan'),
      node('counter', 'handlers.counter'),
      node('slow', 'handlers.slowPid'),
    ]);
    const orphan = (await h.invoke('orphan')).json<number>();
    const environment = (await h.invoke('counter')).json<{ pid: number }>().pid;
    assert.ok(isAlive(orphan) && isAlive(environment));
    const inFlight = h.invoke('slow', { ms: 5000 });
    await sleep(200);
    await h.stop();
    const interrupted = await inFlight;
    assert.equal(interrupted.headers.get('x-amz-function-error'), 'Unhandled', 'the call in flight is answered');
    assert.equal(interrupted.json<LambdaError>().errorType, 'Runtime.ExitError');
    await sleep(100);
    assert.equal(isAlive(orphan), false, 'the detached child was killed');
    assert.equal(isAlive(environment), false, 'the environment was killed');
  });
});
