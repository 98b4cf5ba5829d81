// Nothing an environment started outlives it: not a process that left its session or dropped its
// variables, not a frozen runtime, whatever ended the environment (a stop, an idle reap, SIGTERM
// or SIGINT to serve, its standard input closing, or serve killed outright with SIGKILL, when the
// watchdog ends them). Runs real runtimes under dist/cli.js as users run it.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { markedProcesses, processTable, readProcess, type ProcessId, type ProcessInfo } from '../../src/core/emulator/processes';
import { Environment } from '../../src/core/emulator/environment';
import { PythonFinder } from '../../src/core/emulator/launch';
import { FUNCTIONS, RUNTIME_DIR, fn, sleep, startEmulator } from './emulator-harness';

const root = resolve(__dirname, '../..');
const cli = join(root, 'dist/cli.js');
const nodeRic = join(root, '.cache/ric-node/node_modules/aws-lambda-ric/bin/index.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'lwb-processes-'));
after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const escapes = (name: string, handler: string, extra = {}) =>
  fn(name, 'nodejs20.x', join(FUNCTIONS, 'node-processes'), handler, extra);

type Escaped = { runtime: number; detached: number; cleared: number; job: number; daemon: number };

/** The processes by pid and start time, so a pid the system reuses later is not mistaken for one of them. */
function identify(pids: number[]): ProcessId[] {
  return pids.map((pid) => {
    const info = readProcess(pid);
    assert.ok(info !== undefined && info.state !== 'Z', `process ${pid} runs`);
    return { pid, startTime: info.startTime };
  });
}

function processTableOf(accept: (info: ProcessInfo) => boolean): ProcessId[] {
  return [...processTable().values()].filter(accept).map(({ pid, startTime }) => ({ pid, startTime }));
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

function alive(ids: readonly ProcessId[]): ProcessId[] {
  return ids.filter((id) => {
    const info = readProcess(id.pid);
    return info !== undefined && info.startTime === id.startTime && info.state !== 'Z';
  });
}

/** Waits until none of `ids` runs; returns how long that took, or fails naming the survivors. */
async function allGone(ids: readonly ProcessId[], withinMs: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < withinMs) {
    if (alive(ids).length === 0) return performance.now() - started;
    await sleep(20);
  }
  const left = alive(ids).map((id) => `${id.pid} (${readProcess(id.pid)?.state ?? '?'})`);
  assert.fail(`still running after ${withinMs} ms: ${left.join(', ')}`);
}

describe('leftovers of an emulator that died with its watchdog', () => {
  test('are ended by the next emulator, when its watchdog starts', async () => {
    // An emulator that has ended: a process that ran, named by pid and start time.
    const gone = spawn('sleep', ['0.2']);
    const owner = readProcess(gone.pid ?? 0);
    assert.ok(owner !== undefined);
    await new Promise((done) => gone.once('exit', done));
    // What it left: a runtime with its marker, in a session of its own, and one of someone else's.
    const marker = `_LAMBDA_WORKBENCH_ENVIRONMENT=dead-emulator/environment/${owner.pid}-${owner.startTime}`;
    const leftover = spawn('sleep', ['300'], {
      detached: true,
      stdio: 'ignore',
      env: { PATH: process.env['PATH'] ?? '', [marker.split('=')[0] ?? '']: marker.split('=')[1] ?? '' },
    });
    const unrelated = spawn('sleep', ['301'], { detached: true, stdio: 'ignore' });
    const [left, other] = identify([leftover.pid ?? 0, unrelated.pid ?? 0]);
    assert.ok(left !== undefined && other !== undefined);
    try {
      const h = await startEmulator([escapes('pid', 'escapes.pid')]);
      try {
        await h.invoke('pid');
        await allGone([left], 3000);
        assert.equal(alive([other]).length, 1, 'a process that is not an environment of a dead emulator is left alone');
      } finally {
        await h.stop();
      }
    } finally {
      unrelated.kill('SIGKILL');
      leftover.kill('SIGKILL');
    }
  });
});

describe('processes a handler starts end with their environment', () => {
  test('a stop ends detached children, ones with no variables of ours, background jobs and daemons', async () => {
    const h = await startEmulator([escapes('escape', 'escapes.escape')]);
    let escaped: Escaped;
    try {
      escaped = (await h.invoke('escape')).json<Escaped>();
    } catch (error) {
      await h.stop();
      throw error;
    }
    const ids = identify(Object.values(escaped));
    await h.stop();
    await allGone(ids, 2000);
  });

  test('an idle reap ends them too, frozen or not', async () => {
    const h = await startEmulator([escapes('escape', 'escapes.escape')], { idleTimeoutMs: 600 });
    try {
      const ids = identify(Object.values((await h.invoke('escape')).json<Escaped>()));
      // Frozen 20 ms after the answer, reaped after 600 ms idle.
      await sleep(100);
      assert.equal(readProcess(ids[0]?.pid ?? 0)?.state, 'T', 'the runtime is frozen while idle');
      await allGone(ids, 3000);
    } finally {
      await h.stop();
    }
  });
});

/** A template of about ten functions as real projects mix them: Node.js CJS and ESM, Python, a timeout, a crash, the official runtime client. */
function writeTemplate(): string {
  const official = join(scratch, 'official');
  cpSync(join(FUNCTIONS, 'node'), official, { recursive: true });
  writeFileSync(join(official, 'bootstrap'), `#!/bin/sh\nexec "${process.execPath}" "${nodeRic}" "$_HANDLER"\n`);
  chmodSync(join(official, 'bootstrap'), 0o755);
  const template = join(scratch, 'template.yaml');
  const functions: Record<string, { CodeUri: string; Handler: string; Runtime: string; Timeout?: number }> = {
    Escape: { CodeUri: join(FUNCTIONS, 'node-processes'), Handler: 'escapes.escape', Runtime: 'nodejs20.x' },
    Busy: { CodeUri: join(FUNCTIONS, 'node-processes'), Handler: 'escapes.sleep', Runtime: 'nodejs20.x', Timeout: 30 },
    Idle: { CodeUri: join(FUNCTIONS, 'node-processes'), Handler: 'escapes.pid', Runtime: 'nodejs20.x' },
    Esm: { CodeUri: join(FUNCTIONS, 'node/esm'), Handler: 'handler.handler', Runtime: 'nodejs20.x' },
    Cjs: { CodeUri: join(FUNCTIONS, 'node/cjs'), Handler: 'app.handler', Runtime: 'nodejs20.x' },
    Python: { CodeUri: join(FUNCTIONS, 'python'), Handler: 'handlers.echo', Runtime: 'python3.11' },
    PythonBusy: { CodeUri: join(FUNCTIONS, 'python'), Handler: 'handlers.sleep', Runtime: 'python3.11', Timeout: 30 },
    Timeout: { CodeUri: join(FUNCTIONS, 'node'), Handler: 'handlers.busyLoop', Runtime: 'nodejs20.x', Timeout: 1 },
    Crash: { CodeUri: join(FUNCTIONS, 'node'), Handler: 'handlers.exits', Runtime: 'nodejs20.x' },
    Official: { CodeUri: official, Handler: 'handlers.echo', Runtime: 'provided.al2023' },
  };
  const resources = Object.entries(functions)
    .map(
      ([id, p]) =>
        `  ${id}:\n    Type: AWS::Serverless::Function\n    Properties:\n` +
        Object.entries(p)
          .map(([key, value]) => `      ${key}: ${typeof value === 'string' ? JSON.stringify(value) : value}\n`)
          .join(''),
    )
    .join('');
  writeFileSync(template, `Transform: AWS::Serverless-2016-10-31\nResources:\n${resources}`);
  return template;
}

interface Served {
  readonly url: string;
  readonly instanceId: string;
  /** serve's pid, which is also its process group's id. */
  readonly pid: number;
  readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function serve(template: string, extra: string[] = []): Promise<Served> {
  const instanceId = `processes-test-${Date.now()}-${Math.random().toString(16).slice(2)}`;
  const child = spawn(
    process.execPath,
    [cli, 'serve', '--template', template, '--port', '0', '--instance-id', instanceId, ...extra],
    { detached: true, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.resume();
  for (let i = 0; i < 600; i++) {
    const match = /serving \d+ function\(s\) on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
    if (match?.[1] !== undefined && child.pid !== undefined) return { url: match[1], instanceId, pid: child.pid, child, exited };
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`serve did not start:\n${stderr}`);
}

async function invoke(url: string, name: string, event: unknown = {}): Promise<unknown> {
  const response = await fetch(`${url}/2015-03-31/functions/${name}/invocations`, {
    method: 'POST',
    body: JSON.stringify(event),
  });
  return response.json();
}

/**
 * Runs every function of the template, leaves some environments frozen and two busy, and returns
 * every process of the emulator's environments (by their marker) and those the Escape handler started.
 */
async function load(served: Served): Promise<ProcessId[]> {
  const escaped = (await invoke(served.url, 'Escape')) as Escaped;
  await Promise.all(
    ['Idle', 'Esm', 'Cjs', 'Python', 'Timeout', 'Crash', 'Official'].map((name) => invoke(served.url, name, { n: 1 })),
  );
  // Two invocations are still running when the emulator goes; the others' environments are frozen by then.
  void invoke(served.url, 'Busy', { ms: 20_000 }).catch(() => {});
  void invoke(served.url, 'PythonBusy', { ms: 20_000 }).catch(() => {});
  await sleep(500);
  const marked = markedProcesses()
    .filter(({ marker }) => marker.startsWith(`${served.instanceId}/`))
    .map(({ process: info }) => info.pid);
  const ids = identify([...new Set([...marked, ...Object.values(escaped)])]);
  const frozen = ids.filter((id) => readProcess(id.pid)?.state === 'T');
  assert.ok(marked.length >= 9, `environments of the emulator: ${marked.length}`);
  assert.ok(frozen.length >= 5, `frozen processes: ${frozen.length}`);
  return ids;
}

describe(
  'serve ends every process of every environment, whatever ends it',
  { skip: !existsSync(nodeRic) && 'needs npm run setup' },
  () => {
    const template = writeTemplate();

    test('SIGKILL of serve under load: the watchdog ends them all within 2 s', async () => {
      const served = await serve(template);
      const ids = await load(served);
      const watchdogs = processTableOf((info) => info.ppid === served.pid && commandLine(info.pid).includes('watchdog.js'));
      assert.equal(watchdogs.length, 1, 'one watchdog runs beside serve');
      process.kill(-served.pid, 'SIGKILL');
      await served.exited;
      // The watchdog is in a session of its own, so the group's SIGKILL does not reach it; it ends
      // the environments, then itself.
      await allGone([...ids, ...watchdogs], 2000);
    });

    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      test(`${signal} to serve's process group ends them all, frozen ones included, and serve exits 0`, async () => {
        const served = await serve(template);
        const ids = await load(served);
        process.kill(-served.pid, signal);
        assert.deepEqual(await served.exited, { code: 0, signal: null });
        await allGone(ids, 2000);
      });
    }

    test('standard input closing (the parent gone) ends them all', async () => {
      const served = await serve(template, ['--exit-with-parent']);
      const ids = await load(served);
      served.child.stdin.end();
      assert.deepEqual(await served.exited, { code: 0, signal: null });
      await allGone(ids, 2000);
    });
  },
);

describe('a runtime whose Runtime API is gone ends, without spinning', () => {
  const runtimes = [
    ['Node.js', process.execPath, [join(root, 'src/core/emulator/runtimes/node/bootstrap.cjs')]],
    ['Python', 'python3', ['-u', join(root, 'src/core/emulator/runtimes/python/bootstrap.py')]],
  ] as const;
  for (const [name, command, args] of runtimes) {
    test(`${name}: the Runtime API closes while the runtime waits for its next event`, async () => {
      // A Runtime API that takes the runtime's request for its next event, then goes away.
      const server = createServer((req) => {
        if (req.url?.endsWith('/invocation/next')) {
          server.close();
          req.socket.destroy();
        }
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      const port = (server.address() as { port: number }).port;
      const runtime = spawn(command, [...args], {
        cwd: join(FUNCTIONS, name === 'Python' ? 'python' : 'node'),
        env: {
          PATH: process.env['PATH'] ?? '',
          AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${port}`,
          _HANDLER: 'handlers.echo',
          LAMBDA_TASK_ROOT: join(FUNCTIONS, name === 'Python' ? 'python' : 'node'),
          AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
        },
        stdio: 'ignore',
      });
      const exited = new Promise<number | null>((done) => runtime.once('exit', (code) => done(code)));
      const started = performance.now();
      const timer = setTimeout(() => runtime.kill('SIGKILL'), 5000);
      const code = await exited;
      clearTimeout(timer);
      assert.equal(code, 1, `${name} ended by itself`);
      assert.ok(performance.now() - started < 3000);
    });
  }
});

describe('a runtime the system refuses to start', () => {
  test('fails its invocation with the reason, and leaves no endpoint, file or process open', async () => {
    // What the process has open, by kind (a socket, a file...); Node's own inotify instance, made on
    // the first watch of any file and kept for the life of the process, is not the environment's.
    const openFiles = () =>
      readdirSync('/proc/self/fd')
        .map((fd) => {
          try {
            return readlinkSync(`/proc/self/fd/${fd}`).replace(/\d+/g, '#');
          } catch {
            return 'closed meanwhile';
          }
        })
        .filter((target) => !target.includes('inotify') && target !== 'closed meanwhile')
        .sort();
    watch(__filename, { persistent: false }).close();
    const before = openFiles();
    const records: string[] = [];
    // Past the emulator's own checks (which refuse this at the Invoke API): spawn itself refuses a NUL.
    const environment = await Environment.start({
      config: { ...escapes('refused', 'escapes.pid'), environment: { BAD: 'a\u0000b' } },
      tools: {
        nodePath: process.execPath,
        python: new PythonFinder(process.env['PATH'] ?? ''),
        runtimeDir: RUNTIME_DIR,
        path: process.env['PATH'] ?? '',
      },
      region: 'us-east-1',
      freeze: true,
      emulatorId: 'refused-test',
      onLog: (record) => records.push(record.message),
      onGone: () => {},
    });
    const outcome = await environment.invoke({
      requestId: 'r-1',
      payload: Buffer.from('{}'),
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:refused',
      traceId: 'Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0',
    });
    assert.equal(outcome.errorType, 'Runtime.InvalidEntrypoint');
    assert.match(
      (JSON.parse(outcome.payload.toString()) as { errorMessage: string }).errorMessage,
      /^Could not start refused's runtime \(\S+\): .*must be a string without null bytes.*\. Check the function's configuration\.$/,
    );
    assert.ok(records.some((line) => line.startsWith('Runtime.InvalidEntrypoint: Could not start refused')));
    await environment.stop();
    assert.deepEqual(openFiles(), before, 'the Runtime API endpoint and every file it opened are closed');
  });
});
