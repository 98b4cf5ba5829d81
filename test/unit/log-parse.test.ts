// Reading Lambda log messages: platform lines, the runtimes' text formats, JSON formats, and the
// grouping of records into invocations. The platform lines come from the same module the emulator
// writes them with, and the runtime lines are the formats of LAMBDA-SPEC.md.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvocationGroups, describeInvocation } from '../../src/core/logs/invocations';
import { parseLogMessage } from '../../src/core/logs/parse';
import { endLine, reportLine, startLine, timeoutLine } from '../../src/core/logs/platform';

const ID = '8f5c1a2e-3b4d-4e6f-9a0b-1c2d3e4f5a6b';

describe('parseLogMessage', () => {
  test('START, END and REPORT, with the cold start', () => {
    assert.deepEqual(parseLogMessage(`${startLine(ID, '3')}\n`), {
      kind: 'start',
      text: startLine(ID, '3'),
      requestId: ID,
      version: '3',
    });
    assert.equal(parseLogMessage(endLine(ID)).requestId, ID);
    const report = parseLogMessage(
      reportLine({
        requestId: ID,
        durationMs: 12.3,
        billedDurationMs: 13,
        memorySizeMB: 128,
        maxMemoryUsedMB: 70,
        initDurationMs: 180.5,
      }),
    );
    assert.equal(report.kind, 'report');
    assert.equal(report.report?.initDurationMs, 180.5);
    assert.equal(report.report?.maxMemoryUsedMB, 70);
  });

  test('the Node.js format: time, request id, level and a multi-line message', () => {
    const parsed = parseLogMessage(`2026-11-22T10:00:00.123Z\t${ID}\tWARN\tretrying\rattempt 2\n`);
    assert.deepEqual(parsed, { kind: 'message', text: 'retrying\nattempt 2', requestId: ID, level: 'WARN' });
    assert.equal(parseLogMessage('2026-11-22T10:00:00.123Z\tundefined\tINFO\tcold init').requestId, undefined);
  });

  test('a Node.js "Invoke Error" carries its JSON details', () => {
    const parsed = parseLogMessage(
      `2026-11-22T10:00:00.123Z\t${ID}\tERROR\tInvoke Error \t{"errorType":"Error","errorMessage":"boom","stack":["Error: boom"]}`,
    );
    assert.equal(parsed.level, 'ERROR');
    assert.deepEqual(parsed.json, { errorType: 'Error', errorMessage: 'boom', stack: ['Error: boom'] });
  });

  test('the Python format, and its uncaught error lines', () => {
    assert.deepEqual(parseLogMessage(`[INFO]\t2026-11-22T10:00:00.123Z\t${ID}\tloaded 3 items\n`), {
      kind: 'message',
      text: 'loaded 3 items',
      requestId: ID,
      level: 'INFO',
    });
    const uncaught = parseLogMessage("[ERROR] Runtime.ImportModuleError: Unable to import module 'app': No module named 'x'");
    assert.equal(uncaught.level, 'ERROR');
    assert.match(uncaught.text, /^Runtime\.ImportModuleError/);
  });

  test("Lambda's JSON format: application records and platform records", () => {
    const app = parseLogMessage(
      JSON.stringify({ timestamp: '2026-11-22T10:00:00Z', level: 'ERROR', requestId: ID, message: { order: 7 } }),
    );
    assert.deepEqual([app.kind, app.level, app.requestId, app.text], ['message', 'ERROR', ID, '{"order":7}']);
    const report = parseLogMessage(
      JSON.stringify({
        time: '2026-11-22T10:00:01Z',
        type: 'platform.report',
        record: {
          requestId: ID,
          status: 'timeout',
          metrics: { durationMs: 3000, billedDurationMs: 3000, memorySizeMB: 128, maxMemoryUsedMB: 60 },
        },
      }),
    );
    assert.deepEqual([report.kind, report.report?.status, report.level], ['report', 'timeout', 'ERROR']);
    const start = parseLogMessage(JSON.stringify({ type: 'platform.start', record: { requestId: ID, version: '$LATEST' } }));
    assert.deepEqual([start.kind, start.version], ['start', '$LATEST']);
  });

  test('Powertools-style structured lines keep their fields', () => {
    const parsed = parseLogMessage(
      JSON.stringify({ level: 'WARNING', message: 'slow', service: 'orders', function_request_id: ID, cold_start: true }),
    );
    assert.deepEqual([parsed.level, parsed.text, parsed.requestId, parsed.json?.['service']], ['WARN', 'slow', ID, 'orders']);
  });

  test('timeouts and crashes are errors of their invocation', () => {
    const timeout = parseLogMessage(timeoutLine(ID, 3, new Date('2026-11-22T10:00:03Z')));
    assert.deepEqual([timeout.kind, timeout.requestId, timeout.level], ['timeout', ID, 'ERROR']);
    const crash = parseLogMessage(`RequestId: ${ID} Error: Runtime exited with error: signal: killed\nRuntime.ExitError`);
    assert.deepEqual([crash.kind, crash.requestId, crash.level], ['crash', ID, 'ERROR']);
  });

  test('anything else stays a plain message, nothing is lost', () => {
    assert.deepEqual(parseLogMessage('hello from print()'), { kind: 'message', text: 'hello from print()' });
    assert.deepEqual(parseLogMessage('{not json'), { kind: 'message', text: '{not json' });
  });
});

describe('InvocationGroups', () => {
  test('sums up an invocation from its records, in any order', () => {
    const groups = new InvocationGroups();
    const lines = [
      reportLine({
        requestId: ID,
        durationMs: 152.4,
        billedDurationMs: 153,
        memorySizeMB: 128,
        maxMemoryUsedMB: 64,
        initDurationMs: 210,
      }),
      startLine(ID),
      `2026-11-22T10:00:00.123Z\t${ID}\tERROR\tfailed to charge`,
      endLine(ID),
    ];
    for (const [index, line] of lines.entries()) groups.add(parseLogMessage(line), 1000 + index);
    const summary = groups.get(ID);
    assert.ok(summary);
    assert.equal(summary.records, 4);
    assert.equal(summary.version, '$LATEST');
    assert.equal(describeInvocation(summary), '152.4 ms · 64/128 MB · cold start 210 ms · error');
    assert.equal(groups.add(parseLogMessage('INIT_START Runtime Version: nodejs:20.v22'), 999), undefined);
  });

  test('a running invocation and a timed-out one read as such', () => {
    const groups = new InvocationGroups();
    const running = groups.add(parseLogMessage(startLine(ID)), 1);
    assert.ok(running);
    assert.equal(describeInvocation(running), 'running');
    groups.add(parseLogMessage(timeoutLine(ID, 3)), 2);
    assert.match(describeInvocation(running), /timed out/);
  });
});
