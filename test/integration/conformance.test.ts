// The official runtime interface clients, unmodified, against the emulator's Runtime API: AWS's
// Node.js client (npm aws-lambda-ric), Python client (PyPI awslambdaric) and a Go function built
// with github.com/aws/aws-lambda-go. Where the emulator has its own bootstrap (Node.js, Python),
// the same handler code must give the same results under both.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FUNCTIONS, fn, startEmulator, type Harness, type HttpInvocation } from './emulator-harness';

const root = join(__dirname, '../..');
const nodeRic = join(root, '.cache/ric-node/node_modules/aws-lambda-ric/bin/index.mjs');
const venvPython = join(root, '.cache/venv/bin/python');
const scratch = mkdtempSync(join(tmpdir(), 'lwb-conformance-'));
after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function omit(record: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !keys.includes(key)));
}

/** Function names cannot hold dots; handler paths can. */
function nameOf(handler: string): string {
  return handler.replaceAll('.', '-');
}

/** A copy of a fixture folder with a `bootstrap` that starts an official client on `$_HANDLER`. */
function withBootstrap(fixture: string, command: string): string {
  const dir = join(scratch, `${fixture}-official`);
  cpSync(join(FUNCTIONS, fixture), dir, { recursive: true });
  writeFileSync(join(dir, 'bootstrap'), `#!/bin/sh\nexec ${command} "$_HANDLER"\n`);
  chmodSync(join(dir, 'bootstrap'), 0o755);
  return dir;
}

function requireInstalled(path: string, what: string): void {
  assert.ok(
    existsSync(path),
    `${what} is not installed at ${path}; run "npm run setup" (it installs the official runtime clients).`,
  );
}

/** The parts of two results that must agree: status, function error, and the payload without request-specific values. */
function comparable(result: HttpInvocation, strip: (payload: unknown) => unknown = (p) => p) {
  let payload: unknown;
  try {
    payload = strip(result.json());
  } catch {
    payload = result.text;
  }
  return { status: result.status, functionError: result.headers.get('x-amz-function-error'), payload };
}

describe('the official Node.js runtime client (aws-lambda-ric) gives the same results as ours', () => {
  let h: Harness;
  const handlers = [
    'echo',
    'context',
    'throws',
    'throwsCustom',
    'throwsString',
    'syncThrows',
    'callbackWaits',
    'callbackError',
    'callbackTwice',
    'contextSucceed',
    'neverSettles',
    'nested.deeper.fn',
    'nope',
    'notAFunction',
  ];
  before(async () => {
    requireInstalled(nodeRic, 'aws-lambda-ric');
    const official = withBootstrap('node', `"${process.execPath}" "${nodeRic}"`);
    h = await startEmulator(
      handlers.flatMap((handler) => [
        fn(`ours-${nameOf(handler)}`, 'nodejs20.x', join(FUNCTIONS, 'node'), `handlers.${handler}`),
        fn(`official-${nameOf(handler)}`, 'provided.al2023', official, `handlers.${handler}`),
      ]),
      { concurrency: 2 },
    );
  });
  after(() => h.stop());

  const stripContext = (payload: unknown) => {
    const rest = omit(payload as Record<string, unknown>, ['awsRequestId', 'remainingMs', 'traceId', 'logStreamName', 'cwd']);
    // The names differ (ours-x / official-x); everything else about the ARN and log group must match.
    const unnamed = (value: unknown) => String(value).replace(/(ours|official)-/, '');
    return {
      ...rest,
      invokedFunctionArn: unnamed(rest['invokedFunctionArn']),
      logGroupName: unnamed(rest['logGroupName']),
      functionName: '',
    };
  };
  const stripTrace = (payload: unknown) => {
    if (payload === null || typeof payload !== 'object' || !('trace' in payload)) return payload;
    const { trace, ...rest } = payload as { trace: string[] };
    // Stack frames name each runtime's own files; the first line (type and message) must match.
    return { ...rest, firstTraceLine: trace[0] };
  };

  for (const handler of handlers) {
    test(`handlers.${handler}`, async () => {
      const payload = { probe: handler, nested: { n: 1 } };
      const [ours, official] = await Promise.all([
        h.invoke(`ours-${nameOf(handler)}`, payload),
        h.invoke(`official-${nameOf(handler)}`, payload),
      ]);
      const strip = handler === 'context' ? stripContext : stripTrace;
      assert.deepEqual(comparable(ours, strip), comparable(official, strip));
    });
  }

  test("the context's request id is the Invoke API's, and the deadline follows the timeout", async () => {
    const result = await h.invoke('official-context');
    const context = result.json<{ awsRequestId: string; remainingMs: number }>();
    assert.equal(context.awsRequestId, result.headers.get('x-amzn-requestid'));
    assert.ok(context.remainingMs > 2000 && context.remainingMs <= 3000);
  });

  test('console lines have the same format', async () => {
    const tail = { headers: { 'X-Amz-Log-Type': 'Tail' } };
    const line = (log: string, id: string) =>
      log
        .split('\n')
        .find((l) => l.includes('Invoke Error'))
        ?.replace(id, '<id>')
        .replace(/^\S+/, '<time>')
        .replace(/"stack":\[.*$/, '');
    const ours = await h.invoke('ours-throws', {}, tail);
    const official = await h.invoke('official-throws', {}, tail);
    assert.equal(
      line(ours.log, ours.headers.get('x-amzn-requestid') ?? ''),
      line(official.log, official.headers.get('x-amzn-requestid') ?? ''),
    );
  });
});

describe('the official Python runtime client (awslambdaric) gives the same results as ours', () => {
  let h: Harness;
  const handlers = ['echo', 'context_fields', 'raises', 'returns_none', 'returns_decimal', 'unserializable', 'nope'];
  before(async () => {
    requireInstalled(venvPython, 'The Python venv with awslambdaric');
    const official = withBootstrap('python', `"${venvPython}" -m awslambdaric`);
    h = await startEmulator(
      handlers.flatMap((handler) => [
        fn(`ours-${handler}`, 'python3.11', join(FUNCTIONS, 'python'), `handlers.${handler}`),
        fn(`official-${handler}`, 'provided.al2023', official, `handlers.${handler}`),
      ]),
    );
  });
  after(() => h.stop());

  const strip = (payload: unknown) => {
    if (payload === null || typeof payload !== 'object') return payload;
    const copy = omit(payload as Record<string, unknown>, [
      'aws_request_id',
      'remaining_ms',
      'trace_id',
      'log_stream_name',
      'cwd',
      'requestId',
    ]);
    if (typeof copy['function_name'] === 'string') copy['function_name'] = '';
    if (typeof copy['log_group_name'] === 'string') copy['log_group_name'] = '';
    if (typeof copy['invoked_function_arn'] === 'string') copy['invoked_function_arn'] = '';
    // Frames name each copy's own file path; their number and functions must match.
    if (Array.isArray(copy['stackTrace']))
      copy['stackTrace'] = (copy['stackTrace'] as string[]).map((f) => f.replace(/File ".*\//, 'File "'));
    return copy;
  };

  for (const handler of handlers) {
    test(`handlers.${handler}`, async () => {
      const [ours, official] = await Promise.all([
        h.invoke(`ours-${handler}`, { probe: handler }),
        h.invoke(`official-${handler}`, { probe: handler }),
      ]);
      assert.deepEqual(comparable(ours, strip), comparable(official, strip));
    });
  }
});

describe('a Go function built with aws-lambda-go runs as provided.al2023', () => {
  let h: Harness;
  before(async () => {
    const dir = join(scratch, 'go');
    const source = join(FUNCTIONS, 'go');
    try {
      execFileSync('go', ['build', '-o', join(dir, 'bootstrap'), '.'], {
        cwd: source,
        env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' },
        stdio: 'pipe',
        timeout: 300_000,
      });
    } catch (error) {
      const detail = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
      assert.fail(`Building the Go conformance function failed (is Go installed? "npm run setup" installs it): ${detail}`);
    }
    h = await startEmulator([fn('GoFunction', 'provided.al2023', dir, 'bootstrap')]);
  });
  after(() => h.stop());

  test('the event and the context reach the handler; the reply comes back', async () => {
    const result = await h.invoke('GoFunction', { message: 'hello from go' });
    assert.equal(result.status, 200);
    assert.deepEqual(result.json(), {
      message: 'hello from go',
      requestId: result.headers.get('x-amzn-requestid'),
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:GoFunction',
      functionName: 'GoFunction',
      hasDeadline: true,
    });
  });

  test("an error is reported in the Go client's shape", async () => {
    const result = await h.invoke('GoFunction', { fail: true, message: 'go failed' });
    assert.equal(result.headers.get('x-amz-function-error'), 'Unhandled');
    assert.deepEqual(result.json(), { errorMessage: 'go failed', errorType: 'errorString' });
  });

  test('a warm Go environment serves invocation after invocation', async () => {
    for (let i = 0; i < 20; i++) {
      const result = await h.invoke('GoFunction', { message: `n${i}` });
      assert.equal(result.json<{ message: string }>().message, `n${i}`);
    }
  });
});
