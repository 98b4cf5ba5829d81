// Lambda's Invoke API as the emulator serves it: invocation types, log tails, qualifiers and
// ARNs, service errors and payload limits. Each call goes over HTTP to a real emulator.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { node, sleep, startEmulator, type Harness } from './emulator-harness';

const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const scratch = mkdtempSync(join(tmpdir(), 'lwb-invoke-api-'));
after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('Invoke API', () => {
  let h: Harness;
  before(async () => {
    h = await startEmulator(
      [
        node('echo', 'handlers.echo'),
        node('context', 'handlers.context', { timeoutSeconds: 7, memoryMB: 256 }),
        node('throws', 'handlers.throws'),
        node('logs', 'handlers.logs'),
        node('large', 'handlers.largeResponse'),
        node('writeFile', 'handlers.writeFile'),
        node('appendThenFail', 'handlers.appendThenFail'),
        node('sleep', 'handlers.sleep', { timeoutSeconds: 5 }),
      ],
      { asyncRetryDelayMs: 50, concurrency: 2 },
    );
  });
  after(() => h.stop());

  test('GET / answers once the emulator is ready, listing its functions', async () => {
    const response = await fetch(`${h.server.url}/`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { status: string; functions: string[] };
    assert.equal(body.status, 'ready');
    assert.ok(body.functions.includes('echo'));
  });

  test('RequestResponse returns the payload with Lambda headers', async () => {
    const result = await h.invoke('echo', { hello: 'world', n: [1, 2] });
    assert.equal(result.status, 200);
    assert.deepEqual(result.json(), { hello: 'world', n: [1, 2] });
    assert.match(result.headers.get('x-amzn-requestid') ?? '', REQUEST_ID);
    assert.equal(result.headers.get('x-amz-executed-version'), '$LATEST');
    assert.equal(result.headers.get('x-amz-function-error'), null);
    assert.equal(result.headers.get('content-type'), 'application/json');
  });

  test('an empty payload is the event {}', async () => {
    const result = await h.invoke('echo', undefined, { raw: '' });
    assert.equal(result.status, 200);
    assert.deepEqual(result.json(), {});
  });

  test('the context carries the request id, ARN, memory, log names and deadline', async () => {
    const result = await h.invoke('context');
    const context = result.json<Record<string, unknown>>();
    assert.equal(context['awsRequestId'], result.headers.get('x-amzn-requestid'));
    assert.equal(context['functionName'], 'context');
    assert.equal(context['functionVersion'], '$LATEST');
    assert.equal(context['memoryLimitInMB'], '256');
    assert.equal(context['logGroupName'], '/aws/lambda/context');
    assert.match(String(context['logStreamName']), /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.equal(context['invokedFunctionArn'], 'arn:aws:lambda:us-east-1:123456789012:function:context');
    assert.ok(Number(context['remainingMs']) > 6000 && Number(context['remainingMs']) <= 7000);
    assert.match(String(context['traceId']), /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
    assert.equal(context['callbackWaitsForEmptyEventLoop'], true);
    assert.equal(context['cwd'], join(__dirname, '../fixtures/functions/node'));
  });

  test('a qualifier or an ARN addresses the function; the invoked ARN keeps the qualifier', async () => {
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:context';
    for (const [name, qualifier, expectedArn] of [
      ['context:$LATEST', undefined, `${arn}:$LATEST`],
      ['context', '$LATEST', `${arn}:$LATEST`],
      [arn, undefined, arn],
      ['123456789012:function:context', undefined, arn],
    ] as const) {
      const result = await h.invoke(name, {}, qualifier === undefined ? {} : { qualifier });
      assert.equal(result.status, 200, name);
      assert.equal(result.json<{ invokedFunctionArn: string }>().invokedFunctionArn, expectedArn, name);
    }
  });

  test('a client context reaches context.clientContext; a malformed one is refused', async () => {
    const clientContext = { custom: { tenant: 'acme' }, env: { locale: 'en' } };
    const result = await h.invoke(
      'context',
      {},
      {
        headers: { 'X-Amz-Client-Context': Buffer.from(JSON.stringify(clientContext)).toString('base64') },
      },
    );
    assert.deepEqual(result.json<{ clientContext: unknown }>().clientContext, clientContext);
    const bad = await h.invoke(
      'context',
      {},
      { headers: { 'X-Amz-Client-Context': Buffer.from('not json').toString('base64') } },
    );
    assert.equal(bad.status, 400);
    assert.equal(bad.headers.get('x-amzn-errortype'), 'InvalidRequestContentException');
  });

  test("a function error is HTTP 200 with X-Amz-Function-Error: Unhandled and the runtime's error body", async () => {
    const result = await h.invoke('throws');
    assert.equal(result.status, 200);
    assert.equal(result.headers.get('x-amz-function-error'), 'Unhandled');
    const error = result.json<{ errorType: string; errorMessage: string; trace: string[] }>();
    assert.equal(error.errorType, 'Error');
    assert.equal(error.errorMessage, 'boom');
    assert.equal(error.trace[0], 'Error: boom');
    assert.ok(error.trace.some((line) => line.includes('handlers.js')));
  });

  test("LogType Tail returns the invocation's log: START, output, END, REPORT", async () => {
    const result = await h.invoke('logs', {}, { headers: { 'X-Amz-Log-Type': 'Tail' } });
    const id = result.headers.get('x-amzn-requestid') ?? '';
    const lines = result.log.trimEnd().split('\n');
    assert.equal(lines[0], `START RequestId: ${id} Version: $LATEST`);
    assert.match(result.log, new RegExp(`\\t${id}\\tINFO\\tinfo line { a: 1 }\\n`));
    assert.match(result.log, new RegExp(`\\t${id}\\tWARN\\twarn line\\n`));
    assert.match(result.log, new RegExp(`\\t${id}\\tINFO\\tmulti\\nline\\n`), 'a multi-line message stays one record');
    assert.ok(lines.includes(`END RequestId: ${id}`));
    assert.match(
      lines.at(-1) ?? '',
      /^REPORT RequestId: \S+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\t/,
    );
  });

  test('the log tail is the last 4 KB of a long log', async () => {
    const result = await h.invoke('logs', { filler: 200 }, { headers: { 'X-Amz-Log-Type': 'Tail' } });
    assert.ok(Buffer.byteLength(result.log) <= 4096);
    assert.ok(Buffer.byteLength(result.log) > 3900);
    assert.match(result.log, /REPORT RequestId: /);
    assert.doesNotMatch(result.log, /START RequestId/);
  });

  test('without LogType Tail there is no log header', async () => {
    const result = await h.invoke('echo');
    assert.equal(result.headers.get('x-amz-log-result'), null);
  });

  test('DryRun checks the function and answers 204 without running it', async () => {
    const before = h.records.length;
    const result = await h.invoke('echo', {}, { headers: { 'X-Amz-Invocation-Type': 'DryRun' } });
    assert.equal(result.status, 204);
    assert.equal(result.body.length, 0);
    assert.equal(h.records.length, before, 'nothing ran');
  });

  test('Event answers 202 at once and runs the function in the background', async () => {
    const path = join(scratch, 'event.json');
    const result = await h.invoke('writeFile', { path, from: 'event' }, { headers: { 'X-Amz-Invocation-Type': 'Event' } });
    assert.equal(result.status, 202);
    assert.equal(result.body.length, 0);
    assert.match(result.headers.get('x-amzn-requestid') ?? '', REQUEST_ID);
    for (let i = 0; i < 100 && !existsSync(path); i++) await sleep(50);
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { path, from: 'event' });
  });

  test('a failing Event invocation is retried twice, as Lambda does', async () => {
    const path = join(scratch, 'retries.log');
    const result = await h.invoke('appendThenFail', { path }, { headers: { 'X-Amz-Invocation-Type': 'Event' } });
    assert.equal(result.status, 202);
    for (let i = 0; i < 100 && (!existsSync(path) || readFileSync(path, 'utf8').split('\n').length < 4); i++) await sleep(50);
    await sleep(200);
    assert.equal(readFileSync(path, 'utf8').trim().split('\n').length, 3, 'one attempt and two retries');
  });

  test('an unknown function is 404 ResourceNotFoundException, in header and body', async () => {
    const result = await h.invoke('nope');
    assert.equal(result.status, 404);
    assert.equal(result.headers.get('x-amzn-errortype'), 'ResourceNotFoundException');
    const body = result.json<{ Type: string; Message: string }>();
    assert.equal(body.Type, 'User');
    assert.equal(body.Message, 'Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope:$LATEST');
  });

  test('a version or alias that does not exist locally is 404', async () => {
    const result = await h.invoke('echo', {}, { qualifier: 'prod' });
    assert.equal(result.status, 404);
    assert.match(result.json<{ Message: string }>().Message, /function:echo:prod$/);
  });

  test('a payload that is not JSON is 400 InvalidRequestContentException, and nothing runs', async () => {
    const before = h.records.length;
    const result = await h.invoke('echo', undefined, { raw: '{"unterminated": ' });
    assert.equal(result.status, 400);
    assert.equal(result.headers.get('x-amzn-errortype'), 'InvalidRequestContentException');
    assert.match(result.json<{ Message: string }>().Message, /^Could not parse request body into json: /);
    assert.equal(h.records.length, before);
  });

  test('a synchronous payload over 6 MB is 413 RequestEntityTooLargeException', async () => {
    const result = await h.invoke('echo', undefined, { raw: `"${'x'.repeat(6 * 1024 * 1024)}"` });
    assert.equal(result.status, 413);
    assert.equal(result.headers.get('x-amzn-errortype'), 'RequestEntityTooLargeException');
  });

  test('an Event payload over 1 MB is 413, though it would fit a synchronous call', async () => {
    const raw = `"${'x'.repeat(1024 * 1024 + 10)}"`;
    const result = await h.invoke('echo', undefined, { raw, headers: { 'X-Amz-Invocation-Type': 'Event' } });
    assert.equal(result.status, 413);
    const sync = await h.invoke('echo', undefined, { raw });
    assert.equal(sync.status, 200);
    assert.equal(sync.body.length, raw.length);
  });

  test('a response over 6 MB fails as Function.ResponseSizeTooLarge', async () => {
    const result = await h.invoke('large');
    assert.equal(result.status, 200);
    assert.equal(result.headers.get('x-amz-function-error'), 'Unhandled');
    assert.deepEqual(result.json(), {
      errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
      errorType: 'Function.ResponseSizeTooLarge',
    });
  });

  test('an unknown invocation type is a 400, not a run', async () => {
    const result = await h.invoke('echo', {}, { headers: { 'X-Amz-Invocation-Type': 'Sometimes' } });
    assert.equal(result.status, 400);
    assert.equal(result.headers.get('x-amzn-errortype'), 'InvalidParameterValueException');
  });

  test('past the concurrency limit an invocation is throttled with 429 TooManyRequestsException', async () => {
    const slow = [h.invoke('sleep', { ms: 800 }), h.invoke('sleep', { ms: 800 })];
    await sleep(300);
    const third = await h.invoke('sleep', { ms: 10 });
    assert.equal(third.status, 429);
    assert.equal(third.headers.get('x-amzn-errortype'), 'TooManyRequestsException');
    assert.equal(third.json<{ Reason: string }>().Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
    for (const result of await Promise.all(slow)) assert.equal(result.status, 200);
  });

  test('an unknown path is answered as an unknown operation', async () => {
    const response = await fetch(`${h.server.url}/2015-03-31/functions`, { method: 'GET' });
    assert.equal(response.status, 404);
    assert.equal(response.headers.get('x-amzn-errortype'), 'UnknownOperationException');
  });
});
