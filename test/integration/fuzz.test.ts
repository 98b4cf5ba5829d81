// A seeded fuzz of what users and callers send: mutated templates through `lambda-workbench invoke`
// and `serve`, and malformed requests to the Invoke API. It fails on a crash, a hang, a process
// left behind, a message that does not say what is wrong, or a 5xx for the caller's mistake.
// Every run prints its seed; FUZZ_SEED=<seed> replays it, FUZZ_BUDGET_MS sets its length.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { isRunning, markedProcesses, markerOwner } from '../../src/core/emulator/processes';
import { FUNCTIONS, fn, node, sleep, startEmulator } from './emulator-harness';
import { rawRequest } from './http-request';

const root = resolve(__dirname, '../..');
const cli = join(root, 'dist/cli.js');
const app = join(root, 'test/fixtures/templates/app');
const seed = Number(process.env['FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const budgetMs = Number(process.env['FUZZ_BUDGET_MS'] ?? 45_000);
const scratch = mkdtempSync(join(tmpdir(), 'lwb-fuzz-'));
after(() => {
  rmSync(scratch, { recursive: true, force: true });
});
console.log(`fuzz seed: ${seed} (replay with FUZZ_SEED=${seed} npm test -- --tiers integration)`);

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function random(start: number): () => number {
  let state = start >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Fuzzer {
  readonly next: () => number;
  constructor(start: number) {
    this.next = random(start);
  }
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

// ---- templates --------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A SAM project as real ones are: parameters, conditions, Globals, a Node.js and a Python function. */
function baseTemplate(): { [key: string]: Json } {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Transform: 'AWS::Serverless-2016-10-31',
    Parameters: { Stage: { Type: 'String', Default: 'dev' }, Memory: { Type: 'Number', Default: 256 } },
    Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] } },
    Globals: { Function: { Timeout: 5, MemorySize: { Ref: 'Memory' }, Environment: { Variables: { STAGE: { Ref: 'Stage' } } } } },
    Resources: {
      NodeFunction: {
        Type: 'AWS::Serverless::Function',
        Properties: {
          CodeUri: join(app, 'node-src'),
          Handler: 'app.handler',
          Runtime: 'nodejs20.x',
          FunctionName: { 'Fn::Sub': '${Stage}-node' },
          Timeout: { 'Fn::If': ['IsProd', 10, 5] },
          Environment: { Variables: { TABLE: { 'Fn::Sub': '${Stage}-orders' } } },
        },
      },
      PyFunction: {
        Type: 'AWS::Serverless::Function',
        Properties: { CodeUri: join(app, 'py-src'), Handler: 'app.handler', Runtime: 'python3.11' },
      },
    },
  };
}

const NASTY_VALUES: Json[] = [
  null,
  '',
  'abc',
  -1,
  0,
  1e300,
  3.5,
  true,
  [],
  {},
  'x'.repeat(140_000),
  'nul\u0000byte',
  'é👍\u2028',
  { Ref: [] },
  { Ref: 'Nope' },
  { 'Fn::Sub': 123 },
  { 'Fn::If': ['Nope', 1] },
  { 'Fn::If': 'IsProd' },
  { 'Fn::Join': 5 },
  { 'Fn::Select': ['x', 'y'] },
  { 'Fn::GetAtt': ['Missing', 'Arn'] },
  { Condition: 'IsProd' },
  '${Stage}',
];

function deep(levels: number): Json {
  let value: Json = 'bottom';
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

/** JSON text of `levels` nested arrays, built without recursion. */
function nested(levels: number): string {
  return `${'['.repeat(levels)}"bottom"${']'.repeat(levels)}`;
}

/** Every path to a value inside `value`. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const found: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((item, i) => found.push(...paths(item, [...prefix, i])));
  else if (value !== null && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) found.push(...paths(item, [...prefix, key]));
  return found;
}

/** Sets (or, with undefined, removes) the value at `path`; a path an earlier mutation broke is left alone. */
function setAt(target: Json, path: (string | number)[], value: Json | undefined): void {
  let current = target as Record<string | number, Json>;
  for (const step of path.slice(0, -1)) {
    const inner = current[step];
    if (inner === null || typeof inner !== 'object') return;
    current = inner as Record<string | number, Json>;
  }
  const last = path[path.length - 1];
  if (last === undefined) return;
  if (value === undefined) {
    if (Array.isArray(current)) current.splice(Number(last), 1);
    else Reflect.deleteProperty(current, last);
  } else {
    current[last] = value;
  }
}

function mutateTemplate(f: Fuzzer): string {
  const template = baseTemplate();
  for (let round = 1 + f.int(3); round > 0; round--) {
    const at = f.pick(paths(template).filter((p) => p.length > 0));
    const kind = f.int(6);
    if (kind === 0) setAt(template, at, undefined);
    else if (kind === 1) setAt(template, at, f.pick(NASTY_VALUES));
    else if (kind === 2) setAt(template, at, deep(50 + f.int(400)));
    else if (kind === 3) {
      // A condition that refers to itself, directly or through another.
      const conditions: { [key: string]: Json } = {};
      template['Conditions'] = conditions;
      conditions['Loop'] = f.chance(0.5) ? { 'Fn::Not': [{ Condition: 'Loop' }] } : { Condition: 'Other' };
      conditions['Other'] = { 'Fn::And': [{ Condition: 'Loop' }, { 'Fn::Equals': [1, 1] }] };
      setAt(template, ['Resources', 'NodeFunction', 'Properties', 'Runtime'], { 'Fn::If': ['Loop', 'nodejs20.x', 'nodejs22.x'] });
    } else if (kind === 4) setAt(template, at, `${f.pick(['nodejs', 'python', 'provided', 'java'])}${f.int(40)}.x`);
    else setAt(template, at, { 'Fn::Sub': `\${${f.pick(['Stage', 'AWS::Region', 'Nope', 'NodeFunction.Arn', '!Literal'])}}` });
  }
  let text = stringify(template, { aliasDuplicateObjects: false });
  // Now and then, damage the text itself: what a half-saved file or a bad merge leaves.
  if (f.chance(0.25)) {
    const at = f.int(text.length);
    const damage = f.pick(['', '[', ']', ':', '\t', '"', '{', '- ', '!Ref', '&a', '*a', '\n  x: y\n', '\u0000']);
    text = text.slice(0, at) + damage + text.slice(at + (f.chance(0.5) ? 1 : 0));
  }
  return text;
}

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/** Runs the CLI; a run that does not end in `limitMs` is killed (with its group) and reported as a hang. */
function runCli(args: string[], input: string, limitMs = 30_000): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: scratch, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.on('error', () => {});
    child.stdin.end(input);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-(child.pid ?? process.pid), 'SIGKILL');
    }, limitMs);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** What a refusal must look like: one line from the CLI that says what is wrong, no stack trace, no crash. */
function checkMessage(run: Run, context: string): void {
  assert.equal(run.timedOut, false, `${context}: it hung`);
  assert.equal(run.signal, null, `${context}: it died of ${String(run.signal)}`);
  assert.doesNotMatch(
    run.stderr,
    /unexpected error|Maximum call stack|RangeError|\n\s+at \S+ \(node:internal/,
    `${context}:\n${run.stderr.slice(-3000)}`,
  );
  if (run.code !== 0 && run.stdout === '') {
    assert.match(
      run.stderr,
      /^lambda-workbench: \S.*[.:]$/m,
      `${context}: a refusal says what is wrong:\n${run.stderr.slice(-3000)}`,
    );
  }
}

/** Processes whose owning emulator has ended: left behind. */
async function noOrphans(context: string): Promise<void> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const orphans = markedProcesses().filter(({ marker }) => {
      const owner = markerOwner(marker);
      return owner !== undefined && !isRunning(owner);
    });
    if (orphans.length === 0) return;
    if (Date.now() > deadline) {
      assert.fail(`${context}: processes left behind: ${orphans.map((o) => `${o.process.pid} (${o.marker})`).join(', ')}`);
    }
    await sleep(100);
  }
}

describe(`fuzz (seed ${seed})`, () => {
  test('mutated templates through invoke: a result or a clear refusal, never a crash, hang or orphan', async () => {
    const f = new Fuzzer(seed);
    const started = Date.now();
    let runs = 0;
    while (Date.now() - started < budgetMs * 0.45) {
      const text = mutateTemplate(f);
      const file = join(scratch, `invoke-${runs}.yaml`);
      writeFileSync(file, text);
      const name = f.pick(['NodeFunction', 'PyFunction', 'dev-node', 'Nope']);
      const event = f.pick(['{}', '{"a":1}', '{not json', '', '[[[[[[[[[[[[[[[[[[[[', '"x"']);
      const run = await runCli(['invoke', name, '--template', file, '--event', '-'], event);
      checkMessage(
        run,
        `run ${runs} (invoke ${name}, event ${JSON.stringify(event)}, template ${file}):\n${text.slice(0, 2000)}`,
      );
      if (run.code === 0) assert.doesNotThrow(() => JSON.parse(run.stdout) as unknown, run.stdout);
      runs++;
    }
    await noOrphans('after invoke runs');
    assert.ok(runs >= 10, `only ${runs} runs in the budget`);
    console.log(`fuzz: ${runs} mutated templates through invoke`);
  });

  test('mutated templates through serve: it serves or refuses clearly, answers no 5xx, and stops cleanly', async () => {
    const f = new Fuzzer(seed + 1);
    const started = Date.now();
    let runs = 0;
    while (Date.now() - started < budgetMs * 0.3) {
      const text = mutateTemplate(f);
      const file = join(scratch, `serve-${runs}.yaml`);
      writeFileSync(file, text);
      const context = `serve run ${runs} (${file}):\n${text.slice(0, 2000)}`;
      const child = spawn(process.execPath, [cli, 'serve', '--template', file, '--port', '0'], {
        cwd: scratch,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.resume();
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
        child.once('exit', (code, signal) => done({ code, signal })),
      );
      let url: string | undefined;
      for (let i = 0; i < 400 && url === undefined && child.exitCode === null; i++) {
        url = /serving \d+ function\(s\) on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1];
        if (url === undefined) await sleep(50);
      }
      if (url === undefined) {
        const exit = await Promise.race([exited, sleep(10_000).then(() => undefined)]);
        if (exit === undefined) process.kill(-(child.pid ?? process.pid), 'SIGKILL');
        checkMessage({ ...(exit ?? { code: null, signal: null }), stdout: '', stderr, timedOut: exit === undefined }, context);
        assert.notEqual(exit?.code, 0, context);
      } else {
        for (const name of ['NodeFunction', 'PyFunction', 'dev-node', 'Nope', '%zz']) {
          const response = await fetch(`${url}/2015-03-31/functions/${name}/invocations`, { method: 'POST', body: '{}' });
          const body = await response.text();
          assert.ok(response.status < 500, `${context}\n${name}: ${response.status} ${body}`);
        }
        process.kill(-(child.pid ?? process.pid), 'SIGTERM');
        const exit = await Promise.race([exited, sleep(10_000).then(() => undefined)]);
        if (exit === undefined) process.kill(-(child.pid ?? process.pid), 'SIGKILL');
        assert.deepEqual(exit, { code: 0, signal: null }, `${context}\nserve did not stop cleanly:\n${stderr.slice(-2000)}`);
        assert.doesNotMatch(stderr, /unexpected error|RangeError/, context);
      }
      runs++;
    }
    await noOrphans('after serve runs');
    assert.ok(runs >= 3, `only ${runs} runs in the budget`);
    console.log(`fuzz: ${runs} mutated templates through serve`);
  });

  test('malformed requests to the Invoke API: a 4xx (or the function error), never a 5xx, and it keeps serving', async () => {
    const f = new Fuzzer(seed + 2);
    const h = await startEmulator([
      node('echo', 'handlers.echo'),
      fn('py', 'python3.11', join(FUNCTIONS, 'python'), 'handlers.echo'),
    ]);
    const port = h.server.port;
    const started = Date.now();
    let requests = 0;
    try {
      while (Date.now() - started < budgetMs * 0.2) {
        const name = f.pick([
          'echo',
          'py',
          '%zz',
          '%',
          'a'.repeat(f.int(300)),
          'echo:$LATEST',
          'echo:1',
          'arn:aws:lambda:us-east-1:123456789012:function:echo',
          '..',
          '%2F',
          'é',
          '',
        ]);
        const path = f.pick([
          `/2015-03-31/functions/${name}/invocations`,
          `/2015-03-31/functions/${name}/invocations?Qualifier=${f.pick(['$LATEST', '1', '%zz', ''])}`,
          `/2021-11-15/functions/${name}/response-streaming-invocations`,
          '//',
          '/',
          `/${'x/'.repeat(f.int(50))}`,
          '/2015-03-31/functions//invocations',
        ]);
        const body = f.pick([
          '{}',
          '',
          '{"a":',
          'null',
          '[1,2',
          nested(f.int(5000)),
          '['.repeat(f.int(100_000)),
          Buffer.from(Array.from({ length: f.int(200) }, () => f.int(256))).toString('latin1'),
          f.chance(0.05) ? 'x'.repeat(7 * 1024 * 1024) : '"small"',
        ]);
        const headers: Record<string, string> = {};
        if (f.chance(0.5)) headers['X-Amz-Invocation-Type'] = f.pick(['RequestResponse', 'Event', 'DryRun', 'Sometimes', '']);
        if (f.chance(0.3)) headers['X-Amz-Log-Type'] = f.pick(['Tail', 'None', 'Everything']);
        if (f.chance(0.3))
          headers['X-Amz-Client-Context'] = f.pick([
            'e30=',
            'not base64!',
            Buffer.from('[1]').toString('base64'),
            'x'.repeat(6000),
          ]);
        if (f.chance(0.3)) headers['Content-Type'] = f.pick(['application/json', 'text/plain', 'application/octet-stream']);
        const method = f.pick(['POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH']);
        const answer = await rawRequest({ port, method, path, headers, body });
        assert.ok(
          answer.status < 500,
          `${method} ${path.slice(0, 200)} ${JSON.stringify(headers)} body ${body.slice(0, 100)}: ${answer.status} ${answer.text.slice(0, 500)}`,
        );
        requests++;
      }
      // Requests no HTTP client would send: the server's parser answers them, and keeps serving others.
      for (const garbage of [
        'GARBAGE\r\n\r\n',
        'POST /x HTTP/1.1\r\nContent-Length: -5\r\n\r\n',
        'GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n',
      ]) {
        await new Promise<void>((done) => {
          const socket = connect(port, '127.0.0.1', () => socket.end(garbage));
          socket.on('data', () => {});
          socket.on('close', () => done());
          socket.on('error', () => done());
        });
      }
      const alive = await rawRequest({ port, path: '/' });
      assert.equal(alive.status, 200);
      // A Python runtime given an event nested deeper than it can read says so, as Lambda's does.
      const tooDeep = await h.invoke('py', undefined, { raw: nested(1500) });
      assert.equal(tooDeep.status, 200);
      assert.equal(tooDeep.headers.get('x-amz-function-error'), 'Unhandled');
      assert.equal(tooDeep.json<{ errorType: string }>().errorType, 'Runtime.UnmarshalError');
    } finally {
      await h.stop();
    }
    console.log(`fuzz: ${requests} malformed requests`);
  });
});
