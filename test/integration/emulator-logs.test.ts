// Every line a handler writes reaches its own invocation's log, in order, before END: however much
// it writes (50 MB from Node.js), on stdout or stderr, from our runtimes and from AWS's official
// runtime clients (Node.js, Python, Java, whose log() ends without a newline), through the Invoke
// API and through `lambda-workbench invoke`.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LogRecord } from '../../src/core/logs/record';
import type { Runtime } from '../../src/core/runtimes';
import { FUNCTIONS, fn, startEmulator, type Harness } from './emulator-harness';

const root = resolve(__dirname, '../..');
const chatty = join(FUNCTIONS, 'chatty');
const nodeRic = join(root, '.cache/ric-node/node_modules/aws-lambda-ric/bin/index.mjs');
const venvPython = join(root, '.cache/venv/bin/python');
const javaRic = join(root, '.cache/java-ric');
const scratch = mkdtempSync(join(tmpdir(), 'lwb-logs-'));
after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** A copy of the chatty fixture whose `bootstrap` starts an official runtime client on `$_HANDLER`. */
function official(name: string, command: string): string {
  const dir = join(scratch, name);
  cpSync(chatty, dir, { recursive: true });
  writeFileSync(join(dir, 'bootstrap'), `#!/bin/sh\nexec ${command} "$_HANDLER"\n`);
  chmodSync(join(dir, 'bootstrap'), 0o755);
  return dir;
}

function javaFunction(): string {
  const dir = official(
    'java',
    `java -XX:TieredStopAtLevel=1 -cp "${join(scratch, 'java', 'classes')}:${javaRic}/*" com.amazonaws.services.lambda.runtime.api.client.AWSLambda`,
  );
  execFileSync('javac', ['-cp', `${javaRic}/*`, '-d', join(dir, 'classes'), join(chatty, 'java/example/Chatty.java')]);
  return dir;
}

interface Case {
  readonly name: string;
  readonly runtime: Runtime;
  readonly handler: string;
  readonly dir: () => string;
  readonly needs?: string;
  /** How many numbered lines the big invocation writes, and how wide. */
  readonly lines: number;
  readonly width: number;
  /** What the handler writes after its numbered lines, as the log shows it. */
  readonly after: readonly RegExp[];
}

const cases: Case[] = [
  {
    name: 'ours-node',
    runtime: 'nodejs20.x',
    handler: 'chatty.handler',
    dir: () => chatty,
    // 51,200 lines of about 1 KB: 50 MB.
    lines: 51_200,
    width: 1000,
    after: [/^raw stdout after 51200$/, /^raw stderr after 51200$/],
  },
  {
    name: 'ours-python',
    runtime: 'python3.11',
    handler: 'chatty.handler',
    dir: () => chatty,
    lines: 20_000,
    width: 100,
    after: [/^raw stderr after 20000$/, /^\[INFO\]\t\S+\t\S+\tlogged after 20000$/],
  },
  {
    name: 'official-node',
    runtime: 'provided.al2023',
    handler: 'chatty.handler',
    dir: () => official('node', `"${process.execPath}" "${nodeRic}"`),
    needs: nodeRic,
    lines: 20_000,
    width: 100,
    after: [/^raw stdout after 20000$/, /^raw stderr after 20000$/],
  },
  {
    name: 'official-python',
    runtime: 'provided.al2023',
    handler: 'chatty.handler',
    dir: () => official('python', `"${venvPython}" -m awslambdaric`),
    needs: venvPython,
    lines: 20_000,
    width: 100,
    after: [/^raw stderr after 20000$/, /^\[INFO\]\t\S+\t\S+\tlogged after 20000$/],
  },
  {
    name: 'official-java',
    runtime: 'provided.al2023',
    handler: 'example.Chatty::handleRequest',
    dir: javaFunction,
    needs: javaRic,
    lines: 20_000,
    width: 10,
    // Its log() writes no newline: the line still shows, at END.
    after: [/^logged after 20000 without a newline$/],
  },
];

/** The function's records of one invocation, from START to REPORT, as the emulator wrote them. */
function invocationRecords(records: readonly LogRecord[], requestId: string): LogRecord[] {
  const start = records.findIndex((r) => r.message.startsWith(`START RequestId: ${requestId}`));
  const end = records.findIndex((r) => r.message.startsWith(`END RequestId: ${requestId}`));
  assert.ok(start >= 0 && end > start, `START and END of ${requestId}`);
  return records.slice(start + 1, end);
}

const NUMBERED = /\bline (\d+) x+$/;

describe('every line a handler writes is in its own invocation, in order, before END', () => {
  let h: Harness;
  const present = cases.filter((c) => c.needs === undefined || existsSync(c.needs));
  before(async () => {
    h = await startEmulator(
      present.map((c) => fn(c.name, c.runtime, c.dir(), c.handler, { timeoutSeconds: 120, memoryMB: 1024 })),
    );
  });
  after(async () => {
    await h.stop();
  });

  for (const c of cases) {
    test(
      c.name,
      { skip: c.needs !== undefined && !existsSync(c.needs) && `${c.needs} is missing; run npm run setup` },
      async () => {
        const big = await h.invoke(c.name, { lines: c.lines, width: c.width });
        assert.equal(big.text, String(c.lines), big.text);
        const requestId = big.headers.get('x-amzn-requestid') ?? '';
        const own = invocationRecords(h.records, requestId);
        assert.ok(own.every((r) => r.requestId === requestId));
        const numbers = own.flatMap((r) => {
          const match = NUMBERED.exec(r.message);
          return match?.[1] === undefined ? [] : [Number(match[1])];
        });
        assert.equal(numbers.length, c.lines, 'every numbered line');
        assert.ok(
          numbers.every((n, i) => n === i),
          'in order',
        );
        const tail = own.filter((r) => !NUMBERED.test(r.message)).map((r) => r.message);
        for (const expected of c.after)
          assert.ok(
            tail.some((line) => expected.test(line)),
            `${String(expected)} in ${JSON.stringify(tail)}`,
          );

        // The next invocation's log holds its own lines only: nothing of the first arrives late.
        const small = await h.invoke(c.name, { lines: 3, width: c.width });
        const next = invocationRecords(h.records, small.headers.get('x-amzn-requestid') ?? '');
        assert.deepEqual(
          next.flatMap((r) => {
            const match = NUMBERED.exec(r.message);
            return match?.[1] === undefined ? [] : [Number(match[1])];
          }),
          [0, 1, 2],
        );
        assert.ok(next.every((r) => !r.message.includes(`after ${c.lines}`)));
      },
    );
  }
});

describe('lambda-workbench invoke prints every line of a 50 MB log', () => {
  test('51,200 lines of a Node.js handler, in order, between START and END', () => {
    const template = join(scratch, 'template.yaml');
    writeFileSync(
      template,
      `Transform: AWS::Serverless-2016-10-31\nResources:\n  Chatty:\n    Type: AWS::Serverless::Function\n` +
        `    Properties:\n      CodeUri: ${JSON.stringify(chatty)}\n      Handler: chatty.handler\n      Runtime: nodejs20.x\n` +
        `      Timeout: 120\n      MemorySize: 1024\n`,
    );
    const result = spawnSync(
      process.execPath,
      [join(root, 'dist/cli.js'), 'invoke', 'Chatty', '--template', template, '--event', '-'],
      { input: JSON.stringify({ lines: 51_200, width: 1000 }), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 120_000 },
    );
    assert.equal(result.status, 0, result.stderr.slice(-2000));
    assert.equal(result.stdout, '51200\n');
    const lines = result.stderr.split('\n');
    const start = lines.findIndex((line) => line.startsWith('START RequestId: '));
    const end = lines.findIndex((line) => line.startsWith('END RequestId: '));
    const numbers = lines.slice(start + 1, end).flatMap((line) => {
      const match = NUMBERED.exec(line);
      return match?.[1] === undefined ? [] : [Number(match[1])];
    });
    assert.equal(numbers.length, 51_200);
    assert.ok(numbers.every((n, i) => n === i));
    assert.deepEqual(lines.slice(end - 2, end), ['raw stdout after 51200', 'raw stderr after 51200']);
  });
});
