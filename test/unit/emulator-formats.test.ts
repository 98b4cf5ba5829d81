import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseFunctionName, newLogStreamName, newTraceId } from '../../src/core/emulator/identifiers';
import { logTail } from '../../src/core/emulator/emulator';
import { exitError, timedOutError } from '../../src/core/emulator/lambda-errors';
import { parseEnvFile } from '../../src/core/env-file';
import { configProblems } from '../../src/core/function-config';
import { billedDuration, parseReportLine, reportLine } from '../../src/core/logs/platform';

describe('function names', () => {
  test('every form Invoke accepts', () => {
    assert.deepEqual(parseFunctionName('fn'), { name: 'fn' });
    assert.deepEqual(parseFunctionName('fn:prod'), { name: 'fn', qualifier: 'prod' });
    assert.deepEqual(parseFunctionName('fn:$LATEST'), { name: 'fn', qualifier: '$LATEST' });
    assert.deepEqual(parseFunctionName('123456789012:function:fn:7'), { name: 'fn', qualifier: '7', accountId: '123456789012' });
    assert.deepEqual(parseFunctionName('arn:aws:lambda:eu-west-1:123456789012:function:fn'), {
      name: 'fn',
      region: 'eu-west-1',
      accountId: '123456789012',
    });
    for (const bad of ['', 'a b', 'fn:with:colons', 'arn:aws:s3:::bucket', 'x'.repeat(141)]) {
      assert.equal(parseFunctionName(bad), undefined, bad);
    }
  });

  test("trace ids and log stream names have Lambda's shapes", () => {
    assert.match(newTraceId(Date.UTC(2026, 0, 1)), /^Root=1-6955b900-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
    assert.match(newLogStreamName(new Date(Date.UTC(2026, 10, 22))), /^2026\/11\/22\/\[\$LATEST\][0-9a-f]{32}$/);
  });
});

describe('platform lines', () => {
  test('REPORT: written and read back, trailing tab included; Init Duration only when given', () => {
    const metrics = {
      requestId: 'r-1',
      durationMs: 12.345,
      billedDurationMs: 13,
      memorySizeMB: 128,
      maxMemoryUsedMB: 64,
      initDurationMs: 150.5,
    };
    const line = reportLine(metrics);
    assert.equal(
      line,
      'REPORT RequestId: r-1\tDuration: 12.35 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\tInit Duration: 150.50 ms\t',
    );
    assert.deepEqual(parseReportLine(line), { ...metrics, durationMs: 12.35, initDurationMs: 150.5 });
    const warm = reportLine({ ...metrics, initDurationMs: undefined as never });
    assert.doesNotMatch(warm, /Init Duration/);
    assert.equal(parseReportLine('START RequestId: r-1 Version: $LATEST'), undefined);
  });

  test('a real Lambda REPORT line with a status', () => {
    const parsed = parseReportLine(
      'REPORT RequestId: 5a9b\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 80 MB\tStatus: timeout',
    );
    assert.ok(parsed);
    assert.equal(parsed.status, 'timeout');
    assert.equal(parsed.maxMemoryUsedMB, 80);
  });

  test('billed duration rounds up to the millisecond, at least 1', () => {
    assert.deepEqual([0.2, 1, 1.01, 99.999].map(billedDuration), [1, 1, 2, 100]);
  });

  test("the platform's error payloads", () => {
    assert.deepEqual(JSON.parse(timedOutError('id', 3).toString()), {
      errorType: 'Sandbox.Timedout',
      errorMessage: 'RequestId: id Error: Task timed out after 3.00 seconds',
    });
    assert.match(exitError('id', { code: 129, signal: null }).toString(), /Runtime exited with error: exit status 129/);
    assert.match(exitError('id', { code: null, signal: 'SIGKILL' }, true).toString(), /"Runtime.OutOfMemory".*signal: killed/);
  });

  test('the log tail is at most 4 KB and never splits a character', () => {
    const records = Array.from({ length: 200 }, (_, i) => ({
      timestamp: 0,
      functionName: 'f',
      message: `ééé line ${i}`,
      source: 'function' as const,
    }));
    const tail = Buffer.from(logTail(records), 'base64');
    assert.ok(tail.length <= 4096);
    assert.doesNotMatch(tail.toString('utf8'), /\uFFFD/);
    assert.match(tail.toString('utf8'), /line 199\n$/);
  });
});

describe('configuration checks', () => {
  const base = {
    name: 'f',
    runtime: 'nodejs20.x',
    handler: 'a.b',
    codeDir: '/x',
    timeoutSeconds: 3,
    memoryMB: 128,
    environment: {},
  } as const;
  test('a valid configuration has no problems', () => {
    assert.deepEqual(configProblems(base), []);
  });
  test('limits, reserved variables and the 4 KB environment', () => {
    const problems = configProblems({
      ...base,
      timeoutSeconds: 901,
      memoryMB: 64,
      environment: { AWS_REGION: 'x', BIG: 'x'.repeat(5000) },
    });
    assert.equal(problems.length, 4);
    assert.match(problems.join('\n'), /Timeout 901 .* 1 to 900/);
    assert.match(problems.join('\n'), /MemorySize 64 .* 128 to 10240/);
    assert.match(problems.join('\n'), /AWS_REGION are reserved/);
    assert.match(problems.join('\n'), /over Lambda's limit of 4096/);
  });
});

describe('.env files', () => {
  test('quotes, export, comments and escapes', () => {
    assert.deepEqual(
      parseEnvFile(
        '# comment\nA=1\nexport B = two words # trailing\nC="quoted # not a comment"\nD=\'single\'\nE="line\\nbreak"\n\nnot a pair\n',
      ),
      {
        variables: { A: '1', B: 'two words', C: 'quoted # not a comment', D: 'single', E: 'line\nbreak' },
        skippedLines: [8],
      },
    );
  });
});
